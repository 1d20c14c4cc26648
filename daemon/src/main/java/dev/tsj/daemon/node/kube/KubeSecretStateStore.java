package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.tsj.control.api.ApiJson;
import dev.tsj.daemon.node.NodeState;
import dev.tsj.daemon.node.StateStore;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;
import java.util.regex.Pattern;

/**
 * {@code --state kube:NAME}: the node's state in the Kubernetes Secret NAME of the pod's
 * namespace, through the API server with the pod's service account, so that a pod that is
 * rescheduled anywhere comes back as the same node with the same tailnet IP.
 *
 * <p>The state is key {@value #STATE_KEY} (the same JSON as the state file); beside it the
 * node's id, name and IPs for other tools ({@link DeviceInfo}). Other keys in the Secret
 * (an auth key kept there, say) are left alone. The Secret is created when missing; writes
 * are JSON patches of the keys that changed, or, if the Role grants {@code update} but not
 * {@code patch}, updates conditional on the resourceVersion, retried on 409. A state that
 * does not parse is an error, never overwritten; so is an API server we cannot reach at
 * start: a node that started afresh there would lose its identity.
 *
 * <p>A new netmap alone is written at most every {@link #NETMAP_WRITE_INTERVAL}: it is only
 * a cache for server outages, and a busy tailnet would otherwise write the Secret on
 * every peer's change. Anything else (keys, registration, preferences, own addresses) is
 * written before {@code save} returns.
 */
public final class KubeSecretStateStore implements StateStore {
    private static final Logger LOG = Logger.getLogger(KubeSecretStateStore.class.getName());
    public static final String STATE_KEY = "tsj-state";
    static final Duration NETMAP_WRITE_INTERVAL = Duration.ofSeconds(30);
    static final int UPDATE_ATTEMPTS = 5;
    /** A DNS subdomain (RFC 1123), which is what Secret names must be. */
    private static final Pattern SECRET_NAME = Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

    /** Opens the API connection on first use, so configuration errors surface from {@link #load()}. */
    interface Connector {
        SecretsApi connect() throws IOException;
    }

    private final String name;
    private final Connector connector;
    private final InstantSource clock;
    private final Duration netmapInterval;

    private volatile SecretsApi api;
    private SecretPermissions grants;
    /** The Secret as we last saw it; null when it does not exist. */
    private Secret known;
    private NodeState written;
    private Instant writtenAt = Instant.MIN;
    private NodeState pending;
    private ScheduledExecutorService flusher;
    private boolean flushScheduled;

    KubeSecretStateStore(String name, Connector connector, InstantSource clock, Duration netmapInterval) {
        this.name = checkName(name);
        this.connector = connector;
        this.clock = clock;
        this.netmapInterval = netmapInterval;
    }

    /** The store for a pod: the API server, token, CA and namespace from the pod's environment. */
    public static KubeSecretStateStore inCluster(String secretName) {
        return inCluster(secretName, System.getenv());
    }

    static KubeSecretStateStore inCluster(String secretName, Map<String, String> environment) {
        return new KubeSecretStateStore(secretName, () -> {
            KubeEnvironment env = KubeEnvironment.inCluster(environment);
            return new SecretsApi(KubeApiClient.inCluster(env, InstantSource.system()), env.namespace());
        }, InstantSource.system(), NETMAP_WRITE_INTERVAL);
    }

    /** Throws IllegalArgumentException with a line for the user when {@code name} cannot name a Secret. */
    public static String checkName(String name) {
        if (name == null || name.isEmpty()) {
            throw new IllegalArgumentException("kube: needs a Secret name (kube:NAME)");
        }
        if (name.length() > 253 || !SECRET_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("\"" + name + "\" cannot name a Kubernetes Secret (lower-case letters,"
                    + " digits, '-' and '.', at most 253)");
        }
        return name;
    }

    private SecretsApi api() throws IOException {
        if (api == null) {
            try {
                SecretsApi a = connector.connect();
                grants = SecretPermissions.ask(a, name);
                api = a;
            } catch (IOException e) {
                throw new IOException("state " + describe() + ": " + e.getMessage());
            }
        }
        return api;
    }

    @Override
    public synchronized NodeState load() throws IOException {
        SecretsApi a = api();
        if (!grants.get()) {
            throw new IOException(SecretPermissions.message(a.subject(), a.namespace(), name, grants.missing(true)));
        }
        Optional<Secret> s;
        try {
            s = a.get(name);
        } catch (IOException e) {
            throw new IOException("cannot read secret " + a.namespace() + "/" + name + ": " + e.getMessage());
        }
        var missing = grants.missing(s.isPresent());
        if (!missing.isEmpty()) {
            throw new IOException(SecretPermissions.message(a.subject(), a.namespace(), name, missing));
        }
        known = s.orElse(null);
        if (known == null) {
            return null;
        }
        NodeState state = parse(known);
        written = state;
        return state;
    }

