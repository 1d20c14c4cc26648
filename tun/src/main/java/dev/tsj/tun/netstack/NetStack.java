package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.util.internal.PlatformDependent;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NoRouteToHostException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.random.RandomGenerator;
import java.util.random.RandomGeneratorFactory;

/**
 * A userspace IPv4/IPv6 network stack standing in for the kernel for a node's tailnet
 * addresses: IP validation, ICMP echo, TCP and UDP, and a socket-like API.
 *
 * <p>All state lives on one {@link EventLoop}. Packets come in through {@link #receive}
 * (on the loop; {@link UserspaceNetDevice} does that for the WireGuard device) and go out
 * through the {@link PacketSink}. The API methods here are thread-safe; the connection
 * and flow objects they hand out document their own rules.
 *
 * <p>Destinations: packets to the node's {@linkplain #setAddresses addresses} are served
 * by listeners and the local acceptors; packets to {@linkplain #setRoutedPrefixes routed
 * prefixes} (a userspace subnet router) go to the routed acceptors and the echo
 * forwarder; anything else is dropped and counted.
 */
public final class NetStack implements LoopParticipant, AutoCloseable {
    final NetStackConfig config;
    final EventLoop loop;
    final ByteBufAllocator alloc;
    final Counters counters = new Counters();
    final RandomGenerator random;
    private final PacketSink sink;
    final TcpDemux tcp;
    final UdpLayer udp;
    final IcmpLayer icmp;
    private final IpPacket ip = new IpPacket();
    private final TcpSegment segment = new TcpSegment();
    /** Packets built on other threads (UDP sends, forwarded echo replies), emitted on the loop. */
    private final Queue<ByteBuf> fromOtherThreads;
    private volatile IpAddress[] addresses;
    private volatile PrefixSet routes = PrefixSet.EMPTY;
    private volatile boolean closed;
    private int ipId;

    public NetStack(NetStackConfig config, EventLoop loop, PacketSink sink) {
        this(config, loop, sink, PooledByteBufAllocator.DEFAULT);
    }

    public NetStack(NetStackConfig config, EventLoop loop, PacketSink sink, ByteBufAllocator alloc) {
        this.config = config;
        this.loop = loop;
        this.sink = sink;
        this.alloc = alloc;
        this.random = config.randomSeed() != 0
                ? RandomGeneratorFactory.of("L64X128MixRandom").create(config.randomSeed())
                : RandomGeneratorFactory.of("L64X128MixRandom").create(new SecureRandom().nextLong());
        this.addresses = config.addresses().toArray(IpAddress[]::new);
        this.fromOtherThreads = PlatformDependent.newFixedMpscQueue(Math.max(64, config.outputQueue()));
        this.tcp = new TcpDemux(this);
        this.udp = new UdpLayer(this);
        this.icmp = new IcmpLayer(this);
        loop.register(this);
    }

    public NetStackConfig config() {
        return config;
    }

    public EventLoop loop() {
        return loop;
    }

    public Counters counters() {
        return counters;
    }

    // ---- Addresses and routes ----

    /** Replaces the node's own addresses (netmap changes); from any thread. */
    public void setAddresses(List<IpAddress> addrs) {
        addresses = addrs.toArray(IpAddress[]::new);
    }

    public List<IpAddress> addresses() {
        return List.of(addresses);
    }

    /** Replaces the prefixes this stack terminates traffic for besides its own addresses. */
    public void setRoutedPrefixes(PrefixSet prefixes) {
        routes = prefixes;
    }

    public PrefixSet routedPrefixes() {
        return routes;
    }

    boolean isLocal(long hi, long lo) {
        for (IpAddress a : addresses) {
            if (a.hi() == hi && a.lo() == lo) return true;
        }
        return false;
    }

    /** The node address to send from towards {@code dst}: the first of the same family, or null. */
    IpAddress sourceAddressFor(IpAddress dst) {
        for (IpAddress a : addresses) {
            if (a.isV4() == dst.isV4()) return a;
        }
        return null;
    }

    // ---- Packet path (loop thread) ----

