package dev.tsj.control.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Turns policy text into a validated {@link Policy}, refusing what Tailscale's control plane
 * refuses: every error is a {@link PolicyException} whose one-line message says what is wrong
 * and where. Section and field names match case-insensitively, as Tailscale's decoder does.
 */
public final class PolicyParser {

    /** Sections that decide packet filters, peers or route approval, and so are compiled here. */
    private static final String GROUPS = "groups";
    private static final String HOSTS = "hosts";
    private static final String TAG_OWNERS = "tagowners";
    private static final String ACLS = "acls";
    private static final String AUTO_APPROVERS = "autoapprovers";

    /** Sections Tailscale accepts that change nothing this compiler produces. */
    private static final Set<String> IGNORED_SECTIONS = Set.of(
            "ssh", "nodeattrs", "derpmap", "disableipv4", "randomizeclientport", "onecgnatroute");

    /**
     * Sections Tailscale accepts that would change what is allowed or whether the policy is
     * accepted; tsj refuses them rather than silently compute a different answer.
     */
    private static final Set<String> UNSUPPORTED_SECTIONS = Set.of(
            "grants", "ipsets", "postures", "defaultsrcposture", "tests", "sshtests");

    /** The largest policy accepted, as Tailscale's limit: it also bounds an admin request. */
    public static final int MAX_BYTES = 1 << 20;

    private PolicyParser() {}

    public static Policy parse(String text) throws PolicyException {
        int size = text.getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        if (size > MAX_BYTES) {
            throw new PolicyException(null, "the policy is " + size + " bytes; at most " + MAX_BYTES + " are allowed");
        }
        HuJsonValue root = HuJsonParser.parse(text);
        if (!(root instanceof HuJsonValue.Obj top)) {
            throw new PolicyException(root.position(), "the policy must be an object, found " + root.kind());
        }
        Map<String, HuJsonValue.Member> sections = new HashMap<>();
        for (HuJsonValue.Member m : top.members()) {
            String key = m.key().toLowerCase(Locale.ROOT);
            if (sections.putIfAbsent(key, m) != null) {
                throw new PolicyException(m.keyPosition(), "section \"" + m.key() + "\" appears twice");
            }
            if (UNSUPPORTED_SECTIONS.contains(key)) {
                throw new PolicyException(m.keyPosition(), "section \"" + m.key() + "\" is not supported by tsj yet");
            }
            if (!IGNORED_SECTIONS.contains(key) && !List.of(GROUPS, HOSTS, TAG_OWNERS, ACLS, AUTO_APPROVERS).contains(key)) {
                throw new PolicyException(m.keyPosition(), "unknown section \"" + m.key() + "\"");
            }
        }
        Map<String, List<String>> groups = groups(section(sections, GROUPS));
        Map<String, IpSet> hosts = hosts(section(sections, HOSTS));
        Names names = new Names(groups.keySet(), hosts);
        Map<String, List<Alias>> tagOwners = tagOwners(section(sections, TAG_OWNERS), names);
        names = names.withTags(tagOwners.keySet());
        List<AclRule> acls = acls(section(sections, ACLS), names);
        AutoApprovers approvers = autoApprovers(section(sections, AUTO_APPROVERS), names);
        return new Policy(groups, hosts, tagOwners, acls, approvers);
    }

    private static Optional<HuJsonValue> section(Map<String, HuJsonValue.Member> sections, String key) {
        HuJsonValue.Member m = sections.get(key);
        if (m == null || m.value() instanceof HuJsonValue.Null) {
            return Optional.empty();
        }
        return Optional.of(m.value());
    }

    private static Map<String, List<String>> groups(Optional<HuJsonValue> section) throws PolicyException {
        Map<String, List<String>> groups = new LinkedHashMap<>();
        if (section.isEmpty()) {
            return groups;
        }
        for (HuJsonValue.Member m : object(section.get(), "groups").members()) {
            if (!m.key().startsWith("group:") || m.key().length() == "group:".length()) {
                throw new PolicyException(m.keyPosition(), "groups: \"" + m.key() + "\" must be named group:<name>");
            }
            List<String> members = new ArrayList<>();
            for (HuJsonValue v : array(m.value(), "groups." + m.key()).elements()) {
                HuJsonValue.Str s = string(v, "groups." + m.key());
                if (s.value().startsWith("group:")) {
                    throw new PolicyException(s.position(), "groups." + m.key() + ": a group cannot contain another group (\"" + s.value() + "\")");
                }
                if (!s.value().contains("@")) {
                    throw new PolicyException(s.position(), "groups." + m.key() + ": \"" + s.value() + "\" is not a user login like user@example.com");
                }
                members.add(s.value());
            }
            groups.put(m.key(), List.copyOf(members));
        }
        return groups;
    }

