package dev.tsj.daemon.node.kube;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.time.Duration;
import java.time.InstantSource;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The few API server calls the state store makes, over HTTPS with the pod's service
 * account: the cluster CA from {@code ca.crt} is the only trust anchor, and the bearer
 * token is re-read periodically and once more after a 401 before giving up.
 */
final class KubeApiClient {
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(5);
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(15);

    /** An answer: the status code and the parsed body (null when empty). */
    record Response(int code, JsonNode body) {
        boolean ok() {
            return code == 200 || code == 201;
        }
    }

    private final URI base;
    private final HttpClient http;
    private final ServiceAccountToken token;

    KubeApiClient(URI base, SSLContext tls, ServiceAccountToken token) {
        this.base = base;
        this.token = token;
        HttpClient.Builder b = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(CONNECT_TIMEOUT);
        if (tls != null) {
            b.sslContext(tls);
        }
        this.http = b.build();
    }

    static KubeApiClient inCluster(KubeEnvironment env, InstantSource clock) throws IOException {
        return new KubeApiClient(env.apiBase(), clusterTls(env.caFile()), new ServiceAccountToken(env.tokenFile(), clock));
    }

    /** TLS that trusts exactly the certificates in the cluster's CA bundle. */
    static SSLContext clusterTls(Path caFile) throws IOException {
        try (InputStream in = Files.newInputStream(caFile)) {
            KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
            trust.load(null, null);
            int i = 0;
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("cluster-ca-" + i++, c);
            }
            if (i == 0) {
                throw new IOException("no certificate in the cluster CA bundle " + caFile);
            }
            TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            tmf.init(trust);
            SSLContext ctx = SSLContext.getInstance("TLS");
            ctx.init(null, tmf.getTrustManagers(), null);
            return ctx;
        } catch (java.nio.file.NoSuchFileException e) {
            throw new IOException("no cluster CA bundle at " + caFile);
        } catch (GeneralSecurityException e) {
            throw new IOException("cannot use the cluster CA bundle " + caFile + ": " + e.getMessage());
        }
    }

    String subject() {
        return token.subject();
    }

    /** One request; a 401 makes us read the token again and retry once. */
    Response send(String method, String path, JsonNode body, String contentType) throws IOException {
        Response r = sendOnce(method, path, body, contentType);
        if (r.code() == 401) {
            token.expire();
            r = sendOnce(method, path, body, contentType);
        }
        return r;
    }

    private Response sendOnce(String method, String path, JsonNode body, String contentType) throws IOException {
        HttpRequest.BodyPublisher pub = body == null ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofByteArray(KubeJson.MAPPER.writeValueAsBytes(body));
        HttpRequest.Builder req = HttpRequest.newBuilder(base.resolve(path)).timeout(REQUEST_TIMEOUT)
                .header("Authorization", "Bearer " + token.current())
                .header("Accept", KubeJson.JSON)
                .method(method, pub);
        if (body != null) {
            req.header("Content-Type", contentType);
        }
        HttpResponse<byte[]> resp;
        try {
            resp = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted talking to the Kubernetes API");
        } catch (IOException e) {
            throw new IOException("cannot reach the Kubernetes API at " + base + ": " + describe(e));
        }
        JsonNode parsed = null;
        if (resp.body().length > 0) {
            try {
                parsed = KubeJson.MAPPER.readTree(resp.body());
            } catch (IOException e) {
                if (resp.statusCode() < 300) {
                    throw new IOException("the Kubernetes API answered " + method + " " + path + " with malformed JSON");
                }
            }
        }
        return new Response(resp.statusCode(), parsed);
    }

    private static String describe(IOException e) {
        String m = e.getMessage();
        if (e instanceof java.net.ConnectException) {
            return "connection refused" + (m == null ? "" : " (" + m + ")");
        }
        if (e instanceof java.net.http.HttpTimeoutException) {
            return "no answer within " + REQUEST_TIMEOUT.toSeconds() + " s";
        }
        if (e instanceof javax.net.ssl.SSLHandshakeException) {
            return "TLS handshake failed (" + m + "); is ca.crt the cluster's CA?";
        }
        return m == null ? e.getClass().getSimpleName() : m;
    }
}
