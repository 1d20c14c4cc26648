package dev.tsj.tun.linux;

/**
 * Counters of a {@link LinuxTun} since it was opened.
 *
 * @param packetsRead packets handed to readers (segments of a super-packet count one each)
 * @param superPacketsRead TSO/USO super-packets the kernel handed over and that were split
 * @param readsDropped reads dropped as malformed, or segments that did not fit a buffer
 * @param packetsWritten packets the kernel accepted
 * @param superPacketsWritten GSO super-packets written (each carried several packets)
 * @param writesDropped packets the kernel refused (interface down, no memory, malformed)
 */
public record TunStats(long packetsRead, long superPacketsRead, long readsDropped,
                       long packetsWritten, long superPacketsWritten, long writesDropped) {}
