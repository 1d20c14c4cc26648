package dev.tsj.tun.linux;

import static dev.tsj.tun.testing.Packets.*;

import dev.tsj.tun.PacketDevice;
import dev.tsj.tun.offload.IpHeaders;
import dev.tsj.tun.testing.Packets;
import dev.tsj.tun.testing.ReferenceChecksum;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * The far end of a TUN in tests: a host made of packets. It answers pings, accepts one TCP
 * connection on {@link #SINK_PORT} and keeps what is sent to it, and on {@link #SOURCE_PORT}
 * sends {@code sourceData} in one batch of MSS-sized segments followed by a FIN (the batch
 * a WireGuard receive path would write, so the device can coalesce it). Every packet it reads
 * is checked: no larger than the MTU, IP and transport checksums valid (by
 * {@link ReferenceChecksum}, not by the code under test).
 */
final class TunPeer implements AutoCloseable {
    static final int SINK_PORT = 5001;
    static final int SOURCE_PORT = 5002;
    /** UDP datagrams to this port are kept, in order. */
    static final int UDP_SINK_PORT = 5004;
    private static final int OFFSET = 16;
    private static final int ISS = 1_000_000;
    private static final int ICMP = 1;
    private static final int ICMPV6 = 58;

    private final PacketDevice dev;
    private final byte[] sourceData;
    private final Thread thread;
    private final ByteArrayOutputStream sunk = new ByteArrayOutputStream();
    private final List<byte[]> datagrams = Collections.synchronizedList(new ArrayList<>());
    private final List<String> problems = Collections.synchronizedList(new ArrayList<>());
    private volatile boolean sinkFinished;
    private volatile int echoReplies;
    private volatile int packetsRead;
    private volatile Throwable failure;
    private Conn sink;
    private Conn source;

    /** One TCP connection, from this peer's side. */
    private static final class Conn {
        boolean v6;
        byte[] local;
        byte[] remote;
        int localPort;
        int remotePort;
        int sndNext = ISS + 1;
        int rcvNext;
        int mss;
        boolean dataSent;
    }

    TunPeer(PacketDevice dev, byte[] sourceData) {
        this.dev = dev;
        this.sourceData = sourceData;
        this.thread = Thread.ofPlatform().name("tun-peer-" + dev.name()).daemon().start(this::run);
    }

    synchronized byte[] sunk() {
        return sunk.toByteArray();
    }

    boolean sinkFinished() {
        return sinkFinished;
    }

    List<byte[]> datagrams() {
        synchronized (datagrams) {
            return List.copyOf(datagrams);
        }
    }

    int echoReplies() {
        return echoReplies;
    }

    int packetsRead() {
        return packetsRead;
    }

    List<String> problems() {
        synchronized (problems) {
            return List.copyOf(problems);
        }
    }

    Throwable failure() {
        return failure;
    }

    private void run() {
        ByteBuffer[] bufs = buffers(dev.batchSize(), OFFSET + 65535);
        int[] sizes = new int[bufs.length];
        try {
            while (true) {
                int n = dev.read(bufs, sizes, OFFSET);
                for (int i = 0; i < n; i++) handle(bytes(bufs[i], OFFSET, sizes[i]));
            }
        } catch (ClosedChannelException e) {
            // closed by the test: done
        } catch (Throwable t) {
            failure = t;
        }
    }

    private void handle(byte[] p) throws IOException {
        packetsRead++;
        if (p.length > dev.mtu()) problems.add("packet of " + p.length + " bytes exceeds MTU " + dev.mtu());
        int version = (p[0] & 0xff) >>> 4;
        boolean v6 = version == 6;
        if (!v6 && version != 4) {
            problems.add("not IP: version " + version);
            return;
        }
        int ipLen = v6 ? 40 : (p[0] & 0xf) * 4;
        int proto = v6 ? p[6] & 0xff : p[9] & 0xff;
        if (!v6) {
            if (u16(p, 2) != p.length) problems.add("IPv4 total length " + u16(p, 2) + " != " + p.length);
            if (!ReferenceChecksum.ipv4HeaderValid(p)) problems.add("bad IPv4 header checksum");
        } else if (u16(p, 4) != p.length - 40) {
            problems.add("IPv6 payload length " + u16(p, 4) + " != " + (p.length - 40));
        }
        if (proto == IpHeaders.IPPROTO_TCP || proto == IpHeaders.IPPROTO_UDP || proto == ICMPV6) {
            if (!ReferenceChecksum.transportValid(p, ipLen, proto)) problems.add("bad checksum, protocol " + proto);
        }
        if (proto == ICMP && (p[ipLen] & 0xff) == 8) answerPing(p, ipLen, false);
        if (proto == ICMPV6 && (p[ipLen] & 0xff) == 128) answerPing(p, ipLen, true);
        if (proto == IpHeaders.IPPROTO_TCP) handleTcp(p, v6, ipLen);
        if (proto == IpHeaders.IPPROTO_UDP && u16(p, ipLen + 2) == UDP_SINK_PORT) {
            if (u16(p, ipLen + 4) != p.length - ipLen) problems.add("UDP length " + u16(p, ipLen + 4) + " != " + (p.length - ipLen));
            datagrams.add(Arrays.copyOfRange(p, ipLen + 8, p.length));
        }
    }

    private void answerPing(byte[] request, int ipLen, boolean v6) throws IOException {
        byte[] icmp = Arrays.copyOfRange(request, ipLen, request.length);
        icmp[0] = (byte) (v6 ? 129 : 0);
        icmp[2] = icmp[3] = 0;
        byte[] reply = Packets.ip(v6, v6 ? ICMPV6 : ICMP, icmp, 7, 64, 0, false, dst(request, v6), src(request, v6));
        int sum = v6 ? ReferenceChecksum.pseudo(reply, ICMPV6, icmp.length) : 0;
        put16(reply, ipLen + 2, ~ReferenceChecksum.onesSum(reply, ipLen, icmp.length, sum) & 0xffff);
        send(List.of(reply));
        echoReplies++;
    }

    private void handleTcp(byte[] p, boolean v6, int ipLen) throws IOException {
        int t = ipLen;
        int dstPort = u16(p, t + 2);
        int flags = p[t + 13] & 0xff;
        int seq = i32(p, t + 4);
        int tcpLen = ((p[t + 12] & 0xff) >>> 4) * 4;
        int payload = p.length - t - tcpLen;
        if ((flags & IpHeaders.TCP_SYN) != 0) {
            Conn c = new Conn();
            c.v6 = v6;
            c.local = dst(p, v6);
            c.remote = src(p, v6);
            c.localPort = dstPort;
            c.remotePort = u16(p, t);
            c.rcvNext = seq + 1;
            c.mss = Math.min(peerMss(p, t, tcpLen), dev.mtu() - (v6 ? 60 : 40));
            if (dstPort == SINK_PORT) sink = c;
            else if (dstPort == SOURCE_PORT) source = c;
            else return;
            byte[] mssOption = {2, 4, (byte) (c.mss >>> 8), (byte) c.mss};
            send(List.of(segment(c, ISS, IpHeaders.TCP_SYN | IpHeaders.TCP_ACK_FLAG, mssOption, new byte[0])));
            return;
        }
        Conn c = dstPort == SINK_PORT ? sink : dstPort == SOURCE_PORT ? source : null;
        if (c == null) return;
        boolean fin = (flags & IpHeaders.TCP_FIN) != 0;
        if (seq == c.rcvNext) {
            if (c == sink && payload > 0) {
                synchronized (this) {
                    sunk.write(p, t + tcpLen, payload);
                }
            }
            c.rcvNext += payload + (fin ? 1 : 0);
            if (fin && c == sink) sinkFinished = true;
        }
        if (payload > 0 || fin) send(List.of(segment(c, c.sndNext, IpHeaders.TCP_ACK_FLAG, new byte[0], new byte[0])));
        if (c == source && !c.dataSent && i32(p, t + 8) == ISS + 1) sendSourceData(c);
    }

    /** The whole of sourceData in one write: what the device can coalesce into super-packets. */
    private void sendSourceData(Conn c) throws IOException {
        c.dataSent = true;
        List<byte[]> batch = new ArrayList<>();
        for (int at = 0; at < sourceData.length; at += c.mss) {
            byte[] chunk = Arrays.copyOfRange(sourceData, at, Math.min(sourceData.length, at + c.mss));
            boolean last = at + c.mss >= sourceData.length;
            int flags = IpHeaders.TCP_ACK_FLAG | (last ? IpHeaders.TCP_PSH : 0);
            batch.add(segment(c, c.sndNext, flags, new byte[0], chunk));
            c.sndNext += chunk.length;
        }
        batch.add(segment(c, c.sndNext, IpHeaders.TCP_ACK_FLAG | IpHeaders.TCP_FIN, new byte[0], new byte[0]));
        c.sndNext++;
        send(batch);
    }

    private byte[] segment(Conn c, int seq, int flags, byte[] options, byte[] payload) {
        Packets.Tcp t = new Packets.Tcp().seq(seq).flags(flags).payload(payload);
        t.v6 = c.v6;
        t.src = c.local;
        t.dst = c.remote;
        t.srcPort = c.localPort;
        t.dstPort = c.remotePort;
        t.ack = c.rcvNext;
        t.window = 65535;
        t.options = options;
        t.id = seq; // any; distinct per segment as a sender's would be
        return t.build();
    }

    /** Sends UDP datagrams from {@code from} (the peer's address) to {@code to}:{@code port}, in one write. */
    void sendUdp(boolean v6, byte[] from, byte[] to, int port, List<byte[]> payloads) throws IOException {
        List<byte[]> batch = new ArrayList<>();
        int id = 1;
        for (byte[] payload : payloads) {
            byte[] udp = new byte[8 + payload.length];
            put16(udp, 0, 40000);
            put16(udp, 2, port);
            put16(udp, 4, udp.length);
            System.arraycopy(payload, 0, udp, 8, payload.length);
            byte[] p = Packets.ip(v6, IpHeaders.IPPROTO_UDP, udp, id++, 64, 0, true, from, to);
            int ipLen = v6 ? 40 : 20;
            put16(p, ipLen + 6, ReferenceChecksum.transport(p, ipLen, IpHeaders.IPPROTO_UDP));
            batch.add(p);
        }
        send(batch);
    }

    /** One writer at a time, as PacketDevice asks: the peer's thread and the test's both send. */
    private synchronized void send(List<byte[]> packets) throws IOException {
        ByteBuffer[] bufs = new ByteBuffer[packets.size()];
        int[] sizes = new int[packets.size()];
        for (int i = 0; i < bufs.length; i++) {
            bufs[i] = ByteBuffer.allocateDirect(OFFSET + packets.get(i).length);
            bufs[i].put(OFFSET, packets.get(i));
            sizes[i] = packets.get(i).length;
        }
        int accepted = dev.write(bufs, sizes, OFFSET, bufs.length);
        if (accepted != bufs.length) problems.add("device accepted " + accepted + " of " + bufs.length + " packets");
    }

    private static int peerMss(byte[] p, int t, int tcpLen) {
        for (int i = t + 20; i < t + tcpLen; ) {
            int kind = p[i] & 0xff;
            if (kind == 0) break;
            if (kind == 1) {
                i++;
                continue;
            }
            if (kind == 2) return u16(p, i + 2);
            i += Math.max(2, p[i + 1] & 0xff);
        }
        return 536;
    }

    private static byte[] src(byte[] p, boolean v6) {
        return v6 ? Arrays.copyOfRange(p, 8, 24) : Arrays.copyOfRange(p, 12, 16);
    }

    private static byte[] dst(byte[] p, boolean v6) {
        return v6 ? Arrays.copyOfRange(p, 24, 40) : Arrays.copyOfRange(p, 16, 20);
    }

    @Override
    public void close() {
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
