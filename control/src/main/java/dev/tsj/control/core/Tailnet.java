package dev.tsj.control.core;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tsj.control.EventLog;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.DnsConfig;
import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.api.ErrorMessage;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.LogoutRequest;
import dev.tsj.control.api.MapRequest;
import dev.tsj.control.api.MapUpdate;
import dev.tsj.control.api.Node;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.control.store.AuthKeyRow;
import dev.tsj.control.policy.PolicyException;
import dev.tsj.control.store.NodeRow;
import dev.tsj.control.store.PolicyRow;
import dev.tsj.control.store.RouteRow;
import dev.tsj.control.store.Store;
import dev.tsj.control.store.UserRow;
import dev.tsj.crypto.ConstantTime;
import dev.tsj.crypto.PublicKey;
import java.net.InetSocketAddress;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tailnet's state and the node-facing operations on it: registration, map sessions,
 * node reports, logout, key expiry and ephemeral clean-up. Everything here runs on the
 * core thread (see {@link Core}); the store is written before memory changes, so a
 * failed write changes nothing.
 *
 * <p>A change to a node is serialised once into a {@link PeerView} and appended once to
 * the {@link ChangeLog}; sessions are only woken. Each session's writer then reads what
 * it missed, so a change costs O(sessions) wake-ups and no per-session work here. Under a
 * policy, {@link TailnetAccess} says what each node may see; its writer filters by that.
 */
public final class Tailnet {
    static final String TAGGED_USER = "tagged-devices";
    /** Bounds on what a node may report, so that one node cannot bloat every map. */
    static final int MAX_ENDPOINTS = 64;
    static final int MAX_ROUTES = 256;
    static final int MAX_TAGS = 64;
    static final int MAX_TEXT = 256;
    static final int MAX_RELAY_REGION = 65_535;

    final Store store;
    final TailnetConfig config;
    final Clock clock;
    final EventLog log;
    private final Scheduler scheduler;
    final Map<Long, UserRow> users = new LinkedHashMap<>();
    final Map<String, AuthKeyRow> keysById = new LinkedHashMap<>();
    final Map<Long, NodeState> nodes = new LinkedHashMap<>();
    private final Map<PublicKey, NodeState> byMachine = new HashMap<>();
    private final Map<PublicKey, NodeState> byNodeKey = new HashMap<>();
    private final IpAllocator ips = new IpAllocator();
    final Hostnames names = new Hostnames();
    final RouteTable routes = new RouteTable();
    final ChangeLog changes = new ChangeLog(1 << 14);
    private final Set<MapSubscription> sessions = new LinkedHashSet<>();
    private final SecureRandom random = new SecureRandom();
    private final byte[] dnsJson;
    /** The current view of every node in the map (not expired), for session writers. */
    private final Map<Long, PeerView> views = new ConcurrentHashMap<>();
    final TailnetAccess access;
    private final MapFeed feed;
    private byte[] relaysJson;

    /**
     * Loads the tailnet from the store. {@code initialPolicy} (the text of {@code serve
     * --policy FILE}, or null) replaces the stored policy; a policy that does not parse stops
     * the start, since running without it would allow what it forbids.
     */
    public Tailnet(Store store, TailnetConfig config, Clock clock, EventLog log, Scheduler scheduler, String initialPolicy)
            throws PolicyException {
        this.store = store;
        this.config = config;
        this.clock = clock;
        this.log = log;
        this.scheduler = scheduler;
        this.dnsJson = json(new DnsConfig(config.domain(), List.of(), List.of(config.domain())));
        this.access = new TailnetAccess(this, scheduler, log);
        this.feed = new MapFeed(changes, views::get, access::current);
        load();
        access.start(loadPolicy(initialPolicy));
    }

