package dev.tsj.daemon.node;

import com.fasterxml.jackson.annotation.JsonInclude;
import java.util.List;

/**
 * What the user asked for with {@code tsj up}, kept in the state so a restarted daemon
 * comes back the same way. Flags left out of a later {@code up} keep their values, as in
 * Tailscale, except with {@code --reset}.
 *
 * @param wantRunning false after {@code tsj down}: the node stays registered but offline
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record Prefs(String loginServer, String hostname, List<String> advertiseRoutes, boolean acceptRoutes,
                   List<String> advertiseTags, boolean snatSubnetRoutes, boolean wantRunning) {
    public static final String DEFAULT_LOGIN_SERVER = "http://127.0.0.1:8080";

    public Prefs {
        advertiseRoutes = advertiseRoutes == null ? List.of() : List.copyOf(advertiseRoutes);
        advertiseTags = advertiseTags == null ? List.of() : List.copyOf(advertiseTags);
    }

    public static Prefs defaults() {
        return new Prefs(null, null, List.of(), false, List.of(), true, false);
    }

    public Prefs withWantRunning(boolean v) {
        return new Prefs(loginServer, hostname, advertiseRoutes, acceptRoutes, advertiseTags, snatSubnetRoutes, v);
    }
}
