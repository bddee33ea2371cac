#!/usr/bin/env python3
"""A soak of Lifeline's helper: phones recovering in cycles through a lossy
network, garbage bursts every minute, and the helper's resources sampled.

    python3 bench/soak.py [--bin target/release/lifeline] [--minutes 30]
                          [--phones 200] [--loss 0.05]

No root needed: everything runs on loopback (127.0.0.0/8), against
`lifeline serve --root` on ephemeral ports. Nothing is sent anywhere else.

- **Phones.** `--phones` lock-step TFTP clients, each from its own address
  127.0.1.N, fetch a recovery set (a manifest and five images, 230 KB in all)
  one file after another, like a phone after a factory reset, then start over,
  until the time is up. `--loss` of the datagrams each phone receives and of
  those it sends are dropped, as a lossy network would. Every file is checked
  byte for byte; a transfer fails on an ERROR, a wrong byte or `--give-up`
  seconds of silence (default 30; the client asks again every 0.3 s).
- **Garbage.** Once a minute, from 127.0.0.9: 2000 datagrams of random bytes
  and lengths (0 to 1500) at the TFTP port, 500 read requests for files that
  do not exist or with broken modes, and 50 TCP connections to the web port
  that send random bytes and hang up.
- **Resources.** Every 10 s: the helper's resident memory (VmRSS), open file
  descriptors and threads, from /proc. The first sample once every phone has
  finished a cycle and the first minute is over is the baseline; the goal is that the last sample is
  within 10 % of it (memory, descriptors, threads), and 0 failed transfers.

- **Ports reused** (`--ports LOW-HIGH`, root): the run moves into a network
  namespace of its own (`unshare -n`, its own loopback) whose ephemeral
  ports are LOW..HIGH. A phone's new socket for its next file then often
  gets the port of its last one, whose transfer may still wait for a lost
  final ACK: the case behind the rare "timeouts at block 1" of long runs,
  here in minutes (400 ports, 50 phones, two runs of 2-3 minutes: 17 of
  22k transfers failed before the server told the two apart, none of 23k
  after).

Bounded: the run stops at `--minutes`, every client gives up after 10
timeouts in a row, and the helper is killed at the end.
"""

import argparse
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from tftp_burst import Server, default_binary, fetch, rrq  # noqa: E402

FILES = [
    ("term41.default.loads", 600),
    ("jar41sccp.8-3-2-27.sbn", 90_000),
    ("cnu41.8-3-2-27.sbn", 60_000),
    ("apps41.8-3-2-27.sbn", 50_000),
    ("dsp41.8-3-2-27.sbn", 20_000),
    ("cvm41sccp.8-3-2-27.sbn", 10_000),
]


def sample(pid):
    """(rss_kib, fds, threads) of process `pid`."""
    rss = threads = 0
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                rss = int(line.split()[1])
            elif line.startswith("Threads:"):
                threads = int(line.split()[1])
    fds = len(os.listdir(f"/proc/{pid}/fd"))
    return rss, fds, threads


