package dev.tsj.tun.offload;

import static dev.tsj.tun.offload.IpHeaders.*;
import static dev.tsj.tun.offload.VirtioNetHdr.*;

import java.nio.ByteBuffer;
import java.util.Arrays;

/**
 * Plans how a batch of IP packets is written to a TUN with {@code IFF_VNET_HDR}: runs of
 * in-order TCP segments of one flow (and, when enabled, UDP datagrams of one flow) become one
 * GSO super-packet with a virtio-net header, which the kernel takes in one write, as a NIC
 * with GRO would hand it up. Everything else is written alone behind an all-zero header.
 *
 * <p>Nothing is copied: a write is the first packet of a group whole, then only the payload
 * of each further member, which the caller gathers (writev) from the original buffers.
 * The first packet's headers are rewritten in place to describe the super-packet: IP
 * lengths and header checksum, the UDP length, PSH if the last member had it, and the
 * TCP/UDP checksum field seeded with the pseudo-header sum for the kernel to complete.
 *
 * <p>The merge rules follow Linux's TCP GRO so that segmenting the result again gives the
 * original packets: the same addresses, ports, ACK number, window, flags (ACK, PSH allowed
 * on the last member only), TCP options byte for byte (timestamps included), IPv4 TOS/TTL/DF
 * or IPv6 traffic class/flow label/hop limit; no IPv4 options or fragments; each member's
 * sequence number follows the previous; no member is larger than the first and only the
 * last may be smaller. Members must carry valid checksums: the kernel trusts a super-packet's
 * checksum, so a corrupt segment must not be hidden inside one. Only the latest group of a
 * flow is extended, so packets of a flow keep their order. No allocation after construction.
 */
public final class GroCoalescer {
    /** Most segments in one super-packet: 64 KiB of 1 KiB segments, with room to spare. */
    public static final int MAX_SEGMENTS = 64;

    private static final int KIND_NONE = 0;
    private static final int KIND_TCP = 1;
    private static final int KIND_UDP = 2;

    private final boolean udpGro;
    private final int capacity;

    // Per group (a planned write), indexed by group number.
    private final int[] groupFirst;
    private final int[] groupLast;
    private final int[] groupCount;
    private final int[] groupKind;
    private final boolean[] groupIpv6;
    private final int[] groupIpLen;
    private final int[] groupHdrLen;
    private final int[] groupGsoSize;
    private final int[] groupTotalLen;
    private final int[] groupNextSeq;
    private final boolean[] groupClosed;
    private final boolean[] groupFirstChecked;
    private int groups;

    /** Next member of the same group, by packet index; -1 at the end. */
    private final int[] nextMember;
    private final int[] packetSize;

    // Flow table: hash -> the latest group of that flow, valid when its stamp is current.
    private final int[] slotGroup;
    private final int[] slotStamp;
    private int stamp;

    // The batch being planned.
    private ByteBuffer[] bufs;
    private int offset;

    /**
     * @param maxPackets the most packets one {@link #plan} call takes
     * @param udpGro whether UDP datagrams may be coalesced (the kernel must take USO)
     */
    public GroCoalescer(int maxPackets, boolean udpGro) {
        this.capacity = maxPackets;
        this.udpGro = udpGro;
        groupFirst = new int[maxPackets];
        groupLast = new int[maxPackets];
        groupCount = new int[maxPackets];
        groupKind = new int[maxPackets];
        groupIpv6 = new boolean[maxPackets];
        groupIpLen = new int[maxPackets];
        groupHdrLen = new int[maxPackets];
        groupGsoSize = new int[maxPackets];
        groupTotalLen = new int[maxPackets];
        groupNextSeq = new int[maxPackets];
        groupClosed = new boolean[maxPackets];
        groupFirstChecked = new boolean[maxPackets];
        nextMember = new int[maxPackets];
        packetSize = new int[maxPackets];
        int slots = Integer.highestOneBit(Math.max(4, maxPackets) * 4 - 1) << 1;
        slotGroup = new int[slots];
        slotStamp = new int[slots];
    }

