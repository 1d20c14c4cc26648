package dev.tsj.tun.offload;

import static dev.tsj.tun.offload.IpHeaders.*;
import static dev.tsj.tun.offload.VirtioNetHdr.*;

import java.nio.ByteBuffer;

/**
 * Turns what a TUN with {@code IFF_VNET_HDR} reads (a virtio-net header, then a packet that
 * may be a TCP or UDP segmentation-offload super-packet of up to 64 KiB) into ordinary
 * packets of at most the MTU, doing in software what a NIC does for TSO/USO: every
 * segment gets the headers of the first with its own IPv4 total length, identification and
 * header checksum (or IPv6 payload length), TCP sequence number (FIN and PSH on the last
 * segment only, CWR on the first only) or UDP length, and a full TCP/UDP checksum. A
 * packet that is not segmented but carries a partial checksum (NEEDS_CSUM) gets it
 * completed. No I/O and no allocation.
 *
 * <p>Use: {@link #load} one read, then {@link #emit} until {@link #remaining()} is 0; a
 * super-packet with more segments than the caller has buffers is finished by later emits.
 * The loaded bytes must stay untouched until then. Not thread-safe: one per reader.
 */
public final class GsoSplitter {
    private ByteBuffer in;
    /** Where the IP packet starts in {@link #in}. */
    private int ip;
    private int packetLen;
    private boolean segmented;
    private boolean needsCsum;
    private boolean ipv6;
    private boolean tcp;
    private int csumStart;
    private int csumOffset;
    private int hdrLen;
    private int gsoSize;
    private int segments;
    private int next;
    private long droppedSegments;

    /**
     * Loads one read: the virtio-net header at {@code at}, the packet right after it,
     * {@code len} bytes in all. Returns false, loading nothing, when the header and packet
     * do not make sense together (the read is to be dropped).
     */
    public boolean load(ByteBuffer b, int at, int len) {
        clear();
        int plen = len - LEN;
        if (plen < 1) return false;
        int p = at + LEN;
        int version = version(b, p);
        boolean v6 = version == 6;
        if (version == 4) {
            if (plen < IPV4_MIN_HEADER_LEN || ipv4HeaderLength(b, p) < IPV4_MIN_HEADER_LEN
                    || ipv4HeaderLength(b, p) > plen) return false;
        } else if (!v6 || plen < IPV6_HEADER_LEN) {
            return false;
        }
        int flags = VirtioNetHdr.flags(b, at);
        int gsoType = VirtioNetHdr.gsoType(b, at) & ~VIRTIO_NET_HDR_GSO_ECN;
        int cs = VirtioNetHdr.csumStart(b, at);
        int co = VirtioNetHdr.csumOffset(b, at);
        if (gsoType == VIRTIO_NET_HDR_GSO_NONE) {
            boolean partial = (flags & VIRTIO_NET_HDR_F_NEEDS_CSUM) != 0;
            if (partial && (cs + co + 2 > plen || cs >= plen)) return false;
            set(b, p, plen, v6);
            needsCsum = partial;
            csumStart = cs;
            csumOffset = co;
            segments = 1;
            return true;
        }
        boolean isTcp;
        switch (gsoType) {
            case VIRTIO_NET_HDR_GSO_TCPV4 -> { if (v6) return false; isTcp = true; }
            case VIRTIO_NET_HDR_GSO_TCPV6 -> { if (!v6) return false; isTcp = true; }
            case VIRTIO_NET_HDR_GSO_UDP_L4 -> isTcp = false;
            default -> { return false; } // UFO (GSO_UDP) is never negotiated
        }
        // csum_start is where the transport header starts. The kernel's hdr_len is only a
        // hint (on the forwarding path it can cover a whole first segment), so the header
        // length is taken from the transport header itself.
        int minIp = v6 ? IPV6_HEADER_LEN : ipv4HeaderLength(b, p);
        if (cs < minIp) return false;
        int transportLen;
        if (isTcp) {
            if (cs + TCP_MIN_HEADER_LEN > plen) return false;
            transportLen = tcpHeaderLength(b, p + cs);
            if (transportLen < TCP_MIN_HEADER_LEN) return false;
        } else {
            transportLen = UDP_HEADER_LEN;
        }
        int headers = cs + transportLen;
        int gso = VirtioNetHdr.gsoSize(b, at);
        if (headers >= plen || gso < 1) return false;
        set(b, p, plen, v6);
        segmented = true;
        tcp = isTcp;
        csumStart = cs;
        hdrLen = headers;
        gsoSize = gso;
        segments = (plen - headers + gso - 1) / gso;
        return true;
    }

