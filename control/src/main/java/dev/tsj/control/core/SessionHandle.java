package dev.tsj.control.core;

import dev.tsj.control.api.ErrorMessage;

/**
 * What the core needs of a map session: a way to tell it that the change log moved, and a
 * way to end it (the server implements this over the encrypted channel).
 */
public interface SessionHandle {
    /** Called on the core thread after a change was appended; must not block. */
    void wake();

    /** Ends the session, sending {@code why} first when not null; must not block. */
    void terminate(ErrorMessage why);
}
