package dev.tsj.cli;

import dev.tsj.cli.client.LocalApiClient;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;

/** A command that asks tsjd something: one line on failure, exit 1. */
abstract class ClientCommand implements Callable<Integer> {
    @Mixin
    SocketOption socket;

    abstract int run(LocalApiClient api) throws Exception;

    @Override
    public final Integer call() throws Exception {
        try {
            return run(socket.client());
        } catch (LocalApiClient.ApiException e) {
            System.err.println("tsj: " + e.getMessage());
            return 1;
        } catch (IllegalArgumentException e) {
            System.err.println("tsj: " + e.getMessage());
            return 2;
        }
    }
}
