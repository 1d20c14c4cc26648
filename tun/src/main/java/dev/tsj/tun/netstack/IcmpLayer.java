package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeoutException;

/**
 * ICMP (RFC 792) and ICMPv6 (RFC 4443), as far as a tunnel endpoint needs: echo replies
 * for the node's addresses, echo forwarding for routed ones, outgoing pings, and port
 * unreachable errors (rate-limited, RFC 1812 section 4.3.2.8 / RFC 4443 section 2.4).
 * Loop-confined.
 */
final class IcmpLayer {
    /** Errors per second at most (a token bucket refilled continuously). */
    private static final int ERRORS_PER_SECOND = 50;
    /** RFC 1812: an ICMPv4 error carries as much of the offending packet as fits in 576 bytes. */
    private static final int V4_ERROR_MAX = 576;

    private final NetStack stack;
    EchoForwarder forwarder;
    private final int pingId;
    private int pingSeq;
    private final IntObjectHashMap<PendingPing> pings = new IntObjectHashMap<>();
    private double errorTokens = ERRORS_PER_SECOND;
    private long lastRefill;

    private record PendingPing(IpAddress target, long sentAt, CompletableFuture<Duration> result, Timer timeout) {}

    IcmpLayer(NetStack stack) {
        this.stack = stack;
        this.pingId = stack.random.nextInt(0x10000);
        this.lastRefill = stack.loop.nanoTime();
    }

    void arrives(IpPacket ip, boolean localDestination) {
        boolean v4 = ip.isV4();
        if (ip.protocol != (v4 ? Spec.IPPROTO_ICMP : Spec.IPPROTO_ICMPV6)) {
            stack.counters.inc(Counter.IN_UNSUPPORTED_PROTOCOL);
            return;
        }
        ByteBuf b = ip.buf;
        int at = ip.l4Index;
        if (ip.l4Length < Spec.ICMP_HEADER_LEN) {
            stack.counters.inc(Counter.IN_MALFORMED);
            return;
        }
        long acc = v4 ? 0 : ip.pseudoHeaderSum();
        if (!Checksum.verifies(Checksum.add(b, at, ip.l4Length, acc))) {
            stack.counters.inc(Counter.IN_BAD_CHECKSUM);
            return;
        }
        int type = b.getUnsignedByte(at);
        int code = b.getUnsignedByte(at + 1);
        if (type == (v4 ? Spec.ICMP_ECHO : Spec.ICMP6_ECHO_REQUEST) && code == 0) {
            if (localDestination) {
                replyToEcho(ip, v4);
            } else if (forwarder != null) {
                byte[] body = new byte[ip.l4Length - 4];
                b.getBytes(at + 4, body);
                stack.counters.inc(Counter.ICMP_ECHO_FORWARDED);
                forwarder.onEchoRequest(ip.src(), ip.dst(), new EchoReply(stack, ip.dst(), ip.src(), body));
            }
            return;
        }
        if (type == (v4 ? Spec.ICMP_ECHOREPLY : Spec.ICMP6_ECHO_REPLY) && localDestination) {
            int id = b.getUnsignedShort(at + 4);
            int seq = b.getUnsignedShort(at + 6);
            PendingPing p = pings.get(seq);
            if (id == pingId && p != null && p.target.hi() == ip.srcHi && p.target.lo() == ip.srcLo) {
                pings.remove(seq);
                stack.loop.remove(p.timeout);
                p.result.complete(Duration.ofNanos(stack.loop.nanoTime() - p.sentAt));
            }
        }
        // Other messages (unreachables, redirects, neighbor discovery) have no use on a point-to-point tunnel.
    }

    private void replyToEcho(IpPacket ip, boolean v4) {
        int proto = ip.protocol;
        ByteBuf b = IpWriter.begin(stack.alloc, ip.dstHi, ip.dstLo, ip.srcHi, ip.srcLo, proto, ip.l4Length, stack.nextIpId());
        b.writeByte(v4 ? Spec.ICMP_ECHOREPLY : Spec.ICMP6_ECHO_REPLY);
        b.writeByte(0);
        b.writeShort(0);
        b.writeBytes(ip.buf, ip.l4Index + 4, ip.l4Length - 4);
        IpWriter.finishChecksum(b, ip.dstHi, ip.dstLo, ip.srcHi, ip.srcLo, proto, 2);
        stack.counters.inc(Counter.ICMP_ECHO_REPLIED);
        stack.emit(b);
    }

