package dev.tsj.tun.netstack;

/**
 * A re-armable deadline owned by one object on the loop (a connection's retransmission
 * timer, say). Allocated once and armed many times: arming later than the deadline the
 * heap already holds costs nothing, because the heap fires early and re-files it (the
 * trick that lets every ACK push the retransmission deadline out without heap work).
 */
final class Timer {
    static final long DISARMED = Long.MAX_VALUE;

    final Runnable action;
    /** When the owner wants the action to run; {@link #DISARMED} when it does not. */
    long deadline = DISARMED;
    /** The key this timer is filed under in the heap (at most {@link #deadline}). */
    long heapKey;
    int heapIndex = -1;

    Timer(Runnable action) {
        this.action = action;
    }

    boolean armed() {
        return deadline != DISARMED;
    }
}
