package dev.tsj.it;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;

/**
 * A network namespace this suite created: one "host". Its name is fixed per test class
 * (prefix {@code it-}), so a run after a crash finds the leftover by name, ends the
 * processes still inside it and deletes it before starting afresh. Every command that
 * sends traffic runs inside a namespace through {@link #exec} or {@link #spawn}.
 */
public final class Netns implements AutoCloseable {
    static final String PREFIX = "it-";
    /** The tailnet suites' namespaces (dev.tsj.it.tailnet): their own prefix, so the two never collide. */
    static final String TAILNET_PREFIX = "tt-";

    private final String name;
    private final List<BgProcess> spawned = Collections.synchronizedList(new ArrayList<>());

    private Netns(String name) {
        this.name = name;
    }

    public static Netns create(String name) {
        if (!name.startsWith(PREFIX) && !name.startsWith(TAILNET_PREFIX)) {
            throw new IllegalArgumentException("test namespaces are named " + PREFIX + "* or " + TAILNET_PREFIX + "*: " + name);
        }
        removeLeftover(name);
        Cmd.run("ip", "netns", "add", name).check();
        Netns ns = new Netns(name);
        ns.run("ip", "link", "set", "lo", "up");
        return ns;
    }

    /** Ends whatever a crashed run left running in the namespace, then deletes it. */
    private static void removeLeftover(String name) {
        if (!Cmd.run("ip", "netns", "list").output().lines().map(l -> l.split(" ")[0]).toList().contains(name)) {
            return;
        }
        killInside(name);
        Cmd.run("ip", "netns", "del", name);
    }

    /** SIGKILLs the processes inside the namespace; they are this suite's, by the namespace's name. */
    private static void killInside(String name) {
        for (String pid : Cmd.run("ip", "netns", "pids", name).output().split("\\s+")) {
            if (!pid.isBlank()) {
                Cmd.run("kill", "-KILL", pid.strip());
            }
        }
    }

    public String name() {
        return name;
    }

    /** Runs a command inside the namespace and returns how it ended. */
    public CmdResult exec(Duration timeout, String... command) {
        return Cmd.run(timeout, inside(command));
    }

    public CmdResult exec(String... command) {
        return exec(Cmd.DEFAULT_TIMEOUT, command);
    }

    /** Runs a command inside the namespace that must succeed; returns its output. */
    public String run(String... command) {
        return exec(command).check().output();
    }

    /** Starts a long-running command inside the namespace; it is stopped when the namespace closes. */
    public BgProcess spawn(String processName, Path log, Map<String, String> env, String... command) {
        BgProcess p = BgProcess.start(processName, log, env, inside(command));
        spawned.add(p);
        return p;
    }

    private List<String> inside(String... command) {
        List<String> full = new ArrayList<>(List.of("ip", "netns", "exec", name));
        full.addAll(List.of(command));
        return full;
    }

    /** A veth pair from {@code here} in this namespace to {@code there} in {@code other}, both up. */
    public void vethTo(String here, Netns other, String there) {
        // A pair left in the root namespace by a failed move would block the name.
        Cmd.run("ip", "link", "del", here);
        Cmd.run("ip", "link", "del", there);
        Cmd.run("ip", "link", "add", here, "netns", name, "type", "veth", "peer", "name", there, "netns", other.name).check();
        run("ip", "link", "set", here, "up");
        other.run("ip", "link", "set", there, "up");
    }

    /** Adds an address; IPv6 ones without duplicate address detection, which would delay them. */
    public void addAddress(String device, String cidr) {
        if (cidr.contains(":")) {
            run("ip", "-6", "addr", "add", cidr, "dev", device, "nodad");
        } else {
            run("ip", "addr", "add", cidr, "dev", device);
        }
    }

    /** Stops what was spawned here, ends anything else left inside, deletes the namespace. */
    @Override
    public void close() {
        List<BgProcess> mine;
        synchronized (spawned) {
            mine = new ArrayList<>(spawned);
        }
        Collections.reverse(mine);
        mine.forEach(BgProcess::close);
        killInside(name);
        Cmd.run("ip", "netns", "del", name);
    }
}
