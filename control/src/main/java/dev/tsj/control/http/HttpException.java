package dev.tsj.control.http;

import java.io.IOException;

/** A request the front door refuses, with the status to answer. */
public final class HttpException extends IOException {
    private final int status;

    public HttpException(int status, String message) {
        super(message);
        this.status = status;
    }

    public int status() {
        return status;
    }
}
