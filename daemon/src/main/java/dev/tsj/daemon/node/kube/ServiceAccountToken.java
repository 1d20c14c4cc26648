package dev.tsj.daemon.node.kube;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Base64;

/**
 * The pod's service account token. The kubelet rotates projected tokens in place (by
 * default an hour's token is renewed after 80% of its life), so the file is read again
 * every {@link #REFRESH} and at once when the API server answers 401. The token itself
 * never appears in a message.
 */
final class ServiceAccountToken {
    static final Duration REFRESH = Duration.ofMinutes(1);

    private final Path file;
    private final InstantSource clock;
    private String token;
    private Instant readAt = Instant.MIN;

    ServiceAccountToken(Path file, InstantSource clock) {
        this.file = file;
        this.clock = clock;
    }

    synchronized String current() throws IOException {
        Instant now = clock.instant();
        if (token == null || !now.isBefore(readAt.plus(REFRESH))) {
            try {
                String t = Files.readString(file).strip();
                if (t.isEmpty()) {
                    throw new IOException("the service account token " + file + " is empty");
                }
                token = t;
            } catch (IOException e) {
                if (token == null) {
                    throw new IOException("cannot read the service account token " + file + ": " + e.getMessage());
                }
                // keep the old one: the API server tells us with a 401 if it no longer holds
            }
            readAt = now;
        }
        return token;
    }

    /** After a 401: the next {@link #current()} reads the file again. */
    synchronized void expire() {
        readAt = Instant.MIN;
    }

    /**
     * The subject the token names ({@code system:serviceaccount:NS:NAME}), read from the
     * JWT's payload for messages only (not verified: the API server does that), or null.
     */
    synchronized String subject() {
        if (token == null) {
            return null;
        }
        String[] parts = token.split("\\.");
        if (parts.length != 3) {
            return null;
        }
        try {
            var payload = KubeJson.MAPPER.readTree(Base64.getUrlDecoder().decode(parts[1]));
            String sub = payload.path("sub").asText("");
            return sub.isEmpty() ? null : sub;
        } catch (IOException | IllegalArgumentException e) {
            return null;
        }
    }
}
