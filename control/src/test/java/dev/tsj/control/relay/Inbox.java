package dev.tsj.control.relay;

import dev.tsj.control.relay.client.RelayClient;
import dev.tsj.control.relay.proto.PeerGoneReason;
import dev.tsj.crypto.PublicKey;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/** A relay client listener that records what arrived, for assertions. */
final class Inbox implements RelayClient.Listener {
    record Packet(PublicKey src, byte[] data) {}

    record Gone(PublicKey peer, PeerGoneReason reason) {}

    final BlockingQueue<Packet> packets = new LinkedBlockingQueue<>();
    final List<Gone> gone = new CopyOnWriteArrayList<>();
    final List<String> health = new CopyOnWriteArrayList<>();
    final List<RelayClient.State> states = new CopyOnWriteArrayList<>();
    final AtomicLong received = new AtomicLong();
    private final boolean keep;

    Inbox() {
        this(true);
    }

    /** @param keep false: only count packets (for bulk transfers) */
    Inbox(boolean keep) {
        this.keep = keep;
    }

    @Override
    public void onPacket(PublicKey src, byte[] buf, int off, int len) {
        received.incrementAndGet();
        if (keep) {
            packets.add(new Packet(src, Arrays.copyOfRange(buf, off, off + len)));
        }
    }

    @Override
    public void onPeerGone(PublicKey peer, PeerGoneReason reason) {
        gone.add(new Gone(peer, reason));
    }

    @Override
    public void onHealth(String problem) {
        health.add(problem);
    }

    @Override
    public void onStateChange(RelayClient.State state, String detail) {
        states.add(state);
    }

    Packet next(Duration within) throws InterruptedException {
        Packet p = packets.poll(within.toMillis(), TimeUnit.MILLISECONDS);
        if (p == null) {
            throw new AssertionError("no packet arrived within " + within);
        }
        return p;
    }
}
