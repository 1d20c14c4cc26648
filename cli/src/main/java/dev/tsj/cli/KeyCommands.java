package dev.tsj.cli;

import dev.tsj.crypto.KeyFormatException;
import dev.tsj.crypto.PresharedKey;
import dev.tsj.crypto.PrivateKey;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

/** {@code tsj genkey|pubkey|genpsk}: the same text in and out as {@code wg genkey|pubkey|genpsk}. */
final class KeyCommands {
    private KeyCommands() {}

    @Command(name = "genkey", description = "Print a new private key in base64 (like wg genkey)")
    static final class GenKey implements Callable<Integer> {
        @Override
        public Integer call() {
            PrivateKey k = PrivateKey.generate();
            System.out.println(k.toBase64());
            k.destroy();
            return 0;
        }
    }

    @Command(name = "genpsk", description = "Print a new preshared key in base64 (like wg genpsk)")
    static final class GenPsk implements Callable<Integer> {
        @Override
        public Integer call() {
            PresharedKey k = PresharedKey.generate();
            System.out.println(k.toBase64());
            k.destroy();
            return 0;
        }
    }

    @Command(name = "pubkey", description = "Read a private key on stdin, print its public key (like wg pubkey)")
    static final class PubKey implements Callable<Integer> {
        @Override
        public Integer call() throws IOException {
            String text = readLimited(System.in, 4096);
            try {
                PrivateKey k = PrivateKey.fromBase64(text);
                System.out.println(k.publicKey().toBase64());
                k.destroy();
                return 0;
            } catch (KeyFormatException e) {
                System.err.println("tsj pubkey: " + e.getMessage());
                return 1;
            }
        }
    }

    /** Reads stdin up to {@code max} bytes: a key is 45 bytes, anything far longer is not one. */
    static String readLimited(InputStream in, int max) throws IOException {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        byte[] chunk = new byte[512];
        int n;
        while ((n = in.read(chunk)) > 0) {
            buf.write(chunk, 0, n);
            if (buf.size() > max) {
                break;
            }
        }
        return buf.toString(StandardCharsets.US_ASCII);
    }
}
