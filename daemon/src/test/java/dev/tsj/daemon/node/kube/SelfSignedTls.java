package dev.tsj.daemon.node.kube;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Self-signed certificates for an API server's address (127.0.0.1 made once per test JVM) with the JDK's keytool:
 * one stands in for an API server's serving certificate (its PEM is the "cluster CA" a pod
 * finds in ca.crt), the other for a CA that did not sign it.
 */
final class SelfSignedTls {
    private static final String PASS = "changeit";
    private static SelfSignedTls instance;

    final Path caPem;
    final String otherPem;
    final SSLContext server;

    private SelfSignedTls(Path caPem, String otherPem, SSLContext server) {
        this.caPem = caPem;
        this.otherPem = otherPem;
        this.server = server;
    }

    static synchronized SelfSignedTls get() throws Exception {
        if (instance == null) {
            instance = forAddress("127.0.0.1", Files.createTempDirectory("tsj-kube-tls"));
        }
        return instance;
    }

    /** A new pair for an API server at {@code ip}, kept in {@code dir}. */
    static SelfSignedTls forAddress(String ip, Path dir) throws Exception {
        List<Process> keytools = new ArrayList<>();
        for (String name : List.of("apiserver", "other")) { // two JVM starts, side by side
            keytools.add(keytool(dir.resolve(name + ".p12"), ip));
        }
        for (Process p : keytools) {
            String out = new String(p.getInputStream().readAllBytes());
            if (!p.waitFor(60, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException("keytool failed: " + out);
            }
        }
        KeyStore api = load(dir.resolve("apiserver.p12"));
        Path pem = dir.resolve("ca.crt");
        Files.writeString(pem, pem(api.getCertificate("cert")));
        KeyManagerFactory kmf = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
        kmf.init(api, PASS.toCharArray());
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(kmf.getKeyManagers(), null, null);
        return new SelfSignedTls(pem, pem(load(dir.resolve("other.p12")).getCertificate("cert")), ctx);
    }

    private static Process keytool(Path ks, String ip) throws IOException {
        String keytool = Path.of(System.getProperty("java.home"), "bin", "keytool").toString();
        return new ProcessBuilder(keytool, "-genkeypair", "-alias", "cert", "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=kube-apiserver", "-ext", "san=ip:" + ip + ",dns:kubernetes.default.svc", "-validity", "2",
                "-keystore", ks.toString(), "-storetype", "PKCS12", "-storepass", PASS, "-keypass", PASS)
                .redirectErrorStream(true).start();
    }

    private static KeyStore load(Path ks) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PASS.toCharArray());
        }
        return store;
    }

    private static String pem(Certificate c) throws Exception {
        return "-----BEGIN CERTIFICATE-----\n" + Base64.getMimeEncoder(64, new byte[] {'\n'}).encodeToString(c.getEncoded())
                + "\n-----END CERTIFICATE-----\n";
    }
}
