package dev.tsj.control.relay.proto;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import dev.tsj.crypto.PrivateKey;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The key proof: only the node key's holder makes it, only for this challenge and relay. */
class RelayHandshakeTest {
    private final PrivateKey relay = PrivateKey.generate();
    private final PrivateKey node = PrivateKey.generate();
    private final byte[] challenge = RelayHandshake.newChallenge();

    private static byte[] payload(byte[] frame) {
        return Arrays.copyOfRange(frame, RelayProto.FRAME_HEADER, frame.length);
    }

    private byte[] clientInfo(PrivateKey relayKey, byte[] ch, RelayHandshake.SessionKeys[] keys) throws Exception {
        RelayHandshake.ServerKey sk = RelayHandshake.parseServerKey(payload(RelayHandshake.serverKeyFrame(
                relayKey.publicKey(), ch)));
        return payload(RelayHandshake.clientInfoFrame(node, sk, keys));
    }

    @Test
    void aProofOpensAndTheServerInfoComesBackSealed() throws Exception {
        RelayHandshake.SessionKeys[] clientKeys = new RelayHandshake.SessionKeys[1];
        RelayHandshake.ClientProof proof = RelayHandshake.openClientInfo(relay, challenge,
                clientInfo(relay, challenge, clientKeys));
        assertNotNull(proof);
        assertEquals(node.publicKey(), proof.nodeKey());
        ServerInfo info = new ServerInfo(1, Duration.ofSeconds(3), "fra");
        ServerInfo back = RelayHandshake.openServerInfo(clientKeys[0],
                payload(RelayHandshake.serverInfoFrame(proof.keys(), info)));
        assertEquals(info, back);
    }

    @Test
    void aProofForAnotherChallengeOrRelayDoesNotOpen() throws Exception {
        byte[] info = clientInfo(relay, challenge, new RelayHandshake.SessionKeys[1]);
        assertNull(RelayHandshake.openClientInfo(relay, RelayHandshake.newChallenge(), info));
        assertNull(RelayHandshake.openClientInfo(PrivateKey.generate(), challenge, info));
    }

    @Test
    void aProofClaimingAnotherKeyDoesNotOpen() throws Exception {
        byte[] info = clientInfo(relay, challenge, new RelayHandshake.SessionKeys[1]);
        PrivateKey.generate().publicKey().copyTo(info, 0);
        assertNull(RelayHandshake.openClientInfo(relay, challenge, info));
        assertNull(RelayHandshake.openClientInfo(relay, challenge, Arrays.copyOf(info, info.length - 1)));
    }

    @Test
    void aServerInfoFromAnImpostorIsRefused() throws Exception {
        RelayHandshake.SessionKeys[] clientKeys = new RelayHandshake.SessionKeys[1];
        clientInfo(relay, challenge, clientKeys);
        // an impostor that relays the client's proof cannot seal server info without the relay's key
        RelayHandshake.SessionKeys[] other = new RelayHandshake.SessionKeys[1];
        clientInfo(PrivateKey.generate(), challenge, other);
        byte[] forged = payload(RelayHandshake.serverInfoFrame(other[0], new ServerInfo(1, Duration.ofSeconds(3), "x")));
        assertThrows(ProtocolException.class, () -> RelayHandshake.openServerInfo(clientKeys[0], forged));
    }

    @Test
    void aServerKeyFrameWithoutTheMagicIsNotARelay() {
        byte[] p = payload(RelayHandshake.serverKeyFrame(relay.publicKey(), challenge));
        p[0] = 'X';
        assertThrows(ProtocolException.class, () -> RelayHandshake.parseServerKey(p));
        assertThrows(ProtocolException.class, () -> RelayHandshake.parseServerKey(new byte[5]));
    }
}
