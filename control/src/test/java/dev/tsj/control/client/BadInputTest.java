package dev.tsj.control.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.tsj.control.TestNode;
import dev.tsj.control.admin.AdminOps;
import dev.tsj.control.api.ApiJson;
import dev.tsj.control.api.ErrorCode;
import dev.tsj.control.api.ErrorMessage;
import dev.tsj.control.api.Hostinfo;
import dev.tsj.control.api.IpPrefix;
import dev.tsj.control.api.Message;
import dev.tsj.control.api.RegisterRequest;
import dev.tsj.control.api.RegisterResponse;
import dev.tsj.control.noise.NoiseChannel;
import dev.tsj.control.noise.NoiseIK;
import dev.tsj.crypto.PrivateKey;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Bad input to every entry point gets a clear answer and changes nothing. */
class BadInputTest extends dev.tsj.control.ServerTestBase {

    private String http(String request) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.server().address().getPort())) {
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void frontDoorAnswersBadHttpWithAStatusAndOneLine() throws Exception {
        assertTrue(http("GET /health HTTP/1.1\r\nHost: x\r\n\r\n").startsWith("HTTP/1.1 200 OK"));
        String key = http("GET /key HTTP/1.1\r\nHost: x\r\n\r\n");
        assertTrue(key.contains("\"publicKey\":\"" + server.server().publicKey().toBase64() + "\""), key);
        assertTrue(http("GET /nope HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 404"));
        assertTrue(http("POST /key HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 405"));
        assertTrue(http("POST /control HTTP/1.1\r\n\r\n").startsWith("HTTP/1.1 426"));
        String up = "POST /control HTTP/1.1\r\nUpgrade: tsj-control-v1\r\nConnection: Upgrade\r\n";
        assertTrue(http(up + "\r\n").startsWith("HTTP/1.1 400"));
        assertTrue(http(up + "Tsj-Handshake: !!notbase64\r\n\r\n").startsWith("HTTP/1.1 400"));
        byte[] wrongServer = new NoiseIK.Initiator(PrivateKey.generate(), PrivateKey.generate().publicKey())
                .writeMessage1(new byte[0]);
        String refused = http(up + "Tsj-Handshake: " + Base64.getEncoder().encodeToString(wrongServer) + "\r\n\r\n");
        assertTrue(refused.startsWith("HTTP/1.1 403") && refused.contains("handshake failed"), refused);
        assertTrue(http("GET /key HTTP/1.1\r\nX: " + "a".repeat(10_000) + "\r\n\r\n").startsWith("HTTP/1.1 431"));
        assertTrue(http("\u0001\u0002garbage\r\n\r\n").startsWith("HTTP/1.1 400"));
    }

    private ControlClient client() {
        return server.client(PrivateKey.generate());
    }

    private static Message send(NoiseChannel ch, String json) throws IOException {
        ch.writeMessage(json.getBytes(StandardCharsets.UTF_8));
        return ApiJson.MAPPER.readValue(ch.readMessage(1 << 20), Message.class);
    }

    @Test
    void malformedAndMistypedMessagesGetAnErrorAndTheChannelStaysUsable() throws Exception {
        String key = server.authKey("alice", false, false, List.of());
        ControlClient c = client();
        try (NoiseChannel ch = c.openChannel()) {
            ch.setReadTimeout(5000);
            ErrorMessage e1 = (ErrorMessage) send(ch, "{not json");
            assertEquals("bad-request", e1.code());
            assertTrue(e1.message().startsWith("bad message: "), e1.message());
            ErrorMessage e2 = (ErrorMessage) send(ch, "{\"type\":\"register\",\"nodeKey\":5}");
            assertTrue(e2.message().contains("field nodeKey") && e2.message().contains("base64 key"), e2.message());
            ErrorMessage e3 = (ErrorMessage) send(ch, "{\"type\":\"register\",\"nodeKey\":\"AAAA\"}");
            assertTrue(e3.message().contains("field nodeKey"), e3.message());
            ErrorMessage e4 = (ErrorMessage) send(ch, "{\"type\":\"launch-missiles\"}");
            assertEquals("bad-request", e4.code());
            String pk = PrivateKey.generate().publicKey().toBase64();
            ErrorMessage e5 = (ErrorMessage) send(ch, "{\"type\":\"register\",\"nodeKey\":\"" + pk
                    + "\",\"ephemeral\":\"yes\"}");
            assertTrue(e5.message().contains("field ephemeral"), e5.message());
            ErrorMessage e6 = (ErrorMessage) send(ch, "{\"type\":\"update\",\"endpoints\":[\"1.2.3.4:5\"]}");
            assertTrue(e6.message().contains("before a map session"), e6.message());
            ErrorMessage e7 = (ErrorMessage) send(ch, "{\"type\":\"register\",\"nodeKey\":\"" + pk
                    + "\",\"authKey\":\"" + key + "\",\"hostinfo\":{\"advertisedRoutes\":[\"10.0.0.1/8\"]}}");
            assertTrue(e7.message().contains("host bits set"), e7.message());
            ErrorMessage e8 = (ErrorMessage) send(ch, "{\"type\":\"map\",\"nodeKey\":\"" + pk
                    + "\",\"endpoints\":[\"example.com:80\"]}");
            assertTrue(e8.message().contains("field endpoints[0]"), e8.message());
            assertTrue(server.admin().listNodes().isEmpty(), "nothing was registered");
            assertEquals("usable", server.admin().listAuthKeys().get(0).state(), "the key was not spent");
            RegisterResponse ok = (RegisterResponse) send(ch, ApiJson.MAPPER.writeValueAsString(new RegisterRequest(
                    PrivateKey.generate().publicKey(), key, false, Hostinfo.of("fine"))));
            assertEquals("fine", ok.name());
        }
    }

    @Test
    void oversizedMessagesAndReportsAreRefused() throws Exception {
        String key = server.authKey("alice", true, false, List.of());
        try (NoiseChannel ch = client().openChannel()) {
            ch.setReadTimeout(5000);
            ErrorMessage big = (ErrorMessage) send(ch, "{\"type\":\"register\",\"x\":\"" + "a".repeat(2 << 20) + "\"}");
            assertEquals("too-large", big.code());
            assertThrows(IOException.class, () -> ch.readMessage(1000), "the server closes the channel");
        }
        List<IpPrefix> tooMany = new java.util.ArrayList<>();
        for (int i = 0; i < 300; i++) {
            tooMany.add(IpPrefix.parse("10." + (i / 256) + "." + (i % 256) + ".0/24"));
        }
        ControlException e = assertThrows(ControlException.class, () -> client().register(new RegisterRequest(
                PrivateKey.generate().publicKey(), key, false, Hostinfo.of("r").withAdvertisedRoutes(tooMany))));
        assertTrue(e.getMessage().startsWith("too many advertised routes"), e.getMessage());
        assertEquals(ErrorCode.BAD_REQUEST, e.code());
        assertTrue(server.admin().listNodes().isEmpty());
    }

    @Test
    void nodeKeyOfAnotherMachineIsRefused() throws Exception {
        String key = server.authKey("alice", true, false, List.of());
        TestNode a = new TestNode(server, "a");
        a.register(key);
        TestNode thief = new TestNode(server, "thief");
        thief.nodeKey = a.nodeKey;
        ControlException e = assertThrows(ControlException.class, () -> thief.register(key));
        assertTrue(e.getMessage().contains("already registered by another machine"), e.getMessage());
        assertEquals(1, server.admin().listNodes().size());
    }

    private JsonNode admin(String line) throws IOException {
        try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
            c.connect(UnixDomainSocketAddress.of(dir.resolve("admin.sock")));
            c.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
            InputStream in = java.nio.channels.Channels.newInputStream(c);
            return ApiJson.MAPPER.readTree(in.readAllBytes());
        }
    }

    @Test
    void adminSocketRefusesBadRequestsWithOneLine() throws Exception {
        assertTrue(admin("{oops").get("error").asText().startsWith("malformed request"));
        assertEquals("missing field \"op\"", admin("{}").get("error").asText());
        assertEquals("request must be a JSON object", admin("[1,2]").get("error").asText());
        assertEquals("unknown operation \"users.explode\"", admin("{\"op\":\"users.explode\"}").get("error").asText());
        assertEquals("field \"name\" must be a string", admin("{\"op\":\"users.create\",\"name\":5}").get("error").asText());
        assertEquals("field \"reusable\" must be true or false",
                admin("{\"op\":\"authkeys.create\",\"user\":\"a\",\"reusable\":\"yes\"}").get("error").asText());
        assertEquals("field \"expirationSeconds\" must be a whole number of seconds",
                admin("{\"op\":\"authkeys.create\",\"user\":\"a\",\"expirationSeconds\":1.5}").get("error").asText());
        assertEquals("field \"routes\" must be a list of strings",
                admin("{\"op\":\"routes.approve\",\"node\":\"a\",\"routes\":\"10.0.0.0/8\"}").get("error").asText());
        assertEquals("no such node: 42", admin("{\"op\":\"nodes.delete\",\"node\":\"42\"}").get("error").asText());
        String huge = "{\"op\":\"users.create\",\"name\":\"" + "a".repeat(AdminOps.MAX_REQUEST + 1) + "\"}";
        assertTrue(admin(huge).get("error").asText().startsWith("request too large"));
        assertTrue(server.admin().listUsers().isEmpty(), "nothing changed");
        assertTrue(admin("{\"op\":\"users.list\"}").get("ok").asBoolean());
    }
}
