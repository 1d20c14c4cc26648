package dev.tsj.cli.containerboot;

import java.util.List;
import java.util.Locale;

/** The environment variables containerboot reads: the names users set in a pod spec. */
final class BootEnv {
    private BootEnv() {}

    static final String AUTH_KEY = "TSJ_AUTH_KEY";
    static final String LOGIN_SERVER = "TSJ_LOGIN_SERVER";
    static final String HOSTNAME = "TSJ_HOSTNAME";
    static final String ROUTES = "TSJ_ROUTES";
    static final String ACCEPT_ROUTES = "TSJ_ACCEPT_ROUTES";
    static final String USERSPACE = "TSJ_USERSPACE";
    static final String STATE = "TSJ_STATE";
    static final String KUBE_SECRET = "TSJ_KUBE_SECRET";
    static final String SOCKS5_SERVER = "TSJ_SOCKS5_SERVER";
    static final String HTTP_PROXY_LISTEN = "TSJ_OUTBOUND_HTTP_PROXY_LISTEN";
    static final String DEST_IP = "TSJ_DEST_IP";
    static final String EXTRA_ARGS = "TSJ_EXTRA_ARGS";
    static final String DAEMON_EXTRA_ARGS = "TSJ_DAEMON_EXTRA_ARGS";
    static final String AUTH_ONCE = "TSJ_AUTH_ONCE";
    static final String HEALTH_ADDR = "TSJ_HEALTH_ADDR";
    static final String SOCKET = "TSJ_SOCKET";
    /** Extra JVM flags, for containerboot (through the launcher) and for the daemon it starts. */
    static final String JAVA_OPTS = "TSJ_JAVA_OPTS";

    /** Read elsewhere: the launcher, logging, the kube store. Known, so not reported as typos. */
    static final List<String> OTHERS = List.of(JAVA_OPTS, "TSJ_LOG", "TSJ_KUBE_SERVICEACCOUNT_DIR");

    static final List<String> ALL = List.of(AUTH_KEY, LOGIN_SERVER, HOSTNAME, ROUTES, ACCEPT_ROUTES, USERSPACE, STATE,
            KUBE_SECRET, SOCKS5_SERVER, HTTP_PROXY_LISTEN, DEST_IP, EXTRA_ARGS, DAEMON_EXTRA_ARGS, AUTH_ONCE, HEALTH_ADDR, SOCKET);

    static final String DEFAULT_KUBE_SECRET = "tsj";
    static final String DEFAULT_SOCKET = "/var/run/tsj/tsjd.sock";

    /** Go's strconv.ParseBool, which Tailscale's image uses for its TS_* switches. */
    static Boolean parseBool(String name, String value) throws BootConfigException {
        if (value == null || value.isEmpty()) {
            return null;
        }
        return switch (value) {
            case "1", "t", "T", "true", "TRUE", "True" -> true;
            case "0", "f", "F", "false", "FALSE", "False" -> false;
            default -> throw new BootConfigException(name + "=\"" + value + "\" is not true or false");
        };
    }

    /** Upper-case TS_ names a Tailscale user may carry over, and what tsj reads instead. */
    static String tsjNameFor(String tailscaleName) {
        return switch (tailscaleName.toUpperCase(Locale.ROOT)) {
            case "TS_AUTHKEY", "TS_AUTH_KEY" -> AUTH_KEY;
            case "TS_ROUTES" -> ROUTES;
            case "TS_HOSTNAME" -> HOSTNAME;
            case "TS_USERSPACE" -> USERSPACE;
            case "TS_DEST_IP" -> DEST_IP;
            case "TS_EXTRA_ARGS" -> EXTRA_ARGS;
            case "TS_KUBE_SECRET" -> KUBE_SECRET;
            case "TS_STATE_DIR" -> STATE;
            default -> null;
        };
    }
}