    private NodeState parse(Secret s) throws IOException {
        String where = "secret " + api.namespace() + "/" + name + " key " + STATE_KEY;
        byte[] data;
        try {
            data = s.bytes(STATE_KEY);
        } catch (IllegalArgumentException e) {
            throw new IOException(where + " is not base64; it was left untouched: fix it, or delete the key to start as a new node");
        }
        if (data == null) {
            return null;
        }
        try {
            NodeState st = ApiJson.MAPPER.readValue(data, NodeState.class);
            if (st.machineKey() == null || st.nodeKey() == null) {
                throw new IOException(where + " lacks the node's keys; delete the key to start as a new node");
            }
            return st;
        } catch (JsonProcessingException e) {
            throw new IOException(where + " is damaged (" + ApiJson.describe(e)
                    + "); it was left untouched: restore it, or delete the key to start as a new node");
        }
    }

    @Override
    public synchronized void save(NodeState state) throws IOException {
        api();
        pending = state;
        if (onlyNetMapChanged(state) && clock.instant().isBefore(writtenAt.plus(netmapInterval))) {
            scheduleFlush();
            return;
        }
        write(state);
    }

    private boolean onlyNetMapChanged(NodeState s) {
        NodeState w = written;
        return w != null && Objects.equals(s.withNetMap(null), w.withNetMap(null))
                && DeviceInfo.of(s).equals(DeviceInfo.of(w));
    }

    private void scheduleFlush() {
        if (flusher == null) {
            flusher = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "kube-state-flush");
                t.setDaemon(true);
                return t;
            });
        }
        if (!flushScheduled) {
            flushScheduled = true;
            long delay = Math.max(0, Duration.between(clock.instant(), writtenAt.plus(netmapInterval)).toMillis());
            flusher.schedule(this::flush, delay, TimeUnit.MILLISECONDS);
        }
    }

    /** Writes a netmap that waited, if it is still newer than what the Secret holds. */
    synchronized void flush() {
        flushScheduled = false;
        if (pending != null && pending != written) {
            try {
                write(pending);
            } catch (IOException e) {
                LOG.warning("cannot save state to " + describe() + ": " + e.getMessage());
            }
        }
    }

    private void write(NodeState state) throws IOException {
        Map<String, String> want = encode(state);
        if (known == null) {
            try {
                known = api.create(name, want);
                LOG.info("created secret " + api.namespace() + "/" + name + " for the node's state");
            } catch (KubeApiException e) {
                if (e.code() != 409) {
                    throw e;
                }
                known = api.get(name).orElseThrow(() -> e);
                writeExisting(want);
            }
        } else {
            writeExisting(want);
        }
        written = state;
        writtenAt = clock.instant();
    }

    private void writeExisting(Map<String, String> want) throws IOException {
        if (grants.patch()) {
            ArrayNode ops = patchOps(known, want);
            if (ops.isEmpty()) {
                return;
            }
            try {
                known = api.patch(name, ops);
            } catch (KubeApiException e) {
                if (e.code() != 404) {
                    throw e;
                }
                LOG.warning("secret " + api.namespace() + "/" + name + " was deleted; creating it again");
                known = api.create(name, want);
            }
            return;
        }
        for (int attempt = 1; ; attempt++) {
            try {
                known = api.update(known, merged(known, want));
                return;
            } catch (KubeApiException e) {
                if (e.code() != 409 || attempt == UPDATE_ATTEMPTS) {
                    throw e;
                }
                known = api.get(name).orElseThrow(() -> e); // changed under us: re-read and apply again
            }
        }
    }

    /** Our keys, base64 as the wire carries them. */
    private static Map<String, String> encode(NodeState state) throws IOException {
        Map<String, String> out = new LinkedHashMap<>();
        out.put(STATE_KEY, java.util.Base64.getEncoder().encodeToString(ApiJson.MAPPER.writeValueAsBytes(state)));
        DeviceInfo.of(state).forEach((k, v) -> out.put(k, Secret.encode(v)));
        return out;
    }

    /** A JSON Patch that turns {@code s}'s keys of ours into {@code want}, touching nothing else. */
    static ArrayNode patchOps(Secret s, Map<String, String> want) {
        ArrayNode ops = KubeJson.MAPPER.createArrayNode();
        if (!s.hasData()) {
            ObjectNode all = ops.addObject().put("op", "add").put("path", "/data").putObject("value");
            want.forEach(all::put);
            return ops;
        }
        want.forEach((k, v) -> {
            if (!v.equals(s.data().get(k))) {
                ops.addObject().put("op", "add").put("path", "/data/" + pointerEscape(k)).put("value", v);
            }
        });
        for (String k : DeviceInfo.KEYS) {
            if (s.data().containsKey(k) && !want.containsKey(k)) {
                ops.addObject().put("op", "remove").put("path", "/data/" + pointerEscape(k));
            }
        }
        return ops;
    }

    private static Map<String, String> merged(Secret s, Map<String, String> want) {
        Map<String, String> out = new LinkedHashMap<>(s.data());
        DeviceInfo.KEYS.forEach(out::remove);
        out.putAll(want);
        return out;
    }

    /** RFC 6901: '~' and '/' inside a reference token. */
    private static String pointerEscape(String key) {
        return key.replace("~", "~0").replace("/", "~1");
    }

    @Override
    public String describe() {
        SecretsApi a = api;
        return "kube:" + name + (a == null ? "" : " (secret " + a.namespace() + "/" + name + ")");
    }
}
