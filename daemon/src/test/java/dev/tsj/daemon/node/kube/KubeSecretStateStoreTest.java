package dev.tsj.daemon.node.kube;

import static org.junit.jupiter.api.Assertions.*;

import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.Node;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.daemon.NodeDaemon;
import dev.tsj.daemon.node.NodeState;
import dev.tsj.daemon.node.Prefs;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --state kube:NAME} against {@link FakeKubeApi}, a double of the API server that
 * follows its documented requests and answers (it is not a real API server: none can be
 * run here). The store goes through the same in-cluster path a pod does: environment
 * variables, the mounted token, CA and namespace, HTTPS.
 */
class KubeSecretStateStoreTest {
    private static final String T1 = FakeKubeApi.token("one");
    private static final String T2 = FakeKubeApi.token("two");

    @TempDir
    Path sa;
    private FakeKubeApi api;
    private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2025-01-01T00:00:00Z"));
    private final InstantSource clock = () -> now.get();

    @BeforeEach
    void start() throws Exception {
        SelfSignedTls tls = SelfSignedTls.get();
        api = new FakeKubeApi(tls);
        api.tokens.add(T1);
        Files.writeString(sa.resolve("token"), T1);
        Files.copy(tls.caPem, sa.resolve("ca.crt"));
        Files.writeString(sa.resolve("namespace"), FakeKubeApi.NAMESPACE + "\n");
    }

    @AfterEach
    void stop() {
        api.close();
    }

