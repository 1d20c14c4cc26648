package dev.tsj.control.server;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.tsj.control.TestNode;
import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.control.client.ControlException;
import dev.tsj.crypto.PrivateKey;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class RegistrationTest extends dev.tsj.control.ServerTestBase {

    @Test
    void singleUseKeyRegistersOneNodeThenIsRefusedWithAClearMessage() throws Exception {
        String key = server.authKey("alice", false, false, List.of());
        RegisterResponse r = new TestNode(server, "laptop").register(key);
        assertEquals("laptop", r.name());
        assertEquals("laptop.tsj.internal", r.dnsName());
        assertEquals("alice", r.user());
        assertTrue(IpPrefix.parse("100.64.0.0/10").contains(r.addresses().get(0).address()));
        assertTrue(IpPrefix.parse("fd7a:115c:a1e0::/48").contains(r.addresses().get(1).address()));
        Instant expiry = r.keyExpiry();
        assertTrue(expiry.isAfter(Instant.now().plus(Duration.ofDays(179))) && expiry.isBefore(Instant.now().plus(Duration.ofDays(181))));

        ControlException e = assertThrows(ControlException.class, () -> new TestNode(server, "other").register(key));
        assertEquals(ErrorCode.AUTH_KEY_USED, e.code());
        assertTrue(e.getMessage().startsWith("auth key already used"), e.getMessage());
        assertEquals("used", server.admin().listAuthKeys().get(0).state());
    }

    @Test
    void reusableKeyRegistersManyNodesAndClashingHostnamesGetSuffixes() throws Exception {
        String key = server.authKey("alice", true, false, List.of());
        assertEquals("web", new TestNode(server, "web").register(key).name());
        assertEquals("web-1", new TestNode(server, "web").register(key).name());
        assertEquals("web-2", new TestNode(server, "WEB.example.com").register(key).name());
        assertEquals("my-laptop", new TestNode(server, "My_Laptop").register(key).name());
        assertEquals(4, server.admin().listAuthKeys().get(0).uses());
    }

    @Test
    void expiredAndInvalidKeysAreRefused() throws Exception {
        String key = server.authKey("alice", true, false, List.of());
        String id = server.admin().listAuthKeys().get(0).id();
        server.admin().expireAuthKey(id);
        ControlException e = assertThrows(ControlException.class, () -> new TestNode(server, "a").register(key));
        assertEquals(ErrorCode.AUTH_KEY_EXPIRED, e.code());
        assertTrue(e.getMessage().startsWith("auth key expired"), e.getMessage());

        String good = server.authKey("alice", true, false, List.of());
        String forged = good.substring(0, good.length() - 4) + "0000";
        ControlException bad = assertThrows(ControlException.class, () -> new TestNode(server, "a").register(forged));
        assertEquals(ErrorCode.AUTH_KEY_INVALID, bad.code());
        assertEquals("invalid auth key", bad.getMessage());
        assertEquals(ErrorCode.AUTH_KEY_INVALID,
                assertThrows(ControlException.class, () -> new TestNode(server, "a").register("garbage")).code());
        assertEquals(ErrorCode.AUTH_KEY_REQUIRED,
                assertThrows(ControlException.class, () -> new TestNode(server, "a").register(null)).code());
        assertTrue(server.admin().listNodes().isEmpty());
    }

    @Test
    void ephemeralAndTaggedKeysShapeTheNode() throws Exception {
        RegisterResponse eph = new TestNode(server, "ci").register(server.authKey("alice", false, true, List.of()));
        assertTrue(eph.ephemeral());
        RegisterResponse tagged = new TestNode(server, "router").register(
                server.authKey("alice", false, false, List.of("tag:router", "server")));
        assertEquals(List.of("tag:router", "tag:server"), tagged.tags());
        assertEquals("tagged-devices", tagged.user());
        assertNull(tagged.keyExpiry(), "tagged nodes do not expire");
    }

    @Test
    void addressesStayTheSameAcrossReloginAndServerRestart() throws Exception {
        String key = server.authKey("alice", true, false, List.of());
        TestNode n = new TestNode(server, "db");
        RegisterResponse first = n.register(key);
        n.nodeKey = PrivateKey.generate();
        RegisterResponse again = n.register(key);
        assertEquals(first.nodeId(), again.nodeId());
        assertEquals(first.addresses(), again.addresses());
        assertEquals("db", again.name());
        server.stop();
        server.start();
        TestNode same = new TestNode(server, "db", n.machineKey);
        same.nodeKey = n.nodeKey;
        RegisterResponse afterRestart = same.register(null);
        assertEquals(first.addresses(), afterRestart.addresses());
        assertEquals(first.stableId(), afterRestart.stableId());
        RegisterResponse other = new TestNode(server, "db").register(key);
        assertNotEquals(first.addresses(), other.addresses());
        assertEquals("db-1", other.name());
    }

    @Test
    void serverKeyIsCreatedOnceWithOwnerOnlyMode() throws Exception {
        Path keyFile = dir.resolve(ServerKeyFile.NAME);
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile)));
        var pub = server.server().publicKey();
        server.stop();
        server.start();
        assertEquals(pub, server.server().publicKey());
        assertEquals(pub, new TestNode(server, "x").client.serverKey());
        assertFalse(Files.readString(keyFile).contains(pub.toBase64()), "the file holds the private key, not the public");
        assertNotNull(server.server().adminSocket());
    }

    @Test
    void logoutExpiresTheNodeKey() throws Exception {
        TestNode n = new TestNode(server, "box");
        n.register(server.authKey("alice", false, false, List.of()));
        n.client.logout(n.nodeKey.publicKey());
        assertTrue(server.admin().listNodes().get(0).expired());
        ControlException e = assertThrows(ControlException.class, () -> n.register(null));
        assertEquals(ErrorCode.NODE_KEY_EXPIRED, e.code());
        assertEquals("node key expired: re-run tsj up with an auth key", e.getMessage());
    }
}
