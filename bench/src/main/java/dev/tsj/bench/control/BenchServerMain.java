package dev.tsj.bench.control;

import dev.tsj.control.EventLog;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.server.ControlServer;
import dev.tsj.control.server.ServerConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/**
 * The control server in its own process for {@link ControlBench}, so that its memory is
 * measured alone: prints {@code PORT <n>} once listening and runs until stdin closes. With
 * {@code TSJ_BENCH_LOG=1} in the environment it logs its events on stderr.
 */
public final class BenchServerMain {
    private BenchServerMain() {}

    public static void main(String[] args) throws Exception {
        ControlServer server = ControlServer.start(new ServerConfig(new InetSocketAddress("127.0.0.1", 0),
                Path.of(args[0]), null, TailnetConfig.defaults()),
                "1".equals(System.getenv("TSJ_BENCH_LOG")) ? EventLog.stderr() : EventLog.silent());
        System.out.println("PORT " + server.address().getPort());
        System.out.flush();
        while (System.in.read() >= 0) {
            // wait for the harness to close our stdin
        }
        server.close();
    }
}
