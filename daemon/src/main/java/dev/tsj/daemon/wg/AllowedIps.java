package dev.tsj.daemon.wg;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

/**
 * WireGuard's cryptokey routing table: the longest-prefix match from an address to the
 * peer that owns it, used on send (destination picks the peer) and on receive (the source
 * must belong to the peer that sent it). Inserting a prefix another peer holds moves it.
 *
 * <p>A path-compressed binary trie per family. Readers (the packet path) take no lock:
 * writers build new nodes completely before publishing them through volatile fields, so a
 * concurrent lookup sees either the old or the new route. Writers serialise on the table.
 */
public final class AllowedIps<P> {
    private static final class Node<P> {
        final long hi;
        final long lo;
        final int bits;
        volatile P value;
        volatile Node<P> zero;
        volatile Node<P> one;

        Node(long hi, long lo, int bits, P value) {
            this.hi = hi & Prefix.maskHi(bits);
            this.lo = lo & Prefix.maskLo(bits);
            this.bits = bits;
            this.value = value;
        }
    }

    private volatile Node<P> root4;
    private volatile Node<P> root6;
    private final Object writeLock = new Object();

    private static int bitAt(long hi, long lo, int i) {
        return (int) (i < 64 ? (hi >>> (63 - i)) & 1 : (lo >>> (127 - i)) & 1);
    }

    private static int commonBits(long aHi, long aLo, long bHi, long bLo) {
        long x = aHi ^ bHi;
        if (x != 0) {
            return Long.numberOfLeadingZeros(x);
        }
        x = aLo ^ bLo;
        return x != 0 ? 64 + Long.numberOfLeadingZeros(x) : 128;
    }

    /** A slot holding a node: the root of a family or a child pointer. */
    private interface Slot<P> {
        Node<P> get();

        void set(Node<P> n);
    }

    private Slot<P> rootSlot(boolean v6) {
        return v6 ? new Slot<>() {
            public Node<P> get() { return root6; }
            public void set(Node<P> n) { root6 = n; }
        } : new Slot<>() {
            public Node<P> get() { return root4; }
            public void set(Node<P> n) { root4 = n; }
        };
    }

    private static <P> Slot<P> childSlot(Node<P> parent, int bit) {
        return bit == 0 ? new Slot<>() {
            public Node<P> get() { return parent.zero; }
            public void set(Node<P> n) { parent.zero = n; }
        } : new Slot<>() {
            public Node<P> get() { return parent.one; }
            public void set(Node<P> n) { parent.one = n; }
        };
    }

    private static <P> void setChild(Node<P> parent, int bit, Node<P> child) {
        if (bit == 0) {
            parent.zero = child;
        } else {
            parent.one = child;
        }
    }

    /** Routes {@code prefix} to {@code peer}, taking it from any other peer. */
    public void insert(Prefix prefix, P peer) {
        Prefix p = prefix.masked();
        synchronized (writeLock) {
            Slot<P> slot = rootSlot(p.ipv6());
            while (true) {
                Node<P> n = slot.get();
                if (n == null) {
                    slot.set(new Node<>(p.hi(), p.lo(), p.bits(), peer));
                    return;
                }
                int common = Math.min(Math.min(commonBits(n.hi, n.lo, p.hi(), p.lo()), n.bits), p.bits());
                if (common == n.bits && n.bits == p.bits()) {
                    n.value = peer;
                    return;
                }
                if (common == n.bits) {
                    slot = childSlot(n, bitAt(p.hi(), p.lo(), n.bits));
                    continue;
                }
                if (common == p.bits()) {
                    Node<P> fresh = new Node<>(p.hi(), p.lo(), p.bits(), peer);
                    setChild(fresh, bitAt(n.hi, n.lo, p.bits()), n);
                    slot.set(fresh);
                    return;
                }
                Node<P> fork = new Node<>(p.hi(), p.lo(), common, null);
                setChild(fork, bitAt(n.hi, n.lo, common), n);
                setChild(fork, bitAt(p.hi(), p.lo(), common), new Node<>(p.hi(), p.lo(), p.bits(), peer));
                slot.set(fork);
                return;
            }
        }
    }

    /** Removes {@code prefix} if it routes to {@code peer}; returns whether it did. */
    public boolean remove(Prefix prefix, P peer) {
        Prefix p = prefix.masked();
        synchronized (writeLock) {
            Node<P> n = rootSlot(p.ipv6()).get();
            while (n != null && n.bits <= p.bits()) {
                if (commonBits(n.hi, n.lo, p.hi(), p.lo()) < n.bits) {
                    return false;
                }
                if (n.bits == p.bits()) {
                    if (n.value != null && n.value.equals(peer)) {
                        n.value = null;
                        prune(p.ipv6());
                        return true;
                    }
                    return false;
                }
                n = bitAt(p.hi(), p.lo(), n.bits) == 0 ? n.zero : n.one;
            }
            return false;
        }
    }

    /** Removes every prefix of {@code peer}. */
    public void removeAll(P peer) {
        synchronized (writeLock) {
            for (boolean v6 : new boolean[] {false, true}) {
                walk(rootSlot(v6).get(), n -> {
                    if (peer.equals(n.value)) {
                        n.value = null;
                    }
                });
                prune(v6);
            }
        }
    }

    /** The prefixes routed to {@code peer}, IPv4 first, in address order. */
    public List<Prefix> prefixesOf(P peer) {
        List<Prefix> out = new ArrayList<>();
        for (boolean v6 : new boolean[] {false, true}) {
            walk(rootSlot(v6).get(), n -> {
                if (peer.equals(n.value)) {
                    out.add(new Prefix(v6, n.hi, n.lo, n.bits));
                }
            });
        }
        out.sort(null);
        return out;
    }

    private static <P> void walk(Node<P> n, Consumer<Node<P>> visit) {
        if (n == null) {
            return;
        }
        visit.accept(n);
        walk(n.zero, visit);
        walk(n.one, visit);
    }

    /** Drops valueless nodes with fewer than two children, replacing them by their child. */
    private void prune(boolean v6) {
        Slot<P> root = rootSlot(v6);
        root.set(pruned(root.get()));
    }

    private static <P> Node<P> pruned(Node<P> n) {
        if (n == null) {
            return null;
        }
        Node<P> z = pruned(n.zero);
        Node<P> o = pruned(n.one);
        if (z != n.zero) {
            n.zero = z;
        }
        if (o != n.one) {
            n.one = o;
        }
        if (n.value == null) {
            if (z == null) {
                return o;
            }
            if (o == null) {
                return z;
            }
        }
        return n;
    }

    /** Longest-prefix match for an IPv4 address (as an unsigned int). */
    public P lookup4(int address) {
        return lookup(root4, (long) address << 32, 0, 32);
    }

    /** Longest-prefix match for an IPv6 address given as two longs. */
    public P lookup6(long hi, long lo) {
        return lookup(root6, hi, lo, 128);
    }

    public P lookup(java.net.InetAddress a) {
        Prefix h = Prefix.host(a);
        return h.ipv6() ? lookup6(h.hi(), h.lo()) : lookup4((int) (h.hi() >>> 32));
    }

    private static <P> P lookup(Node<P> n, long hi, long lo, int max) {
        P best = null;
        while (n != null) {
            if (commonBits(n.hi, n.lo, hi, lo) < n.bits) {
                break;
            }
            P v = n.value;
            if (v != null) {
                best = v;
            }
            if (n.bits == max) {
                break;
            }
            n = bitAt(hi, lo, n.bits) == 0 ? n.zero : n.one;
        }
        return best;
    }
}
