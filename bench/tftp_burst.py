#!/usr/bin/env python3
"""Lifeline's TFTP server under a burst of abandoned read requests.

    python3 bench/tftp_burst.py [--bin target/release/lifeline] [--clients 200]

No root needed: everything runs on loopback (127.0.0.0/8; Linux answers on
every address of it), against `lifeline serve --root` on an ephemeral port.
Nothing is sent anywhere else.

Two measurements:

1. **Time to serve after a burst.** 2000 read requests from 127.0.0.2, each
   from a fresh port whose socket is closed at once (the sender never
   answers), then one well-behaved client at 127.0.0.3 (lock-step, repeats
   its request every second until answered, like a phone but faster). Reported:
   the time from the end of the burst until that client has the whole file,
   and whether the server refused it. Goal: at most 5 s.
2. **Real clients through a burst.** `--clients` lock-step clients (default
   200), each from its own address 127.0.1.N, download a file while a burst
   of `--burst` (default 10 000) abandoned requests comes from 127.0.0.2.
   Reported: transfers that failed (an ERROR, a wrong byte, or 10 silent
   seconds in a row). Goal: none.

Every downloaded file is checked byte for byte. Bounded: every client gives
up after 10 timeouts in a row, every wait has a deadline, and the server is
killed at the end.
"""

import argparse
import os
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
TFTP_LINE = "TFTP listening on "
UI_LINE = "Lifeline is serving the UI at "
BLOCK = 512


def rrq(name):
    return b"\x00\x01" + name.encode() + b"\x00octet\x00"


def fetch(server, name, bind, timeout=1.0, tries=10, loss=0.0, rng=None):
    """Lock-step download of `name` from a socket bound to `bind`. Returns
    (bytes, None) or (None, why it failed). With `loss` > 0, that share of
    the datagrams it receives and of those it sends are dropped as a lossy
    network would (`rng`: a random.Random, for repeatable runs)."""
    lost = (lambda: rng.random() < loss) if loss > 0 else (lambda: False)
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    try:
        s.bind((bind, 0))
        s.settimeout(timeout)
        request = rrq(name)
        tid = None
        expected = 1
        out = bytearray()
        last = request
        silent = 0

        def send(datagram, to):
            if not lost():
                s.sendto(datagram, to)

        # The longest one receive took beyond its timeout: a client that
        # stalls (a busy machine, this interpreter's lock) answers late, and a
        # server may rightly have given up on it meanwhile.
        overrun = 0.0
        send(request, server)
        while True:
            asked = time.monotonic()
            try:
                data, frm = s.recvfrom(2048)
            except socket.timeout:
                data = None
            overrun = max(overrun, time.monotonic() - asked - timeout)
            if data is None:
                silent += 1
                if silent >= tries:
                    return None, (f"{tries} timeouts in a row at block {expected} "
                                  f"(this client's longest stall: {overrun:.1f} s past a "
                                  f"{timeout:g} s timeout)")
                send(last, tid or server)
                continue
            if lost():
                continue
            if tid is None:
                # The reply to a read request is DATA 1 (or an ERROR). Any
                # other DATA is a stray: a retransmission of the last transfer
                # whose client had this port before (its final ACK lost)
                # must not become this transfer's TID.
                if data[:2] == b"\x00\x03" and data[2:4] != b"\x00\x01":
                    continue
                tid = frm
            elif frm != tid:
                continue
            silent = 0
            op = struct.unpack("!H", data[:2])[0]
            if op == 5:
                return None, "ERROR: " + data[4:].split(b"\0")[0].decode(errors="replace")
            if op != 3:
                return None, f"unexpected opcode {op}"
            block = struct.unpack("!H", data[2:4])[0]
            if block == expected & 0xFFFF:
                out += data[4:]
                expected += 1
            last = b"\x00\x04" + data[2:4]
            send(last, tid)
            if block == (expected - 1) & 0xFFFF and len(data) - 4 < BLOCK:
                return bytes(out), None
    finally:
        s.close()


def burst(server, name, source, count):
    """`count` read requests from `source`, each from a fresh, closed port."""
    request = rrq(name)
    for _ in range(count):
        s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
        s.bind((source, 0))
        s.sendto(request, server)
        s.close()


