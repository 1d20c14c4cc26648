package dev.tsj.tun.netstack;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/** Real host-side servers on loopback for forwarder and proxy tests. */
final class HostServers {
    private HostServers() {}

    static final InetAddress LOOPBACK = InetAddress.ofLiteral("127.0.0.1");

    /** A TCP echo server; records each client's address. Close it to stop. */
    static final class TcpEcho implements AutoCloseable {
        final ServerSocket server;
        final List<SocketAddress> clients = new CopyOnWriteArrayList<>();

        TcpEcho() throws IOException {
            server = new ServerSocket(0, 512, LOOPBACK);
            Thread.ofVirtual().start(() -> {
                while (!server.isClosed()) {
                    try {
                        Socket s = server.accept();
                        clients.add(s.getRemoteSocketAddress());
                        Thread.ofVirtual().start(() -> echo(s));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return server.getLocalPort();
        }

        private static void echo(Socket s) {
            try (s) {
                InputStream in = s.getInputStream();
                OutputStream out = s.getOutputStream();
                byte[] buf = new byte[16384];
                int n;
                while ((n = in.read(buf)) > 0) out.write(buf, 0, n);
                s.shutdownOutput();
            } catch (IOException ignored) {
                // client went away
            }
        }

        @Override
        public void close() throws IOException {
            server.close();
        }
    }

    /** A UDP server answering each datagram with "echo:" + its payload. */
    static final class UdpEcho implements AutoCloseable {
        final DatagramSocket socket;

        UdpEcho() throws IOException {
            socket = new DatagramSocket(new InetSocketAddress(LOOPBACK, 0));
            Thread.ofVirtual().start(() -> {
                byte[] buf = new byte[2048];
                while (!socket.isClosed()) {
                    try {
                        DatagramPacket p = new DatagramPacket(buf, buf.length);
                        socket.receive(p);
                        byte[] reply = ("echo:" + new String(p.getData(), 0, p.getLength())).getBytes();
                        socket.send(new DatagramPacket(reply, reply.length, p.getSocketAddress()));
                    } catch (IOException e) {
                        return;
                    }
                }
            });
        }

        int port() {
            return socket.getLocalPort();
        }

        @Override
        public void close() {
            socket.close();
        }
    }

    /** A loopback port with nothing listening on it (bound, then released). */
    static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, LOOPBACK)) {
            return s.getLocalPort();
        }
    }
}
