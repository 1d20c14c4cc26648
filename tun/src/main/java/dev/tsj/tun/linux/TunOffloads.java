package dev.tsj.tun.linux;

/**
 * What a {@link LinuxTun} negotiated with the kernel. With {@code vnetHdr} every packet crosses
 * the file descriptor behind a virtio-net header; {@code tso} means the kernel hands over TCP
 * super-packets (IPv4 and IPv6, with checksum offload) and {@code uso} UDP ones (Linux 6.2+).
 * Writes may coalesce TCP whenever {@code vnetHdr} is on, UDP only with {@code uso}.
 */
public record TunOffloads(boolean vnetHdr, boolean tso, boolean uso) {
    public static final TunOffloads NONE = new TunOffloads(false, false, false);

    @Override
    public String toString() {
        if (!vnetHdr) return "none";
        return "vnet-hdr" + (tso ? "+tso" : "") + (uso ? "+uso" : "");
    }
}
