package dev.tsj.tun.netstack;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A minimal HTTP/1.1 server on a stack port, for proxy tests: keep-alive, Content-Length
 * bodies. GET answers "GET <path>"; POST echoes the body.
 */
final class StackHttpServer {
    final AtomicInteger connections = new AtomicInteger();
    final AtomicInteger requests = new AtomicInteger();

    StackHttpServer(NetStack stack, int port) {
        stack.listen(port, req -> {
            TcpStream s = TcpStream.accept(req);
            connections.incrementAndGet();
            Thread.ofVirtual().start(() -> serve(s));
        });
    }

    private void serve(TcpStream s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            while (true) {
                String start = line(in);
                if (start == null) return;
                long length = 0;
                boolean close = false;
                String h;
                while (!(h = line(in)).isEmpty()) {
                    String lower = h.toLowerCase();
                    if (lower.startsWith("content-length:")) length = Long.parseLong(h.substring(15).trim());
                    if (lower.startsWith("connection:") && lower.contains("close")) close = true;
                }
                byte[] body = in.readNBytes((int) length);
                requests.incrementAndGet();
                String[] parts = start.split(" ");
                byte[] reply = parts[0].equals("POST") ? body : (parts[0] + " " + parts[1]).getBytes(StandardCharsets.UTF_8);
                out.write(("HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + reply.length
                        + "\r\n" + (close ? "Connection: close\r\n" : "") + "\r\n").getBytes(StandardCharsets.ISO_8859_1));
                out.write(reply, 0, reply.length);
                if (close) return;
            }
        } catch (IOException | RuntimeException e) {
            // client gone
        }
    }

    private static String line(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') b.write(c);
        if (c < 0 && b.size() == 0) return null;
        String s = b.toString(StandardCharsets.ISO_8859_1);
        return s.endsWith("\r") ? s.substring(0, s.length() - 1) : s;
    }
}
