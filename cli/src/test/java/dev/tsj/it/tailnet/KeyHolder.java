package dev.tsj.it.tailnet;

import dev.tsj.it.BgProcess;
import dev.tsj.it.CmdResult;
import dev.tsj.it.Netns;
import dev.tsj.it.Poll;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Base64;
import java.util.Map;

/**
 * A plain WireGuard interface (Debian's wireguard-go, configured with {@code wg}) holding
 * a tailnet node's private key after that node's tsjd has stopped: what someone with the
 * node's key can send once the node is gone from the tailnet. The key is written to a
 * 0600 file in the lab's work directory and never logged.
 */
final class KeyHolder implements AutoCloseable {
    private final Netns ns;
    private final String ifName;
    private final Path keyFile;
    private final BgProcess process;

    private KeyHolder(Netns ns, String ifName, Path keyFile, BgProcess process) {
        this.ns = ns;
        this.ifName = ifName;
        this.keyFile = keyFile;
        this.process = process;
    }

    /** Starts wireguard-go as {@code ifName} with {@code privateKey} on {@code port}, addressed {@code cidr}. */
    static KeyHolder start(Lab lab, Netns ns, String ifName, String privateKey, int port, String cidr) {
        Path keyFile = lab.work.resolve(ifName + ".key");
        try {
            Files.deleteIfExists(keyFile);
            Files.createFile(keyFile, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(keyFile, privateKey + "\n", StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        BgProcess p = ns.spawn(ifName, lab.logs.resolve(ifName + ".log"), Map.of("LOG_LEVEL", "verbose"), "wireguard-go", "-f", ifName);
        KeyHolder k = lab.own(new KeyHolder(ns, ifName, keyFile, p));
        Poll.until(Duration.ofSeconds(20), "wireguard-go " + ifName + " to start", p::tail,
                () -> ns.exec("wg", "show", ifName).ok());
        k.wg("set", ifName, "private-key", keyFile.toString(), "listen-port", Integer.toString(port));
        ns.addAddress(ifName, cidr);
        ns.run("ip", "link", "set", ifName, "up");
        return k;
    }

    /** Adds a peer by its status key ("nodekey:HEX"), at {@code endpoint}, routing {@code allowedIp} to it. */
    void addPeer(String statusPublicKey, String endpoint, String allowedIp) {
        wg("set", ifName, "peer", base64(statusPublicKey), "endpoint", endpoint, "allowed-ips", allowedIp, "persistent-keepalive", "1");
        ns.run("ip", "route", "replace", allowedIp, "dev", ifName);
    }

    /** A key as status shows it ("nodekey:HEX") in wg's notation (base64). */
    static String base64(String statusPublicKey) {
        String hex = statusPublicKey.substring(statusPublicKey.indexOf(':') + 1);
        return Base64.getEncoder().encodeToString(HexFormat.of().parseHex(hex));
    }

    /** {@code wg show IF latest-handshakes}: one line per peer, 0 when none completed. */
    String latestHandshakes() {
        return wg("show", ifName, "latest-handshakes");
    }

    private String wg(String... args) {
        String[] cmd = new String[args.length + 1];
        cmd[0] = "wg";
        System.arraycopy(args, 0, cmd, 1, args.length);
        CmdResult r = ns.exec(cmd);
        if (!r.ok()) {
            throw new AssertionError(r.describe() + "\n" + process.tail());
        }
        return r.output();
    }

    String diagnostics() {
        return process.tail() + "--- wg show " + ifName + " ---\n" + ns.exec("wg", "show", ifName).output();
    }

    @Override
    public void close() {
        process.close();
        try {
            Files.deleteIfExists(keyFile);
        } catch (IOException ignored) {
            // the lab removes its work directory anyway
        }
    }
}
