#!/usr/bin/env bash
# Benchmark: DHCP DORA exchanges per second, Lifeline against Kea and dnsmasq.
#
# Kea's perfdhcp drives each server in turn across a veth pair between two
# network namespaces this script creates (and deletes on exit): the server in
# one, pinned to CPU 0; perfdhcp in the other, pinned to CPU 1. perfdhcp acts
# as a relay agent (giaddr), so every reply is a unicast. For each offered
# rate, every server runs DURATION seconds with CLIENTS simulated clients;
# servers alternate (A B C, B C A, ...) over ROUNDS rounds, each run from an
# empty lease file, and the table shows medians, so that drift in the
# machine's speed falls on every server alike.
#
# All three hand out option 150 and 66 on every reply and write a lease file.
# LOG=quiet (the default) runs each at warning level (Lifeline RUST_LOG=warn,
# Kea severity WARN, dnsmasq --quiet-dhcp); LOG=default keeps each server's
# default per-lease logging, written to a file. Lifeline runs with
# --dhcp-no-probe, as dnsmasq with --no-ping (Kea 2.2 has no ping check).
#
# Usage (root, from anywhere):  bench/dhcp.sh
#   ROUNDS=3 DURATION=10 RATES="1000 2000 4000 8000" CLIENTS=10000 LOG=quiet
#   SERVERS="lifeline kea dnsmasq"   (kea is skipped if kea-dhcp4 is missing)
# Needs: iproute2, taskset, perfdhcp (kea-admin), dnsmasq (dnsmasq-base),
# kea-dhcp4 (kea-dhcp4-server, optional), python3, cargo.
# Nothing is sent outside the two namespaces; every run ends by itself.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
ROUNDS="${ROUNDS:-3}"
DURATION="${DURATION:-10}"
RATES="${RATES:-1000 2000 4000 8000}"
CLIENTS="${CLIENTS:-10000}"
LOG="${LOG:-quiet}"
SERVERS="${SERVERS:-lifeline kea dnsmasq}"

die() { echo "bench/dhcp.sh: $*" >&2; exit 1; }
[ "$(id -u)" -eq 0 ] || die "needs root (network namespaces, port 67)"
for tool in ip taskset perfdhcp dnsmasq python3 cargo; do
    command -v "$tool" >/dev/null 2>&1 || die "$tool is missing (apt-get install iproute2 util-linux kea-admin dnsmasq-base python3)"
done
if ! command -v kea-dhcp4 >/dev/null 2>&1; then
    echo "kea-dhcp4 is missing (apt-get install kea-dhcp4-server): benchmarking without Kea" >&2
    SERVERS="${SERVERS//kea/}"
fi
[ "$(nproc)" -ge 2 ] || die "needs two CPUs (server on CPU 0, perfdhcp on CPU 1)"

echo "building lifeline (release)..." >&2
(cd "$ROOT" && cargo build --quiet --release -p lifeline-helper --bin lifeline)
WORK="$(mktemp -d /tmp/lifeline-bench-dhcp.XXXXXX)"
# A private copy: the shared target directory may be rebuilt meanwhile.
mkdir -p "$WORK/bin" && cp "$ROOT/target/release/lifeline" "$WORK/bin/lifeline"

NSA="llbench$$a"; NSB="llbench$$b"; VA="lbd$$a"; VB="lbd$$b"
SERVER=10.77.0.1
SPID=""
cleanup() {
    if [ -n "$SPID" ]; then kill "$SPID" 2>/dev/null || true; wait "$SPID" 2>/dev/null || true; fi
    ip netns del "$NSA" 2>/dev/null || true
    ip netns del "$NSB" 2>/dev/null || true
    rm -rf "$WORK"
}
trap cleanup EXIT
ip netns add "$NSA"
ip netns add "$NSB"
ip -n "$NSA" link add "$VA" type veth peer name "$VB" netns "$NSB"
ip -n "$NSA" addr add "$SERVER/16" dev "$VA"
ip -n "$NSB" addr add 10.77.0.2/16 dev "$VB"
for pair in "$NSA:$VA" "$NSA:lo" "$NSB:$VB" "$NSB:lo"; do
    ip -n "${pair%%:*}" link set "${pair#*:}" up
