package dev.tsj.daemon.node;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.daemon.wg.Clock;
import dev.tsj.daemon.wg.Device;
import dev.tsj.daemon.wg.PathProvider;
import dev.tsj.daemon.wg.Peer;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * What status calls a peer's path: "direct" only for an address a disco pong proved. An
 * endpoint the netmap merely lists, which the device falls back to while no relay is up,
 * is no direct path (the packets may well be lost behind a NAT).
 */
class StatusViewPathTest {
    private static final InetSocketAddress LISTED = new InetSocketAddress("198.18.0.2", 41641);
    private static final InetSocketAddress PROVEN = new InetSocketAddress("198.18.0.2", 50000);

    /** A path manager whose answers the test sets. */
    private static final class FakePaths implements PathProvider {
        volatile InetSocketAddress direct;
        volatile boolean relayUp;

        @Override
        public InetSocketAddress direct(Peer peer) {
            return direct;
        }

        @Override
        public boolean relayAvailable(Peer peer) {
            return relayUp;
        }

        @Override
        public boolean sendViaRelay(PublicKey peer, byte[] data, int off, int len) {
            return relayUp;
        }

        @Override
        public boolean intercept(ByteBuffer slot, int len, InetSocketAddress from) {
            return false;
        }

        @Override
        public void noteTraffic(Peer peer) {}
    }

    private final PublicKey peerKey = PrivateKey.generate().publicKey();
    private final Device device = new Device(new dev.tsj.tun.MemoryPacketDevice(), Clock.SYSTEM);
    private final FakePaths paths = new FakePaths();

    private JsonNode peerStatus() {
        NetMap map = new NetMap(node(1, "alpha", PrivateKey.generate().publicKey(), "100.64.0.1"),
                List.of(node(2, "beta", peerKey, "100.64.0.2")), List.of(), null, 1, List.of());
        StatusView v = new StatusView(TailnetNode.BackendState.Running, "", map, device, List.of(), k -> "fra", true, "");
        return v.toJson().path("Peer").elements().next();
    }

    private static Node node(long id, String name, PublicKey key, String ip) {
        return new Node(id, "n" + id, name, name + ".tail.example", "alice", List.of(), key, null, null,
                List.of(IpPrefix.parse(ip + "/32")), List.of(IpPrefix.parse(ip + "/32")), List.of(), List.of(LISTED),
                true, null, null, false, null);
    }

    private void assertPath(String curAddr, String relay) {
        JsonNode p = peerStatus();
        assertEquals(curAddr, p.path("CurAddr").asText(), "CurAddr in " + p.toPrettyString());
        assertEquals(relay, p.path("Relay").asText(), "Relay in " + p.toPrettyString());
    }

    @Test
    void anUnprovenListedEndpointIsNotDirect() {
        device.addPeer(peerKey).setEndpoint(LISTED);
        device.setPathProvider(paths);
        assertPath("", "");
        paths.relayUp = true;
        assertPath("", "fra");
        paths.direct = PROVEN;
        assertPath("198.18.0.2:50000", "");
        paths.direct = null; // the proof lapsed
        assertPath("", "fra");
    }

    @Test
    void withoutAPathManagerTheEndpointIsShownAsWgShowsIt() {
        device.addPeer(peerKey).setEndpoint(LISTED);
        assertPath("198.18.0.2:41641", "");
    }
}
