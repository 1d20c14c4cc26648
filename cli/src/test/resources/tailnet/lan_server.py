"""A LAN host's web server for the subnet-router tests (tsj, dev.tsj.it.tailnet).

GET /whoami       -> the client's address as this host sees it (the router's LAN address
                     under SNAT, the tailnet client's 100.x/fd7a: address without).
GET /blob/N/RATE  -> N bytes of a fixed pattern (byte i is i % 256), at most RATE bytes a
                     second (0: as fast as it goes), honouring "Range: bytes=START-" so an
                     interrupted download can resume.
Every request is logged on stderr as "ADDRESS METHOD PATH", one line, for the test to read.
Listens on [::]:PORT, dual stack, or on ADDRESS:PORT alone.  Usage: lan_server.py PORT [ADDRESS]
"""
import http.server
import socket
import sys
import time

PATTERN = bytes(range(256)) * 64  # 16 KiB; byte i of a blob is i % 256
CHUNK = len(PATTERN)


def client_address(handler):
    addr = handler.client_address[0]
    return addr[7:] if addr.startswith("::ffff:") else addr


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass  # one line per request, written by do_GET

    def do_GET(self):
        who = client_address(self)
        sys.stderr.write("%s GET %s\n" % (who, self.path))
        sys.stderr.flush()
        if self.path == "/whoami":
            body = (who + "\n").encode()
            self.send_response(200)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)
        elif self.path.startswith("/blob/"):
            size, rate = self.path[len("/blob/"):].split("/")
            self.blob(int(size), int(rate))
        else:
            self.send_error(404)

    def blob(self, size, rate):
        start = 0
        rng = self.headers.get("Range", "")
        if rng.startswith("bytes=") and rng.endswith("-"):
            start = int(rng[len("bytes="):-1])
        if start:
            self.send_response(206)
            self.send_header("Content-Range", "bytes %d-%d/%d" % (start, size - 1, size))
        else:
            self.send_response(200)
        self.send_header("Content-Length", str(size - start))
        self.end_headers()
        sent = start
        began = time.monotonic()
        while sent < size:
            off = sent % CHUNK
            n = min(CHUNK - off, size - sent)
            self.wfile.write(PATTERN[off:off + n])
            sent += n
            if rate:
                ahead = (sent - start) / rate - (time.monotonic() - began)
                if ahead > 0:
                    time.sleep(ahead)


class Server(http.server.ThreadingHTTPServer):
    # The load tests open hundreds of connections at once; the default backlog of 5 would
    # make the kernel drop their SYNs and the clients wait out SYN retransmissions.
    request_queue_size = 1024


class DualStackServer(Server):
    address_family = socket.AF_INET6

    def server_bind(self):
        self.socket.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 0)
        super().server_bind()


if __name__ == "__main__":
    port = int(sys.argv[1])
    if len(sys.argv) > 2:
        server = Server((sys.argv[2], port), Handler)
    else:
        server = DualStackServer(("::", port), Handler)
    sys.stderr.write("listening on %s:%d\n" % (sys.argv[2] if len(sys.argv) > 2 else "[::]", port))
    sys.stderr.flush()
    server.serve_forever()
