package dev.tsj.control.stun;

import dev.tsj.crypto.ConstantTime;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.zip.CRC32;

/**
 * STUN (RFC 5389) as far as endpoint discovery needs it: Binding requests and success
 * responses with XOR-MAPPED-ADDRESS (MAPPED-ADDRESS understood from old servers), the
 * FINGERPRINT check, and recognising a STUN message among WireGuard packets on one UDP
 * socket. Pure functions on byte arrays: no socket here, the caller owns the buffers.
 *
 * <p>Message: {@code type(2) | length(2) | magic cookie(4) | transaction id(12) |
 * attributes}, each attribute {@code type(2) | length(2) | value} padded to 4 bytes.
 */
public final class Stun {
    private Stun() {}

    public static final int MAGIC_COOKIE = 0x2112A442;
    public static final int HEADER_SIZE = 20;
    public static final int TRANSACTION_ID_SIZE = 12;
    public static final int BINDING_REQUEST = 0x0001;
    public static final int BINDING_SUCCESS = 0x0101;
    public static final int ATTR_MAPPED_ADDRESS = 0x0001;
    public static final int ATTR_XOR_MAPPED_ADDRESS = 0x0020;
    public static final int ATTR_SOFTWARE = 0x8022;
    public static final int ATTR_FINGERPRINT = 0x8028;
    public static final int FINGERPRINT_XOR = 0x5354554e;
    public static final int FAMILY_IPV4 = 0x01;
    public static final int FAMILY_IPV6 = 0x02;
    public static final int DEFAULT_PORT = 3478;
    /** A second port on the same server: two destinations tell a hard NAT from an easy one. */
    public static final int DEFAULT_ALT_PORT = 3479;
    /** Room for any message this class writes. */
    public static final int MAX_MESSAGE = 128;

    private static final byte[] SOFTWARE = "tsj".getBytes(StandardCharsets.US_ASCII);
    private static final int FINGERPRINT_ATTR_SIZE = 8;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A fresh random transaction id. */
    public static byte[] newTransactionId() {
        byte[] t = new byte[TRANSACTION_ID_SIZE];
        RANDOM.nextBytes(t);
        return t;
    }

    /**
     * Writes a Binding request (SOFTWARE "tsj", FINGERPRINT) at {@code out[off]}; returns its
     * length (36).
     */
    public static int writeBindingRequest(byte[] txId, byte[] out, int off) {
        checkTxId(txId);
        int p = header(out, off, BINDING_REQUEST, txId, 0);
        p = attribute(out, p, ATTR_SOFTWARE, SOFTWARE, 0, SOFTWARE.length);
        return finish(out, off, p);
    }

    public static byte[] bindingRequest(byte[] txId) {
        byte[] b = new byte[MAX_MESSAGE];
        return Arrays.copyOf(b, writeBindingRequest(txId, b, 0));
    }

    /**
     * Whether {@code b[off..off+len]} is a STUN message: the two top bits zero, the magic
     * cookie at bytes 4-7, and a length that is a multiple of 4 and matches the datagram.
     * A WireGuard message never passes: its bytes 1-3 are zero and its length does not fit.
     */
    public static boolean isStun(byte[] b, int off, int len) {
        if (len < HEADER_SIZE || (b[off] & 0xc0) != 0 || getInt(b, off + 4) != MAGIC_COOKIE) {
            return false;
        }
        int bodyLen = getShort(b, off + 2);
        return (bodyLen & 3) == 0 && HEADER_SIZE + bodyLen == len;
    }

    public static int messageType(byte[] b, int off) {
        return getShort(b, off);
    }

    /** Whether a datagram is a well-formed Binding request (a FINGERPRINT, if any, must check). */
    public static boolean isBindingRequest(byte[] b, int off, int len) {
        return isStun(b, off, len) && messageType(b, off) == BINDING_REQUEST && attributesValid(b, off, len);
    }

    /**
     * Parses a Binding success response; null if it is not one, is malformed, has a wrong
     * FINGERPRINT, or carries no mapped address. The caller matches the transaction id
     * against its outstanding requests ({@link BindingResponse#matches}).
     */
    public static BindingResponse parseBindingResponse(byte[] b, int off, int len) {
        if (!isStun(b, off, len) || messageType(b, off) != BINDING_SUCCESS || !attributesValid(b, off, len)) {
            return null;
        }
        byte[] txId = Arrays.copyOfRange(b, off + 8, off + HEADER_SIZE);
        InetSocketAddress xor = null;
        InetSocketAddress plain = null;
        int p = off + HEADER_SIZE;
        int end = off + len;
        while (p + 4 <= end) {
            int type = getShort(b, p);
            int alen = getShort(b, p + 2);
            int v = p + 4;
            if (type == ATTR_XOR_MAPPED_ADDRESS && xor == null) {
                xor = address(b, v, alen, txId, true);
            } else if (type == ATTR_MAPPED_ADDRESS && plain == null) {
                plain = address(b, v, alen, txId, false);
            }
            p = v + pad4(alen);
        }
        InetSocketAddress mapped = xor != null ? xor : plain;
        return mapped == null ? null : new BindingResponse(txId, mapped);
    }

