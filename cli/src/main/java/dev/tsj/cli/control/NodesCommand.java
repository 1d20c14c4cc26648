package dev.tsj.cli.control;

import dev.tsj.control.admin.AdminException;
import dev.tsj.control.admin.NodeInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tsj control nodes list|delete|expire|rename}. */
@Command(name = "nodes", description = "Manage nodes", subcommands = {
    NodesCommand.ListNodes.class, NodesCommand.Delete.class, NodesCommand.Expire.class, NodesCommand.Rename.class})
final class NodesCommand {
    static void print(PrintWriter out, List<NodeInfo> nodes) {
        Table t = new Table("ID", "NAME", "USER", "IPV4", "IPV6", "STATUS", "LAST SEEN", "KEY EXPIRES", "EPHEMERAL");
        for (NodeInfo n : nodes) {
            String status = n.expired() ? "expired" : n.online() ? "online" : "offline";
            String owner = n.tags().isEmpty() ? n.user() : String.join(",", n.tags());
            t.row(n.id(), n.name(), owner, n.ipv4(), n.ipv6(), status, Table.time(n.lastSeen(), "never"),
                    Table.time(n.keyExpiry(), "never"), n.ephemeral());
        }
        t.print(out);
    }

    abstract static class OneNode extends AdminCall {
        @Mixin AdminOptions opts;
        @Parameters(index = "0", paramLabel = "NODE", description = "Node id or name")
        String node;

        abstract NodeInfo apply() throws AdminException;

        @Override
        void run(PrintWriter out) throws AdminException {
            NodeInfo n = apply();
            opts.show(out, n, (o, v) -> print(o, List.of(v)));
        }
    }

    @Command(name = "list", description = "List nodes")
    static final class ListNodes extends AdminCall {
        @Mixin AdminOptions opts;

        @Override
        void run(PrintWriter out) throws AdminException {
            List<NodeInfo> nodes = opts.client().listNodes();
            opts.show(out, nodes, (o, v) -> print(o, v));
        }
    }

    @Command(name = "delete", description = "Delete a node; it leaves every peer's map at once")
    static final class Delete extends OneNode {
        @Override
        NodeInfo apply() throws AdminException {
            return opts.client().deleteNode(node);
        }
    }

    @Command(name = "expire", description = "Expire a node's key now; it drops out until it logs in again")
    static final class Expire extends OneNode {
        @Override
        NodeInfo apply() throws AdminException {
            return opts.client().expireNode(node);
        }
    }

    @Command(name = "rename", description = "Give a node a new DNS name")
    static final class Rename extends OneNode {
        @Parameters(index = "1", paramLabel = "NEWNAME")
        String name;

        @Override
        NodeInfo apply() throws AdminException {
            return opts.client().renameNode(node, name);
        }
    }
}
