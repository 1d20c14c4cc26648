package dev.tsj.control.server;

import dev.tsj.control.EventLog;
import dev.tsj.control.util.SecureFiles;
import dev.tsj.crypto.KeyFormatException;
import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

/**
 * The server's static Noise key, {@code server.key} in the state dir: created at first
 * start (base64, as {@code wg genkey} writes), kept mode 0600, and never logged.
 */
public final class ServerKeyFile {
    public static final String NAME = "server.key";

    private ServerKeyFile() {}

    /** The embedded relay's key, beside the server key. */
    public static final String RELAY_NAME = "relay.key";

    public static PrivateKey loadOrCreate(Path stateDir, EventLog log) throws IOException {
        return loadOrCreateFile(stateDir.resolve(NAME), log);
    }

    /** A private key file as {@code wg genkey} writes it, created (0600) if missing. */
    public static PrivateKey loadOrCreateFile(Path file, EventLog log) throws IOException {
        if (!Files.exists(file)) {
            PrivateKey k = PrivateKey.generate();
            SecureFiles.writeAtomically(file, (k.toBase64() + "\n").getBytes(StandardCharsets.US_ASCII));
            log.info("key.created", "file", file);
            return k;
        }
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        if (perms.stream().anyMatch(p -> !SecureFiles.OWNER_RW.contains(p))) {
            Files.setPosixFilePermissions(file, SecureFiles.OWNER_RW);
            log.warn("key.mode_fixed", "file", file, "mode", "0600");
        }
        String text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        try {
            return PrivateKey.fromBase64(text);
        } catch (KeyFormatException e) {
            throw new IOException("key file " + file + " is corrupt: " + e.getMessage());
        }
    }
}
