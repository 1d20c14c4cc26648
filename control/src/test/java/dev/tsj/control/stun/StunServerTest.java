package dev.tsj.control.stun;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.EventLog;
import dev.tsj.control.TestServer;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The STUN responders on loopback: each port tells a socket the address it was seen from. */
class StunServerTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    private static Stun.BindingResponse ask(DatagramSocket s, int port) throws IOException {
        byte[] tx = Stun.newTransactionId();
        byte[] req = Stun.bindingRequest(tx);
        s.send(new DatagramPacket(req, req.length, LOOPBACK, port));
        byte[] buf = new byte[1500];
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        s.receive(p);
        assertTrue(Stun.isStun(buf, 0, p.getLength()));
        Stun.BindingResponse r = Stun.parseBindingResponse(buf, 0, p.getLength());
        assertNotNull(r);
        assertTrue(r.matches(tx));
        return r;
    }

    @Test
    void bothPortsAnswerWithTheSendersAddress() throws Exception {
        try (StunResponders st = StunResponders.start(LOOPBACK, 0, 0, EventLog.silent());
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            s.setSoTimeout(5000);
            assertNotEquals(st.port(), st.altPort());
            assertEquals(s.getLocalSocketAddress(), ask(s, st.port()).mapped());
            assertEquals(s.getLocalSocketAddress(), ask(s, st.altPort()).mapped());
            assertEquals(2, st.counters().requests());
        }
    }

    @Test
    void junkGetsNoAnswerAndIsCounted() throws Exception {
        try (StunResponders st = StunResponders.start(LOOPBACK, 0, null, EventLog.silent());
             DatagramSocket s = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            assertEquals(0, st.altPort());
            s.setSoTimeout(300);
            byte[] junk = "not stun at all, not at all".getBytes();
            s.send(new DatagramPacket(junk, junk.length, LOOPBACK, st.port()));
            assertThrows(SocketTimeoutException.class, () -> s.receive(new DatagramPacket(new byte[100], 100)));
            TestServer.await("counted", Duration.ofSeconds(5), () -> st.counters().malformed() == 1);
            s.setSoTimeout(5000);
            ask(s, st.port()); // still serving
        }
    }

    @Test
    void aNullPortMeansNoStun() throws Exception {
        try (StunResponders st = StunResponders.start(LOOPBACK, null, 0, EventLog.silent())) {
            assertEquals(0, st.port());
            assertEquals(0, st.altPort());
        }
    }

    @Test
    void aPortInUseIsAClearError() throws Exception {
        try (DatagramSocket taken = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0))) {
            IOException e = assertThrows(IOException.class,
                    () -> StunResponders.start(LOOPBACK, taken.getLocalPort(), null, EventLog.silent()));
            assertTrue(e.getMessage().startsWith("cannot bind the STUN port"), e.getMessage());
        }
    }
}
