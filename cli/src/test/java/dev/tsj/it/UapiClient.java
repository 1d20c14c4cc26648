package dev.tsj.it;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Speaks the UAPI directly, for what this machine's {@code wg} (wireguard-tools 1.0.20210914)
 * cannot say, such as removing one allowed IP with {@code allowed_ip=-CIDR}. The socket is a
 * file, so it is reachable from the test's own namespace.
 */
final class UapiClient {
    private UapiClient() {}

    /** Sends {@code set=1} with {@code lines}; returns the errno the daemon answered (0 is success). */
    static int set(Path socket, List<String> lines) {
        StringBuilder req = new StringBuilder("set=1\n");
        lines.forEach(l -> req.append(l).append('\n'));
        req.append('\n');
        List<String> answer = exchange(socket, req.toString());
        for (String l : answer) {
            if (l.startsWith("errno=")) {
                return Integer.parseInt(l.substring("errno=".length()));
            }
        }
        throw new AssertionError("no errno in UAPI answer from " + socket + ": " + answer);
    }

    private static List<String> exchange(Path socket, String request) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            ch.connect(UnixDomainSocketAddress.of(socket));
            Writer out = Channels.newWriter(ch, StandardCharsets.UTF_8);
            out.write(request);
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(ch), StandardCharsets.UTF_8));
            List<String> lines = new ArrayList<>();
            String line;
            while ((line = in.readLine()) != null && !line.isEmpty()) {
                lines.add(line);
            }
            return lines;
        } catch (IOException e) {
            throw new UncheckedIOException("UAPI exchange with " + socket, e);
        }
    }
}
