package dev.tsj.tun.netstack.proxy;

import dev.tsj.tun.netstack.forward.Duplex;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;

/** A proxy client's socket as a {@link Duplex}, reading through the buffer the handshake already filled. */
final class ClientDuplex implements Duplex {
    private final Socket socket;
    private final InputStream in;
    private final Duplex plain;

    ClientDuplex(Socket socket, InputStream bufferedIn) {
        this.socket = socket;
        this.in = bufferedIn;
        this.plain = Duplex.of(socket);
    }

    @Override
    public InputStream in() {
        return in;
    }

    @Override
    public OutputStream out() throws IOException {
        return socket.getOutputStream();
    }

    @Override
    public void shutdownOutput() throws IOException {
        socket.shutdownOutput();
    }

    @Override
    public void abort() {
        plain.abort();
    }

    @Override
    public void close() {
        plain.close();
    }
}
