package dev.tsj.crypto;

/** The pair of transport keys a finished handshake yields, from this side's point of view. */
public final class TransportKeys {
    private final AeadKey send;
    private final AeadKey receive;

    TransportKeys(byte[] send, byte[] receive) {
        this.send = new AeadKey(send);
        this.receive = new AeadKey(receive);
    }

    public AeadKey send() {
        return send;
    }

    public AeadKey receive() {
        return receive;
    }

    /** Zeroes both keys (WireGuard zeroes retired keypairs). */
    public void destroy() {
        send.destroy();
        receive.destroy();
    }
}
