package dev.tsj.control.policy;

import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * Whether a node may take a tag it asks for: the policy's tagOwners must name its user (by
 * login, group or autogroup:member), or one of the tags its auth key already gave it. A tag
 * without an entry in tagOwners belongs to no one, so without a policy no tag can be asked for.
 */
public final class TagOwners {

    private TagOwners() {}

    public static boolean mayTake(Policy policy, List<TopologyUser> users, long userId, List<String> keyTags, String tag) {
        List<Alias> owners = policy.tagOwners().get(tag);
        if (owners == null) {
            return false;
        }
        AliasResolver resolver = new AliasResolver(policy, new Topology(users, List.of(), Map.of()));
        TopologyNode asUser = new TopologyNode(0, "", OptionalLong.of(userId), List.of(), List.of(), List.of(), List.of());
        TopologyNode asKeyTags = new TopologyNode(0, "", OptionalLong.of(userId), keyTags, List.of(), List.of(), List.of());
        return owners.stream().anyMatch(o -> resolver.matches(asUser, o) || (!keyTags.isEmpty() && resolver.matches(asKeyTags, o)));
    }
}
