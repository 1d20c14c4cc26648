package dev.tsj.tun.netstack;

import io.netty.buffer.ByteBuf;

/** The echo reply a forwarded ping will get if its target turns out to be alive. */
public final class EchoReply {
    private final NetStack stack;
    private final IpAddress from;
    private final IpAddress to;
    /** The request's identifier, sequence number and data (everything after the type/code/checksum). */
    private final byte[] body;

    EchoReply(NetStack stack, IpAddress from, IpAddress to, byte[] body) {
        this.stack = stack;
        this.from = from;
        this.to = to;
        this.body = body;
    }

    /** Sends the reply, as if from the target; callable once from any thread. */
    public void send() {
        boolean v4 = from.isV4();
        int proto = v4 ? Spec.IPPROTO_ICMP : Spec.IPPROTO_ICMPV6;
        ByteBuf b = IpWriter.begin(stack.alloc, from.hi(), from.lo(), to.hi(), to.lo(), proto, 4 + body.length, 0);
        b.writeByte(v4 ? Spec.ICMP_ECHOREPLY : Spec.ICMP6_ECHO_REPLY);
        b.writeByte(0);
        b.writeShort(0);
        b.writeBytes(body);
        IpWriter.finishChecksum(b, from.hi(), from.lo(), to.hi(), to.lo(), proto, 2);
        stack.emitFromAnyThread(b);
    }
}
