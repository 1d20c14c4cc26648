package dev.tsj.control.relay.proto;

import java.io.IOException;

/** The other side broke the relay protocol (bad length, wrong frame, bad proof); the connection closes. */
public final class ProtocolException extends IOException {
    public ProtocolException(String message) {
        super(message);
    }
}
