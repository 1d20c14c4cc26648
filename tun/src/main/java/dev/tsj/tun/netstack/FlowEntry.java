package dev.tsj.tun.netstack;

/**
 * Something demultiplexed by its 4-tuple (a TCP connection, a UDP flow): the key fields
 * and the chain link of {@link FlowTable}, kept in the object itself so that lookups
 * from header fields allocate nothing.
 */
abstract class FlowEntry {
    final IpAddress local;
    final int localPort;
    final IpAddress remote;
    final int remotePort;
    final int hash;
    FlowEntry nextInBucket;

    FlowEntry(IpAddress local, int localPort, IpAddress remote, int remotePort) {
        this.local = local;
        this.localPort = localPort;
        this.remote = remote;
        this.remotePort = remotePort;
        this.hash = hash(local.hi(), local.lo(), localPort, remote.hi(), remote.lo(), remotePort);
    }

    final boolean matches(long lHi, long lLo, int lPort, long rHi, long rLo, int rPort) {
        return localPort == lPort && remotePort == rPort
                && local.lo() == lLo && remote.lo() == rLo && local.hi() == lHi && remote.hi() == rHi;
    }

    static int hash(long lHi, long lLo, int lPort, long rHi, long rLo, int rPort) {
        long h = lHi * 0x9E3779B97F4A7C15L;
        h = (h ^ lLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ rHi) * 0x9E3779B97F4A7C15L;
        h = (h ^ rLo) * 0x9E3779B97F4A7C15L;
        h = (h ^ ((long) lPort << 16 | rPort)) * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32));
    }
}
