package dev.tsj.control.noise;

import dev.tsj.crypto.AeadKey;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import dev.tsj.crypto.X25519;
import java.util.Arrays;

/**
 * Noise_IK_25519_ChaChaPoly_BLAKE2s, free of I/O: the node (initiator) knows the server's
 * static key in advance and proves its own (the machine key) in the first message; the
 * server answers with the second. Pattern:
 * <pre>
 *   &lt;- s
 *   ...
 *   -&gt; e, es, s, ss
 *   &lt;- e, ee, se
 * </pre>
 */
public final class NoiseIK {
    private NoiseIK() {}

    /** The two transport directions after a completed handshake. */
    public record Transport(NoiseCipher sender, NoiseCipher receiver, PublicKey remoteStatic) {}

    private static byte[] dh(byte[] priv, byte[] pub) throws HandshakeException {
        byte[] out = new byte[NoiseSpec.DH_LEN];
        if (!X25519.sharedSecret(priv, pub, out)) {
            throw new HandshakeException("handshake key agreement failed");
        }
        return out;
    }

    /** The node's side. */
    public static final class Initiator {
        private final SymmetricState ss = new SymmetricState();
        private final PrivateKey s;
        private final PublicKey rs;
        private PrivateKey e;

        public Initiator(PrivateKey staticKey, PublicKey serverKey) {
            this.s = staticKey;
            this.rs = serverKey;
            ss.mixHash(rs.bytes());
        }

        /** -&gt; e, es, s, ss, with an encrypted payload. */
        public byte[] writeMessage1(byte[] payload) throws HandshakeException {
            e = PrivateKey.generate();
            byte[] ePub = e.publicKey().bytes();
            ss.mixHash(ePub);
            byte[] ePriv = e.bytes();
            byte[] rsb = rs.bytes();
            ss.mixKey(dh(ePriv, rsb));
            byte[] encS = ss.encryptAndHash(s.publicKey().bytes());
            byte[] sPriv = s.bytes();
            ss.mixKey(dh(sPriv, rsb));
            Arrays.fill(sPriv, (byte) 0);
            Arrays.fill(ePriv, (byte) 0);
            byte[] encP = ss.encryptAndHash(payload);
            byte[] out = new byte[ePub.length + encS.length + encP.length];
            System.arraycopy(ePub, 0, out, 0, ePub.length);
            System.arraycopy(encS, 0, out, ePub.length, encS.length);
            System.arraycopy(encP, 0, out, ePub.length + encS.length, encP.length);
            return out;
        }

        /** &lt;- e, ee, se: completes the handshake. The payload must be empty. */
        public Transport readMessage2(byte[] msg) throws HandshakeException {
            if (msg.length < NoiseSpec.DH_LEN + NoiseSpec.TAG_LEN) {
                throw new HandshakeException("server handshake message too short");
            }
            byte[] re = Arrays.copyOf(msg, NoiseSpec.DH_LEN);
            ss.mixHash(re);
            byte[] ePriv = e.bytes();
            ss.mixKey(dh(ePriv, re));
            byte[] sPriv = s.bytes();
            ss.mixKey(dh(sPriv, re));
            Arrays.fill(sPriv, (byte) 0);
            Arrays.fill(ePriv, (byte) 0);
            e.destroy();
            ss.decryptAndHash(Arrays.copyOfRange(msg, NoiseSpec.DH_LEN, msg.length));
            AeadKey[] k = ss.split();
            return new Transport(new NoiseCipher(k[0]), new NoiseCipher(k[1]), rs);
        }
    }

    /** The server's side, created from the node's first message. */
    public static final class Responder {
        private final SymmetricState ss = new SymmetricState();
        private final PrivateKey s;
        private final byte[] re;
        private final PublicKey rs;
        private final byte[] payload;

        /** Reads -&gt; e, es, s, ss; throws if it does not verify against our static key. */
        public Responder(PrivateKey staticKey, byte[] msg1) throws HandshakeException {
            this.s = staticKey;
            int min = NoiseSpec.DH_LEN + NoiseSpec.DH_LEN + NoiseSpec.TAG_LEN + NoiseSpec.TAG_LEN;
            if (msg1.length < min) {
                throw new HandshakeException("handshake message too short");
            }
            ss.mixHash(s.publicKey().bytes());
            re = Arrays.copyOf(msg1, NoiseSpec.DH_LEN);
            ss.mixHash(re);
            byte[] sPriv = s.bytes();
            try {
                ss.mixKey(dh(sPriv, re));
                int sEnd = NoiseSpec.DH_LEN + NoiseSpec.DH_LEN + NoiseSpec.TAG_LEN;
                byte[] rsBytes = ss.decryptAndHash(Arrays.copyOfRange(msg1, NoiseSpec.DH_LEN, sEnd));
                rs = new PublicKey(rsBytes);
                ss.mixKey(dh(sPriv, rsBytes));
                payload = ss.decryptAndHash(Arrays.copyOfRange(msg1, sEnd, msg1.length));
            } finally {
                Arrays.fill(sPriv, (byte) 0);
            }
        }

        /** The initiator's static key: the node's machine key, now authenticated. */
        public PublicKey remoteStatic() {
            return rs;
        }

        public byte[] payload() {
            return payload.clone();
        }

        /** &lt;- e, ee, se with an empty payload; completes the handshake. */
        public byte[] writeMessage2(Transport[] out) throws HandshakeException {
            PrivateKey e = PrivateKey.generate();
            byte[] ePub = e.publicKey().bytes();
            ss.mixHash(ePub);
            byte[] ePriv = e.bytes();
            ss.mixKey(dh(ePriv, re));
            ss.mixKey(dh(ePriv, rs.bytes()));
            Arrays.fill(ePriv, (byte) 0);
            e.destroy();
            byte[] encP = ss.encryptAndHash(new byte[0]);
            AeadKey[] k = ss.split();
            out[0] = new Transport(new NoiseCipher(k[1]), new NoiseCipher(k[0]), rs);
            byte[] msg = new byte[ePub.length + encP.length];
            System.arraycopy(ePub, 0, msg, 0, ePub.length);
            System.arraycopy(encP, 0, msg, ePub.length, encP.length);
            return msg;
        }
    }
}
