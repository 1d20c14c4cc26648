package dev.tsj.crypto;

import static dev.tsj.crypto.TestVectors.hex;
import static dev.tsj.crypto.TestVectors.toHex;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The cacophony Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s vector, byte for byte: both
 * handshake messages from each side, the handshake hash, and the transport messages
 * that follow, sealed with the split keys and counters from zero (as WireGuard does).
 */
class NoiseVectorTest {

    @Test
    void reproducesCacophonyVectorByteForByte() {
        JsonNode v = TestVectors.load("noise/noise-ikpsk2.json").get("vectors").get(0);
        assertEquals("Noise_IKpsk2_25519_ChaChaPoly_BLAKE2s", v.get("protocol_name").asText());
        byte[] prologue = hex(v.get("init_prologue"));
        byte[] psk = hex(v.get("init_psks").get(0));
        JsonNode msgs = v.get("messages");

        NoiseIKpsk2 initiator = NoiseIKpsk2.initiator(prologue, hex(v.get("init_static")), hex(v.get("init_remote_static")), psk);
        NoiseIKpsk2 responder = NoiseIKpsk2.responder(hex(v.get("resp_prologue")), hex(v.get("resp_static")));

        byte[] payload1 = hex(msgs.get(0).get("payload"));
        byte[] m1 = new byte[NoiseIKpsk2.initiationLength(payload1.length)];
        int n1 = initiator.writeInitiation(hex(v.get("init_ephemeral")), payload1, m1, 0);
        assertEquals(m1.length, n1);
        assertEquals(msgs.get(0).get("ciphertext").asText(), toHex(m1));

        byte[] got1 = responder.readInitiation(m1, 0, m1.length);
        assertNotNull(got1);
        assertEquals(toHex(payload1), toHex(got1));
        assertEquals(toHex(X25519.publicKey(hex(v.get("init_static")))), toHex(responder.remoteStatic()));
        responder.setPresharedKey(hex(v.get("resp_psks").get(0)));

        byte[] payload2 = hex(msgs.get(1).get("payload"));
        byte[] m2 = new byte[NoiseIKpsk2.responseLength(payload2.length)];
        assertEquals(m2.length, responder.writeResponse(hex(v.get("resp_ephemeral")), payload2, m2, 0));
        assertEquals(msgs.get(1).get("ciphertext").asText(), toHex(m2));
        byte[] got2 = initiator.readResponse(m2, 0, m2.length);
        assertNotNull(got2);
        assertEquals(toHex(payload2), toHex(got2));

        assertEquals(v.get("handshake_hash").asText(), toHex(initiator.handshakeHash()));
        assertEquals(v.get("handshake_hash").asText(), toHex(responder.handshakeHash()));

        TransportKeys ik = initiator.split();
        TransportKeys rk = responder.split();
        long[] counters = new long[2];
        ChaChaPoly aead = new ChaChaPoly();
        for (int i = 2; i < msgs.size(); i++) {
            boolean fromInitiator = i % 2 == 0;
            TransportKeys sender = fromInitiator ? ik : rk;
            TransportKeys receiver = fromInitiator ? rk : ik;
            long counter = counters[fromInitiator ? 0 : 1]++;
            byte[] p = hex(msgs.get(i).get("payload"));
            byte[] c = new byte[p.length + 16];
            aead.seal(sender.send(), counter, null, p, 0, p.length, c, 0);
            assertEquals(msgs.get(i).get("ciphertext").asText(), toHex(c), "transport message " + i);
            byte[] back = new byte[c.length];
            int n = aead.open(receiver.receive(), counter, null, c, 0, c.length, back, 0);
            assertEquals(toHex(p), toHex(Arrays.copyOf(back, n)));
        }
    }
}
