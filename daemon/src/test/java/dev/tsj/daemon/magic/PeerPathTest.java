package dev.tsj.daemon.magic;

import static org.junit.jupiter.api.Assertions.*;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The path state machine on a fake clock: relay first, direct on pong, back to relay when pongs stop. */
class PeerPathTest {
    private static final long MS = 1_000_000L;
    private static final long S = 1_000 * MS;

    private static InetSocketAddress ep(String ip, int port) {
        return new InetSocketAddress(InetAddress.ofLiteral(ip), port);
    }

    private final InetSocketAddress lan = ep("198.51.100.2", 41641);
    private final InetSocketAddress wan = ep("198.18.0.2", 41641);

    private static List<PeerPath.Action.Ping> pings(List<PeerPath.Action> actions) {
        return actions.stream().filter(a -> a instanceof PeerPath.Action.Ping).map(a -> (PeerPath.Action.Ping) a).toList();
    }

    @Test
    void startsRelayedProbesEveryCandidateAndGoesDirectOnPong() {
        PeerPath p = new PeerPath();
        p.setReportedEndpoints(List.of(lan, wan));
        long t = 10 * S;
        List<PeerPath.Action> first = p.probeNow(t);
        assertNull(p.direct(), "no proof yet: relay");
        assertEquals(2, pings(first).size());
        assertTrue(first.stream().anyMatch(a -> a instanceof PeerPath.Action.CallMeMaybe));
        PeerPath.Action.Ping toWan = pings(first).stream().filter(a -> a.to().equals(wan)).findFirst().orElseThrow();
        assertTrue(p.onPong(wan, toWan.txid(), t + 3 * MS));
        assertEquals(wan, p.direct());
        assertEquals(3 * MS, p.latency());
    }

    @Test
    void pongFromTheWrongAddressOrWithAnUnknownTxidProvesNothing() {
        PeerPath p = new PeerPath();
        p.setReportedEndpoints(List.of(wan));
        PeerPath.Action.Ping ping = pings(p.probeNow(0)).get(0);
        assertFalse(p.onPong(lan, ping.txid(), 1 * MS));
        assertFalse(p.onPong(wan, new byte[12], 1 * MS));
        assertNull(p.direct());
        assertTrue(p.onPong(wan, ping.txid(), 2 * MS));
        assertFalse(p.onPong(wan, ping.txid(), 3 * MS), "a replayed pong is not a second proof");
    }

    @Test
    void heartbeatsKeepTheDirectPathAndSilenceEndsItWithinTheTrustTime() {
        PeerPath p = new PeerPath();
        p.setReportedEndpoints(List.of(wan));
        long t = 0;
        PeerPath.Action.Ping ping = pings(p.probeNow(t)).get(0);
        p.onPong(wan, ping.txid(), t + MS);
        // Traffic flows for 20 s; heartbeats are answered.
        for (t = MS; t < 20 * S; t += 100 * MS) {
            p.noteTraffic(t);
            for (PeerPath.Action.Ping hb : pings(p.tick(t))) {
                p.onPong(hb.to(), hb.txid(), t + MS);
            }
            assertEquals(wan, p.direct(), "still direct at " + t / MS + " ms");
        }
        // UDP blocked: heartbeats go unanswered.
        long blocked = t;
        while (p.direct() != null) {
            t += 100 * MS;
            p.noteTraffic(t);
            p.tick(t);
        }
        assertTrue(t - blocked <= PeerPath.TRUST_NANOS + 200 * MS, "fell back to the relay after " + (t - blocked) / MS + " ms");
        // While relayed and active it keeps probing every few seconds.
        long probesSeen = 0;
        for (long end = t + 12 * S; t < end; t += 100 * MS) {
            p.noteTraffic(t);
            probesSeen += pings(p.tick(t)).size();
        }
        assertTrue(probesSeen >= 2, "re-probed " + probesSeen + " times in 12 s");
    }

    @Test
    void aPingFromAnUnexpectedSourceIsLearnedAndPingedBack() {
        // The peer behind a hard NAT: its ping arrives from a port it never reported.
        PeerPath p = new PeerPath();
        p.setReportedEndpoints(List.of(wan));
        InetSocketAddress natted = ep("198.18.0.2", 61234);
        List<PeerPath.Action> actions = p.onPing(natted, new byte[12], 0);
        assertTrue(actions.get(0) instanceof PeerPath.Action.Pong pong && pong.to().equals(natted) && pong.observed().equals(natted));
        assertEquals(natted, pings(actions).get(0).to());
        assertTrue(p.candidates().contains(natted));
        assertTrue(p.onPong(natted, pings(actions).get(0).txid(), MS));
        assertEquals(natted, p.direct());
    }

    @Test
    void aClearlyFasterPathWinsButNotAMarginalOne() {
        PeerPath p = new PeerPath();
        p.setReportedEndpoints(List.of(wan, lan));
        List<PeerPath.Action.Ping> ps = pings(p.probeNow(0));
        PeerPath.Action.Ping toWan = ps.stream().filter(a -> a.to().equals(wan)).findFirst().orElseThrow();
        PeerPath.Action.Ping toLan = ps.stream().filter(a -> a.to().equals(lan)).findFirst().orElseThrow();
        p.onPong(wan, toWan.txid(), 10 * MS);
        assertEquals(wan, p.direct());
        p.onPong(lan, toLan.txid(), 11 * MS); // 11 ms: not clearly faster than 10 ms
        assertEquals(wan, p.direct());
        PeerPath.Action.Ping again = pings(p.onCallMeMaybe(List.of(lan), 20 * MS)).stream().findFirst().orElse(null);
        assertNull(again, "while trusted, a call-me-maybe only adds candidates");
    }

    @Test
    void idleRelayedPeersAreStillProbedEveryMinute() {
        PeerPath p = new PeerPath();
        p.setReportedEndpoints(List.of(wan));
        p.probeNow(0);
        int probes = 0;
        for (long t = 0; t < 130 * S; t += S) {
            probes += pings(p.tick(t + PeerPath.ACTIVE_NANOS + S)).size();
        }
        assertTrue(probes >= 2, "probes while idle: " + probes);
    }
}
