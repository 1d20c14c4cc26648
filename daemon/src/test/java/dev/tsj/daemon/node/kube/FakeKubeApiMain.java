package dev.tsj.daemon.node.kube;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * {@link FakeKubeApi} as a process, for the pod tests (deploy module): serves the API
 * double over HTTPS at ADDRESS:PORT and writes what the kubelet would mount into a pod
 * (token, ca.crt, namespace) into SA_DIR. Runs until killed.
 * Usage: FakeKubeApiMain ADDRESS PORT SA_DIR
 */
public final class FakeKubeApiMain {
    private FakeKubeApiMain() {}

    public static void main(String[] args) throws Exception {
        Path sa = Files.createDirectories(Path.of(args[2]));
        SelfSignedTls tls = SelfSignedTls.forAddress(args[0], Files.createTempDirectory("tsj-kube-main"));
        FakeKubeApi api = new FakeKubeApi(tls, new InetSocketAddress(InetAddress.getByName(args[0]), Integer.parseInt(args[1])));
        String token = FakeKubeApi.token("pod");
        api.tokens.add(token);
        Files.writeString(sa.resolve("token"), token);
        Files.copy(tls.caPem, sa.resolve("ca.crt"));
        Files.writeString(sa.resolve("namespace"), FakeKubeApi.NAMESPACE);
        System.out.println("ready " + api.base());
        Thread.currentThread().join();
    }
}
