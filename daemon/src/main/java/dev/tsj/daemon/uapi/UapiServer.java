package dev.tsj.daemon.uapi;

import dev.tsj.daemon.wg.Device;
import java.io.BufferedReader;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.logging.Logger;

/**
 * The UAPI socket, {@code /var/run/wireguard/NAME.sock}, where {@code wg} finds userspace
 * WireGuard implementations. The directory is 0755 and the socket 0600 (root talks to
 * it); the socket is bound under a private temporary name and renamed into place, so it
 * is never reachable with looser permissions. A socket left by a killed daemon is
 * replaced; one that still answers means the interface is taken.
 */
public final class UapiServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(UapiServer.class.getName());
    public static final Path DEFAULT_DIR = Path.of("/var/run/wireguard");

    private final Path path;
    private final ServerSocketChannel server;
    private final UapiProtocol protocol;
    private final Thread acceptor;

    private UapiServer(Path path, ServerSocketChannel server, UapiProtocol protocol) {
        this.path = path;
        this.server = server;
        this.protocol = protocol;
        this.acceptor = Thread.ofPlatform().daemon().name("uapi-accept").unstarted(this::acceptLoop);
    }

    public static UapiServer start(Path dir, String interfaceName, Device device, UapiProtocol.ChangeGuard guard) throws IOException {
        Files.createDirectories(dir);
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Path path = dir.resolve(interfaceName + ".sock");
        clearStale(path);
        Path tmp = dir.resolve("." + interfaceName + "." + ProcessHandle.current().pid() + ".sock");
        Files.deleteIfExists(tmp);
        ServerSocketChannel ch = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        try {
            ch.bind(UnixDomainSocketAddress.of(tmp));
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
            Files.move(tmp, path, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            ch.close();
            Files.deleteIfExists(tmp);
            throw new IOException("cannot create UAPI socket " + path + ": " + e.getMessage(), e);
        }
        UapiServer s = new UapiServer(path, ch, new UapiProtocol(device, guard));
        s.acceptor.start();
        LOG.info("UAPI listening on " + path);
        return s;
    }

    /** Removes a socket nobody answers on; refuses to touch one that is alive. */
    private static void clearStale(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (SocketChannel probe = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
            throw new IOException("interface already in use: " + path + " answers (is another tsj or wireguard-go running?)");
        } catch (IOException refused) {
            if (refused.getMessage() != null && refused.getMessage().startsWith("interface already in use")) {
                throw refused;
            }
            LOG.info("removing stale UAPI socket " + path);
            Files.deleteIfExists(path);
        }
    }

    public Path path() {
        return path;
    }

    private void acceptLoop() {
        while (server.isOpen()) {
            SocketChannel client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return;
            }
            Thread.ofVirtual().name("uapi-client").start(() -> handle(client));
        }
    }

    private void handle(SocketChannel client) {
        try (client;
             BufferedReader in = new BufferedReader(new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
             BufferedWriter out = new BufferedWriter(new OutputStreamWriter(Channels.newOutputStream(client), StandardCharsets.UTF_8))) {
            protocol.serve(in, out);
        } catch (IOException e) {
            LOG.fine(() -> "uapi client: " + e.getMessage());
        }
    }

    /** Stops accepting and removes the socket file. */
    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // closing anyway
        }
        try {
            Files.deleteIfExists(path);
        } catch (IOException e) {
            LOG.warning("cannot remove " + path + ": " + e.getMessage());
        }
    }
}
