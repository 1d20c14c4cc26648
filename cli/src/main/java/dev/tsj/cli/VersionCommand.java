package dev.tsj.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;

/** {@code tsj version}: prints the version, as {@code tailscale version} does. */
@Command(name = "version", description = "Print the tsj version")
final class VersionCommand implements Runnable {
    static final String VERSION = "0.1.0";

    @Override
    public void run() {
        System.out.println(VERSION);
    }

    static final class Provider implements IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"tsj " + VERSION};
        }
    }
}
