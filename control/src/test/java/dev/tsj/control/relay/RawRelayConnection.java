package dev.tsj.control.relay;

import dev.tsj.control.http.HttpHead;
import dev.tsj.control.relay.proto.FrameReader;
import dev.tsj.control.relay.proto.RelayHandshake;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.control.relay.proto.ServerInfo;
import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;

/** A hand-driven relay connection, for feeding the relay what a well-behaved client would not. */
final class RawRelayConnection implements AutoCloseable {
    final Socket socket = new Socket();
    final OutputStream out;
    final InputStream in;
    final FrameReader reader;
    final RelayHandshake.ServerKey serverKey;

    RawRelayConnection(InetSocketAddress relay) throws IOException {
        socket.connect(relay, 5000);
        socket.setSoTimeout(5000);
        out = socket.getOutputStream();
        in = socket.getInputStream();
        out.write(("GET /relay HTTP/1.1\r\nHost: x\r\nUpgrade: tsj-relay\r\nConnection: Upgrade\r\n\r\n")
                .getBytes(StandardCharsets.ISO_8859_1));
        HttpHead head = HttpHead.read(in);
        if (!head.second().equals("101")) {
            throw new IOException("no upgrade: " + head.second());
        }
        reader = new FrameReader(in, RelayProto.MAX_PAYLOAD, head.leftover());
        if (!reader.next() || reader.type() != RelayProto.SERVER_KEY) {
            throw new IOException("no server key frame");
        }
        serverKey = RelayHandshake.parseServerKey(reader.payloadCopy());
    }

    /** Proves {@code node} and reads the server info. */
    ServerInfo handshake(PrivateKey node) throws IOException {
        RelayHandshake.SessionKeys[] keys = new RelayHandshake.SessionKeys[1];
        out.write(RelayHandshake.clientInfoFrame(node, serverKey, keys));
        if (!reader.next() || reader.type() != RelayProto.SERVER_INFO) {
            throw new IOException("no server info (frame type " + reader.type() + ")");
        }
        return RelayHandshake.openServerInfo(keys[0], reader.payloadCopy());
    }

    void write(byte[] b) throws IOException {
        out.write(b);
        out.flush();
    }

    /** The next frame's type, skipping keepalives; -1 at end of stream. */
    int nextType() throws IOException {
        while (reader.next()) {
            if (reader.type() != RelayProto.KEEP_ALIVE) {
                return reader.type();
            }
        }
        return -1;
    }

    /** Whether the relay closes the connection (reads to the end) within the socket timeout. */
    boolean closedByRelay() throws IOException {
        try {
            while (in.read(new byte[4096]) >= 0) {
                // discard what comes before the end
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true; // reset
        }
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
