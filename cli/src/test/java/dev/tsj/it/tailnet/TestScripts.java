package dev.tsj.it.tailnet;

import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** The python helpers in the test resources, and what lan_server.py's blobs hash to. */
final class TestScripts {
    private TestScripts() {}

    /** The file path of a test resource such as {@code tailnet/lan_server.py}. */
    static String path(String resource) {
        try {
            return Path.of(TestScripts.class.getResource("/" + resource).toURI()).toString();
        } catch (URISyntaxException e) {
            throw new IllegalStateException(resource, e);
        }
    }

    /** sha256 of the lan_server.py blob of {@code size} bytes (byte i is i % 256), in hex. */
    static String blobSha256(long size) {
        MessageDigest md;
        try {
            md = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        byte[] pattern = new byte[1 << 16];
        for (int i = 0; i < pattern.length; i++) {
            pattern[i] = (byte) i;
        }
        for (long done = 0; done < size; done += pattern.length) {
            md.update(pattern, 0, (int) Math.min(pattern.length, size - done));
        }
        return HexFormat.of().formatHex(md.digest());
    }
}