    private TailnetPolicy loadPolicy(String initialPolicy) throws PolicyException {
        if (initialPolicy != null) {
            TailnetPolicy p = TailnetPolicy.parse(initialPolicy, now());
            PolicyRow stored = store.policy();
            if (stored == null || !stored.text().equals(initialPolicy)) {
                store.setPolicy(new PolicyRow(p.text(), p.updatedAt()));
            } else {
                p = new TailnetPolicy(p.text(), p.parsed(), stored.updatedAt());
            }
            log.info("policy.loaded", "source", "--policy", "rules", p.parsed().acls().size());
            return p;
        }
        PolicyRow stored = store.policy();
        if (stored == null) {
            return null;
        }
        try {
            TailnetPolicy p = TailnetPolicy.parse(stored.text(), stored.updatedAt());
            log.info("policy.loaded", "source", "database", "rules", p.parsed().acls().size());
            return p;
        } catch (PolicyException e) {
            throw new PolicyException(e.position(), "the stored policy no longer parses ("
                    + e.getMessage().substring("policy: ".length()) + "); start with --policy FILE to replace it");
        }
    }

    private void load() {
        Instant now = now();
        store.users().forEach(u -> users.put(u.id(), u));
        store.authKeys().forEach(k -> keysById.put(k.keyId(), k));
        routes.load(store.routes());
        for (NodeRow r : store.nodes()) {
            NodeState n = new NodeState(r);
            index(n);
            n.expiryPublished = r.isExpired(now);
            if (r.ephemeral()) {
                scheduleEphemeralRemoval(n);
            }
        }
        for (NodeState n : nodes.values()) {
            rebuildView(n);
            if (!n.expiryPublished) {
                views.put(n.id(), n.view);
            }
        }
    }

    Instant now() {
        return clock.instant().truncatedTo(ChronoUnit.MILLIS);
    }

    private void index(NodeState n) {
        nodes.put(n.id(), n);
        byMachine.put(n.row.machineKey(), n);
        byNodeKey.put(n.row.nodeKey(), n);
        ips.markUsed(n.row.ipv4());
        names.take(n.row.givenName());
    }

    // ---- registration ------------------------------------------------------------------

