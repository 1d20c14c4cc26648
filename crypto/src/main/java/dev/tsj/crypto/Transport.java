package dev.tsj.crypto;

import static dev.tsj.crypto.WireGuardSpec.*;

import java.nio.ByteBuffer;

/**
 * WireGuard transport data messages (section 5.4.6): a 16-byte header (type 4, receiver
 * index, 64-bit counter, all little-endian) followed by the sealed, zero-padded packet.
 * Everything works in place in a caller-owned buffer; nothing allocates.
 */
public final class Transport {
    private Transport() {}

    /**
     * The padded length of a {@code packetLength}-byte packet for a tunnel of this MTU:
     * up to a multiple of 16, never past the MTU (wireguard-go's calculatePaddingSize).
     */
    public static int paddedLength(int packetLength, int mtu) {
        if (packetLength == 0) {
            return 0;
        }
        int lastUnit = packetLength;
        if (mtu > 0 && lastUnit > mtu) {
            lastUnit %= mtu;
        }
        int padded = (lastUnit + PADDING_MULTIPLE - 1) & -PADDING_MULTIPLE;
        if (mtu > 0 && padded > mtu) {
            padded = mtu;
        }
        return packetLength + (padded - lastUnit);
    }

    /**
     * Seals the packet of {@code packetLength} bytes found at {@code off + 16} in
     * {@code buf}: pads it with zeros (the buffer must have room), writes the header at
     * {@code off}, encrypts in place. Returns the message length.
     */
    public static int seal(ChaChaPoly aead, AeadKey key, int receiverIndex, long counter,
                           ByteBuffer buf, int off, int packetLength, int mtu) {
        int padded = paddedLength(packetLength, mtu);
        for (int i = packetLength; i < padded; i++) {
            buf.put(off + OFFSET_TRANSPORT_CONTENT + i, (byte) 0);
        }
        buf.put(off, (byte) MESSAGE_TRANSPORT_TYPE).put(off + 1, (byte) 0).put(off + 2, (byte) 0).put(off + 3, (byte) 0);
        putLe32(buf, off + OFFSET_TRANSPORT_RECEIVER, receiverIndex);
        putLe64(buf, off + OFFSET_TRANSPORT_COUNTER, counter);
        int sealed = aead.seal(key, counter, buf, off + OFFSET_TRANSPORT_CONTENT, padded);
        return OFFSET_TRANSPORT_CONTENT + sealed;
    }

    /** The receiver index of the transport message at {@code off}. */
    public static int receiverIndex(ByteBuffer buf, int off) {
        return getLe32(buf, off + OFFSET_TRANSPORT_RECEIVER);
    }

    /** The counter of the transport message at {@code off}. */
    public static long counter(ByteBuffer buf, int off) {
        return getLe32(buf, off + OFFSET_TRANSPORT_COUNTER) & 0xffffffffL
                | (long) getLe32(buf, off + OFFSET_TRANSPORT_COUNTER + 4) << 32;
    }

    /**
     * Opens the {@code length}-byte transport message at {@code off} in place: the
     * plaintext (still padded) lands at {@code off + 16}. Returns its length or -1 when
     * authentication fails. The caller checks the counter against its replay window
     * only after this succeeds.
     */
    public static int open(ChaChaPoly aead, AeadKey key, long counter, ByteBuffer buf, int off, int length) {
        if (length < MESSAGE_TRANSPORT_MIN_SIZE) {
            return -1;
        }
        return aead.open(key, counter, buf, off + OFFSET_TRANSPORT_CONTENT, length - OFFSET_TRANSPORT_CONTENT);
    }

    static int getLe32(ByteBuffer b, int off) {
        return (b.get(off) & 0xff) | (b.get(off + 1) & 0xff) << 8 | (b.get(off + 2) & 0xff) << 16 | (b.get(off + 3) & 0xff) << 24;
    }

    static void putLe32(ByteBuffer b, int off, int v) {
        b.put(off, (byte) v).put(off + 1, (byte) (v >>> 8)).put(off + 2, (byte) (v >>> 16)).put(off + 3, (byte) (v >>> 24));
    }

    static void putLe64(ByteBuffer b, int off, long v) {
        putLe32(b, off, (int) v);
        putLe32(b, off + 4, (int) (v >>> 32));
    }
}
