package dev.tsj.deploy;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The image as a user gets it: built by the one documented command, small, unprivileged, runnable. */
class ImageTest {
    static final long MAX_BYTES = 150L * 1000 * 1000;
    private static Path archive;

    @BeforeAll
    static void build() {
        Requirements.require();
        archive = Image.build();
    }

    @Test
    void versionRunsFromTheLocalImage() {
        assertEquals(Image.VERSION + "\n", Podman.must("run", "--rm", "--pull=never", Image.TAG, "version"));
    }

    @Test
    void theImageIsSmallAndRunsAsUid1000WithContainerbootByDefault() {
        long size = Long.parseLong(Podman.must("image", "inspect", "-f", "{{.Size}}", Image.TAG).strip());
        System.out.println("[image] " + Image.TAG + ": " + size / 1_000_000 + " MB");
        assertTrue(size < MAX_BYTES, "image is " + size + " bytes");
        assertEquals("1000:1000", Podman.must("image", "inspect", "-f", "{{.Config.User}}", Image.TAG).strip());
        assertEquals("[/usr/local/bin/tsj]", Podman.must("image", "inspect", "-f", "{{.Config.Entrypoint}}", Image.TAG).strip());
        assertEquals("[containerboot]", Podman.must("image", "inspect", "-f", "{{.Config.Cmd}}", Image.TAG).strip());
    }

    @Test
    void containerbootWithoutSettingsSaysWhatIsMissingAndExits2() {
        Sh.Result r = Podman.run("run", "--rm", "--pull=never", Image.TAG);
        assertEquals(2, r.code(), r.out());
        assertEquals("containerboot: no auth key (TSJ_AUTH_KEY) and no stored node state (TSJ_STATE=mem: keeps none):"
                + " nothing to log in with\n", r.out());
    }

    @Test
    void theNodesHeapFollowsTheContainersMemoryLimit() {
        assertEquals(80, maxHeapMib("256m"), "half of what is left after 96 MiB");
        assertEquals(32, maxHeapMib("128m"), "never below 32 MiB");
        assertEquals(160, maxHeapMib(null), "no limit: the same as on a host");
    }

    private static long maxHeapMib(String memory) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("run", "--rm", "--pull=never",
                "-e", "TSJ_JAVA_OPTS=-XX:+PrintFlagsFinal"));
        if (memory != null) {
            args.addAll(java.util.List.of("-m", memory));
        }
        args.addAll(java.util.List.of(Image.TAG, "containerboot"));
        String out = Podman.run(args.toArray(String[]::new)).out();
        return out.lines().filter(l -> l.contains(" MaxHeapSize ")).map(l -> l.trim().split("\\s+")[3])
                .mapToLong(v -> Long.parseLong(v) / (1024 * 1024)).findFirst().orElseThrow(() -> new AssertionError(out));
    }

    @Test
    void theArchiveIsADockerArchiveToLoadOrPush() throws Exception {
        assertTrue(Files.size(archive) > 10_000_000, archive + " is too small");
        String listing = Sh.must("tar", "-tf", archive.toString());
        assertTrue(listing.lines().anyMatch("manifest.json"::equals), listing);
        String manifest = Sh.must("tar", "-xOf", archive.toString(), "manifest.json");
        assertTrue(manifest.contains("\"" + Image.TAG + "\""), manifest);
    }

    @Test
    void theRuntimeHasWhatTheCodeNeedsAndTheToolsRun() {
        // TLS to the API server (java.net.http + the JDK's providers), the health server, the container's memory.
        Sh.Result r = Podman.run("run", "--rm", "--pull=never", "--entrypoint", "/opt/tsj/jre/bin/java", Image.TAG,
                "--list-modules");
        assertTrue(r.ok(), r.out());
        for (String m : new String[] {"java.net.http", "jdk.httpserver", "jdk.management", "jdk.unsupported", "java.sql"}) {
            assertTrue(r.out().contains(m + "@"), m + " missing from " + r.out());
        }
        assertTrue(Podman.must("run", "--rm", "--pull=never", "--entrypoint", "nft", Image.TAG, "--version")
                .startsWith("nftables"));
        assertTrue(Podman.must("run", "--rm", "--pull=never", "--entrypoint", "ip", Image.TAG, "-V")
                .contains("iproute2"));
    }
}