    public RegisterResponse register(PublicKey machineKey, RegisterRequest req) throws ControlError {
        if (req.nodeKey() == null) {
            throw ControlError.badRequest("nodeKey is required");
        }
        Hostinfo hi = validate(req.hostinfo());
        Instant now = now();
        NodeState existing = byMachine.get(machineKey);
        NodeState keyOwner = byNodeKey.get(req.nodeKey());
        if (keyOwner != null && keyOwner != existing) {
            throw ControlError.badRequest("this node key is already registered by another machine");
        }
        if (req.authKey() == null || req.authKey().isBlank()) {
            if (existing != null && existing.row.isExpired(now)) {
                throw new ControlError(ErrorCode.NODE_KEY_EXPIRED, Messages.NODE_KEY_EXPIRED);
            }
            if (existing != null && existing.row.nodeKey().equals(req.nodeKey())) {
                return response(existing);
            }
            throw new ControlError(ErrorCode.AUTH_KEY_REQUIRED, Messages.AUTH_KEY_REQUIRED);
        }
        AuthKeyRow key = verifyAuthKey(req.authKey(), now);
        UserRow user = users.get(key.userId());
        boolean ephemeral = key.ephemeral() || req.ephemeral();
        List<String> tags = access.tagsFor(user.id(), key.tags(), TailnetAdmin.normaliseTags(hi.requestTags()));
        Instant expiry = tags.isEmpty() ? now.plus(config.nodeKeyExpiry()) : null;
        String hostname = hi.hostname() != null && !hi.hostname().isBlank() ? hi.hostname()
                : existing != null ? existing.row.hostname() : "";
        NodeState n;
        if (existing != null) {
            n = existing;
            NodeRow old = n.row;
            NodeRow.Builder b = old.toBuilder().nodeKey(req.nodeKey()).userId(user.id()).tags(tags)
                    .ephemeral(ephemeral).authKeyId(key.id()).keyExpiry(expiry).hostinfo(hi).hostname(hostname);
            String newName = renameFor(old, hostname);
            NodeRow row = b.givenName(newName, old.givenNameByAdmin()).build();
            List<RouteRow> newRoutes = access.autoApprove(row, routes.withAdvertised(n.id(), hi.advertisedRoutes()));
            try {
                store.transaction(() -> {
                    store.updateNode(row);
                    store.updateAuthKey(key.used(now));
                    store.replaceRoutes(n.id(), newRoutes);
                });
            } catch (RuntimeException e) {
                undoRename(old, newName);
                throw e;
            }
            byNodeKey.remove(old.nodeKey());
            byNodeKey.put(row.nodeKey(), n);
            n.row = row;
            n.expiryPublished = false;
            routes.put(n.id(), newRoutes);
            if (!old.nodeKey().equals(row.nodeKey())) {
                endSessions(n, s -> !s.nodeKey().equals(row.nodeKey()),
                        ErrorMessage.of(ErrorCode.NOT_REGISTERED, Messages.NODE_KEY_REPLACED));
            }
        } else {
            var v4 = ips.allocate();
            String givenName = names.allocate(Hostnames.sanitize(hostname));
            NodeRow fresh = new NodeRow(0, newStableId(), machineKey, req.nodeKey(), null, user.id(), tags, hostname,
                    givenName, false, v4, IpAllocator.v6For(v4), ephemeral, key.id(), now, expiry, null, List.of(), hi);
            NodeRow[] inserted = new NodeRow[1];
            List<List<RouteRow>> newRoutes = new ArrayList<>(List.of(List.of()));
            try {
                store.transaction(() -> {
                    inserted[0] = store.insertNode(fresh);
                    store.updateAuthKey(key.used(now));
                    if (!hi.advertisedRoutes().isEmpty()) {
                        newRoutes.set(0, access.autoApprove(inserted[0],
                                routes.withAdvertised(inserted[0].id(), hi.advertisedRoutes())));
                        store.replaceRoutes(inserted[0].id(), newRoutes.getFirst());
                    }
                });
            } catch (RuntimeException e) {
                ips.release(v4);
                names.release(givenName);
                throw e;
            }
            n = new NodeState(inserted[0]);
            index(n);
            routes.put(n.id(), newRoutes.getFirst());
        }
        keysById.put(key.keyId(), key.used(now));
        if (ephemeral) {
            scheduleEphemeralRemoval(n);
        }
        log.info("node.registered", "id", n.id(), "name", n.row.givenName(), "user", user.name(),
                "tags", String.join(",", tags), "ephemeral", ephemeral, "key", AuthKeyText.display(key.keyId()));
        publish(n);
        reelect();
        access.invalidate();
        return response(n);
    }

    private AuthKeyRow verifyAuthKey(String text, Instant now) throws ControlError {
        AuthKeyText parsed = AuthKeyText.parse(text);
        AuthKeyRow key = parsed == null ? null : keysById.get(parsed.keyId());
        if (key == null || !ConstantTime.equals(key.secretHash(), parsed.hash())) {
            throw new ControlError(ErrorCode.AUTH_KEY_INVALID, Messages.AUTH_KEY_INVALID);
        }
        if (key.isExpired(now)) {
            throw new ControlError(ErrorCode.AUTH_KEY_EXPIRED, Messages.AUTH_KEY_EXPIRED);
        }
        if (key.isSpent()) {
            throw new ControlError(ErrorCode.AUTH_KEY_USED, Messages.AUTH_KEY_USED);
        }
        return key;
    }

    private RegisterResponse response(NodeState n) {
        NodeRow r = n.row;
        return new RegisterResponse(r.id(), r.stableId(), r.givenName(), dnsName(r), userName(r), r.tags(),
                addresses(r), r.keyExpiry(), r.ephemeral(), true);
    }

