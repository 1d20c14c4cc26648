package dev.tsj.control.policy;

import java.util.List;
import java.util.Map;

/**
 * A validated tailnet policy: every group, tag and host an ACL names is defined, so compiling
 * it against a topology cannot fail. Build one with {@link PolicyParser#parse(String)}.
 */
public record Policy(Map<String, List<String>> groups, Map<String, IpSet> hosts,
                     Map<String, List<Alias>> tagOwners, List<AclRule> acls, AutoApprovers autoApprovers) {

    public Policy {
        groups = Map.copyOf(groups);
        hosts = Map.copyOf(hosts);
        tagOwners = Map.copyOf(tagOwners);
        acls = List.copyOf(acls);
    }
}
