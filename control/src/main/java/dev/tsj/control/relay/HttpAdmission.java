package dev.tsj.control.relay;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.ConcurrentHashMap;

/**
 * A standalone relay's admission: asks the control server's {@code /relay/admit} with the
 * shared secret. Answers are cached briefly (admit 30 s, refuse 2 s) so a reconnect storm
 * after a relay restart is not a storm on the control server too.
 */
public final class HttpAdmission implements Admission {
    private static final long ADMIT_TTL = Duration.ofSeconds(30).toNanos();
    private static final long REFUSE_TTL = Duration.ofSeconds(2).toNanos();
    private static final int MAX_CACHED = 10_000;

    private record Cached(Verdict verdict, long until) {}

    private final URI control;
    private final AdmitSecret secret;
    private final HttpClient http;
    private final ConcurrentHashMap<PublicKey, Cached> cache = new ConcurrentHashMap<>();
    private volatile String lastProblem = "";

    public HttpAdmission(URI control, AdmitSecret secret) {
        if (!"http".equalsIgnoreCase(control.getScheme()) || control.getHost() == null) {
            throw new IllegalArgumentException("admit URL must be http://HOST:PORT of the control server: " + control);
        }
        this.control = control;
        this.secret = secret;
        this.http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(3)).build();
    }

    @Override
    public Verdict check(PublicKey nodeKey) {
        long now = System.nanoTime();
        Cached c = cache.get(nodeKey);
        if (c != null && now - c.until() < 0) {
            return c.verdict();
        }
        Verdict v = ask(nodeKey);
        if (v != Verdict.UNAVAILABLE) {
            if (cache.size() >= MAX_CACHED) {
                cache.clear();
            }
            cache.put(nodeKey, new Cached(v, now + (v == Verdict.ADMIT ? ADMIT_TTL : REFUSE_TTL)));
        }
        return v;
    }

    /** Why the last question failed ("" if it did not), for the relay's log. */
    public String lastProblem() {
        return lastProblem;
    }

    private Verdict ask(PublicKey nodeKey) {
        HttpRequest req = HttpRequest.newBuilder(control.resolve(RelayProto.ADMIT_PATH + "?node=" + nodeKey.toHex()))
                .header("Authorization", secret.authorization()).timeout(Duration.ofSeconds(5)).GET().build();
        try {
            HttpResponse<byte[]> r = http.send(req, HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() != 200) {
                lastProblem = "control server answered " + r.statusCode()
                        + (r.statusCode() == 401 ? " (wrong --admit-secret-file?)" : "");
                return Verdict.UNAVAILABLE;
            }
            JsonNode j = ApiJson.MAPPER.readTree(r.body());
            JsonNode admit = j == null ? null : j.get("admit");
            if (admit == null || !admit.isBoolean()) {
                lastProblem = "control server sent a malformed admit answer";
                return Verdict.UNAVAILABLE;
            }
            lastProblem = "";
            return admit.booleanValue() ? Verdict.ADMIT : Verdict.REFUSE;
        } catch (IOException e) {
            lastProblem = "cannot reach control server " + control + ": " + e.getMessage();
            return Verdict.UNAVAILABLE;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Verdict.UNAVAILABLE;
        }
    }
}
