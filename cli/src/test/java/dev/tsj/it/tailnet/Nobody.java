package dev.tsj.it.tailnet;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.util.List;

/** Running a daemon as nobody (uid 65534): the userspace-networking tests' unprivileged user. */
final class Nobody {
    /** setpriv: as nobody, no supplementary groups; tsjd then has no capabilities at all. */
    static final List<String> RUN_AS = List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups");

    private Nobody() {}

    /** A directory under the lab's work directory that nobody owns, for state files and sockets. */
    static Path home(Lab lab) throws IOException {
        // nobody must reach its own directory under the lab's (root's, 0700) work directory.
        Files.setPosixFilePermissions(lab.work, PosixFilePermissions.fromString("rwx--x--x"));
        Path home = Files.createDirectory(lab.work.resolve("nobody"));
        Files.setOwner(home, principal(home));
        return home;
    }

    /** Gives {@code file} to nobody. */
    static void own(Path file) throws IOException {
        Files.setOwner(file, principal(file));
    }

    private static UserPrincipal principal(Path p) throws IOException {
        return p.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
    }
}