done

# Waits (at most 30 s) for a line matching $2 in file $1, while $SPID lives.
wait_for() {
    local file="$1" pattern="$2" i
    for i in $(seq 300); do
        grep -q -- "$pattern" "$file" 2>/dev/null && return 0
        kill -0 "$SPID" 2>/dev/null || { cat "$file" >&2; die "the server exited"; }
        sleep 0.1
    done
    cat "$file" >&2
    die "no '$pattern' in $file after 30 s"
}

start_server() {
    local name="$1" dir="$WORK/run-$1"
    rm -rf "$dir"; mkdir -p "$dir"
    case "$name" in
    lifeline)
        # Setup lines (start, readiness) at info; per-packet logging at warn.
        local level="warn,lifeline_helper::dhcp::setup=info"; [ "$LOG" = default ] && level=info
        RUST_LOG="$level" NO_COLOR=1 ip netns exec "$NSA" taskset -c 0 "$WORK/bin/lifeline" serve \
            --http-listen 127.0.0.1:0 --dhcp all --dhcp-no-probe --interface "$VA" \
            --data-dir "$dir" --dhcp-rival-wait 1s --dhcp-lease-time 1h \
            --dhcp-range 10.77.1.0-10.77.255.254 >"$dir/out.log" 2>&1 &
        SPID=$!
        wait_for "$dir/out.log" "DHCP server listening"
        ;;
    kea)
        local severity=WARN; [ "$LOG" = default ] && severity=INFO
        cat >"$dir/kea.json" <<EOF
{"Dhcp4": {
  "interfaces-config": {"interfaces": ["$VA"]},
  "lease-database": {"type": "memfile", "persist": true, "name": "$dir/leases4.csv", "lfc-interval": 0},
  "multi-threading": {"enable-multi-threading": false},
  "valid-lifetime": 3600,
  "option-def": [{"name": "tftp150", "code": 150, "type": "ipv4-address", "array": true, "space": "dhcp4"}],
  "subnet4": [{"subnet": "10.77.0.0/16", "pools": [{"pool": "10.77.1.0 - 10.77.255.254"}],
    "option-data": [{"name": "tftp150", "data": "$SERVER", "always-send": true},
                    {"name": "tftp-server-name", "data": "$SERVER", "always-send": true}]}],
  "loggers": [{"name": "kea-dhcp4", "output_options": [{"output": "$dir/kea.log"}], "severity": "$severity"}]
}}
EOF
        KEA_PIDFILE_DIR="$dir" KEA_LOCKFILE_DIR="$dir" ip netns exec "$NSA" taskset -c 0 \
            kea-dhcp4 -c "$dir/kea.json" >"$dir/out.log" 2>&1 &
        SPID=$!
        # Started at WARN logs nothing: wait for the socket instead.
        local i
        for i in $(seq 300); do
            ip netns exec "$NSA" ss -uapn 2>/dev/null | grep -q "pid=$SPID," && break
            kill -0 "$SPID" 2>/dev/null || { cat "$dir/out.log" >&2; die "kea exited"; }
            sleep 0.1
        done
        ;;
    dnsmasq)
        local quiet=--quiet-dhcp; [ "$LOG" = default ] && quiet=--log-dhcp
        ip netns exec "$NSA" taskset -c 0 dnsmasq --no-daemon --conf-file=/dev/null --port=0 \
            --interface="$VA" --bind-interfaces --user=root --no-ping "$quiet" \
            --dhcp-range=10.77.1.0,10.77.255.254,255.255.0.0,1h --dhcp-lease-max=1000000 \
            --dhcp-leasefile="$dir/dnsmasq.leases" --pid-file="$dir/dnsmasq.pid" \
            --dhcp-option-force=150,"$SERVER" --dhcp-option-force=66,"$SERVER" \
            --log-facility="$dir/dnsmasq.log" >"$dir/out.log" 2>&1 &
        SPID=$!
        wait_for "$dir/dnsmasq.log" "DHCP, IP range"
        ;;
    *) die "unknown server $name" ;;
    esac
}

