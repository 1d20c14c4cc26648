package dev.tsj.control.core;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.security.SecureRandom;
import java.util.HashSet;
import java.util.Set;

/**
 * Hands out tailnet addresses: IPv4 at random from 100.64.0.0/10 (at random, as Tailscale
 * does, so that a freed address is unlikely to be reused soon), and the IPv6 address
 * {@code fd7a:115c:a1e0::<the IPv4 address>}, so the two always correspond.
 */
public final class IpAllocator {
    /** 100.64.0.0/10 (RFC 6598 shared address space, as Tailscale uses). */
    static final int V4_BASE = (100 << 24) | (64 << 16);
    static final int V4_SIZE = 1 << 22;
    /** fd7a:115c:a1e0::/48, Tailscale's ULA prefix. */
    static final byte[] V6_PREFIX = {(byte) 0xfd, 0x7a, 0x11, 0x5c, (byte) 0xa1, (byte) 0xe0};
    /** 100.100.100.0/24 holds Tailscale's service address 100.100.100.100; keep it free. */
    private static final int RESERVED_24 = (100 << 24) | (100 << 16) | (100 << 8);

    private final Set<Integer> used = new HashSet<>();
    private final SecureRandom random = new SecureRandom();

    public void markUsed(Inet4Address a) {
        used.add(toInt(a));
    }

    public void release(Inet4Address a) {
        used.remove(toInt(a));
    }

    public Inet4Address allocate() {
        if (used.size() >= V4_SIZE / 2) {
            throw new IllegalStateException("tailnet address space exhausted");
        }
        while (true) {
            int v = V4_BASE + random.nextInt(V4_SIZE);
            int last = v & 0xff;
            if (last == 0 || last == 255 || (v & 0xffffff00) == RESERVED_24 || used.contains(v)) {
                continue;
            }
            used.add(v);
            return fromInt(v);
        }
    }

    public static Inet6Address v6For(Inet4Address v4) {
        byte[] b = new byte[16];
        System.arraycopy(V6_PREFIX, 0, b, 0, V6_PREFIX.length);
        System.arraycopy(v4.getAddress(), 0, b, 12, 4);
        try {
            return (Inet6Address) InetAddress.getByAddress(b);
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }

    private static int toInt(Inet4Address a) {
        byte[] b = a.getAddress();
        return ((b[0] & 0xff) << 24) | ((b[1] & 0xff) << 16) | ((b[2] & 0xff) << 8) | (b[3] & 0xff);
    }

    private static Inet4Address fromInt(int v) {
        try {
            return (Inet4Address) InetAddress.getByAddress(new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v});
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}
