"""HTTP clients for the userspace load tests (tsj, dev.tsj.it.tailnet.UserspaceLoadIT), for
lan_server.py's /blob/N/0 (byte i of a blob is i % 256). VIA is "socks:PORT" (a SOCKS5
CONNECT through 127.0.0.1:PORT, no authentication, HOST an IPv4 literal) or "direct".

load_client.py many N VIA HOST PORT
  opens N connections at once and holds them all open until every one is connected (so N
  are open together through the proxy), then each fetches a blob of its own size (1000 + i
  bytes) and checks it byte for byte; prints "fetched OK of N" and the first failures.
  Exits 1 unless all N succeeded.
load_client.py stall N VIA HOST PORT SIZE GO_FILE
  starts N downloads of SIZE bytes and reads nothing past the response headers; prints
  "stalled N" once the headers are in and "filled BYTES" once the bytes queued in this
  host's sockets stopped growing (the sender is held back); when GO_FILE appears reads
  everything, checks it, prints "verified N x SIZE". Exits 1 on a short or wrong body.
"""
import asyncio
import fcntl
import os
import socket
import struct
import sys
import termios
import time

from udp_tool import recv_exact  # beside this file

PATTERN = bytes(range(256)) * 1100  # longer than a read plus 255


def socks_request(host, port):
    return b"\x05\x01\x00\x01" + socket.inet_aton(host) + struct.pack(">H", port)


def get(path):
    return ("GET %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n" % path).encode()


def check_body(body, offset):
    """True when body is the blob's bytes from offset on."""
    start = offset % 256
    return body == PATTERN[start:start + len(body)]


async def connect(via, host, port):
    if via == "direct":
        return await asyncio.open_connection(host, port)
    reader, writer = await asyncio.open_connection("127.0.0.1", int(via.split(":")[1]))
    writer.write(b"\x05\x01\x00")
    if await reader.readexactly(2) != b"\x05\x00":
        raise IOError("SOCKS5 greeting refused")
    writer.write(socks_request(host, port))
    reply = await reader.readexactly(10)
    if reply[1] != 0:
        raise IOError("SOCKS5 CONNECT failed, reply %d" % reply[1])
    return reader, writer


async def fetch(i, via, host, port, all_connected, connected, n):
    try:
        reader, writer = await connect(via, host, port)
    except BaseException:
        all_connected.set()  # the others need not wait for this one
        raise
    try:
        connected[0] += 1
        if connected[0] == n:
            all_connected.set()
        await all_connected.wait()
        size = 1000 + i
        writer.write(get("/blob/%d/0" % size))
        response = await reader.read(-1)
        head, _, body = response.partition(b"\r\n\r\n")
        if not head.startswith(b"HTTP/1.1 200") or len(body) != size or not check_body(body, 0):
            raise IOError("bad response: %r, %d body bytes" % (head[:40], len(body)))
    finally:
        writer.close()


async def many(n, via, host, port):
    all_connected = asyncio.Event()
    connected = [0]
    results = await asyncio.gather(*(asyncio.wait_for(fetch(i, via, host, port, all_connected, connected, n), 90)
                                     for i in range(n)), return_exceptions=True)
    failures = [r for r in results if r is not None]
    print("connected %d of %d at once; fetched %d of %d" % (connected[0], n, n - len(failures), n), flush=True)
    for f in failures[:5]:
        print("failure: %r" % (f,), flush=True)
    return 0 if not failures else 1


def open_download(via, host, port, size):
    if via == "direct":
        s = socket.create_connection((host, port), timeout=30)
    else:
        s = socket.create_connection(("127.0.0.1", int(via.split(":")[1])), timeout=30)
        s.sendall(b"\x05\x01\x00")
        if recv_exact(s, 2) != b"\x05\x00":
            raise IOError("SOCKS5 greeting refused")
        s.sendall(socks_request(host, port))
        if recv_exact(s, 10)[1] != 0:
            raise IOError("SOCKS5 CONNECT failed")
    s.sendall(get("/blob/%d/0" % size))
    head = b""
    while b"\r\n\r\n" not in head:
        chunk = s.recv(1)  # one byte at a time: not one byte of the body is read early
        if not chunk:
            raise IOError("closed before the headers ended")
        head += chunk
    if not head.startswith(b"HTTP/1.1 200"):
        raise IOError("bad response: %r" % head[:40])
    return s


def queued(sockets):
    total = 0
    for s in sockets:
        total += struct.unpack("i", fcntl.ioctl(s.fileno(), termios.FIONREAD, b"\0\0\0\0"))[0]
    return total


def stall(n, via, host, port, size, go_file):
    sockets = [open_download(via, host, port, size) for _ in range(n)]
    print("stalled %d" % n, flush=True)
    last, steady = -1, 0
    filled = False
    while not os.path.exists(go_file):
        time.sleep(0.5)
        now = queued(sockets)
        steady = steady + 1 if now == last and now > 0 else 0
        last = now
        if steady >= 2 and not filled:
            filled = True
            print("filled %d" % now, flush=True)
    for s in sockets:
        s.settimeout(120)
        got = 0
        buf = bytearray(65536)
        while True:
            k = s.recv_into(buf)
            if k == 0:
                break
            if not check_body(bytes(buf[:k]), got):
                print("wrong bytes at offset %d" % got, flush=True)
                return 1
            got += k
        s.close()
        if got != size:
            print("short body: %d of %d bytes" % (got, size), flush=True)
            return 1
    print("verified %d x %d" % (n, size), flush=True)
    return 0


if __name__ == "__main__":
    mode, count, via, host, port = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], int(sys.argv[5])
    if mode == "many":
        sys.exit(asyncio.run(many(count, via, host, port)))
    sys.exit(stall(count, via, host, port, int(sys.argv[6]), sys.argv[7]))
