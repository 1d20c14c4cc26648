package dev.tsj.daemon.wg;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramPacket;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.channel.unix.UnixChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.util.concurrent.ThreadFactory;
import java.util.logging.Logger;

/**
 * {@link UdpBind} on Netty: the epoll transport where it loads (recvmmsg batches, SO_MARK),
 * NIO elsewhere. One dual-stack socket serves IPv4 and IPv6.
 */
public final class NettyUdpBind implements UdpBind {
    private static final Logger LOG = Logger.getLogger(NettyUdpBind.class.getName());
    /** Datagrams per recvmmsg call. */
    static final int RECEIVE_BATCH = 64;
    static final int MAX_DATAGRAM = 65535;
    /** A receive buffer for one datagram when the kernel does not coalesce (no GRO). */
    private static final int SINGLE_MESSAGE = 2048;
    /** With GRO one message can be a 64 KiB run of datagrams. */
    private static final int GRO_MESSAGE = 65536;
    /** recvmsg calls per wakeup with GRO before the batch ends and goes to the TUN. */
    private static final int GRO_READS_PER_WAKEUP = 16;
    /**
     * UDP segmentation offloads (GSO on send, GRO on receive) where the kernel has them;
     * {@code -Dtsj.udp.offloads=false} turns both off (for comparisons, or a broken kernel).
     */
    /** The data path sends from its own thread; {@code -Dtsj.udp.directSend=false} routes it through Netty's event loop. */
    static final boolean DIRECT_SEND = !"false".equals(System.getProperty("tsj.udp.directSend"));
    static final boolean OFFLOADS = !"false".equals(System.getProperty("tsj.udp.offloads"));
    private static final IntegerUnixChannelOption SO_MARK = new IntegerUnixChannelOption("SO_MARK", 1, 36);

    private final EventLoopGroup group;
    private final Channel channel;
    private final boolean epoll;
    private final UdpSegmentation segmentation;

    private final DeviceCounters counters;
    private final SendGuard sendGuard = new SendGuard();

    private NettyUdpBind(EventLoopGroup group, Channel channel, boolean epoll, DeviceCounters counters) {
        this.counters = counters;
        this.group = group;
        this.channel = channel;
        this.epoll = epoll;
        this.segmentation = new UdpSegmentation(OFFLOADS && epoll && EpollDatagramChannel.isSegmentedDatagramPacketSupported());
    }

    /** Binds port {@code port} (0 = any) on all addresses and starts delivering to {@code sink}. */
    public static NettyUdpBind open(int port, Sink sink) throws IOException {
        return open(port, sink, new DeviceCounters());
    }

