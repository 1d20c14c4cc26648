package dev.tsj.tun.netstack;

/** Something that does work on every turn of an {@link EventLoop}. */
interface LoopParticipant {
    /** Takes in queued input (packets from other threads); returns whether there was any. */
    default boolean poll() {
        return false;
    }

    /** Whether input is waiting that {@link #poll()} would take: the loop must not sleep. */
    default boolean hasPendingInput() {
        return false;
    }

    /** Called at the end of each turn: send what the turn produced. */
    default void flush() {}
}
