package dev.tsj.tun.linux;

import static org.junit.jupiter.api.Assertions.*;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class OffloadNegotiationTest {
    private static final int ALL = OffloadNegotiation.TCP_OFFLOADS | OffloadNegotiation.UDP_OFFLOADS;

    @Test
    void takesEverythingWhenTheKernelDoes() {
        List<Integer> asked = new ArrayList<>();
        TunOffloads o = OffloadNegotiation.negotiate(f -> asked.add(f));
        assertEquals(new TunOffloads(true, true, true), o);
        assertEquals(List.of(ALL), asked);
    }

    @Test
    void fallsBackToTcpOnlyOnKernelsWithoutUso() {
        List<Integer> asked = new ArrayList<>();
        TunOffloads o = OffloadNegotiation.negotiate(f -> asked.add(f) && f == OffloadNegotiation.TCP_OFFLOADS);
        assertEquals(new TunOffloads(true, true, false), o);
        assertEquals(List.of(ALL, OffloadNegotiation.TCP_OFFLOADS), asked);
        assertEquals("vnet-hdr+tso", o.toString());
    }

    @Test
    void fallsBackToNoneAndKeepsTheVnetHeader() {
        List<Integer> asked = new ArrayList<>();
        TunOffloads o = OffloadNegotiation.negotiate(f -> asked.add(f) && f == 0);
        assertEquals(new TunOffloads(true, false, false), o);
        assertEquals(List.of(ALL, OffloadNegotiation.TCP_OFFLOADS, 0), asked);
    }
}
