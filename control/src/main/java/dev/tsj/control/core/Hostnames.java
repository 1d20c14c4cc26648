package dev.tsj.control.core;

import java.util.HashSet;
import java.util.Locale;
import java.util.Set;

/**
 * Unique DNS labels for nodes. A reported hostname is folded to a label
 * ({@code My_Laptop.local} becomes {@code my-laptop}); a clash gets a numeric suffix
 * ({@code web}, {@code web-1}, {@code web-2}, ...).
 */
public final class Hostnames {
    public static final int MAX_LABEL = 63;
    private final Set<String> taken = new HashSet<>();

    /** Folds any hostname to a DNS label; never empty. */
    public static String sanitize(String hostname) {
        String h = hostname == null ? "" : hostname.strip().toLowerCase(Locale.ROOT);
        int dot = h.indexOf('.');
        if (dot >= 0) {
            h = h.substring(0, dot);
        }
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < h.length() && b.length() < MAX_LABEL; i++) {
            char c = h.charAt(i);
            if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')) {
                b.append(c);
            } else if (!b.isEmpty() && b.charAt(b.length() - 1) != '-') {
                b.append('-');
            }
        }
        while (!b.isEmpty() && b.charAt(b.length() - 1) == '-') {
            b.setLength(b.length() - 1);
        }
        return b.isEmpty() ? "node" : b.toString();
    }

    /** Whether {@code name} is already a valid label (for an administrator's rename). */
    public static boolean isValidLabel(String name) {
        return name != null && !name.isEmpty() && name.equals(sanitize(name)) && !name.startsWith("-");
    }

    public boolean isTaken(String name) {
        return taken.contains(name);
    }

    public void take(String name) {
        taken.add(name);
    }

    public void release(String name) {
        taken.remove(name);
    }

    /** Takes and returns {@code base}, or the first free {@code base-N}. */
    public String allocate(String base) {
        String name = base;
        for (int n = 1; taken.contains(name); n++) {
            String suffix = "-" + n;
            String stem = base.length() + suffix.length() > MAX_LABEL ? base.substring(0, MAX_LABEL - suffix.length()) : base;
            name = stem + suffix;
        }
        taken.add(name);
        return name;
    }
}
