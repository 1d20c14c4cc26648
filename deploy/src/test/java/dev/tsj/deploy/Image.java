package dev.tsj.deploy;

import java.nio.file.Path;
import java.util.List;

/**
 * The image, built once per test JVM with deploy/image/build.sh exactly as a user builds
 * it (the jlink runtime is cached across runs in deploy/target). Its build time is
 * printed for the record.
 */
final class Image {
    private Image() {}

    static final String VERSION = "0.1.0";
    static final String TAG = "localhost/tsj:" + VERSION;
    private static Path archive;
    static long buildSeconds;

    static synchronized Path build() {
        if (archive == null) {
            Path repo = TsjJar.repo();
            long t0 = System.nanoTime();
            Sh.Result r = Sh.run(1200, List.of(repo.resolve("deploy/image/build.sh").toString(), "--jars-as-built"));
            buildSeconds = (System.nanoTime() - t0) / 1_000_000_000L;
            if (!r.ok()) {
                throw new AssertionError("deploy/image/build.sh failed:\n" + r.out());
            }
            System.out.println("[image] built " + TAG + " in " + buildSeconds + " s:\n" + r.out().strip());
            archive = repo.resolve("deploy/target/tsj-image-" + VERSION + ".tar");
        }
        return archive;
    }
}
