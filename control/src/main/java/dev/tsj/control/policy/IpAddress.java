package dev.tsj.control.policy;

import java.util.Optional;

/**
 * An IPv4 or IPv6 address as an unsigned 128-bit number split into two longs. IPv4 lives in
 * the low 32 bits of {@code lo}. Parsing is strictly literal: it never consults DNS, unlike
 * {@link java.net.InetAddress#getByName}, because policy text is data, not host names.
 */
public record IpAddress(boolean v6, long hi, long lo) implements Comparable<IpAddress> {

    public static final IpAddress V4_ZERO = new IpAddress(false, 0, 0);
    public static final IpAddress V4_MAX = new IpAddress(false, 0, 0xFFFF_FFFFL);
    public static final IpAddress V6_ZERO = new IpAddress(true, 0, 0);
    public static final IpAddress V6_MAX = new IpAddress(true, -1L, -1L);

    public IpAddress {
        if (!v6 && (hi != 0 || (lo >>> 32) != 0)) {
            throw new IllegalArgumentException("IPv4 value out of range");
        }
    }

    public static IpAddress ofV4(int bits) {
        return new IpAddress(false, 0, bits & 0xFFFF_FFFFL);
    }

    public static IpAddress ofV6(long hi, long lo) {
        return new IpAddress(true, hi, lo);
    }

    /** Number of bits in this family: 32 or 128. */
    public int bitLength() {
        return v6 ? 128 : 32;
    }

    /** Parses a literal address; empty if the text is not exactly one address. */
    public static Optional<IpAddress> parse(String text) {
        if (text.indexOf(':') >= 0) {
            return parseV6(text);
        }
        return parseV4(text);
    }

    /** Parses the dotted-quad form; leading zeros are refused as Go's netip does. */
    static Optional<IpAddress> parseV4(String text) {
        long value = 0;
        int octets = 0;
        int i = 0;
        int n = text.length();
        while (i <= n) {
            int start = i;
            int octet = 0;
            while (i < n && Character.isDigit(text.charAt(i)) && text.charAt(i) < 128) {
                octet = octet * 10 + (text.charAt(i) - '0');
                i++;
                if (i - start > 3) {
                    return Optional.empty();
                }
            }
            int digits = i - start;
            if (digits == 0 || octet > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return Optional.empty();
            }
            value = (value << 8) | octet;
            octets++;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != '.' || octets == 4) {
                return Optional.empty();
            }
            i++;
        }
        return octets == 4 ? Optional.of(new IpAddress(false, 0, value)) : Optional.empty();
    }

    static Optional<IpAddress> parseV6(String text) {
        int[] groups = new int[8];
        int count = 0;
        int compressAt = -1;
        int i = 0;
        int n = text.length();
        if (text.startsWith("::")) {
            compressAt = 0;
            i = 2;
            if (n == 2) {
                return Optional.of(V6_ZERO);
            }
        } else if (text.startsWith(":")) {
            return Optional.empty();
        }
        while (i < n) {
            if (count == 8) {
                return Optional.empty();
            }
            int start = i;
            int value = 0;
            while (i < n && Character.digit(text.charAt(i), 16) >= 0 && text.charAt(i) < 128) {
                value = (value << 4) | Character.digit(text.charAt(i), 16);
                i++;
                if (i - start > 4) {
                    return Optional.empty();
                }
            }
            if (i < n && text.charAt(i) == '.') {
                // An embedded dotted quad takes the last two groups.
                Optional<IpAddress> v4 = parseV4(text.substring(start));
                if (v4.isEmpty() || count > 6) {
                    return Optional.empty();
                }
                groups[count++] = (int) (v4.get().lo >>> 16);
                groups[count++] = (int) (v4.get().lo & 0xFFFF);
                i = n;
                break;
            }
            if (i == start) {
                return Optional.empty();
            }
            groups[count++] = value;
            if (i == n) {
                break;
            }
            if (text.charAt(i) != ':') {
                return Optional.empty();
            }
            i++;
            if (i < n && text.charAt(i) == ':') {
                if (compressAt >= 0) {
                    return Optional.empty();
                }
                compressAt = count;
                i++;
            } else if (i == n) {
                return Optional.empty();
            }
        }
        if (compressAt < 0 && count != 8) {
            return Optional.empty();
        }
        if (compressAt >= 0 && count == 8) {
            return Optional.empty();
        }
        int[] full = new int[8];
        if (compressAt >= 0) {
            int tail = count - compressAt;
            System.arraycopy(groups, 0, full, 0, compressAt);
            System.arraycopy(groups, compressAt, full, 8 - tail, tail);
        } else {
            full = groups;
        }
        long hi = 0;
        long lo = 0;
        for (int g = 0; g < 4; g++) {
            hi = (hi << 16) | full[g];
            lo = (lo << 16) | full[g + 4];
        }
        return Optional.of(new IpAddress(true, hi, lo));
    }

    /** The address plus one; callers check {@link #isMax()} first. */
    public IpAddress next() {
        long nlo = lo + 1;
        long nhi = nlo == 0 ? hi + 1 : hi;
        return new IpAddress(v6, v6 ? nhi : 0, v6 ? nlo : nlo & 0xFFFF_FFFFL);
    }

    /** The address minus one; callers check {@link #isZero()} first. */
    public IpAddress previous() {
        long nlo = lo - 1;
        long nhi = lo == 0 ? hi - 1 : hi;
        return new IpAddress(v6, v6 ? nhi : 0, v6 ? nlo : nlo & 0xFFFF_FFFFL);
    }

    public boolean isZero() {
        return hi == 0 && lo == 0;
    }

    public boolean isMax() {
        return v6 ? (hi == -1L && lo == -1L) : lo == 0xFFFF_FFFFL;
    }

    @Override
    public int compareTo(IpAddress other) {
        if (v6 != other.v6) {
            return v6 ? 1 : -1;
        }
        int c = Long.compareUnsigned(hi, other.hi);
        return c != 0 ? c : Long.compareUnsigned(lo, other.lo);
    }

    @Override
    public String toString() {
        if (!v6) {
            return (lo >>> 24) + "." + ((lo >>> 16) & 0xFF) + "." + ((lo >>> 8) & 0xFF) + "." + (lo & 0xFF);
        }
        return formatV6();
    }

    /** RFC 5952 text: lowercase, the longest run (2+) of zero groups compressed, first on ties. */
    private String formatV6() {
        int[] g = new int[8];
        for (int k = 0; k < 4; k++) {
            g[k] = (int) ((hi >>> (48 - 16 * k)) & 0xFFFF);
            g[k + 4] = (int) ((lo >>> (48 - 16 * k)) & 0xFFFF);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int k = 0; k < 8; ) {
            if (g[k] != 0) {
                k++;
                continue;
            }
            int start = k;
            while (k < 8 && g[k] == 0) {
                k++;
            }
            if (k - start > bestLen) {
                bestStart = start;
                bestLen = k - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int k = 0; k < 8; k++) {
            if (k == bestStart) {
                out.append("::");
                k += bestLen - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            out.append(Integer.toHexString(g[k]));
        }
        return out.toString();
    }
}
