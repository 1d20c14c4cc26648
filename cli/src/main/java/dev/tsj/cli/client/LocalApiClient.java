package dev.tsj.cli.client;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Talks to tsjd's LocalAPI: one HTTP request per connection over the unix socket. */
public final class LocalApiClient {
    static final ObjectMapper JSON = new ObjectMapper();
    private final Path socket;

    public LocalApiClient(Path socket) {
        this.socket = socket;
    }

    /** A failed request; the message is one line for the user. */
    public static final class ApiException extends Exception {
        private static final long serialVersionUID = 1L;
        public final int status;

        ApiException(int status, String message) {
            super(message, null, false, false);
            this.status = status;
        }
    }

    public JsonNode get(String path) throws ApiException {
        return call("GET", path, null);
    }

    public JsonNode post(String path, JsonNode body) throws ApiException {
        return call("POST", path, body);
    }

    private JsonNode call(String method, String path, JsonNode body) throws ApiException {
        if (!Files.exists(socket)) {
            throw new ApiException(0, "cannot reach tsjd: " + socket + " does not exist (is tsjd running? systemctl start tsjd)");
        }
        try (SocketChannel ch = SocketChannel.open(UnixDomainSocketAddress.of(socket));
             OutputStream out = Channels.newOutputStream(ch);
             InputStream in = Channels.newInputStream(ch)) {
            byte[] b = body == null ? new byte[0] : JSON.writeValueAsBytes(body);
            String head = method + " " + path + " HTTP/1.1\r\nHost: local-tsjd\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + b.length + "\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.ISO_8859_1));
            out.write(b);
            out.flush();
            byte[] all = in.readAllBytes();
            String text = new String(all, StandardCharsets.UTF_8);
            int split = text.indexOf("\r\n\r\n");
            if (!text.startsWith("HTTP/1.1 ") || split < 0) {
                throw new ApiException(0, "malformed answer from tsjd");
            }
            int status = Integer.parseInt(text.substring(9, 12));
            JsonNode answer = JSON.readTree(text.substring(split + 4));
            if (status != 200) {
                throw new ApiException(status, answer.path("error").asText("tsjd answered " + status));
            }
            return answer;
        } catch (AccessDeniedException e) {
            throw new ApiException(0, "permission denied on " + socket + " (run as root, or start tsjd with --operator=$USER)");
        } catch (IOException e) {
            String m = String.valueOf(e.getMessage());
            if (m.contains("Permission denied")) {
                throw new ApiException(0, "permission denied on " + socket + " (run as root, or start tsjd with --operator=$USER)");
            }
            throw new ApiException(0, "cannot reach tsjd at " + socket + ": " + m);
        }
    }
}
