package dev.tsj.daemon.magic;

import dev.tsj.crypto.Blake2s;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.crypto.X25519;
import dev.tsj.crypto.XChaChaPoly;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Seals and opens disco packets between two disco keys: {@code MAGIC (6) || sender's
 * disco public key (32) || nonce (24) || XChaCha20-Poly1305(message)}, keyed by
 * HASH(label || X25519(ours, theirs)). They share the WireGuard socket; the magic tells
 * them apart (WireGuard messages start with 1-4 and three zero bytes, STUN with 0x00 or
 * 0x01 and carries its cookie at bytes 4-7). A repeated nonce from one sender is a replay
 * and is dropped, as is anything from a disco key no peer in the netmap holds.
 */
public final class DiscoCodec {
    /** "tsj" and 0xF0 0x9F 0x92: never the start of a WireGuard or STUN message. */
    public static final byte[] MAGIC = {'t', 's', 'j', (byte) 0xF0, (byte) 0x9F, (byte) 0x92};
    static final int KEY_SIZE = 32;
    static final int NONCE_SIZE = XChaChaPoly.NONCE_SIZE;
    static final int HEADER = MAGIC.length + KEY_SIZE + NONCE_SIZE;
    private static final byte[] LABEL = "tsj disco v1".getBytes(StandardCharsets.US_ASCII);
    private static final int REPLAY_MEMORY = 512;

    private final PrivateKey privateKey;
    private final PublicKey publicKey;
    private final SecureRandom random = new SecureRandom();
    private final Map<PublicKey, byte[]> sharedKeys = new ConcurrentHashMap<>();
    private final Map<String, Boolean> seenNonces = java.util.Collections.synchronizedMap(new LinkedHashMap<>(REPLAY_MEMORY, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> e) {
            return size() > REPLAY_MEMORY;
        }
    });

    /** Drop counters, for status and tests. */
    public final LongAdder droppedMalformed = new LongAdder();
    public final LongAdder droppedReplay = new LongAdder();
    public final LongAdder droppedUnknownKey = new LongAdder();

    public DiscoCodec(PrivateKey discoKey) {
        this.privateKey = discoKey;
        this.publicKey = discoKey.publicKey();
    }

    public PublicKey publicKey() {
        return publicKey;
    }

    /** True if {@code data[0..len)} starts with the disco magic. */
    public static boolean looksLikeDisco(byte[] data, int len) {
        if (len < HEADER) {
            return false;
        }
        for (int i = 0; i < MAGIC.length; i++) {
            if (data[i] != MAGIC[i]) {
                return false;
            }
        }
        return true;
    }

    private byte[] sharedKey(PublicKey peer) {
        return sharedKeys.computeIfAbsent(peer, k -> {
            byte[] dh = new byte[KEY_SIZE];
            if (!X25519.sharedSecret(privateKey.bytes(), k.bytes(), dh)) {
                return null;
            }
            byte[] key = Blake2s.hash(LABEL, dh);
            Arrays.fill(dh, (byte) 0);
            return key;
        });
    }

    /** A sealed disco packet for {@code to}. */
    public byte[] seal(PublicKey to, DiscoMessage m) {
        byte[] key = sharedKey(to);
        if (key == null) {
            throw new IllegalArgumentException("peer disco key is a low-order point");
        }
        byte[] nonce = new byte[NONCE_SIZE];
        random.nextBytes(nonce);
        byte[] box = XChaChaPoly.seal(key, nonce, DiscoMessage.encode(m), MAGIC);
        byte[] out = new byte[HEADER + box.length];
        System.arraycopy(MAGIC, 0, out, 0, MAGIC.length);
        System.arraycopy(publicKey.bytes(), 0, out, MAGIC.length, KEY_SIZE);
        System.arraycopy(nonce, 0, out, MAGIC.length + KEY_SIZE, NONCE_SIZE);
        System.arraycopy(box, 0, out, HEADER, box.length);
        return out;
    }

    /** An opened packet: who sent it and what. */
    public record Opened(PublicKey sender, DiscoMessage message) {}

    /**
     * Opens a disco packet if its sender is {@code known} (a peer's disco key) and it is
     * authentic and new; null (counted) otherwise.
     */
    public Opened open(byte[] data, int len, java.util.function.Predicate<PublicKey> known) {
        if (!looksLikeDisco(data, len)) {
            droppedMalformed.increment();
            return null;
        }
        PublicKey sender = new PublicKey(Arrays.copyOfRange(data, MAGIC.length, MAGIC.length + KEY_SIZE));
        if (!known.test(sender)) {
            droppedUnknownKey.increment();
            return null;
        }
        byte[] key = sharedKey(sender);
        byte[] nonce = Arrays.copyOfRange(data, MAGIC.length + KEY_SIZE, HEADER);
        byte[] plain = key == null ? null : XChaChaPoly.open(key, nonce, Arrays.copyOfRange(data, HEADER, len), MAGIC);
        if (plain == null) {
            droppedMalformed.increment();
            return null;
        }
        String replayKey = sender.toBase64() + java.util.HexFormat.of().formatHex(nonce);
        if (seenNonces.putIfAbsent(replayKey, Boolean.TRUE) != null) {
            droppedReplay.increment();
            return null;
        }
        DiscoMessage m = DiscoMessage.decode(plain);
        if (m == null) {
            droppedMalformed.increment();
            return null;
        }
        return new Opened(sender, m);
    }
}