    private String newStableId() {
        String alphabet = "abcdefghijkmnopqrstuvwxyz23456789";
        StringBuilder b = new StringBuilder("n");
        for (int i = 0; i < 12; i++) {
            b.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return b.toString();
    }

    /** The given name a node should have after reporting {@code hostname}; takes it. */
    private String renameFor(NodeRow row, String hostname) {
        if (row.givenNameByAdmin() || Hostnames.sanitize(hostname).equals(Hostnames.sanitize(row.hostname()))) {
            return row.givenName();
        }
        names.release(row.givenName());
        return names.allocate(Hostnames.sanitize(hostname));
    }

    private void undoRename(NodeRow old, String newName) {
        if (!newName.equals(old.givenName())) {
            names.release(newName);
            names.take(old.givenName());
        }
    }

    // ---- map sessions --------------------------------------------------------------------

    public MapSubscription subscribe(PublicKey machineKey, MapRequest req, SessionHandle handle) throws ControlError {
        if (req.nodeKey() == null) {
            throw ControlError.badRequest("nodeKey is required");
        }
        NodeState n = registeredNode(machineKey, req.nodeKey());
        NodeRow reported = applyReport(n, req.endpoints(), req.hostinfo(), req.discoKey());
        n.homeRelay = homeRelay(req.homeRelay(), n.homeRelay);
        Instant now = now();
        boolean wasOnline = n.online();
        MapSubscription sub = new MapSubscription(n.id(), req.nodeKey(), handle);
        NodeRow row = reported.toBuilder().lastSeen(now).build();
        store.updateNode(row);
        commitReport(n, row);
        n.sessions.add(sub);
        sessions.add(sub);
        publish(n);
        if (!wasOnline && !routes.of(n.id()).isEmpty()) {
            reelect();
        }
        sub.start(snapshot(n), feed);
        log.info("session.opened", "id", n.id(), "name", n.row.givenName(), "sessions", sessions.size());
        return sub;
    }

    private NodeState registeredNode(PublicKey machineKey, PublicKey nodeKey) throws ControlError {
        NodeState n = byMachine.get(machineKey);
        if (n == null || !n.row.nodeKey().equals(nodeKey)) {
            throw new ControlError(ErrorCode.NOT_REGISTERED, Messages.NOT_REGISTERED);
        }
        if (n.row.isExpired(now())) {
            throw new ControlError(ErrorCode.NODE_KEY_EXPIRED, Messages.NODE_KEY_EXPIRED);
        }
        return n;
    }

    private MapSnapshot snapshot(NodeState self) {
        ViewerAccess va = access.current().forViewer(self.id());
        List<PeerView> peers = new ArrayList<>(va.isAll() ? nodes.size() : 16);
        if (va.isAll()) {
            for (NodeState p : nodes.values()) {
                if (p != self && !p.expiryPublished) {
                    peers.add(p.view);
                }
            }
        } else {
            va.forEachPeer(id -> {
                PeerView v = views.get(id);
                if (v != null && id != self.id()) {
                    peers.add(v);
                }
            });
        }
        return new MapSnapshot(self.view, peers, va, dnsJson, (int) config.keepAlive().toSeconds(), relaysJson);
    }

    /**
     * Gives a session that fell too far behind the change log a fresh full map (read it
     * from {@link MapSubscription#initial()} again). False if the session has ended.
     */
    public boolean resync(MapSubscription sub) {
        NodeState n = nodes.get(sub.nodeId());
        if (n == null || !sessions.contains(sub)) {
            return false;
        }
        sub.start(snapshot(n), feed);
        return true;
    }

    /** A node's report on its open session: new endpoints, hostinfo or disco key. */
    public void update(MapSubscription sub, MapUpdate u) throws ControlError {
        NodeState n = nodes.get(sub.nodeId());
        if (n == null || !sessions.contains(sub)) {
            throw new ControlError(ErrorCode.NOT_REGISTERED, Messages.NOT_REGISTERED);
        }
        NodeRow row = applyReport(n, u.endpoints(), u.hostinfo(), u.discoKey());
        int relay = homeRelay(u.homeRelay(), n.homeRelay);
        if (row.equals(n.row) && relay == n.homeRelay) {
            return;
        }
        n.homeRelay = relay;
        store.updateNode(row);
        commitReport(n, row);
        publish(n);
    }

    /**
     * The row after a node's report (validated; nothing stored yet). A hostname change
     * renames the node unless an administrator named it.
     */
    private NodeRow applyReport(NodeState n, List<InetSocketAddress> endpoints, Hostinfo hostinfo, PublicKey disco)
            throws ControlError {
        NodeRow.Builder b = n.row.toBuilder();
        if (endpoints != null) {
            if (endpoints.size() > MAX_ENDPOINTS) {
                throw ControlError.badRequest("too many endpoints (" + endpoints.size() + ", at most " + MAX_ENDPOINTS + ")");
            }
            b.endpoints(endpoints);
        }
        if (disco != null) {
            b.discoKey(disco);
        }
        if (hostinfo != null) {
            Hostinfo hi = validate(hostinfo);
            b.hostinfo(hi);
            if (hi.hostname() != null && !hi.hostname().equals(n.row.hostname())) {
                b.hostname(hi.hostname());
                if (!n.row.givenNameByAdmin()
                        && !Hostnames.sanitize(hi.hostname()).equals(Hostnames.sanitize(n.row.hostname()))) {
                    b.givenName(pickName(n, hi.hostname()), false);
                }
            }
        }
        return b.build();
    }

    /** A free name for {@code hostname}, not yet taken (taken in {@link #commitReport}). */
    private String pickName(NodeState n, String hostname) {
        String base = Hostnames.sanitize(hostname);
        names.release(n.row.givenName());
        String name = names.allocate(base);
        names.release(name);
        names.take(n.row.givenName());
        return name;
    }

    /** Makes a stored report current in memory: names and advertised routes. */
    private void commitReport(NodeState n, NodeRow row) {
        if (!row.givenName().equals(n.row.givenName())) {
            names.release(n.row.givenName());
            names.take(row.givenName());
        }
        List<IpPrefix> oldAdv = n.row.hostinfo() == null ? List.of() : n.row.hostinfo().advertisedRoutes();
        List<IpPrefix> newAdv = row.hostinfo() == null ? List.of() : row.hostinfo().advertisedRoutes();
        n.row = row;
        if (!Set.copyOf(oldAdv).equals(Set.copyOf(newAdv))) {
            List<RouteRow> rows = access.autoApprove(row, routes.withAdvertised(n.id(), newAdv));
            store.replaceRoutes(n.id(), rows);
            routes.put(n.id(), rows);
            reelect();
            access.invalidate();
        }
    }

    public void unsubscribe(MapSubscription sub) {
        if (!sessions.remove(sub)) {
            return;
        }
        NodeState n = nodes.get(sub.nodeId());
        if (n == null) {
            return;
        }
        n.sessions.remove(sub);
        if (n.online()) {
            return;
        }
        NodeRow row = n.row.toBuilder().lastSeen(now()).build();
        store.updateNode(row);
        n.row = row;
        n.offlineEpoch++;
        log.info("session.closed", "id", n.id(), "name", row.givenName(), "sessions", sessions.size());
        publish(n);
        if (!routes.of(n.id()).isEmpty()) {
            reelect();
        }
        if (row.ephemeral()) {
            scheduleEphemeralRemoval(n);
        }
    }

    public void logout(PublicKey machineKey, LogoutRequest req) throws ControlError {
        if (req.nodeKey() == null) {
            throw ControlError.badRequest("nodeKey is required");
        }
        NodeState n = registeredNode(machineKey, req.nodeKey());
        if (n.row.ephemeral()) {
            delete(n, ErrorMessage.of(ErrorCode.NOT_REGISTERED, Messages.NOT_REGISTERED));
        } else {
            expire(n, ErrorMessage.of(ErrorCode.NOT_REGISTERED, Messages.NOT_REGISTERED));
        }
        log.info("node.logout", "id", n.id(), "name", n.row.givenName());
    }

    // ---- expiry, deletion, ephemeral clean-up ----------------------------------------------

    /** Sets the node key's expiry to now and applies it. */
    void expire(NodeState n, ErrorMessage why) {
        NodeRow row = n.row.toBuilder().keyExpiry(now()).build();
        store.updateNode(row);
        n.row = row;
        applyExpiry(n, why);
    }

    /** Applies expiries that have come due; run every second. */
    public void sweepExpiry() {
        Instant now = now();
        for (NodeState n : List.copyOf(nodes.values())) {
            if (!n.expiryPublished && n.row.isExpired(now)) {
                applyExpiry(n, ErrorMessage.of(ErrorCode.NODE_KEY_EXPIRED, Messages.NODE_KEY_EXPIRED));
                log.info("node.key_expired", "id", n.id(), "name", n.row.givenName());
            }
        }
    }

    private void applyExpiry(NodeState n, ErrorMessage why) {
        n.expiryPublished = true;
        endSessions(n, s -> true, why);
        publish(n);
        reelect();
        access.invalidate();
    }

    /** Deletes a node: gone from the store and from every map at once. */
    void delete(NodeState n, ErrorMessage why) {
        store.deleteNode(n.id());
        nodes.remove(n.id());
        byMachine.remove(n.row.machineKey());
        byNodeKey.remove(n.row.nodeKey());
        ips.release(n.row.ipv4());
        names.release(n.row.givenName());
        routes.put(n.id(), List.of());
        for (MapSubscription s : List.copyOf(n.sessions)) {
            sessions.remove(s);
            s.handle().terminate(why);
        }
        n.sessions.clear();
        views.remove(n.id());
        changes.append(n.id(), null);
        wakeAll();
        reelect();
        access.invalidate();
    }

    private void scheduleEphemeralRemoval(NodeState n) {
        long epoch = n.offlineEpoch;
        scheduler.schedule(config.ephemeralTimeout(), () -> {
            NodeState cur = nodes.get(n.id());
            if (cur == n && !n.online() && n.offlineEpoch == epoch && n.row.ephemeral()) {
                log.info("node.ephemeral_removed", "id", n.id(), "name", n.row.givenName());
                delete(n, ErrorMessage.of(ErrorCode.NOT_REGISTERED, Messages.NOT_REGISTERED));
            }
        });
    }

    private void endSessions(NodeState n, java.util.function.Predicate<MapSubscription> which, ErrorMessage why) {
        for (MapSubscription s : List.copyOf(n.sessions)) {
            if (which.test(s)) {
                n.sessions.remove(s);
                sessions.remove(s);
                s.handle().terminate(why);
            }
        }
    }

    // ---- views and fan-out ----------------------------------------------------------------

    /** Rebuilds a node's view and tells every session; O(sessions) wake-ups, nothing more. */
    void publish(NodeState n) {
        rebuildView(n);
        if (n.expiryPublished) {
            views.remove(n.id());
        } else {
            views.put(n.id(), n.view);
        }
        changes.append(n.id(), n.expiryPublished ? null : n.view);
        wakeAll();
    }

    void wakeAll() {
        for (MapSubscription s : sessions) {
            s.handle().wake();
        }
    }

    /** Re-elects primary routers and republishes the nodes whose role changed. */
    void reelect() {
        if (!routes.hasAny()) {
            return;
        }
        Instant now = now();
        Set<Long> changed = routes.elect(id -> {
            NodeState n = nodes.get(id);
            return n != null && n.online() && !n.row.isExpired(now);
        });
        for (long id : changed) {
            NodeState n = nodes.get(id);
            if (n != null) {
                log.info("route.primary_changed", "id", id, "name", n.row.givenName(),
                        "primary", routes.primaryOf(id));
                publish(n);
            }
        }
    }

    private void rebuildView(NodeState n) {
        n.view = new PeerView(toNode(n));
    }

    Node toNode(NodeState n) {
        NodeRow r = n.row;
        List<IpPrefix> addrs = addresses(r);
        List<IpPrefix> primary = routes.primaryOf(r.id());
        List<IpPrefix> allowed = new ArrayList<>(addrs);
        allowed.addAll(primary);
        allowed.addAll(routes.exitRoutesOf(r.id()));
        return new Node(r.id(), r.stableId(), r.givenName(), dnsName(r), userName(r), r.tags(), r.nodeKey(),
                r.machineKey(), r.discoKey(), addrs, allowed, primary, r.endpoints(), n.online(), r.lastSeen(),
                r.keyExpiry(), r.isExpired(now()), r.hostinfo(), n.homeRelay == 0 ? null : n.homeRelay);
    }

    static List<IpPrefix> addresses(NodeRow r) {
        return List.of(IpPrefix.host(r.ipv4()), IpPrefix.host(r.ipv6()));
    }

    String dnsName(NodeRow r) {
        return r.givenName() + "." + config.domain();
    }

    String userName(NodeRow r) {
        if (!r.tags().isEmpty()) {
            return TAGGED_USER;
        }
        UserRow u = users.get(r.userId());
        return u == null ? "" : u.name();
    }

    // ---- relays ---------------------------------------------------------------------------

    /** The relays every full map advertises; set once at start, before any session. */
    public void advertiseRelays(List<dev.tsj.control.api.RelayNode> relays) {
        relaysJson = relays.isEmpty() ? null : json(relays);
    }

    /** A reported home relay region (null: unchanged); refuses what cannot be a region id. */
    private static int homeRelay(Integer reported, int current) throws ControlError {
        if (reported == null) {
            return current;
        }
        if (reported < 0 || reported > MAX_RELAY_REGION) {
            throw ControlError.badRequest("homeRelay must be a region id from 0 to " + MAX_RELAY_REGION);
        }
        return reported;
    }

    /**
     * Whether a relay may carry packets for {@code nodeKey}: the current key of a node that
     * exists and has not expired (whether or not it is online).
     */
    public boolean relayAdmits(PublicKey nodeKey) {
        NodeState n = byNodeKey.get(nodeKey);
        return n != null && !n.expiryPublished && !n.row.isExpired(now());
    }

    // ---- what the admin side needs ------------------------------------------------------

    int sessionCount() {
        return sessions.size();
    }

    /** Persists lastSeen of online nodes at shutdown, so a restart shows when they left. */
    public void shutdown() {
        Instant now = now();
        for (NodeState n : nodes.values()) {
            if (n.online()) {
                NodeRow row = n.row.toBuilder().lastSeen(now).build();
                store.updateNode(row);
                n.row = row;
            }
        }
    }

    Hostinfo validate(Hostinfo hi) throws ControlError {
        if (hi == null) {
            return new Hostinfo(null, null, null, null, List.of(), List.of());
        }
        for (String s : new String[] {hi.hostname(), hi.os(), hi.osVersion(), hi.version()}) {
            if (s != null && s.length() > MAX_TEXT) {
                throw ControlError.badRequest("hostinfo field longer than " + MAX_TEXT + " characters");
            }
        }
        if (hi.advertisedRoutes().size() > MAX_ROUTES) {
            throw ControlError.badRequest("too many advertised routes (at most " + MAX_ROUTES + ")");
        }
        if (hi.requestTags().size() > MAX_TAGS) {
            throw ControlError.badRequest("too many requested tags (at most " + MAX_TAGS + ")");
        }
        if (hi.advertisedRoutes().stream().anyMatch(Objects::isNull) || hi.requestTags().stream().anyMatch(Objects::isNull)) {
            throw ControlError.badRequest("hostinfo lists must not hold null");
        }
        return hi;
    }

    private static byte[] json(Object o) {
        try {
            return ApiJson.MAPPER.writeValueAsBytes(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
