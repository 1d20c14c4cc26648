package dev.tsj.control.relay;

import dev.tsj.control.relay.proto.RelayProto;
import dev.tsj.crypto.ConstantTime;

/**
 * The last few destinations one client sent to, so that the packet path finds the
 * destination's connection by comparing 32 bytes instead of building a key object and
 * hashing it per packet. Owned by the client's reader thread. An entry whose connection
 * has closed is dropped on sight, so a reconnected peer is found again in the registry.
 */
final class DestinationCache {
    private static final int SIZE = 8;
    private final RelayConnection[] entries = new RelayConnection[SIZE];
    private int next;

    RelayConnection find(byte[] b, int off) {
        for (int i = 0; i < SIZE; i++) {
            RelayConnection c = entries[i];
            if (c != null && ConstantTime.equals(c.keyBytes, 0, b, off, RelayProto.KEY_SIZE)) {
                if (c.isClosed()) {
                    entries[i] = null;
                    return null;
                }
                return c;
            }
        }
        return null;
    }

    void put(RelayConnection c) {
        entries[next] = c;
        next = (next + 1) % SIZE;
    }
}
