package dev.tsj.bench.control;

import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpLiterals;
import dev.tsj.control.api.MapRequest;
import dev.tsj.control.api.MapUpdate;
import dev.tsj.control.client.ControlClient;
import dev.tsj.control.noise.NoiseChannel;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * A simulated node holding a map session on a raw channel: it counts messages and looks
 * for the benchmark's marker in each delta without parsing the map, so 10,000 of them fit
 * in one JVM.
 */
final class SimNode {
    final int index;
    final PrivateKey nodeKey = PrivateKey.generate();
    final ControlClient client;
    final CountDownLatch fullMap = new CountDownLatch(1);
    volatile NoiseChannel channel;
    volatile byte[] marker;
    volatile long markerSeenAt;
    volatile long messages;
    volatile long lastMessageAt;

    SimNode(int index, ControlClient client) {
        this.index = index;
        this.client = client;
    }

    PublicKey publicKey() {
        return nodeKey.publicKey();
    }

    static InetSocketAddress endpoint(int index, int port) {
        return IpLiterals.parseEndpoint("198.18." + (index >> 8 & 0xff) + "." + (index & 0xff) + ":" + port);
    }

    void open() throws Exception {
        NoiseChannel ch = client.openChannel();
        channel = ch;
        ch.writeMessage(ApiJson.MAPPER.writeValueAsBytes(new MapRequest(publicKey(), null,
                List.of(endpoint(index, 41641)), Hostinfo.of("sim-" + index))));
        Thread.ofVirtual().name("sim-" + index).start(this::readLoop);
    }

    private void readLoop() {
        try {
            while (true) {
                byte[] m = channel.readMessage(512 << 20);
                long now = System.nanoTime();
                messages++;
                lastMessageAt = now;
                if (fullMap.getCount() > 0) {
                    fullMap.countDown();
                    continue;
                }
                byte[] mk = marker;
                if (mk != null && markerSeenAt == 0 && contains(m, mk)) {
                    markerSeenAt = now;
                }
            }
        } catch (IOException e) {
            // closed at the end of the run
        }
    }

    void keepAlive() {
        try {
            channel.writeMessage("{\"type\":\"keepalive\"}".getBytes(StandardCharsets.US_ASCII));
        } catch (IOException ignored) {
            // the read loop notices
        }
    }

    void sendEndpoint(int port) throws IOException {
        channel.writeMessage(ApiJson.MAPPER.writeValueAsBytes(MapUpdate.endpoints(List.of(endpoint(index, port)))));
    }

    void close() {
        try {
            channel.close();
        } catch (IOException ignored) {
            // done
        }
    }

    private static boolean contains(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int j = 0; j < needle.length; j++) {
                if (hay[i + j] != needle[j]) {
                    continue outer;
                }
            }
            return true;
        }
        return false;
    }
}
