package dev.tsj.cli;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The daemon's files must be writable before it starts: its defaults
 * (/var/run/tsj/tsjd.sock, /var/lib/tsj/tsjd.state) are root's, and a user running
 * {@code tsj daemon --tun=userspace-networking} should get one line naming the flags to
 * pass, not an AccessDeniedException at start-up or, worse, a node that silently cannot
 * save its identity.
 */
final class UserPaths {
    private UserPaths() {}

    /** Throws IllegalArgumentException with that line when the socket or the state file cannot be created. */
    static void checkWritable(Path socket, String state) {
        if (!creatable(socket)) {
            throw new IllegalArgumentException("cannot create the LocalAPI socket " + socket + ": " + nearest(socket)
                    + " is not writable by this user; pass --socket PATH (e.g. --socket $XDG_RUNTIME_DIR/tsjd.sock)"
                    + " and give tsj commands the same --socket");
        }
        Path file = dev.tsj.daemon.NodeDaemon.stateFile(state);
        if (file != null && !creatable(file)) {
            throw new IllegalArgumentException("cannot write the state file " + file + ": " + nearest(file)
                    + " is not writable by this user; pass --state PATH (e.g. --state $HOME/.local/state/tsj/tsjd.state)"
                    + " or --state mem: to keep nothing");
        }
    }

    /** The file can be written, or created (with its missing parent directories). */
    private static boolean creatable(Path file) {
        Path f = file.toAbsolutePath();
        if (Files.exists(f)) {
            return Files.isWritable(f) && Files.isWritable(f.getParent());
        }
        return Files.isWritable(nearest(f));
    }

    /** The closest directory above {@code file} that exists. */
    private static Path nearest(Path file) {
        Path p = file.toAbsolutePath().getParent();
        while (p != null && !Files.isDirectory(p)) {
            p = p.getParent();
        }
        return p == null ? Path.of("/") : p;
    }
}