    private static Map<String, IpSet> hosts(Optional<HuJsonValue> section) throws PolicyException {
        Map<String, IpSet> hosts = new LinkedHashMap<>();
        if (section.isEmpty()) {
            return hosts;
        }
        for (HuJsonValue.Member m : object(section.get(), "hosts").members()) {
            if (m.key().isEmpty() || m.key().contains(":") || m.key().contains("@") || m.key().equals("*")) {
                throw new PolicyException(m.keyPosition(), "hosts: \"" + m.key() + "\" is not a valid host name");
            }
            HuJsonValue.Str s = string(m.value(), "hosts." + m.key());
            Optional<IpSet> set = IpPrefix.parse(s.value()).map(p -> IpSet.of(p.range()))
                    .or(() -> IpAddress.parse(s.value()).map(a -> IpSet.of(new IpRange(a, a))));
            if (set.isEmpty()) {
                throw new PolicyException(s.position(), "hosts." + m.key() + ": bad CIDR or IP address \"" + s.value() + "\"");
            }
            hosts.put(m.key(), set.get());
        }
        return hosts;
    }

    private static Map<String, List<Alias>> tagOwners(Optional<HuJsonValue> section, Names names) throws PolicyException {
        Map<String, List<Alias>> owners = new LinkedHashMap<>();
        if (section.isEmpty()) {
            return owners;
        }
        HuJsonValue.Obj obj = object(section.get(), "tagOwners");
        for (HuJsonValue.Member m : obj.members()) {
            if (!m.key().startsWith("tag:") || m.key().length() == "tag:".length()) {
                throw new PolicyException(m.keyPosition(), "tagOwners: \"" + m.key() + "\" must be named tag:<name>");
            }
        }
        // Owners may be other tags, so every tag is known before any owner list is checked.
        Names withTags = names.withTags(obj.members().stream().map(HuJsonValue.Member::key).toList());
        for (HuJsonValue.Member m : obj.members()) {
            owners.put(m.key(), ownerList(m.value(), "tagOwners." + m.key(), withTags));
        }
        return owners;
    }

    private static List<AclRule> acls(Optional<HuJsonValue> section, Names names) throws PolicyException {
        List<AclRule> rules = new ArrayList<>();
        if (section.isEmpty()) {
            return rules;
        }
        List<HuJsonValue> entries = array(section.get(), "acls").elements();
        for (int i = 0; i < entries.size(); i++) {
            rules.add(acl(entries.get(i), "acls[" + i + "]", names));
        }
        return rules;
    }

    private static AclRule acl(HuJsonValue entry, String path, Names names) throws PolicyException {
        HuJsonValue.Obj obj = object(entry, path);
        Map<String, HuJsonValue.Member> fields = new HashMap<>();
        for (HuJsonValue.Member m : obj.members()) {
            // "users" and "ports" are the pre-2022 spellings of src and dst that Tailscale still reads.
            String key = switch (m.key().toLowerCase(Locale.ROOT)) {
                case "users" -> "src";
                case "ports" -> "dst";
                default -> m.key().toLowerCase(Locale.ROOT);
            };
            if (!Set.of("action", "src", "dst", "proto").contains(key)) {
                throw new PolicyException(m.keyPosition(), path + ": unknown field \"" + m.key() + "\"");
            }
            if (fields.putIfAbsent(key, m) != null) {
                throw new PolicyException(m.keyPosition(), path + ": field \"" + m.key() + "\" appears twice");
            }
        }
        HuJsonValue.Member action = fields.get("action");
        if (action == null) {
            throw new PolicyException(obj.position(), path + ": missing \"action\": \"accept\"");
        }
        HuJsonValue.Str actionText = string(action.value(), path + ".action");
        if (!actionText.value().equals("accept")) {
            throw new PolicyException(actionText.position(), path + ".action: \"" + actionText.value()
                    + "\" is not a valid action; the only action is \"accept\"");
        }
        if (!fields.containsKey("src")) {
            throw new PolicyException(obj.position(), path + ": missing \"src\"");
        }
        if (!fields.containsKey("dst")) {
            throw new PolicyException(obj.position(), path + ": missing \"dst\"");
        }
        List<Integer> protocols = fields.containsKey("proto")
                ? protocol(fields.get("proto").value(), path + ".proto") : List.of();

        List<Alias> sources = new ArrayList<>();
        List<HuJsonValue.Str> sourceTexts = new ArrayList<>();
        for (HuJsonValue v : array(fields.get("src").value(), path + ".src").elements()) {
            HuJsonValue.Str s = string(v, path + ".src");
            sources.add(AliasSyntax.parse(s.value(), s.position(), path + ".src", AliasSyntax.Role.SOURCE, names));
            sourceTexts.add(s);
        }
        List<AclDestination> destinations = new ArrayList<>();
        for (HuJsonValue v : array(fields.get("dst").value(), path + ".dst").elements()) {
            HuJsonValue.Str s = string(v, path + ".dst");
            AclDestination d = AliasSyntax.parseDestination(s.value(), s.position(), path + ".dst", names);
            if (!protocols.isEmpty() && !protocols.stream().allMatch(IpProtocols.WITH_PORTS::contains)
                    && !d.ports().equals(List.of(PortRange.ALL))) {
                throw new PolicyException(s.position(), path + ".dst: \"" + s.value()
                        + "\" names ports, but the rule's protocol has none; use \"*\" as the port");
            }
            if (d.target() instanceof Alias.AutoGroup(AutoGroupKind kind) && kind == AutoGroupKind.SELF) {
                checkSelfSources(sources, sourceTexts, path);
            }
            destinations.add(d);
        }
        return new AclRule(sources, destinations, protocols, obj.position());
    }

