package dev.tsj.daemon.node.kube;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Map;

/**
 * Where the API server is and who we are, as a pod sees it: the API server's address from
 * {@code KUBERNETES_SERVICE_HOST}/{@code KUBERNETES_SERVICE_PORT} (what client-go's
 * in-cluster configuration reads), and the service account's token, CA bundle and
 * namespace from the directory the kubelet mounts.
 *
 * @param apiBase           e.g. {@code https://10.96.0.1:443}
 * @param namespace         the pod's namespace
 * @param serviceAccountDir the mounted service account ({@code token}, {@code ca.crt}, {@code namespace})
 */
public record KubeEnvironment(URI apiBase, String namespace, Path serviceAccountDir) {
    public static final Path DEFAULT_SERVICE_ACCOUNT_DIR = Path.of("/var/run/secrets/kubernetes.io/serviceaccount");
    /** Moves the service account directory: for tests, and for running outside a pod with a copied token. */
    public static final String SERVICE_ACCOUNT_DIR_ENV = "TSJ_KUBE_SERVICEACCOUNT_DIR";

    public Path tokenFile() {
        return serviceAccountDir.resolve("token");
    }

    public Path caFile() {
        return serviceAccountDir.resolve("ca.crt");
    }

    /** The service account directory this environment would use, without checking anything. */
    public static Path serviceAccountDir(Map<String, String> env) {
        String dir = env.get(SERVICE_ACCOUNT_DIR_ENV);
        return dir == null || dir.isBlank() ? DEFAULT_SERVICE_ACCOUNT_DIR : Path.of(dir);
    }

    /** Whether this process runs in a pod that has a service account token mounted. */
    public static boolean available(Map<String, String> env) {
        return env.get("KUBERNETES_SERVICE_HOST") != null && Files.isReadable(serviceAccountDir(env).resolve("token"));
    }

    /** The pod's view of the cluster, or an error that says what is missing. */
    public static KubeEnvironment inCluster(Map<String, String> env) throws IOException {
        String host = env.get("KUBERNETES_SERVICE_HOST");
        String port = env.getOrDefault("KUBERNETES_SERVICE_PORT", "443");
        if (host == null || host.isBlank()) {
            throw new IOException("KUBERNETES_SERVICE_HOST is not set: not running in a Kubernetes pod");
        }
        if (!port.matches("[0-9]{1,5}")) {
            throw new IOException("KUBERNETES_SERVICE_PORT=\"" + port + "\" is not a port number");
        }
        Path dir = serviceAccountDir(env);
        if (!Files.isReadable(dir.resolve("token"))) {
            throw new IOException("no service account token at " + dir.resolve("token")
                    + " (is automountServiceAccountToken false, or serviceAccountName unset?)");
        }
        String ns;
        try {
            ns = Files.readString(dir.resolve("namespace")).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("no namespace file at " + dir.resolve("namespace"));
        }
        String literal = host.contains(":") ? "[" + host + "]" : host;
        return new KubeEnvironment(URI.create("https://" + literal + ":" + port), ns, dir);
    }
}
