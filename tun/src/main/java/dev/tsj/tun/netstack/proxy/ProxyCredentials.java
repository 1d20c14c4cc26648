package dev.tsj.tun.netstack.proxy;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The one username and password a proxy accepts. Compared in constant time: both sides
 * are hashed first so that not even the length of the secret leaks through timing.
 */
public record ProxyCredentials(String username, String password) {

    public ProxyCredentials {
        if (username.isEmpty() || username.length() > 255 || password.length() > 255) {
            throw new IllegalArgumentException("proxy username must be 1-255 characters and the password at most 255");
        }
    }

    public boolean matches(String user, String pass) {
        boolean u = MessageDigest.isEqual(sha256(username), sha256(user));
        boolean p = MessageDigest.isEqual(sha256(password), sha256(pass));
        return u & p;
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Override
    public String toString() {
        return "ProxyCredentials[" + username + ", ***]";
    }
}
