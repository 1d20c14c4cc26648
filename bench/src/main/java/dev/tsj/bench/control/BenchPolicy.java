package dev.tsj.bench.control;

/**
 * The tailnet of {@link ControlBench} under a policy: a third of the nodes are servers
 * (tagged), the rest belong to ten users. Every member reaches the servers and its own
 * user's devices; servers reach each other. So each node sees a different set of peers and
 * gets its own filter, and a change to node 0 (user u0) concerns only u0's devices and the
 * servers. The second policy opens one more port everywhere without changing who sees whom:
 * every node's filter changes, nothing else.
 */
final class BenchPolicy {
    static final int USERS = 10;
    static final String SERVER_TAG = "tag:server";
    /** What the second policy adds to every filter, as it appears in the map JSON. */
    static final String NEW_PORT_MARKER = "\"first\":8443";

    private BenchPolicy() {}

    static boolean isServer(int index) {
        return index % 3 == 2;
    }

    static String user(int index) {
        return "u" + (index % USERS);
    }

    /** Whether the node with {@code index} may see node 0 (and so must receive its changes). */
    static boolean seesNodeZero(int index) {
        return index != 0 && (isServer(index) || user(index).equals(user(0)));
    }

    static String first() {
        return policy("22");
    }

    static String second() {
        return policy("22,8443");
    }

    private static String policy(String ports) {
        return """
                {
                  "tagOwners": {"tag:server": ["u0@"]},
                  "acls": [
                    {"action": "accept", "src": ["autogroup:member"], "dst": ["tag:server:22,443"]},
                    {"action": "accept", "src": ["autogroup:member"], "dst": ["autogroup:self:%s"]},
                    {"action": "accept", "src": ["tag:server"], "dst": ["tag:server:5432,%s"]},
                  ],
                }
                """.formatted(ports, ports);
    }
}
