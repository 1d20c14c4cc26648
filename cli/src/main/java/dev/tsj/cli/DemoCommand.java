package dev.tsj.cli;

import dev.tsj.cli.demo.TailnetDemo;
import dev.tsj.cli.demo.UserspaceDemo;
import dev.tsj.daemon.demo.LoopbackDemo;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code tsj demo}: tsj's main job on embedded defaults. As root, a coordination server and
 * three nodes in network namespaces form a tailnet; otherwise a coordination server and two
 * nodes in userspace mode run in this process on 127.0.0.1. {@code --wireguard-only} keeps
 * the older demo: two bare WireGuard devices, no server.
 */
@Command(name = "demo", description = {"Show tsj working, with nothing to set up:",
        "as root, a coordination server and three nodes in network namespaces join a tailnet and ping;",
        "otherwise a coordination server and two nodes in userspace mode (no TUN) run in this process on",
        "127.0.0.1: one pings the other and fetches a page from it through its SOCKS5 proxy."})
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--in-process", description = "run the in-process demo even as root")
    boolean inProcess;

    @Option(names = "--wireguard-only", description = "two bare WireGuard devices in this process, no server")
    boolean wireguardOnly;

    @Option(names = "--pings", defaultValue = "5", description = "echo requests in the --wireguard-only demo (default ${DEFAULT-VALUE})")
    int pings;

    @Override
    public Integer call() throws Exception {
        if (!inProcess && TailnetDemo.available()) {
            return TailnetDemo.run(System.out);
        }
        if (wireguardOnly) {
            return LoopbackDemo.run(System.out, pings);
        }
        System.out.println("(" + (inProcess ? "--in-process" : "not root") + ": a tailnet in this process on 127.0.0.1,"
                + " in userspace mode; run as root for the demo with TUN nodes in network namespaces)");
        return UserspaceDemo.run(System.out);
    }
}
