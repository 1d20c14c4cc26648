package dev.tsj.cli;

import dev.tsj.daemon.demo.LoopbackDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code tsj demo}: tsj's main job on embedded defaults, needing nothing outside this process. */
@Command(name = "demo", description = "Run two WireGuard nodes in this process over UDP on 127.0.0.1 and ping across the tunnel")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--pings", defaultValue = "5", description = "Echo requests to send (default ${DEFAULT-VALUE})")
    int pings;

    @Override
    public Integer call() throws Exception {
        return LoopbackDemo.run(System.out, pings);
    }
}
