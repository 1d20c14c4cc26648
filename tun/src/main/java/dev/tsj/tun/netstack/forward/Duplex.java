package dev.tsj.tun.netstack.forward;

import dev.tsj.tun.netstack.TcpStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/**
 * One end of a relayed byte stream, whatever carries it: a connection of the userspace
 * stack or a host socket. Blocking; meant for one virtual thread per direction.
 */
public interface Duplex extends AutoCloseable {
    InputStream in() throws IOException;

    OutputStream out() throws IOException;

    /** Half-close: the peer reads end of stream; this end may still read. */
    void shutdownOutput() throws IOException;

    /** Resets instead of closing gracefully (RST). */
    void abort();

    @Override
    void close();

    static Duplex of(TcpStream s) {
        return new Duplex() {
            @Override public InputStream in() { return s.getInputStream(); }
            @Override public OutputStream out() { return s.getOutputStream(); }
            @Override public void shutdownOutput() { s.shutdownOutput(); }
            @Override public void abort() { s.abort(); }
            @Override public void close() { s.close(); }
            @Override public String toString() { return "tailnet " + s.remoteAddress(); }
        };
    }

    static Duplex of(Socket s) {
        return new Duplex() {
            @Override public InputStream in() throws IOException { return s.getInputStream(); }
            @Override public OutputStream out() throws IOException { return s.getOutputStream(); }
            @Override public void shutdownOutput() throws IOException { s.shutdownOutput(); }

            @Override
            public void abort() {
                try {
                    s.setSoLinger(true, 0); // close() then sends RST
                } catch (IOException ignored) {
                    // already closed
                }
                close();
            }

            @Override
            public void close() {
                try {
                    s.close();
                } catch (IOException ignored) {
                    // nothing left to release
                }
            }

            @Override public String toString() { return "host " + s.getRemoteSocketAddress(); }
        };
    }
}
