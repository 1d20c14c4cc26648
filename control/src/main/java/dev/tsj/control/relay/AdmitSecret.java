package dev.tsj.control.relay;

import dev.tsj.control.util.SecureFiles;
import dev.tsj.crypto.ConstantTime;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;

/**
 * The shared secret with which a standalone relay asks the control server whether a node
 * key belongs to the tailnet: 32 random bytes as 64 hex digits in
 * {@code STATE_DIR/relay-admit.secret} (mode 0600), created by the control server at first
 * start. The operator copies the file to the relay host ({@code --admit-secret-file}).
 */
public final class AdmitSecret {
    public static final String FILE = "relay-admit.secret";
    private static final HexFormat HEX = HexFormat.of();

    private final byte[] secret;

    private AdmitSecret(byte[] secret) {
        this.secret = secret;
    }

    public static AdmitSecret loadOrCreate(Path stateDir) throws IOException {
        Path file = stateDir.resolve(FILE);
        if (!Files.exists(file)) {
            byte[] s = new byte[32];
            new SecureRandom().nextBytes(s);
            SecureFiles.writeAtomically(file, (HEX.formatHex(s) + "\n").getBytes(StandardCharsets.US_ASCII));
        }
        return read(file);
    }

    public static AdmitSecret read(Path file) throws IOException {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII).strip();
        } catch (NoSuchFileException e) {
            throw new IOException("no admit secret file " + file);
        }
        if (!text.matches("[0-9a-f]{64}")) {
            throw new IOException("admit secret file " + file + " must hold 64 hex digits");
        }
        return new AdmitSecret(HEX.parseHex(text));
    }

    /** The value of the {@code Authorization} header that carries this secret. */
    public String authorization() {
        return "Bearer " + HEX.formatHex(secret);
    }

    /** Whether an {@code Authorization} header carries this secret (constant time in the secret). */
    public boolean matches(String authorization) {
        if (authorization == null || !authorization.startsWith("Bearer ")) {
            return false;
        }
        String hex = authorization.substring(7).strip();
        if (hex.length() != 64 || !hex.matches("[0-9a-fA-F]{64}")) {
            return false;
        }
        return ConstantTime.equals(HEX.parseHex(hex.toLowerCase(java.util.Locale.ROOT)), secret);
    }
}