    /** Segments loaded but not emitted yet. */
    public int remaining() {
        return segments - next;
    }

    /** Segments dropped because the caller's buffer was too small for them (never more than the MTU needs). */
    public long droppedSegments() {
        return droppedSegments;
    }

    /**
     * Writes the next segments into {@code out[from..to)} at absolute position {@code offset},
     * their lengths into {@code sizes}, and returns how many buffers were filled. A segment
     * that does not fit its buffer is dropped and counted.
     */
    public int emit(ByteBuffer[] out, int[] sizes, int from, int to, int offset) {
        int index = from;
        int filled = 0;
        while (next < segments && index + filled < to) {
            ByteBuffer o = out[index + filled];
            int len = segmentLength(next);
            if (o.capacity() - offset < len) {
                droppedSegments++;
                next++;
                continue;
            }
            if (segmented) writeSegment(o, offset, next, len);
            else writeWhole(o, offset);
            sizes[index + filled] = len;
            filled++;
            next++;
        }
        if (next == segments) clear();
        return filled;
    }

    private int segmentLength(int k) {
        if (!segmented) return packetLen;
        return hdrLen + Math.min(gsoSize, packetLen - hdrLen - k * gsoSize);
    }

    private void writeWhole(ByteBuffer o, int at) {
        o.put(at, in, ip, packetLen);
        if (!needsCsum) return;
        // The checksum field holds the pseudo-header sum; summing from csum_start over it
        // and the rest of the packet gives the full checksum (Linux skb_checksum_help).
        int field = at + csumStart + csumOffset;
        long sum = InternetChecksum.add(0, o, at + csumStart, packetLen - csumStart);
        IpHeaders.putU16(o, field, InternetChecksum.finishNonZero(sum));
    }

    private void writeSegment(ByteBuffer o, int at, int k, int len) {
        int dataAt = hdrLen + k * gsoSize;
        o.put(at, in, ip, hdrLen);
        o.put(at + hdrLen, in, ip + dataAt, len - hdrLen);
        if (ipv6) {
            putU16(o, at + IPV6_PAYLOAD_LENGTH, len - IPV6_HEADER_LEN);
        } else {
            int ihl = ipv4HeaderLength(o, at);
            putU16(o, at + IPV4_TOTAL_LENGTH, len);
            putU16(o, at + IPV4_IDENTIFICATION, u16(o, at + IPV4_IDENTIFICATION) + k);
            putU16(o, at + IPV4_HEADER_CHECKSUM, 0);
            putU16(o, at + IPV4_HEADER_CHECKSUM, InternetChecksum.finish(InternetChecksum.add(0, o, at, ihl)));
        }
        int t = at + csumStart;
        int transportLen = len - csumStart;
        int checksumField;
        int protocol;
        if (tcp) {
            putI32(o, t + TCP_SEQ, i32(o, t + TCP_SEQ) + k * gsoSize);
            int flags = u8(o, t + TCP_FLAGS);
            if (k < segments - 1) flags &= ~(TCP_FIN | TCP_PSH);
            if (k > 0) flags &= ~TCP_CWR;
            o.put(t + TCP_FLAGS, (byte) flags);
            checksumField = t + TCP_CHECKSUM;
            protocol = IPPROTO_TCP;
        } else {
            putU16(o, t + UDP_LENGTH, transportLen);
            checksumField = t + UDP_CHECKSUM;
            protocol = IPPROTO_UDP;
        }
        putU16(o, checksumField, 0);
        long sum = InternetChecksum.pseudoHeader(o, at, ipv6, protocol, transportLen);
        sum = InternetChecksum.add(sum, o, t, transportLen);
        putU16(o, checksumField, InternetChecksum.finishNonZero(sum));
    }

    private void set(ByteBuffer b, int p, int plen, boolean v6) {
        in = b;
        ip = p;
        packetLen = plen;
        ipv6 = v6;
    }

    private void clear() {
        in = null;
        segmented = needsCsum = tcp = false;
        segments = next = 0;
    }
}