# Prints the server's CPU seconds (user + system) and stops it.
stop_server() {
    local ticks
    ticks=$(awk '{print $14 + $15}' "/proc/$SPID/stat" 2>/dev/null || echo 0)
    kill -TERM "$SPID" 2>/dev/null || true
    local i
    for i in $(seq 100); do kill -0 "$SPID" 2>/dev/null || break; sleep 0.1; done
    kill -KILL "$SPID" 2>/dev/null || true
    wait "$SPID" 2>/dev/null || true
    SPID=""
    python3 -c "import os; print(f'{$ticks / os.sysconf(\"SC_CLK_TCK\"):.2f}')"
}

RESULTS="$WORK/results.tsv"
: >"$RESULTS"
read -r -a server_list <<<"$SERVERS"
echo "# perfdhcp -4 -l $VB -r RATE -R $CLIENTS -p $DURATION $SERVER ; $ROUNDS rounds; LOG=$LOG" >&2
for round in $(seq "$ROUNDS"); do
    for rate in $RATES; do
        # Rotate the order every round: A B C, B C A, C A B.
        n=${#server_list[@]}
        for k in $(seq 0 $((n - 1))); do
            name="${server_list[$(((k + round - 1) % n))]}"
            start_server "$name"
            out="$WORK/perfdhcp-$name-$rate-$round.txt"
            ip netns exec "$NSB" taskset -c 1 timeout $((DURATION + 30)) \
                perfdhcp -4 -l "$VB" -r "$rate" -R "$CLIENTS" -p "$DURATION" "$SERVER" >"$out" 2>&1 || true
            cpu=$(stop_server)
            python3 - "$out" "$name" "$rate" "$round" "$cpu" >>"$RESULTS" <<'EOF'
import re, sys
path, name, rate, rnd, cpu = sys.argv[1:]
text = open(path).read()
def num(pattern, part, default=0.0):
    m = re.search(pattern, part)
    return float(m.group(1)) if m else default
achieved = num(r"Rate:\s*([\d.]+)", text)
parts = text.split("***Statistics for: REQUEST-ACK***")
do, ra = parts[0], parts[1] if len(parts) > 1 else ""
sent = num(r"sent packets:\s*(\d+)", do)
acks = num(r"received packets:\s*(\d+)", ra)
drop = 100.0 * (sent - acks) / sent if sent else 100.0
lat = num(r"avg delay:\s*([\d.]+)", do) + num(r"avg delay:\s*([\d.]+)", ra)
print(f"{name}\t{rate}\t{rnd}\t{achieved:.0f}\t{drop:.3f}\t{lat:.3f}\t{cpu}")
EOF
            tail -n 1 "$RESULTS" >&2
        done
    done
done

python3 - "$RESULTS" "$SERVERS" "$RATES" <<'EOF'
import statistics, sys
path, servers, rates = sys.argv[1], sys.argv[2].split(), sys.argv[3].split()
rows = [l.rstrip("\n").split("\t") for l in open(path) if l.strip()]
def med(server, rate, col):
    vals = [float(r[col]) for r in rows if r[0] == server and r[1] == rate]
    return statistics.median(vals) if vals else float("nan")
print()
print("| DORA/s achieved (drops %, DO+RA avg latency ms, server CPU s) | " + " | ".join(rates) + " |")
print("|---|" + "---|" * len(rates))
for s in servers:
    cells = [f"{med(s, r, 3):.0f} ({med(s, r, 4):.2f}%, {med(s, r, 5):.2f} ms, {med(s, r, 6):.2f} s)" for r in rates]
    print(f"| {s} | " + " | ".join(cells) + " |")
if "lifeline" in servers and "kea" in servers:
    print("| Lifeline / Kea | " + " | ".join(f"{med('lifeline', r, 3) / med('kea', r, 3):.3f}" for r in rates) + " |")
if "lifeline" in servers and "dnsmasq" in servers:
    print("| Lifeline / dnsmasq | " + " | ".join(f"{med('lifeline', r, 3) / med('dnsmasq', r, 3):.2f}" for r in rates) + " |")
EOF
