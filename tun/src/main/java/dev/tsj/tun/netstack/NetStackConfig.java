package dev.tsj.tun.netstack;

import java.time.Duration;
import java.util.List;

/**
 * Everything tunable about a {@link NetStack}. Build with {@link #builder()}; every knob
 * has a default that suits a tailnet node. Durations are checked to be positive except
 * {@code tcpIdleTimeout}, where zero means "never".
 *
 * @param addresses        the node's own addresses (it answers pings and accepts for these)
 * @param mtu              largest IP packet sent; TCP's MSS is derived from it (1280..65535)
 * @param tcpSendBuffer    bytes a connection buffers for sending (unacknowledged plus unsent)
 * @param tcpReceiveBuffer bytes a connection buffers for the application; also the largest window advertised
 * @param maxTcpConnections connections (not counting TIME-WAIT) before new SYNs are answered with RST
 * @param maxTimeWait      connections kept in TIME-WAIT; beyond this they close at once
 * @param maxUdpFlows      UDP flows before new ones are dropped
 * @param maxReassemblyRanges out-of-order byte ranges a connection tracks (more are dropped)
 * @param windowScaling    offer RFC 7323 window scaling
 * @param sack             offer RFC 2018 SACK-permitted and send SACK blocks
 * @param initialRto       RTO before the first RTT sample (RFC 6298: 1 s)
 * @param minRto           RTO floor (RFC 6298 says 1 s; Linux and gVisor use 200 ms)
 * @param maxRto           RTO ceiling after backoff
 * @param synRetries       SYN retransmissions before connect fails
 * @param synAckRetries    SYN-ACK retransmissions before a half-open connection is dropped
 * @param maxRetransmits   consecutive data retransmission timeouts before the connection is reset
 * @param delayedAck       longest an ACK is held back (RFC 1122: under 500 ms)
 * @param timeWait         TIME-WAIT duration (2 MSL)
 * @param finWait2Timeout  how long a fully closed connection waits for the peer's FIN
 * @param acceptTimeout    how long an acceptor may take to accept or reject a SYN
 * @param keepAliveIdle    idle time before the first keepalive probe (when keepalive is on)
 * @param keepAliveInterval time between unanswered probes
 * @param keepAliveCount   unanswered probes before the connection is reset
 * @param tcpIdleTimeout   reset connections idle this long; zero disables
 * @param udpIdleTimeout   forget UDP flows idle this long
 * @param outputQueue      packets queued for the device reader before TCP holds back
 * @param inputQueue       packets queued from the device writer before new ones are dropped
 * @param randomSeed       seed for ISNs, ports and ICMP ids; 0 seeds from SecureRandom
 */
