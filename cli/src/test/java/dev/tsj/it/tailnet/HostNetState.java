package dev.tsj.it.tailnet;

import dev.tsj.it.Netns;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * What a daemon may add to a host and must take away again: the nftables ruleset, the
 * policy rules and every routing table, each as its command prints it inside the host's
 * namespace. Two snapshots compare equal when nothing was left behind or added twice.
 */
record HostNetState(Map<String, List<String>> views) {
    private static final List<List<String>> COMMANDS = List.of(
            List.of("nft", "list", "ruleset"),
            List.of("ip", "-4", "rule", "show"),
            List.of("ip", "-6", "rule", "show"),
            List.of("ip", "-4", "route", "show", "table", "all"),
            List.of("ip", "-6", "route", "show", "table", "all"));
    private static final Pattern LINK_LOCAL = Pattern.compile("fe80::[0-9a-f:]+(?=\\s)");

    static HostNetState of(Netns ns) {
        Map<String, List<String>> views = new LinkedHashMap<>();
        for (List<String> cmd : COMMANDS) {
            views.put(String.join(" ", cmd), ns.run(cmd.toArray(String[]::new)).lines().map(String::strip)
                    .filter(l -> !l.isEmpty() && !isForwardingAnycast(l)).map(HostNetState::withoutLinkLocalAddress).toList());
        }
        return new HostNetState(views);
    }

    /**
     * A TUN gets a random IPv6 link-local address each time it is created; the kernel adds
     * it and its local route, not tsjd, so one recreated interface is not a difference.
     */
    private static String withoutLinkLocalAddress(String line) {
        return LINK_LOCAL.matcher(line).replaceAll("fe80::(link-local)");
    }

    /**
     * With IPv6 forwarding on, the kernel adds a subnet-router anycast address per prefix.
     * tsjd turns forwarding on for a subnet router and, by design, leaves it on (other
     * software may rely on it), so these follow the sysctl, not tsjd's own objects.
     */
    private static boolean isForwardingAnycast(String line) {
        return line.startsWith("anycast ") && line.contains("table local proto kernel");
    }

    /** How many lines of one view contain {@code text}, e.g. ("ip -4 rule show", "lookup 52"). */
    long count(String view, String text) {
        return views.getOrDefault(view, List.of()).stream().filter(l -> l.contains(text)).count();
    }

    /** The lines only one side has, per view: "- " lines were in {@code this}, "+ " lines are in {@code now}. */
    String diff(HostNetState now) {
        StringBuilder sb = new StringBuilder();
        for (String view : views.keySet()) {
            List<String> gone = minus(views.get(view), now.views.getOrDefault(view, List.of()));
            List<String> added = minus(now.views.getOrDefault(view, List.of()), views.get(view));
            if (gone.isEmpty() && added.isEmpty()) {
                continue;
            }
            sb.append("--- ").append(view).append('\n');
            gone.forEach(l -> sb.append("- ").append(l).append('\n'));
            added.forEach(l -> sb.append("+ ").append(l).append('\n'));
        }
        return sb.toString();
    }

    /** The lines of {@code a} not in {@code b}, counting duplicates (two copies of a rule against one is a difference). */
    private static List<String> minus(List<String> a, List<String> b) {
        List<String> rest = new ArrayList<>(b);
        List<String> out = new ArrayList<>();
        for (String l : a) {
            if (!rest.remove(l)) {
                out.add(l);
            }
        }
        return out;
    }
}
