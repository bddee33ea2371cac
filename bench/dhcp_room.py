#!/usr/bin/env python3
"""Benchmark: a room of phones powering up at once against `lifeline serve --dhcp`.

PHONES simulated phones (default 300) each send one DHCPDISCOVER, all within
SPREAD seconds (default 1), from the client side of a veth pair between two
network namespaces this script creates (and deletes on exit). Lifeline serves
on the other side with its ICMP probe on (the default): nobody answers the
probes, so every offer waits for its probe to time out, the worst case. No
phone sends a second DISCOVER, so the figure is the time from each phone's
first DISCOVER to its OFFER; the target is every phone within 2 s.

Each of ROUNDS runs (default 3) starts Lifeline afresh with an empty lease
file and prints how many phones got an offer, how many within 2 s, and the
median, 95th percentile and largest wait; the last line gives the medians
over the rounds.

Usage (root):  bench/dhcp_room.py
  PHONES=300 SPREAD=1 ROUNDS=3 PROFILE=release|debug  BIN=path/to/lifeline
Needs: iproute2, python3, cargo (unless BIN is given). Nothing is sent
outside the two namespaces; every run ends by itself (WAIT seconds at most
for the offers, default 10).
"""

import os
import random
import select
import shutil
import socket
import statistics
import struct
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PHONES = int(os.environ.get("PHONES", "300"))
SPREAD = float(os.environ.get("SPREAD", "1"))
ROUNDS = int(os.environ.get("ROUNDS", "3"))
WAIT = float(os.environ.get("WAIT", "10"))
PROFILE = os.environ.get("PROFILE", "release")
TAG = f"llroom{os.getpid()}"
NSA, NSB = TAG + "a", TAG + "b"
VA, VB = f"lrm{os.getpid() % 100000}a", f"lrm{os.getpid() % 100000}b"
CLASS = b"Cisco Systems, Inc. IP Phone CP-7961G\0"


def die(msg):
    print(f"bench/dhcp_room.py: {msg}", file=sys.stderr)
    sys.exit(1)


def run(*args):
    subprocess.run(args, check=True)


def discover(xid, mac):
    header = struct.pack(
        "!BBBBIHH4s4s4s4s16s64s128s",
        1, 1, 6, 0, xid, 0, 0x8000,  # broadcast flag: the reply comes to 255.255.255.255
        bytes(4), bytes(4), bytes(4), bytes(4),
        mac + bytes(10), bytes(64), bytes(128),
    )
    options = bytes([99, 130, 83, 99, 53, 1, 1, 60, len(CLASS)]) + CLASS
    options += bytes([55, 4, 1, 3, 150, 66, 255])
    return header + options


