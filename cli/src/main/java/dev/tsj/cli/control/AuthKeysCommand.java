package dev.tsj.cli.control;

import dev.tsj.control.admin.AdminException;
import dev.tsj.control.admin.AuthKeyInfo;
import dev.tsj.control.admin.CreatedAuthKey;
import dev.tsj.control.core.AuthKeyText;
import dev.tsj.control.util.DurationText;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code tsj control authkeys create|list|expire}. */
@Command(name = "authkeys", description = "Manage auth keys", subcommands = {
    AuthKeysCommand.Create.class, AuthKeysCommand.ListKeys.class, AuthKeysCommand.Expire.class})
final class AuthKeysCommand {
    static void print(PrintWriter out, List<AuthKeyInfo> keys) {
        Table t = new Table("ID", "USER", "STATE", "REUSABLE", "EPHEMERAL", "PREAUTH", "USES", "TAGS", "EXPIRES");
        keys.forEach(k -> t.row(AuthKeyText.display(k.id()), k.user(), k.state(), k.reusable(), k.ephemeral(),
                k.preauthorized(), k.uses(), Table.list(k.tags()), Table.time(k.expires(), "-")));
        t.print(out);
    }

    /** Parses DURATION options with a one-line error. */
    static final class DurationConverter implements CommandLine.ITypeConverter<Duration> {
        @Override
        public Duration convert(String value) {
            try {
                return DurationText.parse(value);
            } catch (IllegalArgumentException e) {
                throw new CommandLine.TypeConversionException(e.getMessage());
            }
        }
    }

    @Command(name = "create", description = "Create an auth key; it is printed once and only its hash is kept")
    static final class Create extends AdminCall {
        @Mixin AdminOptions opts;
        @Option(names = "--user", required = true, paramLabel = "USER", description = "Owner of the nodes it registers")
        String user;
        @Option(names = "--reusable", description = "Register any number of nodes (default: one)")
        boolean reusable;
        @Option(names = "--ephemeral", description = "Nodes are removed soon after they go offline")
        boolean ephemeral;
        @Option(names = "--preauthorized", description = "Nodes need no approval")
        boolean preauthorized;
        @Option(names = "--expiration", paramLabel = "DURATION", converter = DurationConverter.class,
                description = "How long the key can be used, e.g. 90d, 12h (default: 90d)")
        Duration expiration;
        @Option(names = "--tags", split = ",", paramLabel = "TAG", description = "Tags for its nodes, e.g. tag:server")
        List<String> tags = List.of();

        @Override
        void run(PrintWriter out) throws AdminException {
            CreatedAuthKey k = opts.client().createAuthKey(user, reusable, ephemeral, preauthorized, expiration, tags);
            if (opts.json) {
                AdminOptions.printJson(out, k);
            } else {
                out.println(k.key());
                out.flush();
            }
        }
    }

    @Command(name = "list", description = "List auth keys (ids only, never the secret)")
    static final class ListKeys extends AdminCall {
        @Mixin AdminOptions opts;

        @Override
        void run(PrintWriter out) throws AdminException {
            List<AuthKeyInfo> keys = opts.client().listAuthKeys();
            opts.show(out, keys, (o, v) -> print(o, v));
        }
    }

    @Command(name = "expire", description = "Expire an auth key now (nodes it registered stay)")
    static final class Expire extends AdminCall {
        @Mixin AdminOptions opts;
        @Parameters(paramLabel = "ID", description = "The key's id as authkeys list shows it")
        String id;

        @Override
        void run(PrintWriter out) throws AdminException {
            AuthKeyInfo k = opts.client().expireAuthKey(id);
            opts.show(out, k, (o, v) -> print(o, List.of(v)));
        }
    }
}
