package dev.tsj.control.client;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.api.ErrorMessage;
import dev.tsj.control.api.LoggedOut;
import dev.tsj.control.api.LogoutRequest;
import dev.tsj.control.api.MapRequest;
import dev.tsj.control.api.Message;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.control.noise.NoiseChannel;
import dev.tsj.crypto.PrivateKey;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.net.URI;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node's side of the control protocol, for the daemon: one instance per login server
 * and machine key. Requests ({@link #register}, {@link #logout}) each use a short-lived
 * encrypted channel; {@link #openMapSession} keeps one open and reconnects by itself.
 * Thread-safe.
 */
public final class ControlClient implements AutoCloseable {
    /** The largest message accepted from the server (a full map of a big tailnet). */
    static final int MAX_SERVER_MESSAGE = 256 << 20;

    private final URI server;
    private final PrivateKey machineKey;
    private final ClientOptions options;
    private final ChannelDialer dialer;
    private final Set<MapSession> sessions = ConcurrentHashMap.newKeySet();
    private volatile PublicKey serverKey;

    public ControlClient(URI loginServer, PrivateKey machineKey) throws ControlException {
        this(loginServer, machineKey, ClientOptions.defaults());
    }

    public ControlClient(URI loginServer, PrivateKey machineKey, ClientOptions options) throws ControlException {
        this.server = loginServer;
        this.machineKey = machineKey;
        this.options = options;
        this.dialer = new ChannelDialer(loginServer, options);
    }

    public URI loginServer() {
        return server;
    }

    /** The server's static key, fetched with {@code GET /key} once and kept. */
    public PublicKey serverKey() throws ControlException {
        PublicKey k = serverKey;
        if (k == null) {
            k = dialer.fetchServerKey();
            serverKey = k;
        }
        return k;
    }

    /**
     * Opens a raw encrypted channel (refetching the server key once if the handshake is
     * refused). Low level, for tools and benchmarks; the daemon uses the methods below.
     */
    public NoiseChannel openChannel() throws ControlException {
        PublicKey k = serverKey();
        try {
            return dialer.open(machineKey, k);
        } catch (ControlException e) {
            if (e.code() != ErrorCode.UNAVAILABLE || !e.getMessage().contains("handshake")) {
                throw e;
            }
            serverKey = null;
            return dialer.open(machineKey, serverKey());
        }
    }

    /**
     * Registers this machine's node (or re-authorises it with a new node key).
     *
     * @throws ControlException with the server's one-line reason, e.g. "auth key expired: ..."
     */
    public RegisterResponse register(RegisterRequest request) throws ControlException {
        Message m = roundTrip(request);
        if (m instanceof RegisterResponse r) {
            return r;
        }
        throw unexpected(m);
    }

    /** Logs the node out: its key expires now (an ephemeral node is deleted). */
    public void logout(PublicKey nodeKey) throws ControlException {
        Message m = roundTrip(new LogoutRequest(nodeKey));
        if (!(m instanceof LoggedOut)) {
            throw unexpected(m);
        }
    }

    /**
     * Opens the node's map session. It connects in the background and calls
     * {@code listener} with a complete {@code NetMap} after the full map and after every
     * change, on one thread, in order; it reconnects by itself (with backoff) until closed
     * or until the server says the node must log in again.
     */
    public MapSession openMapSession(MapRequest request, MapSession.Listener listener) {
        MapSession s = new MapSession(this, request, listener, options, sessions::remove);
        sessions.add(s);
        s.start();
        return s;
    }

    private Message roundTrip(Message request) throws ControlException {
        try (NoiseChannel ch = openChannel()) {
            ch.setReadTimeout((int) options.requestTimeout().toMillis());
            ch.writeMessage(ApiJson.MAPPER.writeValueAsBytes(request));
            Message m = ApiJson.MAPPER.readValue(ch.readMessage(MAX_SERVER_MESSAGE), Message.class);
            if (m instanceof ErrorMessage e) {
                throw ControlException.from(e);
            }
            return m;
        } catch (JsonProcessingException e) {
            throw new ControlException(ErrorCode.INTERNAL, "malformed answer from control server: " + ApiJson.describe(e));
        } catch (IOException e) {
            throw dialer.unreachable(e);
        }
    }

    private static ControlException unexpected(Message m) {
        return new ControlException(ErrorCode.INTERNAL, "unexpected answer from control server: "
                + m.getClass().getSimpleName());
    }

    /** Closes every open map session. */
    @Override
    public void close() {
        for (MapSession s : sessions) {
            s.close();
        }
    }
}