    /**
     * autogroup:self means "the source's own nodes", which only makes sense when the source is
     * a set of users; Tailscale refuses tags, hosts and addresses there.
     */
    private static void checkSelfSources(List<Alias> sources, List<HuJsonValue.Str> texts, String path) throws PolicyException {
        for (int i = 0; i < sources.size(); i++) {
            boolean userLike = switch (sources.get(i)) {
                case Alias.Wildcard w -> true;
                case Alias.User u -> true;
                case Alias.Group g -> true;
                case Alias.AutoGroup(AutoGroupKind kind) -> kind == AutoGroupKind.MEMBER;
                default -> false;
            };
            if (!userLike) {
                throw new PolicyException(texts.get(i).position(), path + ".src: \"" + texts.get(i).value()
                        + "\" cannot reach autogroup:self; only users, groups, autogroup:member and \"*\" can");
            }
        }
    }

    private static List<Integer> protocol(HuJsonValue v, String path) throws PolicyException {
        String text;
        if (v instanceof HuJsonValue.Num n) {
            text = n.text();
        } else {
            text = string(v, path).value();
        }
        Integer byName = IpProtocols.BY_NAME.get(text.toLowerCase(Locale.ROOT));
        if (byName != null) {
            return List.of(byName);
        }
        if (!text.isEmpty() && text.length() <= 3 && text.chars().allMatch(c -> c >= '0' && c <= '9')) {
            int number = Integer.parseInt(text);
            if (number <= 255) {
                return List.of(number);
            }
        }
        throw new PolicyException(v.position(), path + ": unknown protocol \"" + text + "\"");
    }

    private static AutoApprovers autoApprovers(Optional<HuJsonValue> section, Names names) throws PolicyException {
        if (section.isEmpty()) {
            return AutoApprovers.NONE;
        }
        Map<IpPrefix, List<Alias>> routes = new LinkedHashMap<>();
        List<Alias> exitNode = List.of();
        for (HuJsonValue.Member m : object(section.get(), "autoApprovers").members()) {
            switch (m.key().toLowerCase(Locale.ROOT)) {
                case "routes" -> {
                    if (m.value() instanceof HuJsonValue.Null) {
                        continue;
                    }
                    for (HuJsonValue.Member r : object(m.value(), "autoApprovers.routes").members()) {
                        Optional<IpPrefix> prefix = IpPrefix.parse(r.key());
                        if (prefix.isEmpty()) {
                            throw new PolicyException(r.keyPosition(), "autoApprovers.routes: bad CIDR \"" + r.key() + "\"");
                        }
                        routes.put(prefix.get(), ownerList(r.value(), "autoApprovers.routes." + r.key(), names));
                    }
                }
                case "exitnode" -> exitNode = m.value() instanceof HuJsonValue.Null
                        ? List.of() : ownerList(m.value(), "autoApprovers.exitNode", names);
                default -> throw new PolicyException(m.keyPosition(), "autoApprovers: unknown field \"" + m.key() + "\"");
            }
        }
        return new AutoApprovers(routes, exitNode);
    }

    private static List<Alias> ownerList(HuJsonValue v, String path, Names names) throws PolicyException {
        List<Alias> owners = new ArrayList<>();
        for (HuJsonValue e : array(v, path).elements()) {
            HuJsonValue.Str s = string(e, path);
            owners.add(AliasSyntax.parse(s.value(), s.position(), path, AliasSyntax.Role.OWNER, names));
        }
        return List.copyOf(owners);
    }

    private static HuJsonValue.Obj object(HuJsonValue v, String path) throws PolicyException {
        if (v instanceof HuJsonValue.Obj o) {
            return o;
        }
        throw new PolicyException(v.position(), path + ": expected an object, found " + v.kind());
    }

    private static HuJsonValue.Arr array(HuJsonValue v, String path) throws PolicyException {
        if (v instanceof HuJsonValue.Arr a) {
            return a;
        }
        throw new PolicyException(v.position(), path + ": expected a list, found " + v.kind());
    }

    private static HuJsonValue.Str string(HuJsonValue v, String path) throws PolicyException {
        if (v instanceof HuJsonValue.Str s) {
            return s;
        }
        throw new PolicyException(v.position(), path + ": expected a string, found " + v.kind());
    }

    /** The names defined so far, against which aliases are checked. */
    record Names(Set<String> groups, Map<String, IpSet> hosts, Set<String> tags) {
        Names(Set<String> groups, Map<String, IpSet> hosts) {
            this(Set.copyOf(groups), hosts, Set.of());
        }

        Names withTags(java.util.Collection<String> definedTags) {
            return new Names(groups, hosts, Set.copyOf(definedTags));
        }
    }
}
