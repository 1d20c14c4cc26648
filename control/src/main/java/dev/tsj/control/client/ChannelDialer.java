package dev.tsj.control.client;

import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.http.HttpHead;
import dev.tsj.control.noise.HandshakeException;
import dev.tsj.control.noise.NoiseChannel;
import dev.tsj.control.noise.NoiseIK;
import dev.tsj.control.noise.NoiseSpec;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Opens connections to the control server's front door: the plain {@code GET /key}, and
 * the upgrade to an encrypted channel (Noise IK, our machine key against the server's).
 */
final class ChannelDialer {
    private final URI server;
    private final ClientOptions options;

    ChannelDialer(URI server, ClientOptions options) throws ControlException {
        if (!"http".equalsIgnoreCase(server.getScheme()) || server.getHost() == null) {
            throw new ControlException(ErrorCode.BAD_REQUEST, "login server must be an http://host:port URL"
                    + " (the control channel is encrypted end to end by Noise): " + server);
        }
        this.server = server;
        this.options = options;
    }

    private Socket connect() throws ControlException {
        int port = server.getPort() > 0 ? server.getPort() : 80;
        Socket s = new Socket();
        try {
            s.connect(new InetSocketAddress(server.getHost(), port), (int) options.connectTimeout().toMillis());
            s.setSoTimeout((int) options.connectTimeout().toMillis());
            s.setTcpNoDelay(true);
            return s;
        } catch (IOException e) {
            closeQuietly(s);
            throw unreachable(e);
        }
    }

    ControlException unreachable(IOException e) {
        return new ControlException(ErrorCode.UNAVAILABLE, "cannot reach control server " + server + ": "
                + (e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage()));
    }

    /** GET /key: the server's public key. */
    PublicKey fetchServerKey() throws ControlException {
        Socket s = connect();
        try (s) {
            OutputStream out = s.getOutputStream();
            out.write(("GET /key HTTP/1.1\r\nHost: " + hostHeader() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            HttpHead head = HttpHead.read(s.getInputStream());
            String body = readBody(head, s.getInputStream());
            if (!head.second().equals("200")) {
                throw new ControlException(ErrorCode.UNAVAILABLE, "control server " + server + " answered /key with "
                        + head.second() + ": " + body.strip());
            }
            var json = dev.tsj.control.api.ApiJson.MAPPER.readTree(body);
            String key = json.path("publicKey").asText("");
            try {
                return PublicKey.fromBase64(key);
            } catch (IllegalArgumentException e) {
                throw new ControlException(ErrorCode.UNAVAILABLE, server + " is not a tsj control server (bad /key)");
            }
        } catch (IOException e) {
            throw unreachable(e);
        }
    }

    /** Opens an encrypted channel; the returned channel's socket has no read timeout set. */
    NoiseChannel open(PrivateKey machineKey, PublicKey serverKey) throws ControlException {
        Socket s = connect();
        try {
            NoiseIK.Initiator hs = new NoiseIK.Initiator(machineKey, serverKey);
            byte[] msg1 = hs.writeMessage1(new byte[0]);
            OutputStream out = s.getOutputStream();
            out.write(("POST " + NoiseSpec.CONTROL_PATH + " HTTP/1.1\r\nHost: " + hostHeader()
                    + "\r\nUpgrade: " + NoiseSpec.UPGRADE_TOKEN + "\r\nConnection: Upgrade\r\n"
                    + NoiseSpec.HANDSHAKE_HEADER + ": " + Base64.getEncoder().encodeToString(msg1)
                    + "\r\nContent-Length: 0\r\n\r\n").getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream raw = s.getInputStream();
            HttpHead head = HttpHead.read(raw);
            InputStream in = head.leftover().length == 0 ? raw
                    : new SequenceInputStream(new ByteArrayInputStream(head.leftover()), raw);
            if (!head.second().equals("101")) {
                String body = readBody(head, raw).strip();
                throw new ControlException(ErrorCode.UNAVAILABLE, "control server " + server
                        + " refused the channel: " + head.second() + " " + body);
            }
            NoiseIK.Transport t = hs.readMessage2(NoiseChannel.readHandshakeFrame(in));
            s.setSoTimeout(0);
            return new NoiseChannel(in, out, s, t);
        } catch (HandshakeException e) {
            closeQuietly(s);
            throw new ControlException(ErrorCode.UNAVAILABLE, "control server handshake failed: " + e.getMessage());
        } catch (IOException e) {
            closeQuietly(s);
            throw unreachable(e);
        } catch (ControlException e) {
            closeQuietly(s);
            throw e;
        }
    }

    private String hostHeader() {
        return server.getPort() > 0 ? server.getHost() + ":" + server.getPort() : server.getHost();
    }

    private static String readBody(HttpHead head, InputStream in) throws IOException {
        int len;
        try {
            len = Integer.parseInt(head.header("content-length") == null ? "0" : head.header("content-length"));
        } catch (NumberFormatException e) {
            len = 0;
        }
        len = Math.min(Math.max(len, 0), 4096);
        byte[] lead = head.leftover();
        byte[] rest = in.readNBytes(Math.max(0, len - lead.length));
        byte[] all = new byte[Math.min(len, lead.length) + rest.length];
        System.arraycopy(lead, 0, all, 0, Math.min(len, lead.length));
        System.arraycopy(rest, 0, all, Math.min(len, lead.length), rest.length);
        return new String(all, StandardCharsets.UTF_8);
    }

    private static void closeQuietly(Socket s) {
        try {
            s.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }
}
