package dev.tsj.control.store;

import java.time.Instant;
import java.util.List;

/**
 * An auth key as stored: its public id and a hash of its secret, never the secret.
 *
 * @param keyId      the public part of the key text ({@code tskey-auth-<keyId>-<secret>})
 * @param secretHash SHA-256 of the whole key text
 * @param expiresAt  when it stops registering nodes (an admin "expire" sets it to now)
 * @param useCount   how many registrations it has made
 */
public record AuthKeyRow(long id, String keyId, byte[] secretHash, long userId, boolean reusable, boolean ephemeral,
                         boolean preauthorized, List<String> tags, Instant createdAt, Instant expiresAt,
                         int useCount, Instant lastUsedAt) {
    public AuthKeyRow {
        tags = List.copyOf(tags);
        secretHash = secretHash.clone();
    }

    @Override
    public byte[] secretHash() {
        return secretHash.clone();
    }

    public AuthKeyRow withId(long newId) {
        return new AuthKeyRow(newId, keyId, secretHash, userId, reusable, ephemeral, preauthorized, tags, createdAt,
                expiresAt, useCount, lastUsedAt);
    }

    public AuthKeyRow used(Instant now) {
        return new AuthKeyRow(id, keyId, secretHash, userId, reusable, ephemeral, preauthorized, tags, createdAt,
                expiresAt, useCount + 1, now);
    }

    public AuthKeyRow expiredAt(Instant now) {
        return new AuthKeyRow(id, keyId, secretHash, userId, reusable, ephemeral, preauthorized, tags, createdAt,
                now, useCount, lastUsedAt);
    }

    public boolean isExpired(Instant now) {
        return !now.isBefore(expiresAt);
    }

    public boolean isSpent() {
        return !reusable && useCount > 0;
    }
}
