package dev.tsj.control.api;

import java.util.List;

/**
 * One message of a map session. A full map ({@code full} true) carries {@code self},
 * {@code peers} and everything else; a delta carries only what changed: peers to add or
 * replace ({@code peersChanged}, whole records), peer ids to drop ({@code peersRemoved}),
 * and a new {@code self}, {@code packetFilter} or {@code dns} when those changed.
 * Null means "unchanged" in a delta; {@code relays} absent from a full map means no relays.
 */
public record MapResponse(boolean full, Node self, List<Node> peers, List<Node> peersChanged, List<Long> peersRemoved,
                          List<FilterRule> packetFilter, DnsConfig dns, Integer keepAliveSeconds,
                          List<RelayNode> relays)
        implements Message {}
