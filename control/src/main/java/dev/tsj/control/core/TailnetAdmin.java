package dev.tsj.control.core;

import dev.tsj.control.admin.AuthKeyInfo;
import dev.tsj.control.admin.CreatedAuthKey;
import dev.tsj.control.admin.NodeInfo;
import dev.tsj.control.admin.PolicyInfo;
import dev.tsj.control.admin.RouteInfo;
import dev.tsj.control.admin.ServerStats;
import dev.tsj.control.admin.UserInfo;
import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.api.ErrorMessage;
import dev.tsj.control.api.IpLiterals;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.store.AuthKeyRow;
import dev.tsj.control.policy.PolicyException;
import dev.tsj.control.store.NodeRow;
import dev.tsj.control.store.PolicyRow;
import dev.tsj.control.store.RouteRow;
import dev.tsj.control.store.UserRow;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The administrator's operations on a {@link Tailnet}: users, auth keys, nodes, routes.
 * Core thread only. Each validates everything before changing anything, and refuses with
 * one line that says what is wrong.
 */
public final class TailnetAdmin {
    private static final Pattern USER_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._@+-]{0,63}");
    private static final Pattern TAG = Pattern.compile("tag:[a-z0-9][a-z0-9-]{0,62}");
    static final Duration DEFAULT_KEY_LIFETIME = Duration.ofDays(90);

    private final Tailnet t;

    public TailnetAdmin(Tailnet tailnet) {
        this.t = tailnet;
    }

    // ---- users ----

    public UserInfo createUser(String name) throws ControlError {
        if (name == null || !USER_NAME.matcher(name).matches()) {
            throw ControlError.badRequest("invalid user name \"" + name
                    + "\": use 1-64 letters, digits and . _ @ + - (starting with a letter or digit)");
        }
        if (findUser(name) != null) {
            throw ControlError.badRequest("user " + name + " already exists");
        }
        UserRow u = t.store.insertUser(name, t.now());
        t.users.put(u.id(), u);
        t.log.info("user.created", "user", name);
        return info(u);
    }

    public List<UserInfo> listUsers() {
        return t.users.values().stream().map(this::info).toList();
    }

    public void deleteUser(String name) throws ControlError {
        UserRow u = user(name);
        long owned = t.nodes.values().stream().filter(n -> n.row.userId() == u.id()).count();
        if (owned > 0) {
            throw ControlError.badRequest("user " + name + " still owns " + owned + " node(s); delete them first");
        }
        t.store.deleteUser(u.id());
        t.users.remove(u.id());
        t.keysById.values().removeIf(k -> k.userId() == u.id());
        t.log.info("user.deleted", "user", name);
    }

    private UserInfo info(UserRow u) {
        int owned = (int) t.nodes.values().stream().filter(n -> n.row.userId() == u.id()).count();
        return new UserInfo(u.id(), u.name(), u.createdAt(), owned);
    }

    private UserRow findUser(String name) {
        return t.users.values().stream().filter(u -> u.name().equals(name)).findFirst().orElse(null);
    }

    private UserRow user(String name) throws ControlError {
        UserRow u = name == null ? null : findUser(name);
        if (u == null) {
            throw ControlError.badRequest("no such user: " + name);
        }
        return u;
    }

    // ---- auth keys ----

    /**
     * Creates an auth key and returns its text (shown once; only its hash is kept).
     *
     * @param expiration how long it can register nodes (null: 90 days)
     */
    public CreatedAuthKey createAuthKey(String userName, boolean reusable, boolean ephemeral, boolean preauthorized,
                                        Duration expiration, List<String> tags) throws ControlError {
        UserRow u = user(userName);
        Duration life = expiration == null ? DEFAULT_KEY_LIFETIME : expiration;
        if (life.isNegative() || life.isZero()) {
            throw ControlError.badRequest("expiration must be positive");
        }
        if (life.compareTo(Duration.ofDays(3650)) > 0) {
            throw ControlError.badRequest("expiration must be at most 3650 days");
        }
        List<String> normTags = normaliseTags(tags);
        AuthKeyText text = AuthKeyText.generate();
        Instant now = t.now();
        AuthKeyRow row = t.store.insertAuthKey(new AuthKeyRow(0, text.keyId(), text.hash(), u.id(), reusable, ephemeral,
                preauthorized, normTags, now, now.plus(life), 0, null));
        t.keysById.put(row.keyId(), row);
        t.log.info("authkey.created", "key", AuthKeyText.display(row.keyId()), "user", u.name(), "reusable", reusable,
                "ephemeral", ephemeral, "tags", String.join(",", normTags));
        return new CreatedAuthKey(text.text(), info(row));
    }

    static List<String> normaliseTags(List<String> tags) throws ControlError {
        if (tags == null) {
            return List.of();
        }
        Set<String> out = new LinkedHashSet<>();
        for (String raw : tags) {
            if (raw == null || raw.isBlank()) {
                continue;
            }
            String tag = raw.strip().startsWith("tag:") ? raw.strip() : "tag:" + raw.strip();
            if (!TAG.matcher(tag).matches()) {
                throw ControlError.badRequest("invalid tag \"" + raw + "\": use tag:name with lower-case letters, digits and -");
            }
            out.add(tag);
        }
        if (out.size() > Tailnet.MAX_TAGS) {
            throw ControlError.badRequest("too many tags (at most " + Tailnet.MAX_TAGS + ")");
        }
        return List.copyOf(out);
    }

    public List<AuthKeyInfo> listAuthKeys() {
        return t.keysById.values().stream().map(this::info).toList();
    }

    /** Expires a key now: it registers no more nodes (nodes it registered stay). */
    public AuthKeyInfo expireAuthKey(String id) throws ControlError {
        String keyId = id == null ? "" : id.strip();
        AuthKeyText full = AuthKeyText.parse(keyId);
        if (full != null) {
            keyId = full.keyId();
        } else if (keyId.startsWith(AuthKeyText.PREFIX)) {
            keyId = keyId.substring(AuthKeyText.PREFIX.length()).replace("-…", "").replace("-", "");
        }
        AuthKeyRow k = t.keysById.get(keyId);
        if (k == null) {
            throw ControlError.badRequest("no such auth key: " + id);
        }
        Instant now = t.now();
        if (!k.isExpired(now)) {
            k = k.expiredAt(now);
            t.store.updateAuthKey(k);
            t.keysById.put(k.keyId(), k);
            t.log.info("authkey.expired", "key", AuthKeyText.display(k.keyId()));
        }
        return info(k);
    }

    private AuthKeyInfo info(AuthKeyRow k) {
        UserRow u = t.users.get(k.userId());
        Instant now = t.now();
        String state = k.isExpired(now) ? "expired" : k.isSpent() ? "used" : "usable";
        return new AuthKeyInfo(k.keyId(), u == null ? "" : u.name(), k.reusable(), k.ephemeral(), k.preauthorized(),
                k.tags(), k.createdAt(), k.expiresAt(), k.useCount(), state);
    }

    // ---- nodes ----

    public List<NodeInfo> listNodes() {
        return t.nodes.values().stream().map(this::info).toList();
    }

    public NodeInfo deleteNode(String ref) throws ControlError {
        NodeState n = node(ref);
        NodeInfo before = info(n);
        t.delete(n, ErrorMessage.of(ErrorCode.NODE_DELETED, Messages.NODE_DELETED));
        t.log.info("node.deleted", "id", n.id(), "name", n.row.givenName());
        return before;
    }

    public NodeInfo expireNode(String ref) throws ControlError {
        NodeState n = node(ref);
        if (!n.row.isExpired(t.now())) {
            t.expire(n, ErrorMessage.of(ErrorCode.NODE_KEY_EXPIRED, Messages.NODE_KEY_EXPIRED));
            t.log.info("node.expired", "id", n.id(), "name", n.row.givenName());
        }
        return info(n);
    }

    public NodeInfo renameNode(String ref, String newName) throws ControlError {
        NodeState n = node(ref);
        if (!Hostnames.isValidLabel(newName)) {
            throw ControlError.badRequest("invalid name \"" + newName + "\": use a DNS label (a-z, 0-9 and -, at most "
                    + Hostnames.MAX_LABEL + " characters)");
        }
        if (newName.equals(n.row.givenName())) {
            return info(n);
        }
        if (t.names.isTaken(newName)) {
            throw ControlError.badRequest("name " + newName + " is already taken by another node");
        }
        NodeRow row = n.row.toBuilder().givenName(newName, true).build();
        t.store.updateNode(row);
        t.names.release(n.row.givenName());
        t.names.take(newName);
        t.log.info("node.renamed", "id", n.id(), "from", n.row.givenName(), "to", newName);
        n.row = row;
        t.publish(n);
        return info(n);
    }

    private NodeState node(String ref) throws ControlError {
        if (ref == null || ref.isBlank()) {
            throw ControlError.badRequest("a node id or name is required");
        }
        String r = ref.strip();
        if (r.chars().allMatch(Character::isDigit) && r.length() < 19) {
            NodeState n = t.nodes.get(Long.parseLong(r));
            if (n != null) {
                return n;
            }
        }
        String label = r.endsWith("." + t.config.domain()) ? r.substring(0, r.length() - t.config.domain().length() - 1) : r;
        for (NodeState n : t.nodes.values()) {
            if (n.row.givenName().equals(label)) {
                return n;
            }
        }
        throw ControlError.badRequest("no such node: " + ref);
    }

    private NodeInfo info(NodeState n) {
        NodeRow r = n.row;
        List<String> rts = t.routes.of(r.id()).stream().filter(RouteRow::enabled).map(x -> x.prefix().toString()).toList();
        return new NodeInfo(r.id(), r.givenName(), r.hostname(), t.userName(r), r.tags(), r.ipv4().getHostAddress(),
                r.ipv6().getHostAddress(), n.online(), r.lastSeen(), r.keyExpiry(), r.isExpired(t.now()), r.ephemeral(),
                r.nodeKey().shortString(), r.endpoints().stream().map(IpLiterals::formatEndpoint).toList(), rts);
    }

    // ---- routes ----

    public List<RouteInfo> listRoutes() {
        List<RouteInfo> out = new ArrayList<>();
        for (NodeState n : t.nodes.values()) {
            for (RouteRow r : t.routes.of(n.id())) {
                out.add(new RouteInfo(n.id(), n.row.givenName(), r.prefix().toString(), r.advertised(), r.approved(),
                        t.routes.isPrimary(n.id(), r.prefix())));
            }
        }
        return out;
    }

    /** Approves (or withdraws approval of) routes the node advertises. */
    public List<RouteInfo> setApproved(String ref, List<String> prefixes, boolean approved) throws ControlError {
        NodeState n = node(ref);
        if (prefixes == null || prefixes.isEmpty()) {
            throw ControlError.badRequest("name at least one route (CIDR)");
        }
        List<IpPrefix> wanted = new ArrayList<>();
        for (String p : prefixes) {
            try {
                wanted.add(IpPrefix.parse(p == null ? "" : p));
            } catch (IllegalArgumentException e) {
                throw ControlError.badRequest("invalid route \"" + p + "\": " + e.getMessage());
            }
        }
        List<RouteRow> rows = new ArrayList<>(t.routes.of(n.id()));
        for (IpPrefix p : wanted) {
            int i = indexOf(rows, p);
            if (i < 0 || (approved && !rows.get(i).advertised())) {
                throw ControlError.badRequest("node " + n.row.givenName() + " does not advertise " + p);
            }
        }
        for (IpPrefix p : wanted) {
            int i = indexOf(rows, p);
            RouteRow r = rows.get(i);
            rows.set(i, new RouteRow(n.id(), p, r.advertised(), approved));
        }
        rows.removeIf(r -> !r.advertised() && !r.approved());
        t.store.replaceRoutes(n.id(), rows);
        t.routes.put(n.id(), rows);
        t.log.info(approved ? "route.approved" : "route.unapproved", "id", n.id(), "name", n.row.givenName(),
                "routes", wanted);
        t.reelect();
        t.access.invalidate();
        return listRoutes().stream().filter(r -> r.nodeId() == n.id()).toList();
    }

    private static int indexOf(List<RouteRow> rows, IpPrefix p) {
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).prefix().equals(p)) {
                return i;
            }
        }
        return -1;
    }

    // ---- policy ----

    public PolicyInfo policy() {
        TailnetPolicy p = t.access.policy();
        return p == null ? new PolicyInfo(null, null, 0, List.of())
                : new PolicyInfo(p.text(), p.updatedAt(), p.parsed().acls().size(), List.of());
    }

    /**
     * Validates the policy and puts it in force: stored, its autoApprovers applied to the
     * routes nodes advertise (approvals are only ever added), then compiled and streamed. A
     * policy that does not parse is refused with the line, column and problem, and the one in
     * force stays.
     */
    public PolicyInfo setPolicy(String text) throws ControlError {
        TailnetPolicy p;
        try {
            p = TailnetPolicy.parse(text, t.now());
        } catch (PolicyException e) {
            throw ControlError.badRequest(e.getMessage());
        }
        TailnetPolicy previous = t.access.policy();
        t.access.replace(p);
        List<String> approved = new ArrayList<>();
        java.util.Map<Long, List<RouteRow>> changed = new java.util.LinkedHashMap<>();
        for (NodeState n : t.nodes.values()) {
            List<RouteRow> rows = t.routes.of(n.id());
            List<RouteRow> after = t.access.autoApprove(n.row, rows);
            if (!after.equals(rows)) {
                changed.put(n.id(), after);
                for (int i = 0; i < rows.size(); i++) {
                    if (after.get(i).approved() && !rows.get(i).approved()) {
                        approved.add(n.row.givenName() + " " + rows.get(i).prefix());
                    }
                }
            }
        }
        try {
            t.store.transaction(() -> {
                t.store.setPolicy(new PolicyRow(p.text(), p.updatedAt()));
                changed.forEach(t.store::replaceRoutes);
            });
        } catch (RuntimeException e) {
            t.access.replace(previous);
            throw e;
        }
        changed.forEach(t.routes::put);
        t.log.info("policy.set", "rules", p.parsed().acls().size(), "auto_approved", approved.size());
        t.reelect();
        t.access.invalidate();
        return new PolicyInfo(p.text(), p.updatedAt(), p.parsed().acls().size(), approved);
    }

    public ServerStats stats() {
        Runtime rt = Runtime.getRuntime();
        int online = (int) t.nodes.values().stream().filter(NodeState::online).count();
        return new ServerStats(t.nodes.size(), online, t.sessionCount(), t.changes.head(),
                rt.totalMemory() - rt.freeMemory(), rt.maxMemory());
    }
}
