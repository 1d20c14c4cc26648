package dev.tsj.control.noise;

import java.io.IOException;

/** A message longer than the reader allows. */
public final class MessageTooLargeException extends IOException {
    public MessageTooLargeException(int max) {
        super("message larger than " + max + " bytes");
    }
}
