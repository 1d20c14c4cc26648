package dev.tsj.cli.containerboot;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tsj containerboot}: the container image's entry point, configured by environment. */
@Command(name = "containerboot", description = {
        "Run tsj as a container's main process (the image's default command), configured by TSJ_* variables:",
        "starts the daemon, joins the tailnet, stays in the foreground. See deploy/kubernetes/README.md."})
public final class ContainerbootCommand implements Callable<Integer> {
    @Override
    public Integer call() {
        return Containerboot.run(System.getenv(), Host.real(), System.out, System.err);
    }
}