class Server:
    def __init__(self, binary, root, extra):
        self.data = tempfile.TemporaryDirectory()
        self.proc = subprocess.Popen(
            [binary, "serve", "--http-listen", "127.0.0.1:0", "--tftp-listen", "127.0.0.1:0",
             # TFTP only: no HTTP provisioning on 0.0.0.0:6970, where it would
             # answer other programs' phones, and no neighbour listener.
             "--provision-listen", "off", "--neighbours", "off",
             "--root", root, "--data-dir", self.data.name, *extra],
            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
            text=True, env={**os.environ, "RUST_LOG": "warn"})
        deadline = time.monotonic() + 30
        self.tftp = None
        self.web = None
        while time.monotonic() < deadline:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith(UI_LINE):
                host, port = line[len(UI_LINE):].split("://", 1)[1].split("/", 1)[0].rsplit(":", 1)
                self.web = (host, int(port))
            if line.startswith(TFTP_LINE):
                host, port = line[len(TFTP_LINE):].split(",")[0].rsplit(":", 1)
                self.tftp = (host, int(port))
                break
        if self.tftp is None:
            self.stop()
            sys.exit("lifeline printed no TFTP line")

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.data.cleanup()


def served_after_burst(binary, root, data, count):
    server = Server(binary, root, [])
    try:
        burst(server.tftp, "phone.bin", "127.0.0.2", count)
        end = time.monotonic()
        got, why = fetch(server.tftp, "phone.bin", "127.0.0.3")
        took = time.monotonic() - end
        ok = got == data
        return took, ok, why
    finally:
        server.stop()


def clients_through_burst(binary, root, data, clients, count):
    server = Server(binary, root, ["--tftp-max-transfers", str(max(256, clients + 56))])
    failures = []
    done = []
    lock = threading.Lock()

    def one(i):
        got, why = fetch(server.tftp, "big.bin", f"127.0.1.{i + 1}")
        with lock:
            if got == data:
                done.append(i)
            else:
                failures.append(why or "wrong bytes")

    try:
        threads = [threading.Thread(target=one, args=(i,)) for i in range(clients)]
        started = time.monotonic()
        for t in threads:
            t.start()
        time.sleep(0.2)  # the clients are mid-transfer when the burst comes
        burst(server.tftp, "big.bin", "127.0.0.2", count)
        burst_end = time.monotonic() - started
        for t in threads:
            t.join(timeout=600)
        wall = time.monotonic() - started
        return wall, burst_end, len(done), failures
    finally:
        server.stop()


def default_binary():
    """The release build if there is one, else the debug build."""
    release = REPO / "target/release/lifeline"
    return release if release.exists() else REPO / "target/debug/lifeline"


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=str(default_binary()))
    p.add_argument("--abandoned", type=int, default=2000)
    p.add_argument("--clients", type=int, default=200)
    p.add_argument("--burst", type=int, default=10_000)
    p.add_argument("--size", type=int, default=256 * 1024, help="bytes per real client")
    args = p.parse_args()
    if not 1 <= args.clients <= 254:
        sys.exit("--clients: 1 to 254 (one loopback address 127.0.1.N each)")

    with tempfile.TemporaryDirectory() as root:
        phone = bytes((i * 7 + i // 251) & 0xFF for i in range(20_000))
        big = bytes((i * 31 + i // 509) & 0xFF for i in range(args.size))
        Path(root, "phone.bin").write_bytes(phone)
        Path(root, "big.bin").write_bytes(big)
        print(f"server: {args.bin}")

        took, ok, why = served_after_burst(args.bin, root, phone, args.abandoned)
        verdict = "met" if ok and took <= 5.0 else "NOT met"
        print(f"after {args.abandoned} abandoned requests from 127.0.0.2: the client at "
              f"127.0.0.3 was {'served' if ok else 'NOT served (' + str(why) + ')'} "
              f"{took:.2f} s after the burst (goal <= 5 s: {verdict})")

        wall, burst_end, done, failures = clients_through_burst(
            args.bin, root, big, args.clients, args.burst)
        verdict = "met" if not failures else "NOT met"
        print(f"{args.clients} clients x {args.size // 1024} KiB with a burst of {args.burst} "
              f"abandoned requests (sent by {burst_end:.2f} s): {done} complete, "
              f"{len(failures)} failed, {wall:.2f} s wall (goal 0 failed: {verdict})")
        for why in sorted(set(failures))[:5]:
            print(f"  failure: {why}")


if __name__ == "__main__":
    main()
