package dev.tsj.bench.e2e;

/**
 * Two network namespaces joined by a veth pair: the underlay (198.18.0.0/24, the
 * benchmarking range) on which the two tunnel ends talk, and on top of it the tunnel
 * addresses (100.64.0.0/24). Names start with "pf" so they cannot collide with other
 * users of the machine; {@link #close} deletes them, and {@link #create} first deletes
 * leftovers of a run that crashed.
 */
final class Testbed implements AutoCloseable {
    static final String NS_A = "pf-e2e-a";
    static final String NS_B = "pf-e2e-b";
    static final String VETH_A = "pfe2e-a";
    static final String VETH_B = "pfe2e-b";
    static final String UNDERLAY_A = "198.18.0.1";
    static final String UNDERLAY_B = "198.18.0.2";
    static final String TUNNEL_A = "100.64.0.1";
    static final String TUNNEL_B = "100.64.0.2";
    /** The tunnel interfaces; unique on the machine because wireguard's UAPI sockets are global. */
    static final String TUN_A = "pfwg-a";
    static final String TUN_B = "pfwg-b";
    static final int PORT_A = 51901;
    static final int PORT_B = 51902;
    static final int TUNNEL_MTU = 1420;

    private Testbed() {}

    static Testbed create() {
        deleteLeftovers();
        Sh.ok("ip", "netns", "add", NS_A);
        Sh.ok("ip", "netns", "add", NS_B);
        Testbed bed = new Testbed();
        try {
            Sh.ok("ip", "link", "add", VETH_A, "netns", NS_A, "type", "veth", "peer", "name", VETH_B, "netns", NS_B);
            for (String[] side : new String[][] {{NS_A, VETH_A, UNDERLAY_A}, {NS_B, VETH_B, UNDERLAY_B}}) {
                Sh.ok("ip", "-n", side[0], "addr", "add", side[2] + "/24", "dev", side[1]);
                Sh.ok("ip", "-n", side[0], "link", "set", side[1], "up");
                Sh.ok("ip", "-n", side[0], "link", "set", "lo", "up");
            }
            return bed;
        } catch (RuntimeException e) {
            bed.close();
            throw e;
        }
    }

    static void deleteLeftovers() {
        Sh.run("ip", "netns", "del", NS_A);
        Sh.run("ip", "netns", "del", NS_B);
    }

    /** Gives a running tunnel interface its MTU and tunnel address and brings it up. */
    static void address(String ns, String ifname, String address) {
        Sh.ok("ip", "-n", ns, "link", "set", ifname, "mtu", Integer.toString(TUNNEL_MTU), "up");
        Sh.ok("ip", "-n", ns, "addr", "add", address + "/24", "dev", ifname);
    }

    @Override
    public void close() {
        deleteLeftovers();
    }
}
