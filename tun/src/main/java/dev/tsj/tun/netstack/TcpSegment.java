package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;

/** The TCP header of one received segment: a reusable flyweight filled by {@link #parse}. */
final class TcpSegment {
    int srcPort;
    int dstPort;
    int seq;
    int ack;
    int flags;
    /** The raw 16-bit window field (unscaled). */
    int window;
    int payloadIndex;
    int payloadLength;
    /** SYN options; -1 when absent. */
    int mss;
    int windowShift;
    boolean sackPermitted;
    /** SACK blocks (RFC 2018): at most four fit in the option space. */
    final int[] sackStart = new int[4];
    final int[] sackEnd = new int[4];
    int sackBlocks;

    /** Validates length and checksum and reads the header; returns the drop reason or null. */
    Counter parse(IpPacket p) {
        ByteBuf b = p.buf;
        int at = p.l4Index;
        if (p.l4Length < Spec.TCP_MIN_HEADER_LEN) return Counter.IN_MALFORMED;
        int headerLength = (b.getUnsignedByte(at + 12) >>> 4) * 4;
        if (headerLength < Spec.TCP_MIN_HEADER_LEN || headerLength > p.l4Length) return Counter.IN_MALFORMED;
        if (!Checksum.verifies(Checksum.add(b, at, p.l4Length, p.pseudoHeaderSum()))) return Counter.IN_BAD_CHECKSUM;
        srcPort = b.getUnsignedShort(at);
        dstPort = b.getUnsignedShort(at + 2);
        seq = b.getInt(at + 4);
        ack = b.getInt(at + 8);
        flags = b.getUnsignedByte(at + 13) & (Spec.TH_FIN | Spec.TH_SYN | Spec.TH_RST | Spec.TH_PUSH | Spec.TH_ACK | Spec.TH_URG);
        window = b.getUnsignedShort(at + 14);
        payloadIndex = at + headerLength;
        payloadLength = p.l4Length - headerLength;
        mss = -1;
        windowShift = -1;
        sackPermitted = false;
        sackBlocks = 0;
        if (headerLength > Spec.TCP_MIN_HEADER_LEN) parseOptions(b, at + Spec.TCP_MIN_HEADER_LEN, at + headerLength);
        return null;
    }

    boolean has(int flag) {
        return (flags & flag) != 0;
    }

    /** Sequence space the segment occupies: data plus one each for SYN and FIN. */
    int seqLength() {
        return payloadLength + (has(Spec.TH_SYN) ? 1 : 0) + (has(Spec.TH_FIN) ? 1 : 0);
    }

    /** Reads the options a SYN negotiates and SACK blocks; a malformed option ends parsing (later options are ignored). */
    private void parseOptions(ByteBuf b, int at, int end) {
        while (at < end) {
            int kind = b.getUnsignedByte(at);
            if (kind == Spec.TCPOPT_EOL) return;
            if (kind == Spec.TCPOPT_NOP) {
                at++;
                continue;
            }
            if (at + 1 >= end) return;
            int len = b.getUnsignedByte(at + 1);
            if (len < 2 || at + len > end) return;
            if (kind == Spec.TCPOPT_MAXSEG && len == Spec.TCPOLEN_MAXSEG) {
                mss = b.getUnsignedShort(at + 2);
            } else if (kind == Spec.TCPOPT_WINDOW && len == Spec.TCPOLEN_WINDOW) {
                windowShift = Math.min(b.getUnsignedByte(at + 2), Spec.TCP_MAX_WINSHIFT);
            } else if (kind == Spec.TCPOPT_SACK_PERMITTED && len == Spec.TCPOLEN_SACK_PERMITTED) {
                sackPermitted = true;
            } else if (kind == Spec.TCPOPT_SACK && len >= 10 && (len - 2) % 8 == 0) {
                for (int block = at + 2; block < at + len && sackBlocks < sackStart.length; block += 8) {
                    sackStart[sackBlocks] = b.getInt(block);
                    sackEnd[sackBlocks++] = b.getInt(block + 4);
                }
            }
            at += len;
        }
    }
}
