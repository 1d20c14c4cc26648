package dev.tsj.cli.containerboot;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tsj containerboot}: the container image's entry point, configured by environment. */
@Command(name = "containerboot", description = {
        "Run tsj as a container's main process (the image's default command):",
        "start the daemon, join the tailnet, stay in the foreground until SIGTERM.",
        "Configured by environment:"},
        footer = {
        "  TSJ_AUTH_KEY (or file:PATH), TSJ_LOGIN_SERVER, TSJ_HOSTNAME,",
        "  TSJ_ROUTES, TSJ_ACCEPT_ROUTES, TSJ_USERSPACE (default true),",
        "  TSJ_STATE (kube:SECRET, a directory, mem:), TSJ_KUBE_SECRET (default tsj),",
        "  TSJ_SOCKS5_SERVER, TSJ_OUTBOUND_HTTP_PROXY_LISTEN, TSJ_DEST_IP (TUN mode),",
        "  TSJ_EXTRA_ARGS, TSJ_DAEMON_EXTRA_ARGS, TSJ_AUTH_ONCE, TSJ_HEALTH_ADDR,",
        "  TSJ_SOCKET. See deploy/kubernetes/README.md, in the image",
        "  /usr/share/doc/tsj/README.md."})
public final class ContainerbootCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return Containerboot.run(System.getenv(), Host.real(), System.out, System.err);
    }
}