    /** Sends an echo request from {@code source}; completes with the round-trip time or a TimeoutException. */
    void ping(IpAddress source, IpAddress target, int payloadSize, Duration timeout, CompletableFuture<Duration> result) {
        int seq = pingSeq++ & 0xffff;
        PendingPing old = pings.remove(seq);
        if (old != null) {
            stack.loop.remove(old.timeout);
            old.result.completeExceptionally(new TimeoutException("ping " + old.target + ": no reply"));
        }
        boolean v4 = source.isV4();
        int proto = v4 ? Spec.IPPROTO_ICMP : Spec.IPPROTO_ICMPV6;
        ByteBuf b = IpWriter.begin(stack.alloc, source.hi(), source.lo(), target.hi(), target.lo(), proto,
                Spec.ICMP_HEADER_LEN + payloadSize, stack.nextIpId());
        b.writeByte(v4 ? Spec.ICMP_ECHO : Spec.ICMP6_ECHO_REQUEST);
        b.writeByte(0);
        b.writeShort(0);
        b.writeShort(pingId);
        b.writeShort(seq);
        for (int i = 0; i < payloadSize; i++) b.writeByte(i);
        IpWriter.finishChecksum(b, source.hi(), source.lo(), target.hi(), target.lo(), proto, 2);
        Timer t = new Timer(() -> {
            PendingPing p = pings.get(seq);
            if (p != null && p.result == result) {
                pings.remove(seq);
                result.completeExceptionally(new TimeoutException("ping " + target + ": no reply within " + timeout));
            }
        });
        pings.put(seq, new PendingPing(target, stack.loop.nanoTime(), result, t));
        stack.loop.armAfter(t, timeout.toNanos());
        stack.emit(b);
    }

    /** ICMP destination unreachable (port) for a datagram no one takes. */
    void portUnreachable(IpPacket ip) {
        if (!takeErrorToken()) return;
        boolean v4 = ip.isV4();
        int original = ip.l4Index + ip.l4Length - ip.ipIndex;
        int quote = v4 ? Math.min(original, V4_ERROR_MAX - Spec.IPV4_MIN_HEADER_LEN - Spec.ICMP_HEADER_LEN)
                : Math.min(original, Spec.IPV6_MIN_MTU - Spec.IPV6_HEADER_LEN - Spec.ICMP_HEADER_LEN);
        int proto = v4 ? Spec.IPPROTO_ICMP : Spec.IPPROTO_ICMPV6;
        ByteBuf b = IpWriter.begin(stack.alloc, ip.dstHi, ip.dstLo, ip.srcHi, ip.srcLo, proto,
                Spec.ICMP_HEADER_LEN + quote, stack.nextIpId());
        b.writeByte(v4 ? Spec.ICMP_UNREACH : Spec.ICMP6_DST_UNREACH);
        b.writeByte(v4 ? Spec.ICMP_UNREACH_PORT : Spec.ICMP6_DST_UNREACH_NOPORT);
        b.writeShort(0);
        b.writeInt(0);
        b.writeBytes(ip.buf, ip.ipIndex, quote);
        IpWriter.finishChecksum(b, ip.dstHi, ip.dstLo, ip.srcHi, ip.srcLo, proto, 2);
        stack.emit(b);
    }

    private boolean takeErrorToken() {
        long now = stack.loop.nanoTime();
        errorTokens = Math.min(ERRORS_PER_SECOND, errorTokens + (now - lastRefill) * ERRORS_PER_SECOND / 1e9);
        lastRefill = now;
        if (errorTokens < 1) return false;
        errorTokens -= 1;
        return true;
    }

    void failAll() {
        for (PendingPing p : pings.values().toArray(PendingPing[]::new)) {
            stack.loop.remove(p.timeout);
            p.result.completeExceptionally(new java.nio.channels.ClosedChannelException());
        }
        pings.clear();
    }
}
