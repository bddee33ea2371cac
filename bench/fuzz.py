#!/usr/bin/env python3
"""Runs every `cargo fuzz` target of fuzz/ for a given time each and reports
runs, coverage and crashes.

    python3 bench/fuzz.py [--seconds 600] [TARGET ...]

Needs `cargo fuzz` (`cargo install cargo-fuzz`, from crates.io) and a
toolchain that allows `-Z` flags: the pinned stable one is used with
RUSTC_BOOTSTRAP=1, so no nightly is downloaded. Each target starts from
fuzz/seeds/<target> when it exists, keeps its corpus in fuzz/corpus/<target>
(ignored by git) and writes what crashes it to fuzz/artifacts/<target>.

Bounded: every target runs for `--seconds` (libFuzzer's -max_total_time), with
a 64 MB input cap and 2 GB RSS limit, and is killed if it overruns by a minute.
Exit status: 0 when no target crashed, 1 otherwise.
"""

import argparse
import os
import re
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
FUZZ = REPO / "fuzz"


def targets():
    """The [[bin]] names of fuzz/Cargo.toml, in order."""
    text = (FUZZ / "Cargo.toml").read_text()
    return re.findall(r'^\[\[bin\]\]\s*\nname\s*=\s*"([^"]+)"', text, re.M)


def run(target, seconds):
    """Runs one target; returns (runs, coverage, crashed, crash artifact, wall)."""
    corpus = FUZZ / "corpus" / target
    corpus.mkdir(parents=True, exist_ok=True)
    dirs = [str(corpus)]
    seeds = FUZZ / "seeds" / target
    if seeds.is_dir():
        dirs.append(str(seeds))
    command = ["cargo", "fuzz", "run", "-O", target, *dirs, "--",
               f"-max_total_time={seconds}", "-rss_limit_mb=2048",
               "-max_len=65536", "-print_final_stats=1"]
    env = {**os.environ, "RUSTC_BOOTSTRAP": "1"}
    started = time.monotonic()
    try:
        proc = subprocess.run(command, cwd=FUZZ, env=env, capture_output=True, text=True,
                              timeout=seconds + 60 + 900)  # + the build, the first time
    except subprocess.TimeoutExpired:
        return None, None, True, "overran its time (killed)", time.monotonic() - started
    wall = time.monotonic() - started
    out = proc.stdout + proc.stderr
    runs = re.findall(r"stat::number_of_executed_units:\s*(\d+)", out)
    runs = int(runs[-1]) if runs else None
    if runs is None:
        done = re.findall(r"Done (\d+) runs", out)
        runs = int(done[-1]) if done else None
    cov = re.findall(r"\bcov: (\d+)", out)
    cov = int(cov[-1]) if cov else None
    artifact = re.findall(r"Test unit written to (\S+)", out)
    crashed = proc.returncode != 0
    if crashed and not artifact:
        tail = "\n".join(out.strip().splitlines()[-15:])
        return runs, cov, True, f"exit {proc.returncode}:\n{tail}", wall
    return runs, cov, crashed, artifact[-1] if artifact else None, wall


def main():
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--seconds", type=int, default=600, help="per target (default 600)")
    p.add_argument("targets", nargs="*", help="default: every target")
    args = p.parse_args()
    every = targets()
    chosen = args.targets or every
    unknown = [t for t in chosen if t not in every]
    if unknown:
        sys.exit(f"no such fuzz target: {', '.join(unknown)} (there are: {', '.join(every)})")
    try:
        subprocess.run(["cargo", "fuzz", "--version"], capture_output=True, check=True)
    except (OSError, subprocess.CalledProcessError):
        sys.exit("`cargo fuzz` is missing: install it with `cargo install cargo-fuzz`")

    print(f"{len(chosen)} targets, {args.seconds} s each")
    print(f"{'target':<18} {'runs':>12} {'runs/s':>9} {'cov':>7}  result")
    any_crash = False
    for target in chosen:
        runs, cov, crashed, artifact, wall = run(target, args.seconds)
        any_crash |= crashed
        rate = f"{runs / args.seconds:9.0f}" if runs else f"{'-':>9}"
        result = f"CRASH: {artifact}" if crashed else "no crash"
        print(f"{target:<18} {runs if runs is not None else '-':>12} {rate} "
              f"{cov if cov is not None else '-':>7}  {result}", flush=True)
    sys.exit(1 if any_crash else 0)


if __name__ == "__main__":
    main()
