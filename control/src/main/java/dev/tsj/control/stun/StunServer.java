package dev.tsj.control.stun;

import dev.tsj.control.EventLog;
import dev.tsj.control.api.IpLiterals;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;

/**
 * A STUN responder on one UDP port: answers each Binding request with the address and
 * port it came from, and drops anything else without a word (an answer to junk would
 * make the server a reflector). One thread, one receive buffer, one send buffer.
 */
public final class StunServer implements AutoCloseable {
    private final DatagramChannel channel;
    private final StunCounters counters;
    private final EventLog log;
    private final InetSocketAddress bound;
    private final Thread thread;

    private StunServer(DatagramChannel channel, StunCounters counters, EventLog log) throws IOException {
        this.channel = channel;
        this.counters = counters;
        this.log = log;
        this.bound = (InetSocketAddress) channel.getLocalAddress();
        this.thread = Thread.ofPlatform().daemon(true).name("stun-" + bound.getPort()).start(this::serve);
    }

    /**
     * Binds {@code address} (port 0: any free port). A wildcard IPv4 address binds the
     * dual-stack wildcard when the host has IPv6, so both families are answered.
     */
    public static StunServer start(InetSocketAddress address, StunCounters counters, EventLog log) throws IOException {
        boolean wildcard = address.getAddress().isAnyLocalAddress();
        DatagramChannel ch = wildcard ? DatagramChannel.open()
                : DatagramChannel.open(address.getAddress() instanceof java.net.Inet6Address
                        ? java.net.StandardProtocolFamily.INET6 : java.net.StandardProtocolFamily.INET);
        try {
            // No SO_REUSEADDR: on Linux it would let a second server share the port silently.
            ch.bind(wildcard ? new InetSocketAddress(address.getPort()) : address);
            return new StunServer(ch, counters, log);
        } catch (IOException | RuntimeException e) {
            ch.close();
            throw e;
        }
    }

    public InetSocketAddress address() {
        return bound;
    }

    private void serve() {
        ByteBuffer in = ByteBuffer.allocate(1500);
        ByteBuffer out = ByteBuffer.allocate(Stun.MAX_MESSAGE);
        while (channel.isOpen()) {
            try {
                in.clear();
                SocketAddress from = channel.receive(in);
                if (!(from instanceof InetSocketAddress sender)) {
                    continue;
                }
                if (!Stun.isBindingRequest(in.array(), 0, in.position())) {
                    counters.malformed.increment();
                    continue;
                }
                int n = Stun.writeBindingResponse(in.array(), 0, sender, out.array(), 0);
                out.clear().limit(n);
                // counted before the send, so a reader that has the reply also sees the count
                counters.requests.increment();
                channel.send(out, sender);
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException e) {
                // an ICMP error from an earlier send surfaces here; keep serving
                if (!channel.isOpen()) {
                    return;
                }
            }
        }
    }

    @Override
    public void close() {
        try {
            channel.close();
        } catch (IOException e) {
            log.warn("stun.close_failed", "port", IpLiterals.formatEndpoint(address()), "error", e.getMessage());
        }
        thread.interrupt();
    }
}
