#!/usr/bin/env python3
"""HTTP provisioning (port 6970) against nginx serving the same folder.

    python3 bench/http_nginx.py [--bin target/release/lifeline] [--clients 50] [--runs 3]

No root needed, nothing leaves the machine: both servers listen on 127.0.0.1
ports picked here; nginx (Debian package) runs as the user running this
script, one process (`master_process off`), with a config of its own in a
temporary folder, `sendfile on`, no access log.

The bundle is a 60 MB folder of synthetic files shaped like an 88xx load
(a manifest, a few images). Two scenarios, each run against both servers
alternately (A B, then B A, …), as ../shared/docs/BENCHMARKS.md asks:

1. **one**: one client fetches the largest image (40 MB), ten times in a row;
2. **fifty**: `--clients` clients at once each fetch every file of the
   bundle (50 × 60 MB by default), the way a room of phones provisions.

Clients are curl processes (one per client, fetching its files in order,
each piped into `cmp` against the file on disk, so every byte is checked).
The server is pinned to `--server-core`, the clients to `--client-core`.
Reported per scenario and server: median wall time, median server CPU
(utime + stime of the server process, all threads, from /proc), the
server's peak RSS (VmHWM), and the ratios Lifeline/nginx. Goal: Lifeline's
wall time no higher than nginx's.

Bounded: every client runs under `timeout`, every wait has a deadline, and
both servers are killed at the end.
"""

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PROVISION_LINE = "HTTP provisioning listening on "
TICK = os.sysconf("SC_CLK_TCK")
# The lone client fetches the largest image this many times in a row: one
# fetch takes well under 0.1 s, too short to time or to see its CPU.
ONE_REPEATS = 10

# An 88xx-shaped bundle: (name, bytes); 60 MB in all.
BUNDLE = [
    ("sip88xx.14-1-1-0001-136.loads", 1_200),
    ("sboot88xx.14-1-1-0001-136.sbn", 1_500_000),
    ("kern88xx.14-1-1-0001-136.sbn", 12_000_000),
    ("dsp88xx.14-1-1-0001-136.sbn", 6_498_800),
    ("rootfs88xx.14-1-1-0001-136.sbn", 40_000_000),
]


def default_binary():
    """The release build if there is one, else the debug build."""
    release = REPO / "target/release/lifeline"
    return release if release.exists() else REPO / "target/debug/lifeline"


def nginx_binary():
    for path in ("/usr/sbin/nginx", shutil.which("nginx")):
        if path and os.access(path, os.X_OK):
            return path
    sys.exit("nginx is not installed (Debian package `nginx`; .ci/run installs it)")


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_listening(port, proc, deadline=10.0):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if proc.poll() is not None:
            sys.exit(f"the server exited ({proc.returncode}) before listening on {port}")
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    sys.exit(f"nothing listens on 127.0.0.1:{port} after {deadline} s")


def cpu_seconds(pid):
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    # utime and stime are fields 14 and 15; after the name, 12 and 13 (0-based 11, 12).
    return (int(fields[11]) + int(fields[12])) / TICK


def peak_rss_kib(pid):
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1])
    return 0


class Lifeline:
    name = "lifeline"

    def __init__(self, binary, root, core, tmp):
        data = Path(tmp, "lifeline-data")
        data.mkdir()
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(core), str(binary), "serve",
             "--http-listen", "127.0.0.1:0", "--tftp-listen", "127.0.0.1:0",
             "--provision-listen", "127.0.0.1:0", "--root", str(root),
             "--data-dir", str(data)],
            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
            env={**os.environ, "RUST_LOG": "warn"},
        )
        self.port = None
        end = time.monotonic() + 30
        while time.monotonic() < end:
            line = self.proc.stdout.readline()
            if not line:
                break
            if line.startswith(PROVISION_LINE):
                self.port = int(line[len(PROVISION_LINE):].split(":")[1])
                break
        if self.port is None:
            self.proc.kill()
            sys.exit("lifeline printed no HTTP provisioning line")
        # Its live lines (one per event) must not fill the pipe and stall it.
        self.drain = subprocess.Popen(["cat"], stdin=self.proc.stdout, stdout=subprocess.DEVNULL)
        wait_listening(self.port, self.proc)

    def stop(self):
        self.proc.kill()
        self.proc.wait()
        self.drain.wait()


