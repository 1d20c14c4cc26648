package dev.tsj.control.server;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.tsj.control.EventLog;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.api.ErrorMessage;
import dev.tsj.control.api.KeepAlive;
import dev.tsj.control.api.LoggedOut;
import dev.tsj.control.api.LogoutRequest;
import dev.tsj.control.api.MapRequest;
import dev.tsj.control.api.MapUpdate;
import dev.tsj.control.api.Message;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.core.ControlError;
import dev.tsj.control.core.Core;
import dev.tsj.control.core.MapSubscription;
import dev.tsj.control.core.TailnetConfig;
import dev.tsj.control.noise.MessageTooLargeException;
import dev.tsj.control.noise.NoiseChannel;
import dev.tsj.crypto.PublicKey;
import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;

/**
 * One node's encrypted channel, after the handshake: requests and answers (register,
 * logout) until the node opens its map session, which then holds the channel until it
 * ends. Bad messages are answered with an error and change nothing; the channel stays
 * usable unless the framing itself broke.
 */
final class ControlConnection {
    /** How long a channel may sit idle before it opens a map session. */
    static final int REQUEST_IDLE_MS = 60_000;

    interface Factory {
        ControlConnection create(Socket socket, NoiseChannel channel);
    }

    private final Socket socket;
    private final NoiseChannel channel;
    private final PublicKey machineKey;
    private final Core core;
    private final TailnetConfig config;
    private final EventLog log;

    ControlConnection(Socket socket, NoiseChannel channel, Core core, TailnetConfig config, EventLog log) {
        this.socket = socket;
        this.channel = channel;
        this.machineKey = channel.remoteStatic();
        this.core = core;
        this.config = config;
        this.log = log;
    }

    void serve() throws IOException {
        socket.setSoTimeout(REQUEST_IDLE_MS);
        while (true) {
            Message m = read();
            if (m == null) {
                continue;
            }
            switch (m) {
                case RegisterRequest r -> reply(() -> core.call((t, a) -> t.register(machineKey, r)));
                case LogoutRequest r -> reply(() -> {
                    core.call((t, a) -> {
                        t.logout(machineKey, r);
                        return null;
                    });
                    return new LoggedOut();
                });
                case MapRequest r -> {
                    mapSession(r);
                    return;
                }
                case KeepAlive k -> { }
                default -> send(ErrorMessage.of(ErrorCode.BAD_REQUEST,
                        "unexpected message " + m.getClass().getSimpleName() + " before a map session"));
            }
        }
    }

    /** Reads one message; null (after answering with an error) when it was not valid. */
    private Message read() throws IOException {
        byte[] raw;
        try {
            raw = channel.readMessage(ServerConfig.MAX_CLIENT_MESSAGE);
        } catch (MessageTooLargeException e) {
            send(ErrorMessage.of(ErrorCode.TOO_LARGE, "message too large (at most "
                    + ServerConfig.MAX_CLIENT_MESSAGE + " bytes)"));
            lingerClose();
            throw e;
        }
        try {
            return ApiJson.MAPPER.readValue(raw, Message.class);
        } catch (JsonProcessingException e) {
            send(ErrorMessage.of(ErrorCode.BAD_REQUEST, "bad message: " + ApiJson.describe(e)));
            return null;
        }
    }

    /**
     * Closes after an answer the node may still be too busy writing to read: half-close
     * and swallow (a bounded amount of) what it still sends, so that the close does not
     * reset the connection and destroy the answer in flight.
     */
    private void lingerClose() {
        try {
            socket.shutdownOutput();
            socket.setSoTimeout(2000);
            byte[] sink = new byte[8192];
            long left = 8L * ServerConfig.MAX_CLIENT_MESSAGE;
            int n;
            while (left > 0 && (n = socket.getInputStream().read(sink)) > 0) {
                left -= n;
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }

    private interface Call {
        Message run() throws ControlError;
    }

    private void reply(Call call) throws IOException {
        Message answer;
        try {
            answer = call.run();
        } catch (ControlError e) {
            answer = e.toMessage();
        }
        send(answer);
    }

    private void send(Message m) throws IOException {
        channel.writeMessage(ApiJson.MAPPER.writeValueAsBytes(m));
    }

    private void mapSession(MapRequest request) throws IOException {
        ServerMapSession session = new ServerMapSession(channel, core, config);
        Thread writer = Thread.ofVirtual().name("map-writer").unstarted(session::writeLoop);
        session.setWriter(writer);
        MapSubscription sub;
        try {
            sub = core.call((t, a) -> t.subscribe(machineKey, request, session));
        } catch (ControlError e) {
            send(e.toMessage());
            return;
        }
        session.start(sub);
        writer.start();
        try {
            socket.setSoTimeout((int) config.deadAfter().toMillis());
            while (!session.isClosed()) {
                Message m = read();
                if (m == null) {
                    continue;
                }
                switch (m) {
                    case MapUpdate u -> {
                        try {
                            core.call((t, a) -> {
                                t.update(sub, u);
                                return null;
                            });
                        } catch (ControlError e) {
                            send(e.toMessage());
                        }
                    }
                    case KeepAlive k -> { }
                    default -> send(ErrorMessage.of(ErrorCode.BAD_REQUEST,
                            "unexpected message " + m.getClass().getSimpleName() + " in a map session"));
                }
            }
        } catch (SocketTimeoutException e) {
            log.info("session.dead", "node", sub.nodeId(), "silent_for", config.deadAfter());
        } catch (IOException e) {
            // the node went away or the writer closed the channel
        } finally {
            session.close();
            core.post((t, a) -> {
                t.unsubscribe(sub);
                return null;
            });
        }
    }
}
