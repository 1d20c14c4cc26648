package dev.tsj.control.api;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.client.NetMapBuilder;
import dev.tsj.crypto.PrivateKey;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The relay fields on the wire: round trips, and absent meaning none (older servers and nodes). */
class RelayMapJsonTest {
    private static final RelayNode HOME = new RelayNode("default", 1, "/relay", null, 3478, 3479,
            PrivateKey.generate().publicKey());
    private static final RelayNode FRA = new RelayNode("fra", 2, "http://198.18.0.11:8443/relay", "198.18.0.12", 3478, 0,
            null);

    private static <T> T roundTrip(Object o, Class<T> type) throws Exception {
        return ApiJson.MAPPER.readValue(ApiJson.MAPPER.writeValueAsBytes(o), type);
    }

    private static Node node(long id, Integer homeRelay) {
        return new Node(id, "n" + id, "n" + id, "n" + id + ".tsj.internal", "alice", List.of(),
                PrivateKey.generate().publicKey(), PrivateKey.generate().publicKey(), null, List.of(), List.of(),
                List.of(), List.of(), true, null, null, false, null, homeRelay);
    }

    @Test
    void relaysAndHomeRelayRoundTrip() throws Exception {
        MapResponse full = new MapResponse(true, node(1, 2), List.of(node(2, 1)), null, null, null, null, 5,
                List.of(HOME, FRA));
        Message back = roundTrip(full, Message.class);
        assertEquals(full, back);
        String json = ApiJson.MAPPER.writeValueAsString(FRA);
        assertFalse(json.contains("publicKey"), "null fields are omitted: " + json);
        assertEquals(MapUpdate.homeRelay(3), roundTrip(MapUpdate.homeRelay(3), Message.class));
        MapRequest req = new MapRequest(PrivateKey.generate().publicKey(), null, List.of(), null, 2);
        assertEquals(req, roundTrip(req, Message.class));
        assertEquals(Integer.valueOf(4), req.apply(MapUpdate.homeRelay(4)).homeRelay());
        assertEquals(Integer.valueOf(2), req.apply(MapUpdate.endpoints(List.of())).homeRelay());
    }

    @Test
    void absentFieldsMeanNoneAndOldNodesStillParse() throws Exception {
        Message m = ApiJson.MAPPER.readValue("{\"type\":\"mapResponse\",\"full\":true,\"peers\":[]}", Message.class);
        assertNull(((MapResponse) m).relays());
        Node old = ApiJson.MAPPER.readValue(ApiJson.MAPPER.writeValueAsBytes(node(7, null)), Node.class);
        assertNull(old.homeRelay());
        assertFalse(ApiJson.MAPPER.writeValueAsString(node(7, null)).contains("homeRelay"));
        MapUpdate u = (MapUpdate) ApiJson.MAPPER.readValue("{\"type\":\"update\",\"endpoints\":[]}", Message.class);
        assertNull(u.homeRelay());
    }

    @Test
    void theBuilderKeepsTheRelayMapAcrossDeltasUntilReplaced() {
        NetMapBuilder b = new NetMapBuilder();
        NetMap first = b.apply(new MapResponse(true, node(1, null), List.of(), null, null, null, null, 5,
                List.of(HOME)));
        assertEquals(List.of(HOME), first.relays());
        NetMap second = b.apply(new MapResponse(false, null, null, List.of(node(2, 1)), null, null, null, null, null));
        assertEquals(List.of(HOME), second.relays());
        assertEquals(HOME, second.relayByRegion(second.peerById(2).orElseThrow().homeRelay()).orElseThrow());
        NetMap third = b.apply(new MapResponse(false, null, null, null, null, null, null, null, List.of(FRA)));
        assertEquals(List.of(FRA), third.relays());
        NetMap none = b.apply(new MapResponse(true, node(1, null), List.of(), null, null, null, null, 5, null));
        assertTrue(none.relays().isEmpty());
    }
}
