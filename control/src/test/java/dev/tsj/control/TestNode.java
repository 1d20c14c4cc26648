package dev.tsj.control;

import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpLiterals;
import dev.tsj.control.api.MapRequest;
import dev.tsj.control.api.NetMap;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.control.client.ControlClient;
import dev.tsj.control.client.ControlException;
import dev.tsj.control.client.MapSession;
import dev.tsj.crypto.PrivateKey;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;

/** A simulated node: its keys, a client, and the maps its session delivered. */
public final class TestNode implements AutoCloseable {
    public final PrivateKey machineKey;
    public PrivateKey nodeKey = PrivateKey.generate();
    public final String hostname;
    /** What the node reports at registration and when its session opens (tags, routes...). */
    public Hostinfo hostinfo;
    public final ControlClient client;
    public final List<NetMap> maps = new CopyOnWriteArrayList<>();
    public final List<MapSession.State> states = new CopyOnWriteArrayList<>();
    public volatile String lastDetail = "";
    public MapSession session;

    public TestNode(TestServer server, String hostname) {
        this(server, hostname, PrivateKey.generate());
    }

    public TestNode(TestServer server, String hostname, PrivateKey machineKey) {
        this.machineKey = machineKey;
        this.hostname = hostname;
        this.hostinfo = Hostinfo.of(hostname);
        this.client = server.client(machineKey);
    }

    public RegisterResponse register(String authKey) throws ControlException {
        return client.register(new RegisterRequest(nodeKey.publicKey(), authKey, false, hostinfo));
    }

    public MapSession open(InetSocketAddress... endpoints) {
        session = client.openMapSession(new MapRequest(nodeKey.publicKey(), null, List.of(endpoints), hostinfo),
                new MapSession.Listener() {
                    @Override
                    public void onNetMap(NetMap map) {
                        maps.add(map);
                    }

                    @Override
                    public void onStateChange(MapSession.State state, String detail) {
                        states.add(state);
                        lastDetail = detail;
                    }
                });
        return session;
    }

    public NetMap latest() {
        return maps.isEmpty() ? null : maps.get(maps.size() - 1);
    }

    /** Waits up to {@code within} for a map that satisfies {@code cond}; returns it. */
    public NetMap awaitMap(String what, Duration within, Predicate<NetMap> cond) {
        TestServer.await(hostname + ": " + what, within, () -> latest() != null && cond.test(latest()));
        return latest();
    }

    public static InetSocketAddress ep(String text) {
        return IpLiterals.parseEndpoint(text);
    }

    @Override
    public void close() {
        if (session != null) {
            session.close();
        }
    }
}
