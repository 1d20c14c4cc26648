package dev.tsj.it.tailnet;

import dev.tsj.it.ItLogs;
import dev.tsj.it.Netns;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * Everything one test class builds: namespaces named {@code tt-SUITE-HOST}, interfaces
 * {@code ttSUITEHOST...}, a private work directory for state files and sockets, and the
 * processes it started. Closing it stops them (daemons first, so they remove their routes),
 * then deletes the namespaces and the work directory.
 */
final class Lab implements AutoCloseable {
    /** Linux interface names hold at most 15 characters. */
    private static final int IFNAMSIZ = 15;

    final String suite;
    final Path logs;
    final Path work;
    private final List<AutoCloseable> owned = new ArrayList<>();
    private final List<Netns> namespaces = new ArrayList<>();

    private Lab(String suite, Path logs, Path work) {
        this.suite = suite;
        this.logs = logs;
        this.work = work;
    }

    /** {@code suite} is one short word, unique among the tailnet suites (a, b, c ...). */
    static Lab create(String suite, Class<?> testClass) {
        try {
            // Under /tmp: unix socket paths are limited to 108 bytes.
            Path work = Files.createTempDirectory("tsj-tt-" + suite + "-");
            return new Lab(suite, ItLogs.freshDir(testClass), work);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A fresh namespace {@code tt-SUITE-NAME} (a leftover of that name is removed first). */
    Netns host(String name) {
        Netns ns = Netns.create("tt-" + suite + "-" + name);
        namespaces.add(ns);
        return ns;
    }

    /** An interface name {@code ttSUITEPARTS}, checked against the kernel's limit. */
    String ifName(String... parts) {
        String n = "tt" + suite + String.join("", parts);
        if (n.length() > IFNAMSIZ) {
            throw new IllegalArgumentException("interface name longer than " + IFNAMSIZ + ": " + n);
        }
        return n;
    }

    /** Something to close with the lab, before the namespaces go. */
    <T extends AutoCloseable> T own(T thing) {
        owned.add(thing);
        return thing;
    }

    @Override
    public void close() {
        List<AutoCloseable> things = new ArrayList<>(owned);
        java.util.Collections.reverse(things);
        for (AutoCloseable c : things) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("[lab " + suite + "] closing " + c + ": " + e);
            }
        }
        List<Netns> nss = new ArrayList<>(namespaces);
        java.util.Collections.reverse(nss);
        nss.forEach(Netns::close);
        try (Stream<Path> files = Files.walk(work)) {
            for (Path p : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            System.err.println("[lab " + suite + "] cannot remove " + work + ": " + e.getMessage());
        }
    }
}