    /**
     * Plans the writes of packets {@code 0..count-1}: packet {@code i} is {@code sizes[i]}
     * bytes at absolute index {@code offset} of {@code bufs[i]}. Packets whose size does not
     * fit their buffer, or is 0, are left out (dropped). Rewrites the headers of the first
     * packet of every group of two or more. Returns the number of writes.
     */
    public int plan(ByteBuffer[] bufs, int[] sizes, int offset, int count) {
        if (count > capacity) throw new IllegalArgumentException("batch of " + count + " exceeds " + capacity);
        this.bufs = bufs;
        this.offset = offset;
        groups = 0;
        if (++stamp == 0) { // wrapped: forget every slot once
            Arrays.fill(slotStamp, 0);
            stamp = 1;
        }
        for (int i = 0; i < count; i++) {
            int size = sizes[i];
            packetSize[i] = size;
            if (size < 1 || offset + size > bufs[i].capacity()) continue;
            place(i, size);
        }
        for (int g = 0; g < groups; g++) {
            if (groupCount[g] > 1) finishGroup(g);
        }
        this.bufs = null;
        return groups;
    }

    /** Packets in write {@code w}. */
    public int memberCount(int w) {
        return groupCount[w];
    }

    /** The first packet (index into the planned batch) of write {@code w}; its headers lead the write. */
    public int firstPacket(int w) {
        return groupFirst[w];
    }

    /** The packet after {@code packet} in its write, or -1. */
    public int nextPacket(int packet) {
        return nextMember[packet];
    }

    /**
     * Bytes of headers at the front of every member of write {@code w}: the first packet is
     * written whole, the others from this far in. 0 for a single packet.
     */
    public int headerLength(int w) {
        return groupCount[w] > 1 ? groupHdrLen[w] : 0;
    }

    /** Length of write {@code w}'s IP packet (the super-packet), without the virtio header. */
    public int totalLength(int w) {
        return groupTotalLen[w];
    }

    /** Writes write {@code w}'s virtio-net header (10 bytes) at {@code at}. */
    public void putVirtioHeader(int w, ByteBuffer dst, int at) {
        if (groupCount[w] < 2) {
            VirtioNetHdr.putNone(dst, at);
            return;
        }
        boolean isTcp = groupKind[w] == KIND_TCP;
        int gsoType = !isTcp ? VIRTIO_NET_HDR_GSO_UDP_L4
                : groupIpv6[w] ? VIRTIO_NET_HDR_GSO_TCPV6 : VIRTIO_NET_HDR_GSO_TCPV4;
        VirtioNetHdr.put(dst, at, VIRTIO_NET_HDR_F_NEEDS_CSUM, gsoType, groupHdrLen[w], groupGsoSize[w],
                groupIpLen[w], isTcp ? TCP_CHECKSUM : UDP_CHECKSUM);
    }

    /** The size of packet {@code p} of the planned batch, as given to {@link #plan}. */
    public int packetSize(int p) {
        return packetSize[p];
    }

    /**
     * Where the bytes packet {@code p} contributes to write {@code w} start, relative to the
     * packet: 0 for the first packet, {@link #headerLength} for the others.
     */
    public int contributionStart(int w, int p) {
        return p == groupFirst[w] ? 0 : groupHdrLen[w];
    }

    /**
     * Copies write {@code w} (virtio header, then the super-packet) to {@code dst} at
     * {@code at} and returns its length; for writers that cannot gather, and for tests.
     * {@code bufs} and {@code offset} are those given to {@link #plan}.
     */
    public int copyWrite(int w, ByteBuffer[] bufs, int offset, ByteBuffer dst, int at) {
        putVirtioHeader(w, dst, at);
        int pos = at + LEN;
        for (int p = groupFirst[w]; p >= 0; p = nextMember[p]) {
            int skip = contributionStart(w, p);
            int len = packetSize[p] - skip;
            dst.put(pos, bufs[p], offset + skip, len);
            pos += len;
        }
        return pos - at;
    }

    // ---- planning ----

