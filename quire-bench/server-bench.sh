#!/usr/bin/env bash
# The collaboration-server benchmark of docs/BENCHMARKS.md (issue 3), in one command:
#   1. builds Quire (quire.jar, and benchmarks.jar for the store builder) and installs the pinned
#      npm packages of quire-bench/server (npm ci);
#   2. starts the reference ShareDB server (npm sharedb 7, rich-text, in memory) and Quire (the
#      embedded SQLite store in a fresh temporary data folder, synchronous=FULL: every acked op is
#      on disk) on free loopback ports, and runs the same load (load.js: CLIENTS sharedb clients
#      typing on one document) against each in turn, ROUNDS times, alternating, so that the noise
#      of a shared machine falls on both;
#   3. builds a data folder holding the automerge-paper trace as the history of docs/paper and
#      opens it cold OPEN_RUNS times (a fresh `quire serve` on a fresh copy each time): the
#      server-side open time from Quire's log, and the client-observed first fetch; then, in the
#      same server, REOPENS times more after the document was evicted (doc-idle-timeout 1 s), to
#      tell the cost of a cold JVM from the cost of reading the document from disk;
#   4. prints the machine, the date and the table. Stops every process it started, on any exit.
# Usage: quire-bench/server-bench.sh   (env: CLIENTS=20 WARMUP=10 DURATION=20 ROUNDS=2 OPEN_RUNS=5
#        REOPENS=3 SEED=<random>; SKIP_BUILD=1 to use the jars as they are)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/quire-bench/server"
clients="${CLIENTS:-20}"
warmup="${WARMUP:-10}"
duration="${DURATION:-20}"
rounds="${ROUNDS:-2}"
open_runs="${OPEN_RUNS:-5}"
reopens="${REOPENS:-3}"
seed="${SEED:-$RANDOM$RANDOM}"
trace="$root/traces/automerge-paper.json.gz"
work="$(mktemp -d "${TMPDIR:-/tmp}/quire-server-bench.XXXXXX")"
pids=()

cleanup() {
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "server-bench: $*" >&2; }

# await_line FILE REGEX PID (bench-lib.sh)
source "$root/quire-bench/bench-lib.sh"

# Waits (up to 60 s) until file $1 has $3 lines matching $2 while process $4 lives; prints the last.
await_count() {
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    if [ "$(grep -c -E "$2" "$1" 2>/dev/null)" -ge "$3" ]; then
      grep -E "$2" "$1" | sed -n "$3p"
      return 0
    fi
    kill -0 "$4" 2>/dev/null || { log "process $4 died; its output:"; cat "$1" >&2; return 1; }
    sleep 0.1
  done
  log "fewer than $3 lines /$2/ in $1 within 60 s"
  return 1
}

# Stops process $1 (SIGTERM, graceful) and forgets it.
stop() {
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local keep=()
  for p in "${pids[@]}"; do
    [ "$p" = "$1" ] || keep+=("$p")
  done
  pids=("${keep[@]}")
}

# Starts `quire serve` on data folder $1, logging to $2, with more flags after; sets quire_pid and
# quire_port.
start_quire() {
  local dir="$1" out="$2"
  shift 2
  QUIRE_NO_BUILD=1 "$root/quire" serve --port 0 --data-dir "$dir" --auth open "$@" >"$out" 2>&1 &
  quire_pid=$!
  pids+=("$quire_pid")
  quire_port="$(await_line "$out" 'Quire listening on' "$quire_pid" | sed -E 's/.*http:\/\/[^:]+:([0-9]+).*/\1/')"
}

# ---- build ----
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Quire (mvn package, tests skipped)..."
  (cd "$root" && mvn -q -B -pl quire-bench -am package -DskipTests >"$work/build.log" 2>&1) ||
    { cat "$work/build.log" >&2; exit 1; }
fi
log "installing the npm packages (npm ci)..."
(cd "$bench" && npm ci --no-audit --no-fund --silent)
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"

# ---- servers ----
node "$bench/reference-server.js" 0 >"$work/reference.log" 2>&1 &
ref_pid=$!
pids+=("$ref_pid")
ref_port="$(await_line "$work/reference.log" '^ready port=' "$ref_pid" | cut -d= -f2)"
start_quire "$work/quire-data" "$work/quire.log"
log "reference on port $ref_port (pid $ref_pid), Quire on port $quire_port (pid $quire_pid)"

# ---- load, alternating ----
for round in $(seq "$rounds"); do
  for server in reference quire; do
    if [ "$server" = reference ]; then port=$ref_port pid=$ref_pid; else port=$quire_port pid=$quire_pid; fi
    log "round $round: $server..."
    node "$bench/load.js" --url "ws://127.0.0.1:$port/ws" --clients "$clients" --warmup "$warmup" \
      --duration "$duration" --seed "$((seed + round))" --doc "bench-$round-$seed" \
      --server-pid "$pid" --label "$server" >"$work/load-$round-$server.txt"
    grep '^load: ' "$work/load-$round-$server.txt" | tail -1 >&2
  done
done
stop "$quire_pid"
stop "$ref_pid"

# ---- cold open ----
touch "$work/open.txt"
if [ "$open_runs" -gt 0 ]; then
  log "building the automerge-paper store..."
  java -cp "$root/quire-bench/target/benchmarks.jar" dev.quire.bench.BuildPaperStore \
    "$work/paper" "$trace" 2>/dev/null | tee "$work/paper.txt" >&2
  paper_v="$(sed -E 's/.* v=([0-9]+).*/\1/' "$work/paper.txt")"
  paper_length="$(sed -E 's/.* length=([0-9]+).*/\1/' "$work/paper.txt")"
fi
for run in $(seq "$open_runs"); do
  rm -rf "$work/open"
  cp -r "$work/paper" "$work/open"
  start_quire "$work/open" "$work/open-$run.log" --doc-idle-timeout PT1S
  for k in $(seq 0 "$reopens"); do
    if [ "$k" -gt 0 ]; then # the previous fetch left no subscriber: wait for the eviction
      await_count "$work/open-$run.log" 'closed docs/paper' "$k" "$quire_pid" >/dev/null
    fi
    fetch="$(node "$bench/cold-open.js" "ws://127.0.0.1:$quire_port/ws" paper "$paper_v" "$paper_length")"
    opened="$(await_count "$work/open-$run.log" 'opened docs/paper' "$((k + 1))" "$quire_pid")"
    server_ms="$(echo "$opened" | sed -E 's/.* in ([0-9.]+) ms.*/\1/')"
    echo "open run=$run reopen=$k server_ms=$server_ms $fetch | ${opened#* doc=- }" | tee -a "$work/open.txt" >&2
  done
  stop "$quire_pid"
done

# ---- report ----
echo
echo "quire-bench/server-bench.sh: CLIENTS=$clients WARMUP=$warmup DURATION=$duration ROUNDS=$rounds OPEN_RUNS=$open_runs REOPENS=$reopens SEED=$seed"
echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo "java: $(java -version 2>&1 | head -1); node: $(node --version); sharedb $(node -p "require('$bench/node_modules/sharedb/package.json').version")"
echo "Quire data folder: $(df -T "$work" | awk 'NR==2{print $2}') file system; load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
echo
node "$bench/report.js" "$work"/load-*-reference.txt "$work"/load-*-quire.txt --open "$work/open.txt"
