package dev.tsj.control.api;

import java.util.List;

/**
 * DNS settings pushed to nodes. {@code domain} is the tailnet's DNS suffix under which
 * every node has a name; nameservers and split-DNS routes come with the DNS issue.
 */
public record DnsConfig(String domain, List<String> nameservers, List<String> searchDomains) {
    public DnsConfig {
        nameservers = nameservers == null ? List.of() : List.copyOf(nameservers);
        searchDomains = searchDomains == null ? List.of() : List.copyOf(searchDomains);
    }
}
