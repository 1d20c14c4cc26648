"""An impaired link for the userspace load tests (tsj, dev.tsj.it.tailnet.UserspaceLoadIT).

The kernel here has no netem, so a router namespace policy-routes the packets it forwards
into a TUN device that this program owns; it drops some, holds every other one for DELAY
+- JITTER ms and writes it back, and the kernel routes the written-back packet on (it now
arrives from the TUN, which the policy rule does not match). Each packet's delay is drawn
on its own, so packets that arrive less than 2 * JITTER apart can leave swapped: the
jitter is the reordering, as with netem's delay jitter.

impair.py TUN LOSS DELAY_MS JITTER_MS SEED
  creates TUN (IFF_TUN, no packet info), prints "ready", then forwards; once a second, when
  something changed, prints "stats received=R dropped=D reordered=O" (reordered: packets
  written after one that arrived later than they did).
"""
import fcntl
import heapq
import os
import random
import select
import struct
import sys
import time

TUNSETIFF = 0x400454CA
IFF_TUN = 0x0001
IFF_NO_PI = 0x1000


def open_tun(name):
    fd = os.open("/dev/net/tun", os.O_RDWR | os.O_NONBLOCK)
    fcntl.ioctl(fd, TUNSETIFF, struct.pack("16sH", name.encode(), IFF_TUN | IFF_NO_PI))
    return fd


def main(name, loss, delay_ms, jitter_ms, seed):
    fd = open_tun(name)
    rng = random.Random(seed)
    queue = []  # (due, arrival number, packet)
    arrivals = dropped = reordered = 0
    latest_written = -1
    last_report = time.monotonic()
    reported = None
    print("ready", flush=True)
    while True:
        now = time.monotonic()
        timeout = max(0.0, queue[0][0] - now) if queue else 1.0
        readable, _, _ = select.select([fd], [], [], min(timeout, 1.0))
        if readable:
            while True:
                try:
                    packet = os.read(fd, 65535)
                except BlockingIOError:
                    break
                arrivals += 1
                if rng.random() < loss:
                    dropped += 1
                    continue
                due = time.monotonic() + (delay_ms + rng.uniform(-jitter_ms, jitter_ms)) / 1000.0
                heapq.heappush(queue, (due, arrivals, packet))
        now = time.monotonic()
        while queue and queue[0][0] <= now:
            _, number, packet = heapq.heappop(queue)
            if number < latest_written:
                reordered += 1
            else:
                latest_written = number
            try:
                os.write(fd, packet)
            except OSError:
                dropped += 1  # the TUN's queue is full: lost, as on a congested link
        if now - last_report >= 1.0:
            last_report = now
            stats = "stats received=%d dropped=%d reordered=%d" % (arrivals, dropped, reordered)
            if stats != reported:
                reported = stats
                print(stats, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], float(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4]), int(sys.argv[5]))