    private void place(int i, int size) {
        ByteBuffer b = bufs[i];
        int at = offset;
        int kind = classify(b, at, size);
        if (kind == KIND_NONE) {
            int flow = flowProtocol(b, at, size);
            if (flow != 0) closeFlow(b, at, flow, size);
            newGroup(i, size, KIND_NONE, false, 0, 0, 0);
            return;
        }
        boolean v6 = version(b, at) == 6;
        int ipLen = v6 ? IPV6_HEADER_LEN : IPV4_MIN_HEADER_LEN;
        int hdrLen = ipLen + (kind == KIND_TCP ? tcpHeaderLength(b, at + ipLen) : UDP_HEADER_LEN);
        int payload = size - hdrLen;
        int slot = slotOf(b, at, v6, ipLen);
        int g = slotStamp[slot] == stamp ? slotGroup[slot] : -1;
        if (g >= 0 && sameFlow(g, b, at, v6, ipLen, kind) && canAppend(g, b, at, size, payload)) {
            if (checksumsValid(g, b, at, size, v6, ipLen, kind)) {
                append(g, i, b, at, size, payload);
                return;
            }
            // A bad checksum: never inside a super-packet; write it alone, after the group.
            groupClosed[g] = true;
            newGroup(i, size, KIND_NONE, v6, ipLen, hdrLen, 0);
            return;
        }
        g = newGroup(i, size, kind, v6, ipLen, hdrLen, payload);
        if (kind == KIND_TCP) {
            groupNextSeq[g] = i32(b, at + ipLen + TCP_SEQ) + payload;
            if ((u8(b, at + ipLen + TCP_FLAGS) & TCP_PSH) != 0) groupClosed[g] = true;
        }
        slotGroup[slot] = g;
        slotStamp[slot] = stamp;
    }

    /** KIND_TCP/KIND_UDP when the packet may join a super-packet, else KIND_NONE. */
    private int classify(ByteBuffer b, int at, int size) {
        int version = version(b, at);
        int proto;
        int ipLen;
        if (version == 4) {
            if (size < IPV4_MIN_HEADER_LEN || u8(b, at) != 0x45) return KIND_NONE; // options: never merged
            if (u16(b, at + IPV4_TOTAL_LENGTH) != size) return KIND_NONE;
            int frag = u16(b, at + IPV4_FLAGS_FRAGMENT);
            if ((frag & (IPV4_FLAG_MF | IPV4_FRAGMENT_OFFSET_MASK)) != 0) return KIND_NONE;
            proto = u8(b, at + IPV4_PROTOCOL);
            ipLen = IPV4_MIN_HEADER_LEN;
        } else if (version == 6) {
            if (size < IPV6_HEADER_LEN || u16(b, at + IPV6_PAYLOAD_LENGTH) != size - IPV6_HEADER_LEN) return KIND_NONE;
            proto = u8(b, at + IPV6_NEXT_HEADER); // extension headers: never merged
            ipLen = IPV6_HEADER_LEN;
        } else {
            return KIND_NONE;
        }
        int t = at + ipLen;
        if (proto == IPPROTO_TCP) {
            if (size < ipLen + TCP_MIN_HEADER_LEN) return KIND_NONE;
            int tcpLen = tcpHeaderLength(b, t);
            if (tcpLen < TCP_MIN_HEADER_LEN || size <= ipLen + tcpLen) return KIND_NONE; // no payload
            int flags = u8(b, t + TCP_FLAGS);
            return (flags & ~TCP_PSH) == TCP_ACK_FLAG ? KIND_TCP : KIND_NONE;
        }
        if (proto == IPPROTO_UDP && udpGro) {
            if (size <= ipLen + UDP_HEADER_LEN) return KIND_NONE;
            if (u16(b, t + UDP_LENGTH) != size - ipLen) return KIND_NONE;
            if (version == 4 && u16(b, t + UDP_CHECKSUM) == 0) return KIND_NONE; // no checksum to trust
            return KIND_UDP;
        }
        return KIND_NONE;
    }

    /** The transport protocol of a TCP/UDP packet whose ports are readable, else 0. */
    private static int flowProtocol(ByteBuffer b, int at, int size) {
        int version = version(b, at);
        int ipLen;
        int proto;
        if (version == 4 && size >= IPV4_MIN_HEADER_LEN) {
            ipLen = ipv4HeaderLength(b, at);
            proto = u8(b, at + IPV4_PROTOCOL);
        } else if (version == 6 && size >= IPV6_HEADER_LEN) {
            ipLen = IPV6_HEADER_LEN;
            proto = u8(b, at + IPV6_NEXT_HEADER);
        } else {
            return 0;
        }
        if (proto != IPPROTO_TCP && proto != IPPROTO_UDP) return 0;
        return size >= ipLen + 4 && ipLen >= IPV4_MIN_HEADER_LEN ? proto : 0;
    }

