package dev.tsj.cli;

import dev.tsj.cli.client.LocalApiClient;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --socket PATH}: which tsjd a client command talks to, as {@code tailscale --socket}. */
final class SocketOption {
    @Option(names = "--socket", description = "tsjd's LocalAPI socket (default ${DEFAULT-VALUE})",
            defaultValue = "/var/run/tsj/tsjd.sock")
    Path socket;

    LocalApiClient client() {
        return new LocalApiClient(socket);
    }
}