def client():
    """Runs in the client namespace: sends, listens, prints one wait per line."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BROADCAST, 1)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4 << 20)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_BINDTODEVICE, VB.encode())
    s.bind(("0.0.0.0", 68))
    s.setblocking(False)
    base = random.randrange(1 << 24) << 8
    sent = {}
    offered = {}
    start = time.monotonic()

    def receive(until):
        while True:
            left = until - time.monotonic()
            if left <= 0 or len(offered) == PHONES:
                return
            ready, _, _ = select.select([s], [], [], left)
            if not ready:
                return
            while True:
                try:
                    data = s.recv(4096)
                except BlockingIOError:
                    break
                now = time.monotonic()
                if len(data) < 240 or data[0] != 2:
                    continue
                xid = struct.unpack("!I", data[4:8])[0]
                if xid in sent and xid not in offered:
                    offered[xid] = now - sent[xid]

    for i in range(PHONES):
        due = start + SPREAD * i / PHONES
        receive(due)
        xid = base + i
        mac = bytes([0x00, 0x1B, 0x54, (i >> 16) & 0xFF, (i >> 8) & 0xFF, i & 0xFF])
        sent[xid] = time.monotonic()
        s.sendto(discover(xid, mac), ("255.255.255.255", 67))
    receive(time.monotonic() + WAIT)
    for xid in sent:
        print(f"{offered[xid]:.6f}" if xid in offered else "none")


def lifeline_bin():
    if os.environ.get("BIN"):
        return os.environ["BIN"]
    flags = ["--release"] if PROFILE == "release" else []
    print(f"building lifeline ({PROFILE})...", file=sys.stderr)
    subprocess.run(
        ["cargo", "build", "--quiet", *flags, "-p", "lifeline-helper", "--bin", "lifeline"],
        cwd=ROOT, check=True,
    )
    return os.path.join(ROOT, "target", "release" if PROFILE == "release" else "debug", "lifeline")


def one_round(binary, work):
    data = tempfile.mkdtemp(dir=work)
    log = open(os.path.join(data, "out.log"), "w+")
    server = subprocess.Popen(
        ["ip", "netns", "exec", NSA, binary, "serve", "--http-listen", "127.0.0.1:0",
         "--dhcp", "all", "--interface", VA, "--data-dir", data, "--dhcp-rival-wait", "1s",
         "--dhcp-range", "10.77.1.0-10.77.3.254"],
        stdout=log, stderr=subprocess.STDOUT,
        env=dict(os.environ, RUST_LOG="warn,lifeline_helper::dhcp::setup=info", NO_COLOR="1"),
    )
    try:
        for _ in range(300):
            log.seek(0)
            if "DHCP server listening" in log.read():
                break
            if server.poll() is not None:
                log.seek(0)
                die("lifeline exited:\n" + log.read())
            time.sleep(0.1)
        else:
            die("lifeline did not start within 30 s")
        out = subprocess.run(
            ["ip", "netns", "exec", NSB, sys.executable, os.path.abspath(__file__), "--client"],
            check=True, capture_output=True, text=True,
            env=dict(os.environ, BENCH_VB=VB),
        ).stdout.split()
    finally:
        server.terminate()
        try:
            server.wait(10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()
    waits = sorted(float(w) for w in out if w != "none")
    return len(out), waits


def main():
    if os.geteuid() != 0:
        die("needs root (network namespaces, port 67)")
    for tool in ("ip",):
        if shutil.which(tool) is None:
            die(f"{tool} is missing (apt-get install iproute2)")
    binary = lifeline_bin()
    work = tempfile.mkdtemp(prefix="lifeline-bench-room-")
    try:
        run("ip", "netns", "add", NSA)
        run("ip", "netns", "add", NSB)
        run("ip", "-n", NSA, "link", "add", VA, "type", "veth", "peer", "name", VB, "netns", NSB)
        run("ip", "-n", NSA, "addr", "add", "10.77.0.1/16", "dev", VA)
        for ns, dev in ((NSA, VA), (NSA, "lo"), (NSB, VB), (NSB, "lo")):
            run("ip", "-n", ns, "link", "set", dev, "up")
        print(f"{PHONES} phones, one DISCOVER each within {SPREAD} s, probes on, nobody answers them")
        print("round  offered  within-2s  median-s  p95-s   max-s")
        rows = []
        for r in range(ROUNDS):
            total, waits = one_round(binary, work)
            if waits:
                med = statistics.median(waits)
                p95 = waits[min(len(waits) - 1, int(0.95 * len(waits)))]
                top = waits[-1]
            else:
                med = p95 = top = float("nan")
            within = sum(1 for w in waits if w <= 2.0)
            rows.append((len(waits), within, med, p95, top))
            print(f"{r + 1:5}  {len(waits):4}/{total:<4} {within:6}    {med:8.3f}  {p95:6.3f}  {top:6.3f}")
        cols = list(zip(*rows))
        print("median {:5}       {:6}    {:8.3f}  {:6.3f}  {:6.3f}".format(
            int(statistics.median(cols[0])), int(statistics.median(cols[1])),
            statistics.median(cols[2]), statistics.median(cols[3]), statistics.median(cols[4])))
    finally:
        subprocess.run(["ip", "netns", "del", NSA], stderr=subprocess.DEVNULL)
        subprocess.run(["ip", "netns", "del", NSB], stderr=subprocess.DEVNULL)
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    if sys.argv[1:] == ["--client"]:
        VB = os.environ["BENCH_VB"]
        client()
    else:
        main()