    /** A packet of a flow that cannot join (a FIN, a bare ACK, ...): the flow's group takes no more, so order holds. */
    private void closeFlow(ByteBuffer b, int at, int proto, int size) {
        boolean v6 = version(b, at) == 6;
        int ipLen = v6 ? IPV6_HEADER_LEN : ipv4HeaderLength(b, at);
        int slot = slotOf(b, at, v6, ipLen);
        if (slotStamp[slot] != stamp) return;
        int g = slotGroup[slot];
        int kind = proto == IPPROTO_TCP ? KIND_TCP : KIND_UDP;
        if (groupKind[g] == kind && groupIpv6[g] == v6 && sameAddressesAndPorts(g, b, at, v6, ipLen)) {
            groupClosed[g] = true;
        }
    }

    private int slotOf(ByteBuffer b, int at, boolean v6, int ipLen) {
        int src = at + srcAddrOffset(v6);
        int h = v6 ? 0x6 : 0x4;
        for (int k = 0; k < 2 * addrLength(v6); k += 4) h = h * 0x9E3779B1 + b.getInt(src + k);
        h = h * 0x9E3779B1 + b.getInt(at + ipLen); // both ports
        h ^= h >>> 16;
        return h & (slotGroup.length - 1);
    }

    private boolean sameFlow(int g, ByteBuffer b, int at, boolean v6, int ipLen, int kind) {
        return groupKind[g] == kind && groupIpv6[g] == v6 && groupIpLen[g] == ipLen
                && sameAddressesAndPorts(g, b, at, v6, ipLen);
    }

    private boolean sameAddressesAndPorts(int g, ByteBuffer b, int at, boolean v6, int ipLen) {
        ByteBuffer f = bufs[groupFirst[g]];
        int src = srcAddrOffset(v6);
        return equalBytes(f, offset + src, b, at + src, 2 * addrLength(v6))
                && i32(f, offset + groupIpLen[g]) == i32(b, at + ipLen);
    }

    private boolean canAppend(int g, ByteBuffer b, int at, int size, int payload) {
        if (groupClosed[g] || groupCount[g] >= MAX_SEGMENTS) return false;
        if (payload > groupGsoSize[g] || groupTotalLen[g] + payload > MAX_IP_PACKET) return false;
        ByteBuffer f = bufs[groupFirst[g]];
        int fa = offset;
        if (groupIpv6[g]) {
            // Version, traffic class and flow label; hop limit.
            if (i32(f, fa) != i32(b, at) || f.get(fa + IPV6_HOP_LIMIT) != b.get(at + IPV6_HOP_LIMIT)) return false;
        } else {
            if (f.get(fa + IPV4_TOS) != b.get(at + IPV4_TOS) || f.get(fa + IPV4_TTL) != b.get(at + IPV4_TTL)) return false;
            if ((u8(f, fa + IPV4_FLAGS_FRAGMENT) & 0xe0) != (u8(b, at + IPV4_FLAGS_FRAGMENT) & 0xe0)) return false;
        }
        if (groupKind[g] == KIND_UDP) return true;
        int ft = fa + groupIpLen[g];
        int t = at + groupIpLen[g];
        int tcpLen = groupHdrLen[g] - groupIpLen[g];
        if (tcpHeaderLength(b, t) != tcpLen) return false;
        if (i32(b, t + TCP_SEQ) != groupNextSeq[g]) return false;
        if (i32(f, ft + TCP_ACK) != i32(b, t + TCP_ACK)) return false;
        // Data offset, flags but PSH, window.
        if (f.get(ft + TCP_DATA_OFFSET) != b.get(t + TCP_DATA_OFFSET)) return false;
        if (((f.get(ft + TCP_FLAGS) ^ b.get(t + TCP_FLAGS)) & ~TCP_PSH) != 0) return false;
        if (u16(f, ft + TCP_WINDOW) != u16(b, t + TCP_WINDOW)) return false;
        return equalBytes(f, ft + TCP_MIN_HEADER_LEN, b, t + TCP_MIN_HEADER_LEN, tcpLen - TCP_MIN_HEADER_LEN);
    }

