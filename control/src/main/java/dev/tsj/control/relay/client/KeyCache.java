package dev.tsj.control.relay.client;

import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.crypto.ConstantTime;
import dev.tsj.crypto.PublicKey;
import java.util.Arrays;

/**
 * The last few source keys seen on received packets, so each packet's source is found by
 * comparing 32 bytes rather than by building a new key object. Reader thread only.
 */
final class KeyCache {
    private static final int SIZE = 16;
    private final PublicKey[] keys = new PublicKey[SIZE];
    private final byte[][] bytes = new byte[SIZE][];
    private int next;

    PublicKey lookup(byte[] b, int off) {
        for (int i = 0; i < SIZE; i++) {
            if (bytes[i] != null && ConstantTime.equals(bytes[i], 0, b, off, RelayProto.KEY_SIZE)) {
                return keys[i];
            }
        }
        byte[] k = Arrays.copyOfRange(b, off, off + RelayProto.KEY_SIZE);
        PublicKey key = new PublicKey(k);
        bytes[next] = k;
        keys[next] = key;
        next = (next + 1) % SIZE;
        return key;
    }
}
