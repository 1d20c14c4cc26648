package dev.tsj.daemon;

import dev.tsj.daemon.router.LinuxRouter;
import dev.tsj.tun.link.IpCommandLinkConfigurator;
import dev.tsj.tun.link.LinkConfigurator;
import dev.tsj.tun.link.PolicyRule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.logging.Logger;

/**
 * {@code tsj daemon --cleanup}: removes what a tsjd that died without cleaning up (SIGKILL,
 * OOM, power loss) left on the host — its policy rules, routing table, interface and
 * sockets — so the next start begins from nothing. systemd runs it before start and after
 * stop; on a clean host it does nothing.
 */
public final class Cleanup {
    private static final Logger LOG = Logger.getLogger(Cleanup.class.getName());

    private Cleanup() {}

    public static void run(String interfaceName, Path uapiDir, Path localApiSocket) {
        if (dev.tsj.daemon.dataplane.Dataplane.USERSPACE.equals(interfaceName)) {
            // A userspace node changed nothing on the host: its sockets are all there is to
            // remove, and table 52 and the nftables table may belong to a TUN tsjd beside it.
            deleteIfDead(uapiDir.resolve(interfaceName + ".sock"));
            deleteIfDead(localApiSocket);
            return;
        }
        LinkConfigurator link = IpCommandLinkConfigurator.host();
        for (boolean v6 : new boolean[] {false, true}) {
            // Duplicates can exist from very old kernels; remove until none is left.
            for (int i = 0; i < 16; i++) {
                try {
                    link.removeRule(PolicyRule.all(v6, LinuxRouter.TABLE, LinuxRouter.RULE_PRIORITY));
                    if (!ruleExists(v6)) {
                        break;
                    }
                } catch (IOException e) {
                    break;
                }
            }
            flushTable(v6);
        }
        LinuxRouter.removeFirewallLeftovers();
        try {
            link.deleteLink(interfaceName);
        } catch (IOException e) {
            LOG.fine("cleanup: " + e.getMessage());
        }
        deleteIfDead(uapiDir.resolve(interfaceName + ".sock"));
        deleteIfDead(localApiSocket);
    }

    private static boolean ruleExists(boolean v6) {
        return runIp(v6 ? "-6" : "-4", "rule", "show", "priority", Integer.toString(LinuxRouter.RULE_PRIORITY)).contains("lookup");
    }

    private static void flushTable(boolean v6) {
        runIp(v6 ? "-6" : "-4", "route", "flush", "table", Integer.toString(LinuxRouter.TABLE));
    }

    private static String runIp(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "ip";
        System.arraycopy(args, 0, cmd, 1, args.length);
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes());
            p.waitFor();
            return out;
        } catch (IOException e) {
            return "";
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "";
        }
    }

    private static void deleteIfDead(Path socket) {
        if (!Files.exists(socket)) {
            return;
        }
        try (var ch = java.nio.channels.SocketChannel.open(java.net.UnixDomainSocketAddress.of(socket))) {
            LOG.warning("cleanup: " + socket + " belongs to a running daemon; left alone");
        } catch (IOException dead) {
            try {
                Files.deleteIfExists(socket);
            } catch (IOException e) {
                LOG.warning("cleanup: cannot remove " + socket + ": " + e.getMessage());
            }
        }
    }
}
