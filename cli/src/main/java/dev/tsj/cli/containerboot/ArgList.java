package dev.tsj.cli.containerboot;

import java.util.ArrayList;
import java.util.List;

/**
 * TSJ_EXTRA_ARGS and TSJ_DAEMON_EXTRA_ARGS: flags split as a shell would split a simple
 * line (whitespace, with '...' and "..." for values that contain spaces), without
 * running a shell.
 */
final class ArgList {
    private ArgList() {}

    static List<String> split(String name, String line) throws BootConfigException {
        List<String> out = new ArrayList<>();
        if (line == null) {
            return out;
        }
        StringBuilder cur = new StringBuilder();
        boolean inToken = false;
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    cur.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                inToken = true;
            } else if (Character.isWhitespace(c)) {
                if (inToken) {
                    out.add(cur.toString());
                    cur.setLength(0);
                    inToken = false;
                }
            } else {
                cur.append(c);
                inToken = true;
            }
        }
        if (quote != 0) {
            throw new BootConfigException(name + " has an unterminated " + quote + " quote");
        }
        if (inToken) {
            out.add(cur.toString());
        }
        return out;
    }

    /** Whether {@code args} sets any of the {@code flags} (as "--flag", "--flag=v"). */
    static String findFlag(List<String> args, String... flags) {
        for (String a : args) {
            for (String f : flags) {
                if (a.equals(f) || a.startsWith(f + "=")) {
                    return f;
                }
            }
        }
        return null;
    }
}
