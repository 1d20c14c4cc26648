package dev.tsj.tun.netstack.forward;

import dev.tsj.tun.netstack.UdpAcceptor;
import dev.tsj.tun.netstack.UdpFlow;
import dev.tsj.tun.netstack.UdpFlowHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.PortUnreachableException;
import java.net.StandardProtocolFamily;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.function.Function;

/**
 * Relays UDP flows from the tailnet through host sockets: each new flow gets a host
 * datagram socket connected to its target, datagrams go out through it, replies come
 * back as the flow's local address. The stack forgets idle flows (its UDP idle timeout),
 * which closes the host socket too.
 */
public final class UdpForwarder implements UdpAcceptor {
    private static final System.Logger LOG = System.getLogger(UdpForwarder.class.getName());
    /** Datagrams waiting for the host socket per flow; more are dropped, as a full socket buffer would. */
    private static final int QUEUE = 256;

    private final Function<UdpFlow, InetSocketAddress> target;

    /** @param target maps a new flow to the host address to relay it to, or null to drop it */
    public UdpForwarder(Function<UdpFlow, InetSocketAddress> target) {
        this.target = target;
    }

    @Override
    public UdpFlowHandler onNewFlow(UdpFlow flow) {
        InetSocketAddress to = target.apply(flow);
        if (to == null) return null;
        try {
            DatagramChannel channel = DatagramChannel.open(to.getAddress() instanceof java.net.Inet6Address
                    ? StandardProtocolFamily.INET6 : StandardProtocolFamily.INET);
            channel.connect(to);
            return new HostLeg(flow, channel);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.DEBUG, () -> "netstack: UDP forward " + flow + " -> " + to + " failed: " + e.getMessage());
            return null;
        }
    }

    /** The host side of one flow: a writer and a reader thread around a connected datagram socket. */
    private static final class HostLeg implements UdpFlowHandler {
        private static final byte[] STOP = new byte[0];
        private final DatagramChannel channel;
        private final BlockingQueue<byte[]> toHost = new ArrayBlockingQueue<>(QUEUE);

        HostLeg(UdpFlow flow, DatagramChannel channel) {
            this.channel = channel;
            Thread.ofVirtual().name("udp-forward-out").start(this::writeLoop);
            Thread.ofVirtual().name("udp-forward-in").start(() -> readLoop(flow));
        }

        @Override
        public void onDatagram(UdpFlow flow, ByteBuffer payload) {
            byte[] copy = new byte[payload.remaining()];
            payload.get(copy);
            toHost.offer(copy);
        }

        @Override
        public void onClosed(UdpFlow flow) {
            toHost.clear();
            toHost.offer(STOP);
            try {
                channel.close();
            } catch (IOException ignored) {
                // closing anyway
            }
        }

        private void writeLoop() {
            try {
                while (true) {
                    byte[] d = toHost.take();
                    if (d == STOP) return;
                    try {
                        channel.write(ByteBuffer.wrap(d));
                    } catch (PortUnreachableException e) {
                        // the target said no for an earlier datagram; UDP carries on
                    }
                }
            } catch (IOException | InterruptedException e) {
                // channel closed with the flow
            }
        }

        private void readLoop(UdpFlow flow) {
            ByteBuffer buf = ByteBuffer.allocate(65535);
            while (channel.isOpen()) {
                try {
                    buf.clear();
                    channel.read(buf);
                    buf.flip();
                } catch (PortUnreachableException e) {
                    continue; // ICMP from the target: keep listening, as a connected UDP socket would
                } catch (IOException e) {
                    return; // closed with the flow
                }
                try {
                    flow.send(buf);
                } catch (IOException e) {
                    // too large for the tunnel, or the flow just closed: the datagram is dropped
                }
            }
        }
    }
}
