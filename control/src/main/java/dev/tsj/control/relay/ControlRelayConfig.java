package dev.tsj.control.relay;

import dev.tsj.control.api.RelayNode;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The relay side of a control server: whether it runs a relay itself (on its own port,
 * {@code GET /relay}), its STUN ports, and the standalone relays it lists in the netmap.
 *
 * @param embedded    run the embedded relay
 * @param relay       the embedded relay's settings (its name is what nodes see)
 * @param regionId    the embedded relay's region id in the relay map
 * @param stunPort    primary STUN port (0: any free port); null: no STUN responder
 * @param stunAltPort second STUN port (0: any free port); null: none
 * @param others      standalone relays to advertise, with their own region ids
 */
public record ControlRelayConfig(boolean embedded, RelayServerConfig relay, int regionId, Integer stunPort,
                                 Integer stunAltPort, List<RelayNode> others) {
    public static final int DEFAULT_REGION = 1;

    public ControlRelayConfig {
        others = List.copyOf(others);
        Set<Integer> regions = new HashSet<>();
        Set<String> names = new HashSet<>();
        if (embedded) {
            regions.add(regionId);
            names.add(relay.name());
        }
        for (RelayNode r : others) {
            if (r.regionId() <= 0 || !regions.add(r.regionId())) {
                throw new IllegalArgumentException("relay region ids must be positive and unique (" + r.regionId() + ")");
            }
            if (!names.add(r.name())) {
                throw new IllegalArgumentException("relay names must be unique (\"" + r.name() + "\")");
            }
        }
        if (embedded && regionId <= 0) {
            throw new IllegalArgumentException("relay region ids must be positive");
        }
    }

    /** The embedded relay named "default" in region 1, no STUN, nothing else listed (tests, library use). */
    public static ControlRelayConfig embeddedOnly() {
        return new ControlRelayConfig(true, RelayServerConfig.defaults(RelayServerConfig.DEFAULT_NAME), DEFAULT_REGION,
                null, null, List.of());
    }

    public ControlRelayConfig withStunPorts(Integer port, Integer altPort) {
        return new ControlRelayConfig(embedded, relay, regionId, port, altPort, others);
    }
}