    /** As {@link #open(int, Sink)}, counting datagrams the kernel refuses in {@code counters}. */
    public static NettyUdpBind open(int port, Sink sink, DeviceCounters counters) throws IOException {
        boolean epoll = Epoll.isAvailable();
        IoHandlerFactory io = epoll ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        ThreadFactory tf = r -> {
            Thread t = new Thread(r, "wg-udp");
            t.setDaemon(true);
            return t;
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, tf, io);
        Bootstrap b = new Bootstrap().group(group)
                .channel(epoll ? EpollDatagramChannel.class : NioDatagramChannel.class)
                .option(ChannelOption.SO_RCVBUF, 4 << 20)
                .option(ChannelOption.SO_SNDBUF, 4 << 20)
                .handler(new Inbound(sink));
        try {
            Channel ch = b.bind(new InetSocketAddress(port)).sync().channel();
            if (epoll) {
                sizeReceiveBatches(ch);
            }
            return new NettyUdpBind(group, ch, epoll, counters);
        } catch (Exception e) {
            group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS);
            throw new IOException("cannot listen on UDP port " + port + ": " + e.getMessage(), e);
        }
    }

    /**
     * Asks for UDP GRO and sizes reads for what arrives. With GRO the kernel hands over a
     * run of a flow's datagrams as one message (up to 64 KiB) with its segment size, which
     * Netty splits again; only its recvmsg path reads that segment size (its recvmmsg path
     * would deliver the run as one datagram), so reads are one message each, several per
     * wakeup. Without GRO, recvmmsg batches of single datagrams: that needs a payload size
     * and a buffer holding several, or Netty makes one system call per packet.
     */
    private static void sizeReceiveBatches(Channel ch) {
        boolean gro = false;
        try {
            gro = OFFLOADS && ch.config().setOption(EpollChannelOption.UDP_GRO, true) && ch.config().getOption(EpollChannelOption.UDP_GRO);
        } catch (RuntimeException e) {
            LOG.fine(() -> "UDP GRO unavailable: " + e.getMessage());
        }
        if (gro) {
            ch.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, 0);
            ch.config().setOption(ChannelOption.RCVBUF_ALLOCATOR,
                    new FixedRecvByteBufAllocator(GRO_MESSAGE).maxMessagesPerRead(GRO_READS_PER_WAKEUP));
        } else {
            ch.config().setOption(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SINGLE_MESSAGE);
            ch.config().setOption(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(SINGLE_MESSAGE * RECEIVE_BATCH));
        }
        LOG.fine("UDP receive: GRO " + (gro ? "on" : "off"));
    }

    private static final class Inbound extends SimpleChannelInboundHandler<DatagramPacket> {
        private final Sink sink;

        Inbound(Sink sink) {
            super(true);
            this.sink = sink;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket p) {
            ByteBuf c = p.content();
            int len = c.readableBytes();
            ByteBuffer slot = sink.slot();
            if (len > slot.capacity()) {
                return;
            }
            c.getBytes(c.readerIndex(), slot.array(), slot.arrayOffset(), len);
            sink.datagram(slot, len, p.sender());
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            sink.batchEnd();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            // ICMP port unreachable and the like surface here; UDP carries on.
            LOG.fine(() -> "udp: " + cause.getMessage());
        }
    }

    @Override
    public Batch newBatch() {
        return new UdpSegmentBatch(channel, segmentation);
    }

    /** On epoll, a batch that sends from the calling thread ({@link DirectUdpBatch}); else through the event loop. */
    @Override
    public Batch newBatch(int maxPackets, int maxPacketBytes) {
        if (!epoll || !DIRECT_SEND || !SocketCalls.available()) {
            return newBatch();
        }
        int fd = ((UnixChannel) channel).fd().intValue();
        return new DirectUdpBatch(fd, ipv6Socket(fd), segmentation, maxPackets, maxPackets * maxPacketBytes,
                sendGuard, counters);
    }

    private static boolean ipv6Socket(int fd) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocateDirect(8).order(java.nio.ByteOrder.nativeOrder());
        b.putInt(4, 4);
        long a = SocketCalls.address(b);
        if (SocketCalls.getsockopt(fd, SocketCalls.SOL_SOCKET, SocketCalls.SO_DOMAIN, a, a + 4) != 0) {
            return true; // Netty opens dual-stack IPv6 sockets wherever IPv6 exists
        }
        return b.getInt(0) == SocketCalls.AF_INET6;
    }

    @Override
    public void send(InetSocketAddress to, byte[] data) {
        ByteBuf buf = channel.alloc().directBuffer(data.length).writeBytes(data);
        channel.writeAndFlush(new DatagramPacket(buf, to), channel.voidPromise());
    }

    @Override
    public void execute(Runnable task) {
        channel.eventLoop().execute(task);
    }

    @Override
    public int port() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    @Override
    public void setFwmark(int mark) throws IOException {
        if (!epoll) {
            throw new IOException("fwmark needs the epoll transport");
        }
        if (!channel.config().setOption(SO_MARK, mark)) {
            throw new IOException("cannot set fwmark");
        }
    }

    public boolean isEpoll() {
        return epoll;
    }

    @Override
    public void close() {
        sendGuard.closeAndDrain(); // direct senders leave the descriptor before Netty closes it
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.MILLISECONDS).syncUninterruptibly();
    }
}
