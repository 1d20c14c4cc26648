package dev.tsj.it;

import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One WireGuard interface in a namespace: a tsj or wireguard-go daemon, configured only
 * through the stock {@code wg} tool, as a user would. Keys live in a private temporary
 * directory, never in logs.
 */
final class WgNode implements AutoCloseable {
    static final Path UAPI_DIR = Path.of("/var/run/wireguard");
    static final Duration START_TIMEOUT = Duration.ofSeconds(30);

    final Implementation implementation;
    final Netns ns;
    final String interfaceName;
    final int listenPort;
    final boolean offloads;
    private final Path logDir;
    private final Path secrets;
    private final String privateKey;
    private final String publicKey;
    private BgProcess daemon;

    private WgNode(Implementation implementation, Netns ns, String interfaceName, int listenPort, boolean offloads, Path logDir) {
        this.implementation = implementation;
        this.ns = ns;
        this.interfaceName = interfaceName;
        this.listenPort = listenPort;
        this.offloads = offloads;
        this.logDir = logDir;
        PrivateKey key = PrivateKey.generate();
        this.privateKey = key.toBase64();
        this.publicKey = key.publicKey().toBase64();
        try {
            this.secrets = Files.createTempDirectory("tsj-it-" + interfaceName, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Starts the daemon and gives it its key and port with {@code wg set}. */
    static WgNode start(Implementation implementation, Netns ns, String interfaceName, int listenPort, boolean offloads, Path logDir) {
        WgNode n = new WgNode(implementation, ns, interfaceName, listenPort, offloads, logDir);
        n.launch();
        n.configureIdentity();
        return n;
    }

    /** Gives a freshly launched daemon its private key and port, as {@code wg set} would. */
    void configureIdentity() {
        set("private-key", secret("private.key", privateKey).toString(), "listen-port", Integer.toString(listenPort));
        if (implementation == Implementation.WIREGUARD_GO) {
            ns.run("ip", "link", "set", interfaceName, "up"); // tsj brings its link up itself
        }
    }

    /** Starts the daemon process and waits until {@code wg} can talk to it. */
    void launch() {
        if (interfaceName.length() > 15 || !interfaceName.startsWith("it")) {
            throw new IllegalArgumentException("interface names are it*, at most 15 characters: " + interfaceName);
        }
        if (answers(socket())) {
            // Readiness below is "the socket answers": it must not be someone else answering.
            throw new AssertionError(socket() + " is already served by another process");
        }
        String label = interfaceName + "-" + implementation.label;
        daemon = switch (implementation) {
            case TSJ -> ns.spawn(label, logDir.resolve(label + ".log"), Map.of("TSJ_LOG", "debug"),
                    TsjJar.daemon(interfaceName, listenPort, offloads).toArray(String[]::new));
            case WIREGUARD_GO -> ns.spawn(label, logDir.resolve(label + ".log"), Map.of("LOG_LEVEL", "verbose"),
                    "wireguard-go", "-f", interfaceName);
        };
        Poll.until(START_TIMEOUT, implementation.label + " " + interfaceName + " to serve its UAPI socket", this::diagnostics, () -> {
            if (!daemon.alive()) {
                throw new AssertionError(implementation.label + " exited during start-up\n" + daemon.tail());
            }
            // wg itself unlinks a socket that refuses connections, which would hide whether the
            // daemon replaces a stale one, so it runs only once the socket answers.
            return answers(socket()) && ns.exec("wg", "show", interfaceName).ok()
                    && ns.exec("ip", "link", "show", "dev", interfaceName).ok();
        });
    }

    private static boolean answers(Path socket) {
        try (SocketChannel ch = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            return ch.connect(UnixDomainSocketAddress.of(socket));
        } catch (IOException e) {
            return false;
        }
    }

    Path socket() {
        return UAPI_DIR.resolve(interfaceName + ".sock");
    }

    BgProcess daemon() {
        return daemon;
    }

    String publicKey() {
        return publicKey;
    }

    String privateKey() {
        return privateKey;
    }

    /** Writes a secret into the node's private directory (0600) and returns its path. */
    Path secret(String fileName, String base64) {
        Path f = secrets.resolve(fileName);
        try {
            Files.deleteIfExists(f);
            Files.createFile(f, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
            Files.writeString(f, base64 + "\n", StandardCharsets.US_ASCII);
            return f;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** {@code wg set NAME args...}, which must succeed. */
    void set(String... args) {
        List<String> cmd = new ArrayList<>(List.of("wg", "set", interfaceName));
        cmd.addAll(List.of(args));
        CmdResult r = ns.exec(cmd.toArray(String[]::new));
        if (!r.ok()) {
            throw new AssertionError(r.describe() + "\n" + diagnostics());
        }
    }

    void setPeer(PeerSpec peer) {
        String pskFile = peer.presharedKey() == null ? "" : secret("psk-" + Integer.toHexString(peer.publicKey().hashCode()), peer.presharedKey()).toString();
        set(peer.wgSetArguments(pskFile).toArray(String[]::new));
    }

    void removePeer(String peerPublicKey) {
        set("peer", peerPublicKey, "remove");
    }

    /** Runs {@code wg args...} against this interface's namespace and returns its output. */
    String wg(String... args) {
        List<String> cmd = new ArrayList<>(List.of("wg"));
        cmd.addAll(List.of(args));
        CmdResult r = ns.exec(cmd.toArray(String[]::new));
        if (!r.ok()) {
            throw new AssertionError(r.describe() + "\n" + diagnostics());
        }
        return r.output();
    }

    WgDump dump() {
        return WgDump.parse(wg("show", interfaceName, "dump"));
    }

    String showconf() {
        return wg("showconf", interfaceName);
    }

    /** Gives the interface its tunnel addresses (with their subnet routes) and brings it up. */
    void addTunnelAddresses(String v4Cidr, String v6Cidr) {
        ns.addAddress(interfaceName, v4Cidr);
        ns.addAddress(interfaceName, v6Cidr);
        ns.run("ip", "link", "set", interfaceName, "up");
    }

    /** The daemon's log tail and what {@code wg show} says, for failure messages. */
    String diagnostics() {
        StringBuilder sb = new StringBuilder();
        if (daemon != null) {
            sb.append(daemon.tail());
        }
        CmdResult show = ns.exec("wg", "show", interfaceName);
        sb.append("--- wg show ").append(interfaceName).append(" ---\n").append(show.output().strip()).append('\n');
        return sb.toString();
    }

    @Override
    public void close() {
        if (daemon != null) {
            daemon.close();
        }
        try (var files = Files.list(secrets)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
            Files.delete(secrets);
        } catch (IOException ignored) {
            // a private temporary directory; nothing else depends on it
        }
    }
}
