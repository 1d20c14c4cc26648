package dev.tsj.control.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** An inclusive port range in Tailscale's wire form {@code {"First": 22, "Last": 22}}. */
public record PortRange(@JsonProperty("First") int first, @JsonProperty("Last") int last) {

    public static final int MAX_PORT = 65535;
    public static final PortRange ALL = new PortRange(0, MAX_PORT);

    public PortRange {
        if (first < 0 || last > MAX_PORT || first > last) {
            throw new IllegalArgumentException("bad port range " + first + "-" + last);
        }
    }

    public boolean contains(int port) {
        return first <= port && port <= last;
    }
}
