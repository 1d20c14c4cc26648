package dev.tsj.control.relay;

import dev.tsj.control.core.ControlError;
import dev.tsj.control.core.Core;
import dev.tsj.crypto.PublicKey;

/** The embedded relay's admission: asks the tailnet core whether the key is a current node's. */
public final class CoreAdmission implements Admission {
    private final Core core;

    public CoreAdmission(Core core) {
        this.core = core;
    }

    @Override
    public Verdict check(PublicKey nodeKey) {
        try {
            return core.call((t, a) -> t.relayAdmits(nodeKey)) ? Verdict.ADMIT : Verdict.REFUSE;
        } catch (ControlError e) {
            return Verdict.UNAVAILABLE;
        }
    }
}
