package dev.tsj.cli.control;

import dev.tsj.control.admin.AdminException;
import dev.tsj.control.admin.RouteInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tsj control routes list|approve|unapprove}. */
@Command(name = "routes", description = "Manage subnet routes", subcommands = {
    RoutesCommand.ListRoutes.class, RoutesCommand.Approve.class, RoutesCommand.Unapprove.class})
final class RoutesCommand {
    static void print(PrintWriter out, List<RouteInfo> routes) {
        Table t = new Table("NODE", "ID", "PREFIX", "ADVERTISED", "APPROVED", "PRIMARY");
        routes.forEach(r -> t.row(r.node(), r.nodeId(), r.prefix(), r.advertised(), r.approved(), r.primary()));
        t.print(out);
    }

    @Command(name = "list", description = "List advertised and approved routes")
    static final class ListRoutes extends AdminCall {
        @Mixin AdminOptions opts;

        @Override
        void run(PrintWriter out) throws AdminException {
            List<RouteInfo> routes = opts.client().listRoutes();
            opts.show(out, routes, (o, v) -> print(o, v));
        }
    }

    abstract static class SetApproval extends AdminCall {
        @Mixin AdminOptions opts;
        @Parameters(index = "0", paramLabel = "NODE", description = "Node id or name")
        String node;
        @Parameters(index = "1..*", arity = "1..*", paramLabel = "CIDR")
        List<String> prefixes;

        abstract boolean approve();

        @Override
        void run(PrintWriter out) throws AdminException {
            List<RouteInfo> r = opts.client().setApproved(node, prefixes, approve());
            opts.show(out, r, (o, v) -> print(o, v));
        }
    }

    @Command(name = "approve", description = "Approve routes a node advertises")
    static final class Approve extends SetApproval {
        @Override
        boolean approve() {
            return true;
        }
    }

    @Command(name = "unapprove", description = "Withdraw approval of routes")
    static final class Unapprove extends SetApproval {
        @Override
        boolean approve() {
            return false;
        }
    }
}
