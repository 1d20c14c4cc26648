package dev.tsj.deploy;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * What the image and pod tests need: root, podman (with runc), /dev/net/tun, nftables,
 * curl. Under CI=true a missing piece fails the test (CI must run them); elsewhere it skips.
 */
final class Requirements {
    private Requirements() {}

    static void require() {
        String missing = missing();
        if (missing == null) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            throw new AssertionError("CI=true but the pod tests cannot run: " + missing);
        }
        assumeTrue(false, "skipped: " + missing);
    }

    private static String missing() {
        if (!Sh.run("id", "-u").out().strip().equals("0")) {
            return "not root";
        }
        for (String tool : new String[] {"podman", "runc", "ip", "nft", "curl", "catatonit"}) {
            if (!Sh.run("sh", "-c", "command -v " + tool).ok()) {
                return tool + " is not installed (apt-get install podman runc catatonit iproute2 nftables curl)";
            }
        }
        if (!Files.exists(Path.of("/dev/net/tun"))) {
            return "no /dev/net/tun";
        }
        return null;
    }
}