public record NetStackConfig(
        List<IpAddress> addresses,
        int mtu,
        int tcpSendBuffer,
        int tcpReceiveBuffer,
        int maxTcpConnections,
        int maxTimeWait,
        int maxUdpFlows,
        int maxReassemblyRanges,
        boolean windowScaling,
        boolean sack,
        Duration initialRto,
        Duration minRto,
        Duration maxRto,
        int synRetries,
        int synAckRetries,
        int maxRetransmits,
        Duration delayedAck,
        Duration timeWait,
        Duration finWait2Timeout,
        Duration acceptTimeout,
        Duration keepAliveIdle,
        Duration keepAliveInterval,
        int keepAliveCount,
        Duration tcpIdleTimeout,
        Duration udpIdleTimeout,
        int outputQueue,
        int inputQueue,
        long randomSeed) {

    public static final int DEFAULT_MTU = 1280;

    public NetStackConfig {
        addresses = List.copyOf(addresses);
        if (mtu < Spec.IPV6_MIN_MTU || mtu > 65535) {
            throw new IllegalArgumentException("mtu must be between 1280 and 65535, got " + mtu);
        }
        requirePositive("tcpSendBuffer", tcpSendBuffer);
        requirePositive("tcpReceiveBuffer", tcpReceiveBuffer);
        requirePositive("maxTcpConnections", maxTcpConnections);
        requirePositive("maxUdpFlows", maxUdpFlows);
        requirePositive("maxReassemblyRanges", maxReassemblyRanges);
        requirePositive("outputQueue", outputQueue);
        requirePositive("inputQueue", inputQueue);
        requirePositive("keepAliveCount", keepAliveCount);
        if (maxTimeWait < 0 || synRetries < 0 || synAckRetries < 0 || maxRetransmits < 1) {
            throw new IllegalArgumentException("retry counts and maxTimeWait must not be negative");
        }
        for (Duration d : List.of(initialRto, minRto, maxRto, delayedAck, timeWait, finWait2Timeout, acceptTimeout,
                keepAliveIdle, keepAliveInterval, udpIdleTimeout)) {
            if (d.isNegative() || d.isZero()) throw new IllegalArgumentException("durations must be positive: " + d);
        }
        if (tcpIdleTimeout.isNegative()) throw new IllegalArgumentException("tcpIdleTimeout must not be negative");
        if (minRto.compareTo(maxRto) > 0) throw new IllegalArgumentException("minRto above maxRto");
    }

    private static void requirePositive(String name, int v) {
        if (v <= 0) throw new IllegalArgumentException(name + " must be positive, got " + v);
    }

    public static Builder builder() {
        return new Builder();
    }

    public Builder toBuilder() {
        return new Builder(this);
    }

    /** MSS this stack announces and sends at most: the MTU less IP and TCP headers. */
    int mssFor(boolean v4) {
        return mtu - IpWriter.headerLength(v4) - Spec.TCP_MIN_HEADER_LEN;
    }

    /** Builder with defaults; every setter returns this. */
    public static final class Builder {
        private List<IpAddress> addresses = List.of();
        private int mtu = DEFAULT_MTU;
        private int tcpSendBuffer = 1 << 20;
        private int tcpReceiveBuffer = 1 << 20;
        private int maxTcpConnections = 16_384;
        private int maxTimeWait = 16_384;
        private int maxUdpFlows = 4_096;
        private int maxReassemblyRanges = 32;
        private boolean windowScaling = true;
        private boolean sack = true;
        private Duration initialRto = Duration.ofSeconds(1);
        private Duration minRto = Duration.ofMillis(200);
        private Duration maxRto = Duration.ofSeconds(60);
        private int synRetries = 6;
        private int synAckRetries = 5;
        private int maxRetransmits = 15;
        private Duration delayedAck = Duration.ofMillis(40);
        private Duration timeWait = Duration.ofSeconds(60);
        private Duration finWait2Timeout = Duration.ofSeconds(60);
        private Duration acceptTimeout = Duration.ofSeconds(30);
        private Duration keepAliveIdle = Duration.ofHours(2);
        private Duration keepAliveInterval = Duration.ofSeconds(75);
        private int keepAliveCount = 9;
        private Duration tcpIdleTimeout = Duration.ZERO;
        private Duration udpIdleTimeout = Duration.ofMinutes(2);
        private int outputQueue = 1024;
        private int inputQueue = 1024;
        private long randomSeed;

        private Builder() {}

        private Builder(NetStackConfig c) {
            addresses = c.addresses;
            mtu = c.mtu;
            tcpSendBuffer = c.tcpSendBuffer;
            tcpReceiveBuffer = c.tcpReceiveBuffer;
            maxTcpConnections = c.maxTcpConnections;
            maxTimeWait = c.maxTimeWait;
            maxUdpFlows = c.maxUdpFlows;
            maxReassemblyRanges = c.maxReassemblyRanges;
            windowScaling = c.windowScaling;
            sack = c.sack;
            initialRto = c.initialRto;
            minRto = c.minRto;
            maxRto = c.maxRto;
            synRetries = c.synRetries;
            synAckRetries = c.synAckRetries;
            maxRetransmits = c.maxRetransmits;
            delayedAck = c.delayedAck;
            timeWait = c.timeWait;
            finWait2Timeout = c.finWait2Timeout;
            acceptTimeout = c.acceptTimeout;
            keepAliveIdle = c.keepAliveIdle;
            keepAliveInterval = c.keepAliveInterval;
            keepAliveCount = c.keepAliveCount;
            tcpIdleTimeout = c.tcpIdleTimeout;
            udpIdleTimeout = c.udpIdleTimeout;
            outputQueue = c.outputQueue;
            inputQueue = c.inputQueue;
            randomSeed = c.randomSeed;
        }

        public Builder addresses(List<IpAddress> v) { addresses = v; return this; }
        public Builder addresses(String... v) { addresses = java.util.Arrays.stream(v).map(IpAddress::parse).toList(); return this; }
        public Builder mtu(int v) { mtu = v; return this; }
        public Builder tcpSendBuffer(int v) { tcpSendBuffer = v; return this; }
        public Builder tcpReceiveBuffer(int v) { tcpReceiveBuffer = v; return this; }
        public Builder maxTcpConnections(int v) { maxTcpConnections = v; return this; }
        public Builder maxTimeWait(int v) { maxTimeWait = v; return this; }
        public Builder maxUdpFlows(int v) { maxUdpFlows = v; return this; }
        public Builder maxReassemblyRanges(int v) { maxReassemblyRanges = v; return this; }
        public Builder windowScaling(boolean v) { windowScaling = v; return this; }
        public Builder sack(boolean v) { sack = v; return this; }
        public Builder initialRto(Duration v) { initialRto = v; return this; }
        public Builder minRto(Duration v) { minRto = v; return this; }
        public Builder maxRto(Duration v) { maxRto = v; return this; }
        public Builder synRetries(int v) { synRetries = v; return this; }
        public Builder synAckRetries(int v) { synAckRetries = v; return this; }
        public Builder maxRetransmits(int v) { maxRetransmits = v; return this; }
        public Builder delayedAck(Duration v) { delayedAck = v; return this; }
        public Builder timeWait(Duration v) { timeWait = v; return this; }
        public Builder finWait2Timeout(Duration v) { finWait2Timeout = v; return this; }
        public Builder acceptTimeout(Duration v) { acceptTimeout = v; return this; }
        public Builder keepAliveIdle(Duration v) { keepAliveIdle = v; return this; }
        public Builder keepAliveInterval(Duration v) { keepAliveInterval = v; return this; }
        public Builder keepAliveCount(int v) { keepAliveCount = v; return this; }
        public Builder tcpIdleTimeout(Duration v) { tcpIdleTimeout = v; return this; }
        public Builder udpIdleTimeout(Duration v) { udpIdleTimeout = v; return this; }
        public Builder outputQueue(int v) { outputQueue = v; return this; }
        public Builder inputQueue(int v) { inputQueue = v; return this; }
        public Builder randomSeed(long v) { randomSeed = v; return this; }

        public NetStackConfig build() {
            return new NetStackConfig(addresses, mtu, tcpSendBuffer, tcpReceiveBuffer, maxTcpConnections, maxTimeWait,
                    maxUdpFlows, maxReassemblyRanges, windowScaling, sack, initialRto, minRto, maxRto, synRetries,
                    synAckRetries, maxRetransmits, delayedAck, timeWait, finWait2Timeout, acceptTimeout, keepAliveIdle,
                    keepAliveInterval, keepAliveCount, tcpIdleTimeout, udpIdleTimeout, outputQueue, inputQueue, randomSeed);
        }
    }
}
