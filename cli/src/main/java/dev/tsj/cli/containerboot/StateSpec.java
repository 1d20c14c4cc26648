package dev.tsj.cli.containerboot;

import java.nio.file.Files;
import java.nio.file.Path;

/** Where the node keeps its state: TSJ_STATE as the daemon's --state takes it. */
sealed interface StateSpec {
    /** The daemon's {@code --state} argument. */
    String daemonArg();

    /** Whether a stored node is known to be absent before the daemon starts (so an auth key is required). */
    boolean knownEmpty();

    /** Ephemeral: nothing survives the container, so the node logs out when it stops. */
    default boolean ephemeral() {
        return false;
    }

    record Memory() implements StateSpec {
        @Override
        public String daemonArg() {
            return "mem:";
        }

        @Override
        public boolean knownEmpty() {
            return true;
        }

        @Override
        public boolean ephemeral() {
            return true;
        }
    }

    /** A directory (a volume), holding {@value #FILE} as the daemon writes it. */
    record Directory(Path dir) implements StateSpec {
        static final String FILE = "tsjd.state";

        @Override
        public String daemonArg() {
            return dir.resolve(FILE).toString();
        }

        @Override
        public boolean knownEmpty() {
            return !Files.exists(dir.resolve(FILE));
        }
    }

    record KubeSecret(String name) implements StateSpec {
        @Override
        public String daemonArg() {
            return "kube:" + name;
        }

        @Override
        public boolean knownEmpty() {
            return false; // only the API server knows: asked once the daemon runs
        }
    }
}
