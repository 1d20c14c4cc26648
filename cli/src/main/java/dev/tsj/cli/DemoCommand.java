package dev.tsj.cli;

import dev.tsj.cli.demo.TailnetDemo;
import dev.tsj.daemon.demo.LoopbackDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tsj demo}: tsj's main job on embedded defaults. As root, a coordination server and
 * three nodes in network namespaces form a tailnet; otherwise two nodes run in this process
 * over UDP on 127.0.0.1.
 */
@Command(name = "demo", description = {"Show tsj working, with nothing to set up:",
        "as root, a coordination server and three nodes in network namespaces join a tailnet and ping;",
        "otherwise two WireGuard nodes run in this process over UDP on 127.0.0.1."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--in-process", description = "run the in-process demo even as root")
    boolean inProcess;

    @Option(names = "--pings", defaultValue = "5", description = "echo requests in the in-process demo (default ${DEFAULT-VALUE})")
    int pings;

    @Override
    public Integer call() throws Exception {
        if (!inProcess && TailnetDemo.available()) {
            return TailnetDemo.run(System.out);
        }
        System.out.println("(not root: running two nodes in this process; run as root for the full tailnet demo)");
        return LoopbackDemo.run(System.out, pings);
    }
}