    private Map<String, String> podEnv(int port) {
        return Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1", "KUBERNETES_SERVICE_PORT", Integer.toString(port),
                KubeEnvironment.SERVICE_ACCOUNT_DIR_ENV, sa.toString());
    }

    /** A store as a pod (re)starting would make it. */
    private KubeSecretStateStore store(Duration netmapInterval, int port) {
        return new KubeSecretStateStore("tsj", () -> {
            KubeEnvironment env = KubeEnvironment.inCluster(podEnv(port));
            return new SecretsApi(KubeApiClient.inCluster(env, clock), env.namespace());
        }, clock, netmapInterval);
    }

    private KubeSecretStateStore store() {
        return store(Duration.ZERO, api.port());
    }

    static NodeState fresh() {
        return new NodeState(NodeState.CURRENT_VERSION, PrivateKey.generate().toBase64(), PrivateKey.generate().toBase64(),
                Prefs.defaults(), null, null);
    }

    static NodeState registered(NodeState s) {
        List<IpPrefix> addrs = List.of(IpPrefix.parse("100.64.0.7/32"), IpPrefix.parse("fd7a:115c:a1e0::7/128"));
        return s.withRegistration(new RegisterResponse(7, "nstable7", "web-1", "web-1.tailnet.example", "alice", List.of(),
                addrs, null, false, true)).withPrefs(new Prefs("http://198.18.0.1:8080", "web", List.of(), false, List.of(), true, true));
    }

    static NodeState withMap(NodeState s, long version) {
        PrivateKey nk = PrivateKey.fromBase64(s.nodeKey());
        Node self = new Node(7, "nstable7", "web-1", "web-1.tailnet.example", "alice", List.of(), nk.publicKey(),
                PrivateKey.fromBase64(s.machineKey()).publicKey(), null, s.registration().addresses(), s.registration().addresses(),
                List.of(), List.of(), true, null, null, false, null);
        return s.withNetMap(new NetMap(self, List.of(), List.of(), null, version));
    }

    @Test
    void aFirstStartCreatesTheSecretAndARestartFindsTheSameNode() throws IOException {
        KubeSecretStateStore first = store();
        assertNull(first.load(), "no Secret yet: a new node");
        NodeState s = fresh();
        first.save(s);
        assertEquals(1, api.requests("POST /api/v1/namespaces/tsj-test/secrets").size());
        NodeState up = withMap(registered(s), 1);
        first.save(up);
        assertEquals(List.of("PATCH /api/v1/namespaces/tsj-test/secrets/tsj application/json-patch+json"),
                api.requests("PATCH"));

        NodeState again = store().load(); // the pod restarted
        assertEquals(up, again);
        assertEquals(s.machineKey(), again.machineKey());
        assertEquals("[\"100.64.0.7\",\"fd7a:115c:a1e0::7\"]", api.data("tsj", "device_ips"));
        assertEquals("web-1.tailnet.example", api.data("tsj", "device_fqdn"));
        assertEquals("nstable7", api.data("tsj", "device_id"));
        assertEquals("kube:tsj (secret tsj-test/tsj)", first.describe());
    }

    @Test
    void aSecretMadeByTheAdminKeepsItsOtherKeys() throws IOException {
        api.put("tsj", Map.of());
        KubeSecretStateStore st = store();
        assertNull(st.load());
        st.save(fresh());
        assertTrue(api.requests("POST").stream().noneMatch(r -> r.contains("/secrets ")), "no create: it exists");

        api.put("tsj", Map.of("authkey", "tskey-auth-kept"));
        st = store();
        assertNull(st.load());
        st.save(registered(fresh()));
        assertEquals("tskey-auth-kept", api.data("tsj", "authkey"));
        assertNotNull(api.data("tsj", KubeSecretStateStore.STATE_KEY));
    }

    @Test
    void aRotatedTokenIsReadAgainAfterA401() throws IOException {
        KubeSecretStateStore st = store();
        st.load();
        api.tokens.clear();
        api.tokens.add(T2); // the old token is no longer accepted
        Files.writeString(sa.resolve("token"), T2);
        api.tokensSeen.clear();
        st.save(fresh());
        assertEquals(List.of(T1, T2), api.tokensSeen, "one 401 with the old token, then the new one");
        assertNotNull(api.data("tsj", KubeSecretStateStore.STATE_KEY));
    }

    @Test
    void theTokenIsReadAgainPeriodicallyWithoutWaitingForA401() throws IOException {
        api.tokens.add(T2); // the kubelet's rotation: the old token stays valid for a while
        KubeSecretStateStore st = store();
        st.load();
        Files.writeString(sa.resolve("token"), T2);
        api.tokensSeen.clear();
        st.save(fresh());
        assertEquals(List.of(T1), api.tokensSeen, "still the cached token within the refresh period");
        now.set(now.get().plus(ServiceAccountToken.REFRESH).plusSeconds(1));
        api.tokensSeen.clear();
        st.save(registered(st.load()));
        assertTrue(api.tokensSeen.stream().allMatch(T2::equals), "the new token after the refresh period: " + api.tokensSeen);
    }

    @Test
    void aTokenTheServerNeverAcceptsIsOneClearLine() {
        api.tokens.clear();
        IOException e = assertThrows(IOException.class, () -> store().load());
        assertTrue(e.getMessage().contains("rejected the service account token"), e.getMessage());
        assertFalse(e.getMessage().contains(T1), "the token never appears in a message");
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void eachMissingVerbIsNamedAtStart() throws IOException {
        api.verbs.remove("get");
        assertMissing("\"get\"");
        api.verbs.add("get");
        api.verbs.removeAll(List.of("patch", "update"));
        api.put("tsj", Map.of());
        assertMissing("\"patch\"");
        api.verbs.addAll(List.of("patch", "update"));
        api.secrets.clear();
        api.verbs.remove("create");
        assertMissing("\"create\"");
        api.put("tsj", Map.of()); // an existing Secret needs no create
        assertNull(store().load());
    }

    private void assertMissing(String verb) {
        IOException e = assertThrows(IOException.class, () -> store().load());
        assertTrue(e.getMessage().contains("lacks " + verb), e.getMessage());
        assertTrue(e.getMessage().contains(FakeKubeApi.SUBJECT), "names the service account: " + e.getMessage());
        assertTrue(e.getMessage().contains("tsj-test/tsj"), e.getMessage());
        assertTrue(api.requests("PATCH").isEmpty() && api.requests("PUT").isEmpty(), "nothing written");
    }

    @Test
    void withoutPatchWritesAreUpdatesRetriedOnConflict() throws IOException {
        api.verbs.remove("patch");
        api.put("tsj", Map.of("note", "from the admin"));
        KubeSecretStateStore st = store();
        st.load();
        api.beforeNextUpdate = () -> api.put("tsj", Map.of("note", "changed meanwhile"));
        NodeState s = registered(fresh());
        st.save(s);
        assertEquals(2, api.requests("PUT").size(), "a 409 Conflict, then a retry on the fresh version");
        assertEquals("changed meanwhile", api.data("tsj", "note"));
        assertEquals(s, store().load());
        assertEquals("nstable7", api.data("tsj", "device_id"));
    }

    @Test
    void aRequestRefusedDespiteTheReviewIsOneClearLine() throws IOException {
        api.refusedDespiteReview.add("patch");
        api.put("tsj", Map.of());
        KubeSecretStateStore st = store();
        st.load();
        KubeApiException e = assertThrows(KubeApiException.class, () -> st.save(fresh()));
        assertEquals(403, e.code());
        assertTrue(e.getMessage().contains("cannot patch resource \"secrets\""), e.getMessage());
        assertTrue(e.getMessage().contains("needs \"patch\" on secret \"tsj\""), e.getMessage());
        assertFalse(e.getMessage().contains("\n"));
    }

    @Test
    void aClusterThatCannotReviewIsTrustedAndItsRequestsSpeak() throws IOException {
        api.reviews = FakeKubeApi.Reviews.NOT_FOUND;
        KubeSecretStateStore st = store();
        assertNull(st.load());
        st.save(fresh());
        api.reviews = FakeKubeApi.Reviews.FORBIDDEN;
        api.verbs.remove("get");
        IOException e = assertThrows(IOException.class, () -> store().load());
        assertTrue(e.getMessage().contains("cannot get resource \"secrets\""), e.getMessage());
    }

    @Test
    void aSecretCreatedMeanwhileIsPatchedInstead() throws IOException {
        KubeSecretStateStore st = store();
        assertNull(st.load());
        api.beforeNextCreate = () -> api.put("tsj", Map.of("other", "x"));
        NodeState s = fresh();
        st.save(s);
        assertEquals(1, api.requests("PATCH").size(), "409 AlreadyExists, then a patch");
        assertEquals("x", api.data("tsj", "other"));
        assertEquals(s, store().load());
    }

    @Test
    void aDeletedSecretIsCreatedAgain() throws IOException {
        KubeSecretStateStore st = store();
        st.load();
        st.save(fresh());
        api.secrets.clear();
        NodeState s = registered(fresh());
        st.save(s);
        assertEquals(s, store().load());
    }

    @Test
    void aDamagedStateIsNeverOverwritten() {
        api.put("tsj", Map.of(KubeSecretStateStore.STATE_KEY, "{\"version\":1,\"machineKey\":"));
        IOException e = assertThrows(IOException.class, () -> store().load());
        assertTrue(e.getMessage().contains("is damaged"), e.getMessage());
        assertTrue(e.getMessage().contains("left untouched"), e.getMessage());
        assertEquals("{\"version\":1,\"machineKey\":", api.data("tsj", KubeSecretStateStore.STATE_KEY));
        assertTrue(api.requests("PATCH").isEmpty() && api.requests("PUT").isEmpty());
    }

    @Test
    void anUnreachableApiServerStopsTheStartInsteadOfMakingANewNode() throws IOException {
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        IOException e = assertThrows(IOException.class, () -> store(Duration.ZERO, port).load());
        assertTrue(e.getMessage().contains("cannot reach the Kubernetes API"), e.getMessage());
    }

    @Test
    void aCaThatDidNotSignTheServerIsRefused() throws Exception {
        Files.writeString(sa.resolve("ca.crt"), SelfSignedTls.get().otherPem);
        IOException e = assertThrows(IOException.class, () -> store().load());
        assertTrue(e.getMessage().contains("TLS handshake failed"), e.getMessage());
        assertTrue(api.tokensSeen.isEmpty(), "the token is never sent to an unverified server");
    }

    @Test
    void netmapOnlyChangesAreWrittenAtMostEveryInterval() throws IOException {
        KubeSecretStateStore st = store(Duration.ofHours(1), api.port());
        st.load();
        NodeState up = registered(fresh());
        st.save(withMap(up, 1));
        int writes = api.requests("POST").size() + api.requests("PATCH").size();
        st.save(withMap(up, 2));
        st.save(withMap(up, 3));
        assertEquals(writes, api.requests("POST").size() + api.requests("PATCH").size(), "netmap-only changes wait");
        assertEquals(1, store().load().lastNetMap().version());
        st.flush(); // what the timer does when the interval is over
        assertEquals(3, store().load().lastNetMap().version());
        NodeState down = withMap(up, 4).withPrefs(up.prefs().withWantRunning(false));
        st.save(down);
        assertEquals(down, store().load(), "a change of preferences is written at once, with the latest netmap");
    }

    @Test
    void logoutRemovesTheDeviceKeys() throws IOException {
        KubeSecretStateStore st = store();
        st.load();
        NodeState up = withMap(registered(fresh()), 1);
        st.save(up);
        assertNotNull(api.data("tsj", "device_ips"));
        st.save(new NodeState(NodeState.CURRENT_VERSION, up.machineKey(), PrivateKey.generate().toBase64(), up.prefs(), null, null));
        assertNull(api.data("tsj", "device_ips"));
        assertNull(api.data("tsj", "device_fqdn"));
        assertNull(api.data("tsj", "device_id"));
    }

    @Test
    void theDaemonTakesKubeSpecsAndChecksTheName() {
        assertEquals("kube:tsj-0", NodeDaemon.stateStore("kube:tsj-0").describe());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> NodeDaemon.stateStore("kube:Bad_Name"));
        assertTrue(e.getMessage().contains("cannot name a Kubernetes Secret"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> NodeDaemon.stateStore("kube:"));
    }

    @Test
    void outsideAPodTheStoreSaysSo() {
        IOException e = assertThrows(IOException.class, () -> KubeSecretStateStore.inCluster("tsj", Map.of()).load());
        assertEquals("state kube:tsj: KUBERNETES_SERVICE_HOST is not set: not running in a Kubernetes pod", e.getMessage());
        Map<String, String> noToken = Map.of("KUBERNETES_SERVICE_HOST", "127.0.0.1",
                KubeEnvironment.SERVICE_ACCOUNT_DIR_ENV, sa.resolve("absent").toString());
        IOException t = assertThrows(IOException.class, () -> KubeSecretStateStore.inCluster("tsj", noToken).load());
        assertTrue(t.getMessage().contains("no service account token"), t.getMessage());
    }
}
