package dev.tsj.control.policy;

import com.fasterxml.jackson.annotation.JsonProperty;

/** One destination of a wire filter rule: {@code {"IP": "10.33.0.0/16", "Ports": {...}}}; IP may be "*". */
public record NetPortRange(@JsonProperty("IP") String ip, @JsonProperty("Ports") PortRange ports) {}
