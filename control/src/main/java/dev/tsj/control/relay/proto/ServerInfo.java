package dev.tsj.control.relay.proto;

import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * What the relay tells an admitted client, sealed so that only the holder of the relay's
 * private key could have said it.
 *
 * @param keepAlive how often the relay speaks when idle; the client speaks as often and
 *                  takes a silence of {@link #deadAfter()} as a dead connection
 * @param name      the relay's name as the netmap shows it (at most 63 bytes of UTF-8)
 */
public record ServerInfo(int version, Duration keepAlive, String name) {
    public ServerInfo {
        if (name.getBytes(StandardCharsets.UTF_8).length > RelayProto.MAX_NAME) {
            throw new IllegalArgumentException("relay name longer than " + RelayProto.MAX_NAME + " bytes");
        }
    }

    /** Silence after which either side gives the connection up. */
    public Duration deadAfter() {
        return keepAlive.multipliedBy(5).dividedBy(2).plusSeconds(1);
    }

    byte[] encode() {
        byte[] n = name.getBytes(StandardCharsets.UTF_8);
        byte[] b = new byte[7 + n.length];
        b[0] = (byte) (version >>> 8);
        b[1] = (byte) version;
        Frames.putInt(b, 2, (int) Math.min(Integer.MAX_VALUE, keepAlive.toMillis()));
        b[6] = (byte) n.length;
        System.arraycopy(n, 0, b, 7, n.length);
        return b;
    }

    static ServerInfo decode(byte[] b) throws ProtocolException {
        if (b.length < 7 || b.length != 7 + (b[6] & 0xff) || (b[6] & 0xff) > RelayProto.MAX_NAME) {
            throw new ProtocolException("malformed server info");
        }
        int version = (b[0] & 0xff) << 8 | (b[1] & 0xff);
        int ms = Frames.getInt(b, 2);
        if (ms < 100) {
            throw new ProtocolException("server info keepalive out of range: " + ms + " ms");
        }
        return new ServerInfo(version, Duration.ofMillis(ms), new String(b, 7, b.length - 7, StandardCharsets.UTF_8));
    }
}
