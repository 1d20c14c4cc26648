package dev.tsj.bench.relay;

import dev.tsj.control.EventLog;
import dev.tsj.control.relay.Admission;
import dev.tsj.control.relay.RelayServerConfig;
import dev.tsj.control.relay.StandaloneRelay;
import dev.tsj.crypto.PrivateKey;
import java.net.InetSocketAddress;

/** The relay under benchmark, in its own process: prints {@code PORT n}, runs until stdin closes. */
public final class BenchRelayMain {
    private BenchRelayMain() {}

    public static void main(String[] args) throws Exception {
        try (StandaloneRelay relay = StandaloneRelay.start(new InetSocketAddress("127.0.0.1", 0), null, null,
                RelayServerConfig.defaults("bench"), PrivateKey.generate(), Admission.everyone(), EventLog.silent())) {
            System.out.println("PORT " + relay.address().getPort());
            System.out.flush();
            while (System.in.read() >= 0) {
                // run until the bench closes our stdin
            }
        }
    }
}
