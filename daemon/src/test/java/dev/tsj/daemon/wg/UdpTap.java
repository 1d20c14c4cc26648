package dev.tsj.daemon.wg;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketException;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A UDP relay on loopback placed between two devices: A sends to the tap, the tap
 * forwards to B and back, recording every datagram, so a test can replay or mangle real
 * WireGuard messages from the address B already trusts.
 */
final class UdpTap implements AutoCloseable {
    final DatagramSocket socket;
    private final InetSocketAddress b;
    private volatile InetSocketAddress a;
    final List<byte[]> towardB = new CopyOnWriteArrayList<>();
    private final Thread thread;

    UdpTap(InetSocketAddress b) throws SocketException {
        this.b = b;
        socket = new DatagramSocket(0, InetAddress.getLoopbackAddress());
        thread = new Thread(this::run, "udp-tap");
        thread.setDaemon(true);
        thread.start();
    }

    InetSocketAddress address() {
        return new InetSocketAddress(InetAddress.getLoopbackAddress(), socket.getLocalPort());
    }

    private void run() {
        byte[] buf = new byte[65536];
        while (!socket.isClosed()) {
            DatagramPacket p = new DatagramPacket(buf, buf.length);
            try {
                socket.receive(p);
                byte[] data = java.util.Arrays.copyOf(p.getData(), p.getLength());
                InetSocketAddress from = (InetSocketAddress) p.getSocketAddress();
                if (from.getPort() == b.getPort()) {
                    if (a != null) {
                        socket.send(new DatagramPacket(data, data.length, a));
                    }
                } else {
                    a = from;
                    if (towardB.size() < 10_000) {
                        towardB.add(data);
                    }
                    socket.send(new DatagramPacket(data, data.length, b));
                }
            } catch (IOException e) {
                return;
            }
        }
    }

    /** Sends raw bytes to B from the tap's address, as if A had sent them. */
    void inject(byte[] data) throws IOException {
        socket.send(new DatagramPacket(data, data.length, b));
    }

    @Override
    public void close() {
        socket.close();
    }
}
