package dev.tsj.cli.control;

import dev.tsj.control.admin.AdminException;
import dev.tsj.control.admin.UserInfo;
import java.io.PrintWriter;
import java.util.List;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code tsj control users create|list|delete}. */
@Command(name = "users", description = "Manage users", subcommands = {
    UsersCommand.Create.class, UsersCommand.ListUsers.class, UsersCommand.Delete.class})
final class UsersCommand {
    static void print(PrintWriter out, List<UserInfo> users) {
        Table t = new Table("ID", "NAME", "NODES", "CREATED");
        users.forEach(u -> t.row(u.id(), u.name(), u.nodes(), Table.time(u.created(), "-")));
        t.print(out);
    }

    @Command(name = "create", description = "Create a user")
    static final class Create extends AdminCall {
        @Mixin AdminOptions opts;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        void run(PrintWriter out) throws AdminException {
            UserInfo u = opts.client().createUser(name);
            opts.show(out, u, (o, v) -> print(o, List.of(v)));
        }
    }

    @Command(name = "list", description = "List users")
    static final class ListUsers extends AdminCall {
        @Mixin AdminOptions opts;

        @Override
        void run(PrintWriter out) throws AdminException {
            List<UserInfo> users = opts.client().listUsers();
            opts.show(out, users, (o, v) -> print(o, v));
        }
    }

    @Command(name = "delete", description = "Delete a user that owns no nodes (its auth keys go too)")
    static final class Delete extends AdminCall {
        @Mixin AdminOptions opts;
        @Parameters(paramLabel = "NAME") String name;

        @Override
        void run(PrintWriter out) throws AdminException {
            opts.client().deleteUser(name);
            if (opts.json) {
                AdminOptions.printJson(out, java.util.Map.of("deleted", name));
            } else {
                out.println("deleted user " + name);
                out.flush();
            }
        }
    }
}
