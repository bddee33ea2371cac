#!/usr/bin/env python3
"""Benchmark: inspecting the seed-shaped firmware zip, Lifeline against `unzip -tq`.

Both do the same work: read a 6 MB zip and check every entry's CRC-32 by
decompressing it. Lifeline also parses the manifests and signed headers. Runs
alternate (A B A B ...), so that drift in the machine's speed falls on both
alike; we report medians and the ratio. Each command is timed as a whole process (spawn to exit).

Usage: python3 bench/inspect.py [--runs N]   (from the repository root)
Needs: cargo, unzip (apt-get install unzip).
"""
import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=41)
    args = ap.parse_args()
    if not shutil.which("unzip"):
        sys.exit("unzip is missing: apt-get install -y unzip")
    subprocess.run(["cargo", "build", "--quiet", "--release", "-p", "lifeline-helper"], cwd=ROOT, check=True)
    lifeline = os.path.join(ROOT, "target", "release", "lifeline")
    work = tempfile.mkdtemp(prefix="lifeline-bench-")
    subprocess.run(["cargo", "run", "--quiet", "-p", "lifeline-tests", "--bin", "make-fixtures", "--", work], cwd=ROOT, check=True)
    zip_path = os.path.join(work, "seed.zip")
    cmds = {
        "lifeline inspect": [lifeline, "inspect", zip_path],
        "unzip -tq": ["unzip", "-tq", zip_path],
    }
    # Both must succeed on the file, or the comparison means nothing.
    for name, cmd in cmds.items():
        r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        if r.returncode != 0:
            sys.exit(f"{name} failed on {zip_path} (exit {r.returncode})")
    times = {name: [] for name in cmds}
    for _ in range(3):  # warm the page cache
        for cmd in cmds.values():
            subprocess.run(cmd, stdout=subprocess.DEVNULL)
    for _ in range(args.runs):
        for name, cmd in cmds.items():
            t = time.perf_counter()
            subprocess.run(cmd, stdout=subprocess.DEVNULL)
            times[name].append((time.perf_counter() - t) * 1000)
    size = os.path.getsize(zip_path) / 1e6
    print(f"seed-shaped zip: {size:.1f} MB, {args.runs} alternating runs each, whole process")
    med = {n: statistics.median(t) for n, t in times.items()}
    for n, t in times.items():
        print(f"  {n:<18} median {med[n]:6.1f} ms   min {min(t):6.1f} ms   max {max(t):6.1f} ms")
    print(f"  ratio lifeline/unzip: {med['lifeline inspect'] / med['unzip -tq']:.2f}")
    shutil.rmtree(work)


if __name__ == "__main__":
    main()