    private boolean checksumsValid(int g, ByteBuffer b, int at, int size, boolean v6, int ipLen, int kind) {
        if (!groupFirstChecked[g]) {
            int first = groupFirst[g];
            if (!transportChecksumValid(bufs[first], offset, packetSize[first], v6, ipLen, groupKind[g])) {
                groupClosed[g] = true;
                return false;
            }
            groupFirstChecked[g] = true;
        }
        return transportChecksumValid(b, at, size, v6, ipLen, kind);
    }

    private static boolean transportChecksumValid(ByteBuffer b, int at, int size, boolean v6, int ipLen, int kind) {
        int proto = kind == KIND_TCP ? IPPROTO_TCP : IPPROTO_UDP;
        long sum = InternetChecksum.pseudoHeader(b, at, v6, proto, size - ipLen);
        return InternetChecksum.verifies(InternetChecksum.add(sum, b, at + ipLen, size - ipLen));
    }

    private int newGroup(int i, int size, int kind, boolean v6, int ipLen, int hdrLen, int payload) {
        int g = groups++;
        groupFirst[g] = groupLast[g] = i;
        groupCount[g] = 1;
        groupKind[g] = kind;
        groupIpv6[g] = v6;
        groupIpLen[g] = ipLen;
        groupHdrLen[g] = hdrLen;
        groupGsoSize[g] = payload;
        groupTotalLen[g] = size;
        groupClosed[g] = kind == KIND_NONE;
        groupFirstChecked[g] = false;
        nextMember[i] = -1;
        return g;
    }

    private void append(int g, int i, ByteBuffer b, int at, int size, int payload) {
        nextMember[groupLast[g]] = i;
        nextMember[i] = -1;
        groupLast[g] = i;
        groupCount[g]++;
        groupTotalLen[g] += payload;
        if (payload < groupGsoSize[g]) groupClosed[g] = true; // only the last may be short
        if (groupKind[g] == KIND_TCP) {
            groupNextSeq[g] += payload;
            if ((u8(b, at + groupIpLen[g] + TCP_FLAGS) & TCP_PSH) != 0) {
                int flags = offset + groupIpLen[g] + TCP_FLAGS;
                ByteBuffer f = bufs[groupFirst[g]];
                f.put(flags, (byte) (f.get(flags) | TCP_PSH));
                groupClosed[g] = true;
            }
        }
    }

    /** Rewrites the first packet's headers to describe the whole super-packet. */
    private void finishGroup(int g) {
        ByteBuffer f = bufs[groupFirst[g]];
        int at = offset;
        int total = groupTotalLen[g];
        int ipLen = groupIpLen[g];
        boolean v6 = groupIpv6[g];
        if (v6) {
            putU16(f, at + IPV6_PAYLOAD_LENGTH, total - IPV6_HEADER_LEN);
        } else {
            putU16(f, at + IPV4_TOTAL_LENGTH, total);
            putU16(f, at + IPV4_HEADER_CHECKSUM, 0);
            putU16(f, at + IPV4_HEADER_CHECKSUM, InternetChecksum.finish(InternetChecksum.add(0, f, at, ipLen)));
        }
        int t = at + ipLen;
        int proto;
        int checksumField;
        if (groupKind[g] == KIND_TCP) {
            proto = IPPROTO_TCP;
            checksumField = t + TCP_CHECKSUM;
        } else {
            proto = IPPROTO_UDP;
            checksumField = t + UDP_CHECKSUM;
            putU16(f, t + UDP_LENGTH, total - ipLen);
        }
        // CHECKSUM_PARTIAL: the field holds the folded (not complemented) pseudo-header sum.
        putU16(f, checksumField, InternetChecksum.fold(InternetChecksum.pseudoHeader(f, at, v6, proto, total - ipLen)));
    }

    private static boolean equalBytes(ByteBuffer a, int ai, ByteBuffer b, int bi, int len) {
        for (int k = 0; k < len; k++) {
            if (a.get(ai + k) != b.get(bi + k)) return false;
        }
        return true;
    }
}
