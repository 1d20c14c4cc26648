package dev.tsj.daemon.wg;

import java.security.SecureRandom;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Maps the random 32-bit receiver indexes we hand out to what they name: a handshake in
 * progress (the peer) or an established keypair. Random indexes keep peers from learning
 * anything about our session count and make stale packets miss.
 */
final class IndexTable {
    /** What an index points at: the peer always, and the keypair once established. */
    record Entry(Peer peer, Keypair keypair) {}

    private final ConcurrentHashMap<Integer, Entry> entries = new ConcurrentHashMap<>();
    private final SecureRandom random = new SecureRandom();

    /** Allocates a fresh index for a handshake with {@code peer}. */
    int newIndex(Peer peer) {
        while (true) {
            int idx = random.nextInt();
            if (entries.putIfAbsent(idx, new Entry(peer, null)) == null) {
                return idx;
            }
        }
    }

    /** Points an index (already ours for this peer) at its established keypair. */
    void bind(int index, Keypair keypair) {
        entries.put(index, new Entry(keypair.peer, keypair));
    }

    Entry lookup(int index) {
        return entries.get(index);
    }

    void release(int index) {
        entries.remove(index);
    }

    /** Releases {@code index} only if it still points at {@code keypair}. */
    void release(int index, Keypair keypair) {
        entries.computeIfPresent(index, (k, e) -> e.keypair() == keypair ? null : e);
    }

    int size() {
        return entries.size();
    }
}
