package dev.tsj.cli.demo;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** README's first command for a user who is not root: it must work here, on loopback only. */
class UserspaceDemoTest {
    @Test
    @Timeout(120)
    void theDemoPingsAndFetchesAPageThroughSocks5AndExitsZero() throws Exception {
        ByteArrayOutputStream buf = new ByteArrayOutputStream();
        int code = UserspaceDemo.run(new PrintStream(buf, true, StandardCharsets.UTF_8));
        String out = buf.toString(StandardCharsets.UTF_8);
        assertEquals(0, code, out);
        assertTrue(out.contains("pong from demo-2 (100."), out);
        assertTrue(out.lines().anyMatch(l -> l.startsWith("hello from demo-2's 127.0.0.1:")), out);
    }
}
