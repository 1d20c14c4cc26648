package dev.tsj.cli.containerboot;

import dev.tsj.daemon.node.kube.KubeSecretStateStore;
import dev.tsj.daemon.wg.Prefix;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * containerboot's settings, read from the environment and checked as a whole before
 * anything starts: each contradiction or impossibility is one line naming the variables.
 *
 * @param authKey    TSJ_AUTH_KEY as given (a key, or file:PATH), or null
 * @param routes     TSJ_ROUTES, canonical, or null when unset (an empty list clears)
 * @param destIp     TSJ_DEST_IP (TUN mode only), or null
 * @param upArgs     TSJ_EXTRA_ARGS, for {@code tsj up}
 * @param daemonArgs TSJ_DAEMON_EXTRA_ARGS, for {@code tsj daemon}
 */
record BootConfig(String authKey, String loginServer, String hostname, List<String> routes, Boolean acceptRoutes,
                  boolean userspace, StateSpec state, String socks5Server, String httpProxyListen, InetAddress destIp,
                  List<String> upArgs, List<String> daemonArgs, boolean authOnce, InetSocketAddress healthAddr, Path socket) {

    /** The TUN interface in TUN mode: containerboot's own, so its DNAT rules can name it. */
    static final String TUN_NAME = "tsj0";

    static BootConfig parse(Map<String, String> env, Host host) throws BootConfigException {
        List<String> upArgs = ArgList.split(BootEnv.EXTRA_ARGS, value(env, BootEnv.EXTRA_ARGS));
        List<String> daemonArgs = ArgList.split(BootEnv.DAEMON_EXTRA_ARGS, value(env, BootEnv.DAEMON_EXTRA_ARGS));
        refuseManagedDaemonFlags(daemonArgs);
        refuseUpFlagsSetTwice(env, upArgs);

        boolean userspace = !Boolean.FALSE.equals(BootEnv.parseBool(BootEnv.USERSPACE, value(env, BootEnv.USERSPACE)));
        Boolean acceptRoutes = BootEnv.parseBool(BootEnv.ACCEPT_ROUTES, value(env, BootEnv.ACCEPT_ROUTES));
        boolean authOnce = Boolean.TRUE.equals(BootEnv.parseBool(BootEnv.AUTH_ONCE, value(env, BootEnv.AUTH_ONCE)));

        String authKey = authKey(env, upArgs);
        String loginServer = loginServer(env, upArgs, authKey);
        List<String> routes = routes(value(env, BootEnv.ROUTES), env.containsKey(BootEnv.ROUTES));
        StateSpec state = state(env, host);
        if (authKey == null && ArgList.findFlag(upArgs, "--auth-key", "--authkey") == null && state.knownEmpty()) {
            throw new BootConfigException(noAuthKey(env, state));
        }
        String socks5 = endpoint(BootEnv.SOCKS5_SERVER, value(env, BootEnv.SOCKS5_SERVER));
        String httpProxy = endpoint(BootEnv.HTTP_PROXY_LISTEN, value(env, BootEnv.HTTP_PROXY_LISTEN));
        InetAddress destIp = destIp(value(env, BootEnv.DEST_IP), userspace, host);
        if (!userspace && !host.tunDevice()) {
            throw new BootConfigException("TSJ_USERSPACE=false needs /dev/net/tun in the container (mount it as a"
                    + " hostPath CharDevice and add NET_ADMIN, see deploy/kubernetes/sidecar-tun.yaml), or use TSJ_USERSPACE=true");
        }
        String health = value(env, BootEnv.HEALTH_ADDR);
        InetSocketAddress healthAddr = health == null ? null : socketAddress(BootEnv.HEALTH_ADDR, health);
        String socket = value(env, BootEnv.SOCKET);
        return new BootConfig(authKey, loginServer, value(env, BootEnv.HOSTNAME), routes, acceptRoutes, userspace, state,
                socks5, httpProxy, destIp, upArgs, daemonArgs, authOnce, healthAddr,
                Path.of(socket == null ? BootEnv.DEFAULT_SOCKET : socket));
    }

    /** Unset and empty are the same: a pod spec often carries "" for "not set". */
    static String value(Map<String, String> env, String name) {
        String v = env.get(name);
        return v == null || v.isBlank() ? null : v.strip();
    }

    private static void refuseManagedDaemonFlags(List<String> daemonArgs) throws BootConfigException {
        String[][] managed = {{"--state", BootEnv.STATE}, {"--socket", BootEnv.SOCKET}, {"--tun", BootEnv.USERSPACE},
            {"--socks5-server", BootEnv.SOCKS5_SERVER}, {"--outbound-http-proxy-listen", BootEnv.HTTP_PROXY_LISTEN},
            {"--uapi-dir", BootEnv.SOCKET}};
        for (String[] m : managed) {
            if (ArgList.findFlag(daemonArgs, m[0]) != null) {
                throw new BootConfigException("TSJ_DAEMON_EXTRA_ARGS sets " + m[0] + ", which containerboot sets from "
                        + m[1] + ": use " + m[1] + " instead");
            }
        }
    }

    private static void refuseUpFlagsSetTwice(Map<String, String> env, List<String> upArgs) throws BootConfigException {
        String[][] pairs = {{BootEnv.AUTH_KEY, "--auth-key", "--authkey"}, {BootEnv.LOGIN_SERVER, "--login-server"},
            {BootEnv.HOSTNAME, "--hostname"}, {BootEnv.ROUTES, "--advertise-routes"}, {BootEnv.ACCEPT_ROUTES, "--accept-routes"}};
        for (String[] p : pairs) {
            String flag = ArgList.findFlag(upArgs, java.util.Arrays.copyOfRange(p, 1, p.length));
            if (flag != null && value(env, p[0]) != null) {
                throw new BootConfigException("both " + p[0] + " and " + flag + " in TSJ_EXTRA_ARGS are set: use one");
            }
        }
        if (ArgList.findFlag(upArgs, "--socket") != null) {
            throw new BootConfigException("TSJ_EXTRA_ARGS sets --socket, which containerboot sets from TSJ_SOCKET: use TSJ_SOCKET");
        }
    }

    private static String authKey(Map<String, String> env, List<String> upArgs) throws BootConfigException {
        String key = value(env, BootEnv.AUTH_KEY);
        if (key == null || !key.startsWith("file:")) {
            return key;
        }
        Path p = Path.of(key.substring("file:".length()));
        try {
            if (Files.readString(p).isBlank()) {
                throw new BootConfigException("TSJ_AUTH_KEY=" + key + ": the file is empty");
            }
        } catch (IOException e) {
            throw new BootConfigException("TSJ_AUTH_KEY=" + key + ": cannot read the file (" + e.getMessage() + ")");
        }
        return key;
    }

    private static String loginServer(Map<String, String> env, List<String> upArgs, String authKey) throws BootConfigException {
        String url = value(env, BootEnv.LOGIN_SERVER);
        if (url == null) {
            if (authKey != null && ArgList.findFlag(upArgs, "--login-server") == null) {
                throw new BootConfigException("TSJ_AUTH_KEY is set but TSJ_LOGIN_SERVER is not: tsj has no default"
                        + " coordination server (e.g. TSJ_LOGIN_SERVER=http://tsj-control.tsj.svc:8080)");
            }
            return null;
        }
        try {
            URI u = URI.create(url);
            if (u.getHost() == null || !("http".equals(u.getScheme()) || "https".equals(u.getScheme()))) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new BootConfigException("TSJ_LOGIN_SERVER=\"" + url + "\" is not an http:// or https:// URL");
        }
        return url;
    }

    private static List<String> routes(String text, boolean present) throws BootConfigException {
        if (text == null) {
            return present ? List.of() : null;
        }
        List<String> out = new ArrayList<>();
        for (String r : text.split(",")) {
            if (r.isBlank()) {
                continue;
            }
            try {
                out.add(Prefix.parseCanonical(r.strip()).toString());
            } catch (IllegalArgumentException e) {
                throw new BootConfigException("TSJ_ROUTES: " + e.getMessage());
            }
        }
        return out;
    }

    private static StateSpec state(Map<String, String> env, Host host) throws BootConfigException {
        String spec = value(env, BootEnv.STATE);
        String secret = value(env, BootEnv.KUBE_SECRET);
        if (spec == null) {
            if (host.kubernetes(env)) {
                return kube(secret == null ? BootEnv.DEFAULT_KUBE_SECRET : secret);
            }
            if (secret != null) {
                throw new BootConfigException("TSJ_KUBE_SECRET is set but this is not a pod with a service account token"
                        + " (KUBERNETES_SERVICE_HOST unset or no token mounted)");
            }
            return new StateSpec.Memory();
        }
        if (spec.equals("mem:")) {
            if (secret != null) {
                throw new BootConfigException("TSJ_KUBE_SECRET is set but TSJ_STATE=mem: keeps no state: use one");
            }
            return new StateSpec.Memory();
        }
        if (spec.startsWith("kube:")) {
            String name = spec.substring("kube:".length());
            if (!name.isEmpty() && secret != null && !secret.equals(name)) {
                throw new BootConfigException("TSJ_STATE=" + spec + " and TSJ_KUBE_SECRET=" + secret + " name different Secrets");
            }
            if (!host.kubernetes(env)) {
                throw new BootConfigException("TSJ_STATE=" + spec + " needs a pod with a service account token"
                        + " (KUBERNETES_SERVICE_HOST unset or no token mounted)");
            }
            return kube(!name.isEmpty() ? name : secret != null ? secret : BootEnv.DEFAULT_KUBE_SECRET);
        }
        if (secret != null) {
            throw new BootConfigException("TSJ_KUBE_SECRET is set but TSJ_STATE=" + spec + " keeps the state in a directory: use one");
        }
        Path dir = Path.of(spec);
        if (!dir.isAbsolute()) {
            throw new BootConfigException("TSJ_STATE=" + spec + " must be mem:, kube:SECRET or an absolute directory path");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new BootConfigException("TSJ_STATE=" + spec + " is not a directory (the state file goes inside it)");
        }
        return new StateSpec.Directory(dir);
    }

    private static StateSpec kube(String name) throws BootConfigException {
        try {
            return new StateSpec.KubeSecret(KubeSecretStateStore.checkName(name));
        } catch (IllegalArgumentException e) {
            throw new BootConfigException("state Secret: " + e.getMessage());
        }
    }

    private static String noAuthKey(Map<String, String> env, StateSpec state) {
        String where = state instanceof StateSpec.Memory ? "TSJ_STATE=mem: keeps none" : "none in " + state.daemonArg();
        StringBuilder m = new StringBuilder("no auth key (TSJ_AUTH_KEY) and no stored node state (" + where
                + "): nothing to log in with");
        for (String name : env.keySet()) {
            String tsj = BootEnv.tsjNameFor(name);
            if (BootEnv.AUTH_KEY.equals(tsj)) {
                m.append("; ").append(name).append(" is set, but tsj reads TSJ_AUTH_KEY");
            }
        }
        return m.toString();
    }

    private static InetAddress destIp(String text, boolean userspace, Host host) throws BootConfigException {
        if (text == null) {
            return null;
        }
        if (userspace) {
            throw new BootConfigException("TSJ_DEST_IP needs TUN mode (TSJ_USERSPACE=false): userspace networking has no"
                    + " kernel interface to forward from");
        }
        InetAddress a;
        try {
            a = Prefix.parseAddress(text);
        } catch (IllegalArgumentException e) {
            throw new BootConfigException("TSJ_DEST_IP=\"" + text + "\" is not an IP address");
        }
        if (!host.onPath("nft")) {
            throw new BootConfigException("TSJ_DEST_IP needs the nft command (nftables), which is not on PATH");
        }
        String problem = host.forwardingProblem(a instanceof java.net.Inet6Address);
        if (problem != null) {
            throw new BootConfigException("TSJ_DEST_IP needs forwarding in the pod, but " + problem
                    + ": enable it with a privileged init container (see deploy/kubernetes/proxy.yaml)");
        }
        return a;
    }

    private static String endpoint(String name, String text) throws BootConfigException {
        if (text == null) {
            return null;
        }
        socketAddress(name, text);
        return text;
    }

    /** [HOST]:PORT or HOST:PORT or :PORT (all addresses). */
    static InetSocketAddress socketAddress(String name, String text) throws BootConfigException {
        int colon = text.lastIndexOf(':');
        String port = colon < 0 ? "" : text.substring(colon + 1);
        String hostPart = colon < 0 ? "" : text.substring(0, colon);
        if (hostPart.startsWith("[") && hostPart.endsWith("]")) {
            hostPart = hostPart.substring(1, hostPart.length() - 1);
        }
        if (!port.matches("[0-9]{1,5}") || Integer.parseInt(port) > 65535) {
            throw new BootConfigException(name + "=\"" + text + "\" is not ADDRESS:PORT (e.g. 0.0.0.0:9002)");
        }
        try {
            InetAddress a = hostPart.isEmpty() ? InetAddress.getByName("::") : Prefix.parseAddress(hostPart);
            return new InetSocketAddress(a, Integer.parseInt(port));
        } catch (IllegalArgumentException | java.net.UnknownHostException e) {
            throw new BootConfigException(name + "=\"" + text + "\": \"" + hostPart + "\" is not an IP address");
        }
    }

    /** The auth key to pass to {@code tsj up} now: always, or with TSJ_AUTH_ONCE only when the node needs a login. */
    String authKeyFor(boolean needsLogin) {
        return authOnce && !needsLogin ? null : authKey;
    }
}
