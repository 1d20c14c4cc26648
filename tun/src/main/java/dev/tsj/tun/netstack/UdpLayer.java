package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;
import io.netty.util.collection.IntObjectHashMap;
import java.io.IOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;

/**
 * UDP (RFC 768): bound endpoints, accepted flows with idle timeouts, and sending from
 * any thread. Loop-confined except {@link #send}.
 */
final class UdpLayer {
    private static final System.Logger LOG = System.getLogger(UdpLayer.class.getName());
    private static final long LIMIT_LOG_INTERVAL = 10_000_000_000L;

    final NetStack stack;
    private final IntObjectHashMap<UdpEndpoint> bound = new IntObjectHashMap<>();
    private final FlowTable<UdpFlow> flows = new FlowTable<>();
    UdpAcceptor localAcceptor;
    UdpAcceptor routedAcceptor;
    private long lastLimitLog = Long.MIN_VALUE;

    UdpLayer(NetStack stack) {
        this.stack = stack;
    }

    int flowCount() {
        return flows.size();
    }

    void datagramArrives(IpPacket ip, boolean localDestination) {
        ByteBuf b = ip.buf;
        int at = ip.l4Index;
        if (ip.l4Length < Spec.UDP_HEADER_LEN) {
            stack.counters.inc(Counter.IN_MALFORMED);
            return;
        }
        int udpLength = b.getUnsignedShort(at + 4);
        if (udpLength < Spec.UDP_HEADER_LEN || udpLength > ip.l4Length) {
            stack.counters.inc(Counter.IN_MALFORMED);
            return;
        }
        int checksum = b.getUnsignedShort(at + 6);
        // A zero checksum means "none" over IPv4 only; IPv6 requires one (RFC 8200 section 8.1).
        if (checksum != 0 || !ip.isV4()) {
            long acc = Checksum.pseudoHeader(ip.srcHi, ip.srcLo, ip.dstHi, ip.dstLo, Spec.IPPROTO_UDP, udpLength);
            if (checksum == 0 || !Checksum.verifies(Checksum.add(b, at, udpLength, acc))) {
                stack.counters.inc(Counter.IN_BAD_CHECKSUM);
                return;
            }
        }
        stack.counters.inc(Counter.UDP_DATAGRAMS_IN);
        int srcPort = b.getUnsignedShort(at);
        int dstPort = b.getUnsignedShort(at + 2);
        int payloadIndex = at + Spec.UDP_HEADER_LEN;
        int payloadLength = udpLength - Spec.UDP_HEADER_LEN;

        UdpFlow flow = flows.get(ip.dstHi, ip.dstLo, dstPort, ip.srcHi, ip.srcLo, srcPort);
        if (flow != null) {
            deliver(flow, b, payloadIndex, payloadLength);
            return;
        }
        if (localDestination) {
            UdpEndpoint e = bound.get(dstPort);
            if (e != null && (e.address == null || (e.address.hi() == ip.dstHi && e.address.lo() == ip.dstLo))) {
                InetSocketAddress sender = new InetSocketAddress(ip.src().toInetAddress(), srcPort);
                try {
                    e.handler.onDatagram(e, sender, b.internalNioBuffer(payloadIndex, payloadLength));
                } catch (RuntimeException ex) {
                    LOG.log(System.Logger.Level.ERROR, "netstack: UDP handler failed on port " + dstPort, ex);
                }
                return;
            }
        }
        UdpAcceptor acceptor = localDestination ? localAcceptor : routedAcceptor;
        if (acceptor == null) {
            stack.counters.inc(Counter.UDP_NO_PORT);
            if (localDestination) stack.icmp.portUnreachable(ip);
            return;
        }
        if (flows.size() >= stack.config.maxUdpFlows()) {
            stack.counters.inc(Counter.UDP_FLOW_LIMIT);
            long now = stack.loop.nanoTime();
            if (lastLimitLog == Long.MIN_VALUE || now - lastLimitLog >= LIMIT_LOG_INTERVAL) {
                lastLimitLog = now;
                LOG.log(System.Logger.Level.WARNING, "netstack: UDP flow limit of " + stack.config.maxUdpFlows()
                        + " reached; dropping datagrams of new flows");
            }
            return;
        }
        flow = new UdpFlow(this, ip.dst(), dstPort, ip.src(), srcPort, localDestination);
        UdpFlowHandler handler;
        try {
            handler = acceptor.onNewFlow(flow);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.ERROR, "netstack: UDP acceptor failed for " + flow, ex);
            handler = null;
        }
        if (handler == null) {
            stack.counters.inc(Counter.UDP_NO_PORT);
            return;
        }
        flow.handler = handler;
        flows.put(flow);
        stack.loop.armAfter(flow.idleTimer, stack.config.udpIdleTimeout().toNanos());
        deliver(flow, b, payloadIndex, payloadLength);
    }

    private void deliver(UdpFlow flow, ByteBuf b, int index, int length) {
        flow.lastActivity = stack.loop.nanoTime();
        try {
            flow.handler.onDatagram(flow, b.internalNioBuffer(index, length));
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.ERROR, "netstack: UDP flow handler failed for " + flow, ex);
        }
    }

    void idleCheck(UdpFlow flow) {
        long deadline = flow.lastActivity + stack.config.udpIdleTimeout().toNanos();
        if (stack.loop.nanoTime() < deadline) {
            stack.loop.arm(flow.idleTimer, deadline);
        } else {
            closeFlow(flow);
        }
    }

    void closeFlow(UdpFlow flow) {
        if (flow.closed) return;
        flow.closed = true;
        flows.remove(flow);
        stack.loop.remove(flow.idleTimer);
        try {
            flow.handler.onClosed(flow);
        } catch (RuntimeException ex) {
            LOG.log(System.Logger.Level.ERROR, "netstack: UDP flow handler failed closing " + flow, ex);
        }
    }

    UdpEndpoint bind(IpAddress address, int port, UdpHandler handler) throws IOException {
        if (port == 0) {
            int span = Spec.EPHEMERAL_PORT_LAST - Spec.EPHEMERAL_PORT_FIRST + 1;
            int start = stack.random.nextInt(span);
            for (int i = 0; i < span && port == 0; i++) {
                int candidate = Spec.EPHEMERAL_PORT_FIRST + (start + i) % span;
                if (!bound.containsKey(candidate)) port = candidate;
            }
            if (port == 0) throw new BindException("netstack: no free UDP port");
        } else if (bound.containsKey(port)) {
            throw new BindException("netstack: UDP port " + port + " already bound");
        }
        UdpEndpoint e = new UdpEndpoint(this, address, port, handler);
        bound.put(port, e);
        return e;
    }

    void unbind(UdpEndpoint e) {
        if (bound.get(e.port) == e) bound.remove(e.port);
    }

    /** Builds and queues one datagram; callable from any thread. Consumes {@code payload}. */
    void send(IpAddress src, int srcPort, IpAddress dst, int dstPort, ByteBuffer payload) throws IOException {
        if (src.isV4() != dst.isV4()) throw new IOException("netstack: cannot send from " + src + " to " + dst);
        int len = payload.remaining();
        int max = stack.config.mtu() - IpWriter.headerLength(src.isV4()) - Spec.UDP_HEADER_LEN;
        if (len > max) {
            stack.counters.addShared(Counter.OUT_TOO_BIG, 1);
            throw new IOException("netstack: datagram of " + len + " bytes exceeds the tunnel MTU (at most " + max + ")");
        }
        // Identification 0: the datagram is atomic (DF set), which RFC 6864 section 4 allows.
        ByteBuf b = IpWriter.begin(stack.alloc, src.hi(), src.lo(), dst.hi(), dst.lo(), Spec.IPPROTO_UDP,
                Spec.UDP_HEADER_LEN + len, 0);
        b.writeShort(srcPort);
        b.writeShort(dstPort);
        b.writeShort(Spec.UDP_HEADER_LEN + len);
        b.writeShort(0);
        b.writeBytes(payload);
        IpWriter.finishChecksum(b, src.hi(), src.lo(), dst.hi(), dst.lo(), Spec.IPPROTO_UDP, 6);
        stack.counters.addShared(Counter.UDP_DATAGRAMS_OUT, 1);
        stack.emitFromAnyThread(b);
    }

    void closeAll() {
        for (UdpFlow f : flows.snapshot()) closeFlow(f);
        for (UdpEndpoint e : bound.values().toArray(UdpEndpoint[]::new)) {
            e.closed = true;
            unbind(e);
        }
    }
}
