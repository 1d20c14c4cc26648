package dev.tsj.cli.control;

import dev.tsj.control.admin.AdminException;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/**
 * Base of the admin commands: runs the request and turns a refusal into one line on
 * stderr ("tsj: ...") and exit status 1, never a stack trace.
 */
abstract class AdminCall implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    abstract void run(PrintWriter out) throws AdminException;

    @Override
    public Integer call() {
        try {
            run(spec.commandLine().getOut());
            return 0;
        } catch (AdminException e) {
            spec.commandLine().getErr().println("tsj: " + e.getMessage());
            spec.commandLine().getErr().flush();
            return 1;
        }
    }
}