def garbage(tftp, web, rng):
    """One burst of garbage at the TFTP and web ports, from 127.0.0.9."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("127.0.0.9", 0))
    for _ in range(2000):
        s.sendto(rng.randbytes(rng.randrange(0, 1501)), tftp)
    for i in range(500):
        if i % 2:
            s.sendto(rrq(f"missing-{rng.randrange(10**6)}.bin"), tftp)
        else:
            s.sendto(b"\x00\x01x\x00" + rng.randbytes(rng.randrange(0, 40)), tftp)
    s.close()
    for _ in range(50):
        try:
            c = socket.create_connection(web, timeout=2, source_address=("127.0.0.9", 0))
            c.sendall(rng.randbytes(rng.randrange(1, 4000)))
            c.close()
        except OSError:
            pass


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=str(default_binary()))
    p.add_argument("--minutes", type=float, default=30)
    p.add_argument("--phones", type=int, default=200)
    p.add_argument("--loss", type=float, default=0.05)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--give-up", type=float, default=30.0,
                   help="seconds of silence after which a phone gives up a transfer (default 30; "
                        "the server backs off up to 8 s between resends, so a few losses in a "
                        "row need more than 9 s)")
    p.add_argument("--slots", type=int, default=0,
                   help="--tftp-max-transfers (default: 2 x phones + 56, at least 256)")
    p.add_argument("--ports", metavar="LOW-HIGH",
                   help="run in a network namespace of its own (root) whose ephemeral ports "
                        "are LOW..HIGH, so that clients' new sockets often reuse a port")
    args = p.parse_args()
    if not 1 <= args.phones <= 254:
        sys.exit("--phones: 1 to 254 (one loopback address 127.0.1.N each)")
    if args.ports:
        ports(args.ports)

    with tempfile.TemporaryDirectory() as root:
        data = {}
        for i, (name, size) in enumerate(FILES):
            data[name] = bytes((j * (31 + i) + j // 509) & 0xFF for j in range(size))
            Path(root, name).write_bytes(data[name])
        # Each phone holds one transfer, plus the ones whose final ACK was lost
        # (held for the claim timeout, ~4 s): phones that start over at once
        # finish a transfer every few hundred milliseconds, far faster than
        # real ones (minutes per recovery), so they get room for both.
        slots = args.slots or max(256, 2 * args.phones + 56)
        server = Server(args.bin, root, ["--tftp-max-transfers", str(slots)])
        try:
            run(args, server, server.web, data)
        finally:
            server.stop()


def ports(spec):
    """Moves the run into a network namespace of its own, with its loopback
    up and ephemeral ports `spec` ("LOW-HIGH"): the first time by running
    this script again under `unshare -n`, then inside it by setting both."""
    try:
        low, high = (int(x) for x in spec.split("-"))
    except ValueError:
        sys.exit(f"--ports {spec}: expected LOW-HIGH, e.g. 40000-40399")
    if not 1024 <= low < high <= 65535 or high - low < 100:
        sys.exit(f"--ports {spec}: a range of at least 100 ports within 1024-65535")
    if os.environ.get("LIFELINE_SOAK_NETNS") != spec:
        if os.geteuid() != 0:
            sys.exit("--ports needs root: it creates a network namespace (unshare -n)")
        env = {**os.environ, "LIFELINE_SOAK_NETNS": spec}
        code = subprocess.call(["unshare", "-n", sys.executable, *sys.argv], env=env)
        sys.exit(code)
    subprocess.run(["ip", "link", "set", "lo", "up"], check=True)
    Path("/proc/sys/net/ipv4/ip_local_port_range").write_text(f"{low} {high}\n")
    print(f"network namespace of its own, ephemeral ports {low}-{high}")


def run(args, server, web, data):
    pid = server.proc.pid
    end = time.monotonic() + args.minutes * 60
    lock = threading.Lock()
    outcomes = {"ok": 0, "failed": 0}
    failures = []
    cycles = [0] * args.phones

    def phone(i):
        rng = random.Random(args.seed * 1000 + i)
        while time.monotonic() < end:
            for name, _ in FILES:
                got, why = fetch(server.tftp, name, f"127.0.1.{i + 1}", timeout=0.3,
                                 tries=max(1, round(args.give_up / 0.3)), loss=args.loss, rng=rng)
                with lock:
                    if got == data[name]:
                        outcomes["ok"] += 1
                    else:
                        outcomes["failed"] += 1
                        load = os.getloadavg()[0]
                        failures.append(f"{name}: {why or 'wrong bytes'} "
                                        f"(t={time.monotonic() - started:.0f} s, phone 127.0.1.{i + 1}, "
                                        f"load average {load:.1f})")
                if time.monotonic() >= end:
                    return
            cycles[i] += 1

    threads = [threading.Thread(target=phone, args=(i,), daemon=True) for i in range(args.phones)]
    started = time.monotonic()
    for t in threads:
        t.start()
    rng = random.Random(args.seed)
    samples = []
    baseline = None
    next_sample = started
    next_garbage = started + 60
    print(f"server: {args.bin} (pid {pid}); {args.phones} phones, {args.loss:.0%} loss, "
          f"{args.minutes:g} min")
    print(f"{'t (s)':>7} {'RSS (KiB)':>10} {'fds':>5} {'threads':>8} {'transfers ok':>13} "
          f"{'failed':>7} {'min cycles':>11}")
    while time.monotonic() < end:
        now = time.monotonic()
        if now >= next_garbage:
            garbage(server.tftp, web, rng)
            next_garbage += 60
        if now >= next_sample:
            s = sample(pid)
            with lock:
                ok, failed = outcomes["ok"], outcomes["failed"]
            done = min(cycles)
            samples.append((now - started, *s))
            # Settled: every phone finished a cycle, and the first minute (the
            # thread pools' growth, the first garbage burst) is over.
            if baseline is None and done >= 1 and now - started >= 65:
                baseline = s
            print(f"{now - started:7.0f} {s[0]:10d} {s[1]:5d} {s[2]:8d} {ok:13d} {failed:7d} "
                  f"{done:11d}{'  <- baseline' if baseline is s else ''}", flush=True)
            next_sample += 10
        time.sleep(0.2)
    # The comparison is with the last sample under load, before the phones stop.
    last = samples[-1][1:] if samples else sample(pid)
    for t in threads:
        t.join(timeout=60)
    after = sample(pid)
    print(f"{time.monotonic() - started:7.0f} {after[0]:10d} {after[1]:5d} {after[2]:8d} "
          f"{outcomes['ok']:13d} {outcomes['failed']:7d} {min(cycles):11d}  <- phones stopped")
    print(f"transfers: {outcomes['ok']} ok, {outcomes['failed']} failed "
          f"(goal 0 failed: {'met' if not outcomes['failed'] else 'NOT met'})")
    for why in failures[:5]:
        print(f"  failure: {why}")
    if baseline is None:
        print("no phone finished a cycle after the first minute: no baseline (run longer)")
        return
    verdicts = []
    for what, b, e in zip(("memory", "descriptors", "threads"), baseline, last):
        within = abs(e - b) <= max(0.10 * b, 1)
        verdicts.append(within)
        print(f"{what}: {b} after the first cycle, {e} in the last sample under load "
              f"({(e - b) / b:+.1%}; goal within 10 %: {'met' if within else 'NOT met'})")


if __name__ == "__main__":
    main()
