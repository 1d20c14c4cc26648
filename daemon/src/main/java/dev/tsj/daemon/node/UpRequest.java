package dev.tsj.daemon.node;

import java.util.List;

/**
 * The flags of one {@code tsj up}. Null fields were not given and keep their stored value
 * (unless {@code reset}); the auth key is never stored.
 */
public record UpRequest(String loginServer, String authKey, String hostname, List<String> advertiseRoutes,
                        Boolean acceptRoutes, List<String> advertiseTags, Boolean snatSubnetRoutes,
                        boolean reset, long timeoutMillis) {

    /** Applies this request to the stored preferences. */
    Prefs merge(Prefs stored) {
        Prefs base = reset || stored == null ? Prefs.defaults() : stored;
        return new Prefs(
                loginServer != null ? loginServer : base.loginServer() != null ? base.loginServer() : Prefs.DEFAULT_LOGIN_SERVER,
                hostname != null ? hostname : base.hostname(),
                advertiseRoutes != null ? advertiseRoutes : base.advertiseRoutes(),
                acceptRoutes != null ? acceptRoutes : base.acceptRoutes(),
                advertiseTags != null ? advertiseTags : base.advertiseTags(),
                snatSubnetRoutes != null ? snatSubnetRoutes : base.snatSubnetRoutes(),
                true);
    }

    @Override
    public String toString() {
        return "UpRequest[loginServer=" + loginServer + ", authKey=" + (authKey == null ? null : "<redacted>")
                + ", hostname=" + hostname + ", routes=" + advertiseRoutes + ", acceptRoutes=" + acceptRoutes + "]";
    }
}
