"""UDP helpers for the userspace-networking tests (tsj, dev.tsj.it.tailnet.UserspaceNetworkingIT).

udp_tool.py echo PORT                  answer every datagram with "ADDRESS PAYLOAD", ADDRESS being
                                       the source this host sees; logs "listening" when bound
udp_tool.py ask HOST PORT              send "hello", print the answer (3 tries, 2 s each)
udp_tool.py socks PROXY_PORT HOST PORT the same through the SOCKS5 proxy on 127.0.0.1:PROXY_PORT
                                       (RFC 1928 UDP ASSOCIATE, no authentication)
Exits 1 when no answer came.
"""
import socket
import struct
import sys


def echo(port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", port))
    sys.stderr.write("listening\n")
    sys.stderr.flush()
    while True:
        data, addr = s.recvfrom(65535)
        s.sendto(addr[0].encode() + b" " + data, addr)


def ask(host, port):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.settimeout(2)
    for _ in range(3):
        s.sendto(b"hello", (host, port))
        try:
            print(s.recv(65535).decode())
            return 0
        except socket.timeout:
            continue
    return 1


def recv_exact(t, n):
    b = b""
    while len(b) < n:
        chunk = t.recv(n - len(b))
        if not chunk:
            raise EOFError("proxy closed the connection")
        b += chunk
    return b


def socks(proxy_port, host, port):
    t = socket.create_connection(("127.0.0.1", proxy_port), timeout=5)
    t.sendall(b"\x05\x01\x00")
    if recv_exact(t, 2) != b"\x05\x00":
        return 1
    t.sendall(b"\x05\x03\x00\x01" + socket.inet_aton("0.0.0.0") + struct.pack("!H", 0))
    reply = recv_exact(t, 4)
    if reply[1] != 0 or reply[3] != 1:
        sys.stderr.write("UDP ASSOCIATE refused: %r\n" % reply)
        return 1
    relay_ip = socket.inet_ntoa(recv_exact(t, 4))
    relay_port = struct.unpack("!H", recv_exact(t, 2))[0]
    if relay_ip == "0.0.0.0":
        relay_ip = "127.0.0.1"
    u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    u.settimeout(2)
    header = b"\x00\x00\x00\x01" + socket.inet_aton(host) + struct.pack("!H", port)
    for _ in range(3):
        u.sendto(header + b"hello", (relay_ip, relay_port))
        try:
            data = u.recv(65535)
            print(data[10:].decode())
            return 0
        except socket.timeout:
            continue
    return 1


if __name__ == "__main__":
    mode = sys.argv[1]
    if mode == "echo":
        echo(int(sys.argv[2]))
    elif mode == "ask":
        sys.exit(ask(sys.argv[2], int(sys.argv[3])))
    elif mode == "socks":
        sys.exit(socks(int(sys.argv[2]), sys.argv[3], int(sys.argv[4])))
    else:
        sys.exit("unknown mode " + mode)