    /** Processes one IP packet from the tailnet. Loop only; the caller keeps ownership of {@code buf}. */
    public void receive(ByteBuf buf, int index, int length) {
        counters.inc(Counter.IN_PACKETS);
        Counter drop = IpParser.parse(buf, index, length, ip);
        if (drop != null) {
            counters.inc(drop);
            return;
        }
        if (IpAddress.isMartian(ip.srcHi, ip.srcLo) || IpAddress.isMartian(ip.dstHi, ip.dstLo)) {
            counters.inc(Counter.IN_MARTIAN);
            return;
        }
        boolean local = isLocal(ip.dstHi, ip.dstLo);
        if (!local && !routes.contains(ip.dstHi, ip.dstLo)) {
            counters.inc(Counter.IN_NOT_FOR_US);
            return;
        }
        switch (ip.protocol) {
            case Spec.IPPROTO_TCP -> {
                drop = segment.parse(ip);
                if (drop != null) {
                    counters.inc(drop);
                    return;
                }
                counters.inc(Counter.TCP_SEGMENTS_IN);
                tcp.segmentArrives(ip, segment, local);
            }
            case Spec.IPPROTO_UDP -> udp.datagramArrives(ip, local);
            case Spec.IPPROTO_ICMP, Spec.IPPROTO_ICMPV6 -> icmp.arrives(ip, local);
            default -> counters.inc(Counter.IN_UNSUPPORTED_PROTOCOL);
        }
    }

    /** The sink has room again: connections that held back may send. Loop only. */
    public void outputReady() {
        tcp.sinkReady();
    }

    boolean sinkHasRoom() {
        return sink.hasRoom();
    }

    void emit(ByteBuf packet) {
        counters.inc(Counter.OUT_PACKETS);
        sink.send(packet);
    }

    void emitFromAnyThread(ByteBuf packet) {
        if (loop.inLoop()) {
            emit(packet);
            return;
        }
        if (closed || !fromOtherThreads.offer(packet)) {
            packet.release();
            counters.addShared(Counter.OUT_QUEUE_FULL, 1);
            return;
        }
        loop.wakeup();
    }

    int nextIpId() {
        return ipId++ & 0xffff;
    }

    @Override
    public boolean poll() {
        ByteBuf b;
        boolean any = false;
        while ((b = fromOtherThreads.poll()) != null) {
            emit(b);
            any = true;
        }
        return any;
    }

    @Override
    public boolean hasPendingInput() {
        return !fromOtherThreads.isEmpty();
    }

    @Override
    public void flush() {
        tcp.flush();
    }

    // ---- TCP API (any thread) ----

    /**
     * Opens a connection from the node's address of the destination's family. The future
     * completes when the handshake does, or fails with a {@link ConnectException} (refused,
     * timed out, connection limit). Failing the future yourself (for example with
     * {@code orTimeout}) aborts the attempt.
     */
    public CompletableFuture<TcpConnection> connect(InetSocketAddress remote, TcpHandler handler) {
        CompletableFuture<TcpConnection> result = new CompletableFuture<>();
        IpAddress dst = IpAddress.of(remote.getAddress());
        int port = remote.getPort();
        boolean queued = loop.tryRunOnLoop(() -> {
            if (closed) {
                result.completeExceptionally(new ConnectException("netstack: stack closed"));
                return;
            }
            IpAddress src = sourceAddressFor(dst);
            if (src == null) {
                result.completeExceptionally(new NoRouteToHostException("netstack: no local address of the family of " + dst));
                return;
            }
            try {
                TcpConnection c = tcp.connect(src, dst, port, new ConnectWaiter(result, handler));
                result.whenComplete((ok, failure) -> {
                    if (failure != null) loop.tryRunOnLoop(() -> {
                        if (c.state() != TcpState.CLOSED) c.abort();
                    });
                });
            } catch (IOException e) {
                result.completeExceptionally(e);
            }
        });
        if (!queued) result.completeExceptionally(new ConnectException("netstack: " + CloseReason.STACK_CLOSED.message()));
        return result;
    }

    /** Accepts connections to {@code port} on the node's addresses; null removes the listener. In effect on return. */
    public void listen(int port, TcpAcceptor acceptor) {
        runOnLoopAndWait(() -> tcp.listen(port, acceptor));
    }

    /** Accepts connections to any port of the node's addresses that has no listener (null: answer RST). */
    public void setLocalTcpAcceptor(TcpAcceptor acceptor) {
        runOnLoopAndWait(() -> tcp.localAcceptor = acceptor);
    }

    /** Accepts connections to addresses in the routed prefixes (null: answer RST). */
    public void setRoutedTcpAcceptor(TcpAcceptor acceptor) {
        runOnLoopAndWait(() -> tcp.routedAcceptor = acceptor);
    }

    // ---- UDP API (any thread) ----

    /** Binds a UDP endpoint on {@code port} (0: ephemeral) of all node addresses, or of {@code address} if not null. */
    public UdpEndpoint bindUdp(IpAddress address, int port, UdpHandler handler) throws IOException {
        return callOnLoop(() -> udp.bind(address, port, handler));
    }