class Nginx:
    name = "nginx"

    def __init__(self, root, core, tmp):
        prefix = Path(tmp, "nginx")
        prefix.mkdir()
        self.port = free_port()
        temp = lambda name: prefix / name  # noqa: E731
        conf = prefix / "nginx.conf"
        conf.write_text(f"""
worker_processes 1;
daemon off;
master_process off;
pid {prefix}/nginx.pid;
error_log {prefix}/error.log warn;
events {{ worker_connections 1024; }}
http {{
    access_log off;
    sendfile on;
    tcp_nopush on;
    keepalive_timeout 30;
    default_type application/octet-stream;
    client_body_temp_path {temp('body')};
    proxy_temp_path {temp('proxy')};
    fastcgi_temp_path {temp('fastcgi')};
    uwsgi_temp_path {temp('uwsgi')};
    scgi_temp_path {temp('scgi')};
    server {{
        listen 127.0.0.1:{self.port};
        root {root};
        location / {{ }}
    }}
}}
""")
        self.proc = subprocess.Popen(
            ["taskset", "-c", str(core), nginx_binary(), "-p", str(prefix), "-c", str(conf),
             "-e", str(prefix / "error.log")],
            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
        )
        wait_listening(self.port, self.proc)

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def client_script(port, root, names):
    """One client: fetch each name in order, each checked byte for byte."""
    lines = []
    for name in names:
        url = f"http://127.0.0.1:{port}/{name}"
        lines.append(
            f"curl -fsS --max-time 120 {url} | cmp -s - {root}/{name} || echo BAD {name}"
        )
    return "\n".join(lines)


def run_scenario(server, root, names, clients, core):
    script = client_script(server.port, root, names)
    cpu_before = cpu_seconds(server.proc.pid)
    start = time.monotonic()
    procs = [
        subprocess.Popen(
            ["taskset", "-c", str(core), "timeout", "300", "sh", "-c", script],
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
        )
        for _ in range(clients)
    ]
    bad = []
    for p in procs:
        out, _ = p.communicate()
        if p.returncode != 0 or "BAD" in out:
            bad.append(out.strip() or f"exit {p.returncode}")
    wall = time.monotonic() - start
    cpu = cpu_seconds(server.proc.pid) - cpu_before
    return wall, cpu, bad


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--bin", default=str(default_binary()))
    p.add_argument("--clients", type=int, default=50)
    p.add_argument("--runs", type=int, default=3)
    p.add_argument("--server-core", type=int, default=0)
    p.add_argument("--client-core", type=int, default=1)
    args = p.parse_args()
    if not 1 <= args.clients <= 500:
        sys.exit("--clients: 1 to 500")
    if not 1 <= args.runs <= 20:
        sys.exit("--runs: 1 to 20")

    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp, "bundle")
        root.mkdir()
        for name, size in BUNDLE:
            Path(root, name).write_bytes(os.urandom(size))
        total = sum(size for _, size in BUNDLE)
        largest = max(BUNDLE, key=lambda f: f[1])[0]
        print(f"lifeline: {args.bin}\nnginx: {nginx_binary()}")
        print(f"bundle: {len(BUNDLE)} files, {total / 1e6:.1f} MB; server on core "
              f"{args.server_core}, clients on core {args.client_core}; {args.runs} runs, alternating")

        scenarios = [
            ("one", [largest] * ONE_REPEATS, 1),
            ("fifty", [name for name, _ in BUNDLE], args.clients),
        ]
        failed = False
        for label, names, clients in scenarios:
            for d in (Path(tmp, f"{label}-l"), Path(tmp, f"{label}-n")):
                d.mkdir()
            servers = [
                Lifeline(args.bin, root, args.server_core, Path(tmp, f"{label}-l")),
                Nginx(root, args.server_core, Path(tmp, f"{label}-n")),
            ]
            results = {s.name: {"wall": [], "cpu": []} for s in servers}
            try:
                for run in range(args.runs):
                    order = servers if run % 2 == 0 else list(reversed(servers))
                    for server in order:
                        wall, cpu, bad = run_scenario(server, root, names, clients, args.client_core)
                        if bad:
                            failed = True
                            print(f"  {server.name}: {len(bad)} clients failed: {bad[:3]}")
                        results[server.name]["wall"].append(wall)
                        results[server.name]["cpu"].append(cpu)
                rss = {s.name: peak_rss_kib(s.proc.pid) for s in servers}
            finally:
                for s in servers:
                    s.stop()
            sizes = dict(BUNDLE)
            moved = clients * sum(sizes[name] for name in names)
            print(f"\n{label}: {clients} client(s) × {len(names)} file(s), "
                  f"{moved / 1e6:.0f} MB per run")
            print(f"  {'server':10} {'wall (median)':>14} {'server CPU':>11} {'peak RSS':>10}  runs (wall)")
            med = {}
            for name, r in results.items():
                med[name] = (statistics.median(r["wall"]), statistics.median(r["cpu"]))
                runs = " ".join(f"{w:.2f}" for w in r["wall"])
                print(f"  {name:10} {med[name][0]:>12.3f} s {med[name][1]:>9.2f} s "
                      f"{rss[name] / 1024:>7.1f} MB  {runs}")
            lw, lc = med["lifeline"]
            nw, nc = med["nginx"]
            verdict = "met" if lw <= nw else "NOT met"
            print(f"  lifeline/nginx: wall {lw / nw:.2f}×, CPU "
                  f"{(lc / nc) if nc > 0 else float('nan'):.2f}× — goal (wall ≤ nginx): {verdict}")
        if failed:
            sys.exit("some downloads failed or differed (see above)")


if __name__ == "__main__":
    main()
