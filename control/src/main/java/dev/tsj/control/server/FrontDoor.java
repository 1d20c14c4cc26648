package dev.tsj.control.server;

import dev.tsj.control.EventLog;
import dev.tsj.control.http.HttpException;
import dev.tsj.control.http.HttpHead;
import dev.tsj.control.http.HttpReplies;
import dev.tsj.control.noise.HandshakeException;
import dev.tsj.control.noise.NoiseChannel;
import dev.tsj.control.noise.NoiseIK;
import dev.tsj.control.noise.NoiseSpec;
import dev.tsj.control.relay.RelayRoutes;
import dev.tsj.crypto.PrivateKey;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * The HTTP front door of the control port: {@code GET /key} (the server's public key, as
 * a node fetches it before the handshake), {@code GET /health}, and the upgrade to the
 * Noise channel ({@code POST /control} with {@code Upgrade: tsj-control-v1} and the
 * node's first handshake message in the {@code Tsj-Handshake} header, saving a round
 * trip). The relay's routes ({@code /relay...}) are {@link RelayRoutes}'.
 */
final class FrontDoor {
    static final int HEAD_TIMEOUT_MS = 10_000;

    private final PrivateKey serverKey;
    private final String keyJson;
    private final ControlConnection.Factory connections;
    private final EventLog log;
    private final RelayRoutes relayRoutes;

    FrontDoor(PrivateKey serverKey, ControlConnection.Factory connections, RelayRoutes relayRoutes, EventLog log) {
        this.relayRoutes = relayRoutes;
        this.serverKey = serverKey;
        this.keyJson = "{\"publicKey\":\"" + serverKey.publicKey().toBase64() + "\",\"protocol\":\""
                + NoiseSpec.UPGRADE_TOKEN + "\"}\n";
        this.connections = connections;
        this.log = log;
    }

    void handle(Socket socket) {
        try (socket) {
            socket.setSoTimeout(HEAD_TIMEOUT_MS);
            socket.setTcpNoDelay(true);
            InputStream in = socket.getInputStream();
            OutputStream out = socket.getOutputStream();
            HttpHead head;
            try {
                head = HttpHead.read(in);
            } catch (HttpException e) {
                if (e.status() != 400 || !"connection closed".equals(e.getMessage())) {
                    HttpReplies.error(out, e.status(), e.getMessage());
                }
                return;
            }
            route(socket, head, in, out);
        } catch (SocketTimeoutException e) {
            // a client that never finished its request
        } catch (IOException e) {
            // the peer went away; nothing to tell anyone
        }
    }

    private void route(Socket socket, HttpHead head, InputStream in, OutputStream out) throws IOException {
        String method = head.first();
        String path = head.second();
        int q = path.indexOf('?');
        if (q >= 0) {
            path = path.substring(0, q);
        }
        if (relayRoutes.route(path, socket, head, in, out)) {
            return;
        }
        switch (path) {
            case "/key" -> {
                if (!method.equals("GET")) {
                    HttpReplies.error(out, 405, "use GET");
                } else {
                    HttpReplies.send(out, 200, "application/json", keyJson);
                }
            }
            case "/health" -> {
                if (!method.equals("GET")) {
                    HttpReplies.error(out, 405, "use GET");
                } else {
                    HttpReplies.send(out, 200, "text/plain", "ok\n");
                }
            }
            case NoiseSpec.CONTROL_PATH -> upgrade(socket, head, in, out);
            default -> HttpReplies.error(out, 404, "not found");
        }
    }

    private void upgrade(Socket socket, HttpHead head, InputStream in, OutputStream out) throws IOException {
        if (!head.first().equals("POST")) {
            HttpReplies.error(out, 405, "use POST with Upgrade: " + NoiseSpec.UPGRADE_TOKEN);
            return;
        }
        if (!head.headerHasToken("upgrade", NoiseSpec.UPGRADE_TOKEN) || !head.headerHasToken("connection", "upgrade")) {
            HttpReplies.error(out, 426, "this endpoint needs Upgrade: " + NoiseSpec.UPGRADE_TOKEN);
            return;
        }
        String init = head.header(NoiseSpec.HANDSHAKE_HEADER);
        byte[] msg1;
        try {
            msg1 = init == null ? null : Base64.getDecoder().decode(init);
        } catch (IllegalArgumentException e) {
            msg1 = null;
        }
        if (msg1 == null || msg1.length > NoiseSpec.MAX_MESSAGE) {
            HttpReplies.error(out, 400, "missing or malformed " + NoiseSpec.HANDSHAKE_HEADER + " header");
            return;
        }
        NoiseIK.Transport[] transport = new NoiseIK.Transport[1];
        byte[] msg2;
        try {
            NoiseIK.Responder r = new NoiseIK.Responder(serverKey, msg1);
            msg2 = r.writeMessage2(transport);
        } catch (HandshakeException e) {
            log.info("handshake.failed", "remote", socket.getRemoteSocketAddress(), "reason", e.getMessage());
            HttpReplies.error(out, 403, "handshake failed: " + e.getMessage() + " (wrong server key?)");
            return;
        }
        String reply = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: " + NoiseSpec.UPGRADE_TOKEN
                + "\r\nConnection: Upgrade\r\n\r\n";
        out.write(reply.getBytes(StandardCharsets.ISO_8859_1));
        NoiseChannel.writeHandshakeFrame(out, msg2);
        InputStream rest = head.leftover().length == 0 ? in
                : new SequenceInputStream(new ByteArrayInputStream(head.leftover()), in);
        NoiseChannel channel = new NoiseChannel(rest, out, socket, transport[0]);
        connections.create(socket, channel).serve();
    }
}