    public void setLocalUdpAcceptor(UdpAcceptor acceptor) {
        runOnLoopAndWait(() -> udp.localAcceptor = acceptor);
    }

    public void setRoutedUdpAcceptor(UdpAcceptor acceptor) {
        runOnLoopAndWait(() -> udp.routedAcceptor = acceptor);
    }

    // ---- ICMP API (any thread) ----

    /** Sends an ICMP echo request; completes with the round-trip time, or fails with a TimeoutException. */
    public CompletableFuture<Duration> ping(InetAddress target, int payloadSize, Duration timeout) {
        CompletableFuture<Duration> result = new CompletableFuture<>();
        IpAddress dst = IpAddress.of(target);
        if (payloadSize < 0 || payloadSize > config.mtu() - IpWriter.headerLength(dst.isV4()) - Spec.ICMP_HEADER_LEN) {
            result.completeExceptionally(new IllegalArgumentException("ping payload size " + payloadSize + " does not fit the MTU"));
            return result;
        }
        boolean queued = loop.tryRunOnLoop(() -> {
            IpAddress src = sourceAddressFor(dst);
            if (src == null || closed) {
                result.completeExceptionally(new NoRouteToHostException("netstack: no local address of the family of " + dst));
                return;
            }
            icmp.ping(src, dst, payloadSize, timeout, result);
        });
        if (!queued) result.completeExceptionally(new java.nio.channels.ClosedChannelException());
        return result;
    }

    /** Answers echo requests to routed destinations through {@code forwarder} (null: ignore them). */
    public void setEchoForwarder(EchoForwarder forwarder) {
        runOnLoopAndWait(() -> icmp.forwarder = forwarder);
    }

    // ---- Introspection ----

    /** TCP connections counted against the cap (everything but TIME-WAIT). */
    public int tcpConnectionCount() {
        return callOnLoopUnchecked(tcp::activeConnections);
    }

    public int tcpTimeWaitCount() {
        return callOnLoopUnchecked(tcp::timeWaitConnections);
    }

    public int udpFlowCount() {
        return callOnLoopUnchecked(udp::flowCount);
    }

    /** One line per TCP connection with its protocol state (diagnostics). */
    public List<String> debugConnections() {
        return callOnLoopUnchecked(() -> tcp.table.snapshot().stream().map(TcpConnection::debugState).toList());
    }

    /** Resets every connection, closes every flow and endpoint. */
    @Override
    public void close() {
        if (closed) return;
        closed = true;
        // If the loop is already gone, nothing is left to tidy on it.
        loop.tryRunOnLoop(() -> {
            tcp.closeAll();
            udp.closeAll();
            icmp.failAll();
            ByteBuf b;
            while ((b = fromOtherThreads.poll()) != null) b.release();
            loop.unregister(this);
        });
    }

    private interface LoopCall<T> {
        T call() throws IOException;
    }

    private <T> T callOnLoop(LoopCall<T> call) throws IOException {
        if (loop.inLoop()) return call.call();
        CompletableFuture<T> f = new CompletableFuture<>();
        boolean queued = loop.tryRunOnLoop(() -> {
            try {
                f.complete(call.call());
            } catch (IOException | RuntimeException e) {
                f.completeExceptionally(e);
            }
        });
        if (!queued) throw new IOException("netstack: " + CloseReason.STACK_CLOSED.message());
        try {
            return f.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof IOException io) throw io;
            throw e;
        }
    }

    /** Registration calls take effect before they return, so a packet right after sees them. */
    private void runOnLoopAndWait(Runnable r) {
        callOnLoopUnchecked(() -> {
            r.run();
            return null;
        });
    }

    private <T> T callOnLoopUnchecked(java.util.function.Supplier<T> s) {
        try {
            return callOnLoop(s::get);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Completes a connect future on the handshake and then steps aside for the caller's handler. */
    private static final class ConnectWaiter implements TcpHandler {
        private final CompletableFuture<TcpConnection> result;
        private final TcpHandler next;

        ConnectWaiter(CompletableFuture<TcpConnection> result, TcpHandler next) {
            this.result = result;
            this.next = next == null ? TcpHandler.NONE : next;
        }

        @Override
        public void onConnected(TcpConnection c) {
            c.handler = next;
            if (result.complete(c)) {
                next.onConnected(c);
            }
        }

        @Override
        public void onClosed(TcpConnection c, CloseReason reason) {
            result.completeExceptionally(new ConnectException("netstack: " + reason.message() + " connecting to "
                    + c.remote + ":" + c.remotePort));
            next.onClosed(c, reason);
        }
    }
}
