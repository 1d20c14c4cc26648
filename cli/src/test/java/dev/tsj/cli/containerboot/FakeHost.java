package dev.tsj.cli.containerboot;

import java.util.Map;

/** A container as a test wants it: TUN device, pod, forwarding and nft present or not. */
final class FakeHost implements Host {
    boolean tun = true;
    boolean pod;
    String forwardingProblem;
    boolean nft = true;

    @Override
    public boolean tunDevice() {
        return tun;
    }

    @Override
    public boolean kubernetes(Map<String, String> env) {
        return pod;
    }

    @Override
    public String forwardingProblem(boolean ipv6) {
        return forwardingProblem;
    }

    @Override
    public boolean onPath(String exe) {
        return !exe.equals("nft") || nft;
    }
}