    /**
     * Writes the Binding success response to the request at {@code req[reqOff]}, telling
     * the sender the address it was seen from; returns its length.
     */
    public static int writeBindingResponse(byte[] req, int reqOff, InetSocketAddress seenFrom, byte[] out, int off) {
        int p = header(out, off, BINDING_SUCCESS, req, reqOff + 8);
        byte[] addr = seenFrom.getAddress().getAddress();
        boolean v4 = addr.length == 4;
        int v = p + 4;
        out[v] = 0;
        out[v + 1] = (byte) (v4 ? FAMILY_IPV4 : FAMILY_IPV6);
        int xport = seenFrom.getPort() ^ (MAGIC_COOKIE >>> 16);
        out[v + 2] = (byte) (xport >>> 8);
        out[v + 3] = (byte) xport;
        for (int i = 0; i < addr.length; i++) {
            out[v + 4 + i] = (byte) (addr[i] ^ xorPad(out, off, i));
        }
        putShort(out, p, ATTR_XOR_MAPPED_ADDRESS);
        putShort(out, p + 2, 4 + addr.length);
        return finish(out, off, v + 4 + addr.length);
    }

    /** The byte an address byte is XORed with: the cookie, then (IPv6) the transaction id. */
    private static int xorPad(byte[] msg, int msgOff, int i) {
        return msg[msgOff + 4 + i];
    }

    private static InetSocketAddress address(byte[] b, int v, int alen, byte[] txId, boolean xored) {
        if (alen < 4) {
            return null;
        }
        int family = b[v + 1] & 0xff;
        int addrLen = family == FAMILY_IPV4 ? 4 : family == FAMILY_IPV6 ? 16 : -1;
        if (addrLen < 0 || alen != 4 + addrLen) {
            return null;
        }
        int port = getShort(b, v + 2) ^ (xored ? MAGIC_COOKIE >>> 16 : 0);
        byte[] pad = new byte[16];
        putInt(pad, 0, MAGIC_COOKIE);
        System.arraycopy(txId, 0, pad, 4, TRANSACTION_ID_SIZE);
        byte[] a = new byte[addrLen];
        for (int i = 0; i < addrLen; i++) {
            a[i] = (byte) (b[v + 4 + i] ^ (xored ? pad[i] : 0));
        }
        try {
            InetAddress ip = InetAddress.getByAddress(a);
            if (addrLen == 16 && ip instanceof Inet4Address) {
                return null; // an IPv4-mapped IPv6 address is not what the server saw
            }
            return new InetSocketAddress(ip, port);
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Attributes fit the body exactly, and a FINGERPRINT, if present, is last and right. */
    private static boolean attributesValid(byte[] b, int off, int len) {
        int p = off + HEADER_SIZE;
        int end = off + len;
        while (p < end) {
            if (p + 4 > end) {
                return false;
            }
            int type = getShort(b, p);
            int alen = getShort(b, p + 2);
            int next = p + 4 + pad4(alen);
            if (next > end) {
                return false;
            }
            if (type == ATTR_FINGERPRINT) {
                return alen == 4 && next == end && getInt(b, p + 4) == fingerprint(b, off, p - off);
            }
            p = next;
        }
        return true;
    }

    private static int fingerprint(byte[] b, int off, int len) {
        CRC32 crc = new CRC32();
        crc.update(b, off, len);
        return (int) crc.getValue() ^ FINGERPRINT_XOR;
    }

    private static int header(byte[] out, int off, int type, byte[] txSrc, int txOff) {
        putShort(out, off, type);
        putShort(out, off + 2, 0);
        putInt(out, off + 4, MAGIC_COOKIE);
        System.arraycopy(txSrc, txOff, out, off + 8, TRANSACTION_ID_SIZE);
        return off + HEADER_SIZE;
    }

    private static int attribute(byte[] out, int p, int type, byte[] v, int vOff, int vLen) {
        putShort(out, p, type);
        putShort(out, p + 2, vLen);
        System.arraycopy(v, vOff, out, p + 4, vLen);
        Arrays.fill(out, p + 4 + vLen, p + 4 + pad4(vLen), (byte) 0);
        return p + 4 + pad4(vLen);
    }

    /** Appends FINGERPRINT (its length counted in the header first, as the CRC covers it). */
    private static int finish(byte[] out, int off, int p) {
        putShort(out, off + 2, p + FINGERPRINT_ATTR_SIZE - off - HEADER_SIZE);
        putShort(out, p, ATTR_FINGERPRINT);
        putShort(out, p + 2, 4);
        putInt(out, p + 4, fingerprint(out, off, p - off));
        return p + FINGERPRINT_ATTR_SIZE - off;
    }

    private static void checkTxId(byte[] txId) {
        if (txId.length != TRANSACTION_ID_SIZE) {
            throw new IllegalArgumentException("STUN transaction id must be 12 bytes");
        }
    }

    private static int pad4(int n) {
        return (n + 3) & ~3;
    }

    private static int getShort(byte[] b, int off) {
        return (b[off] & 0xff) << 8 | (b[off + 1] & 0xff);
    }

    private static int getInt(byte[] b, int off) {
        return getShort(b, off) << 16 | getShort(b, off + 2);
    }

    private static void putShort(byte[] b, int off, int v) {
        b[off] = (byte) (v >>> 8);
        b[off + 1] = (byte) v;
    }

    private static void putInt(byte[] b, int off, int v) {
        putShort(b, off, v >>> 16);
        putShort(b, off + 2, v);
    }

    /**
     * A Binding success response.
     *
     * @param transactionId the id it answers
     * @param mapped        the address and port the server saw the request come from
     */
    public record BindingResponse(byte[] transactionId, InetSocketAddress mapped) {
        /** Whether this answers the request with {@code txId}. */
        public boolean matches(byte[] txId) {
            return ConstantTime.equals(transactionId, txId);
        }
    }
}
