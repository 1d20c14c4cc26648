package dev.tsj.tun.linux;

import java.io.IOException;

/**
 * A TUN device could not be created; the message is one line for the user and names the
 * way out (usually {@code --tun=userspace-networking}).
 */
public final class TunUnavailableException extends IOException {
    private static final long serialVersionUID = 1L;

    public TunUnavailableException(String message) {
        super(message);
    }
}
