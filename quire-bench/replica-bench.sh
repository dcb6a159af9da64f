#!/usr/bin/env bash
# The read-replica benchmark of docs/BENCHMARKS.md ("Read replicas (issue 7)"), in one command:
#   1. builds Quire (quire.jar) and the benchmark tools (benchmarks.jar);
#   2. makes a throwaway PostgreSQL primary (initdb, a free loopback port, fsync off: this measures
#      reads) and a streaming hot-standby replica of it (pg_basebackup -R, another free port);
#   3. seeds DOCS documents through a Quire server (dev.quire.bench.load.ReadBench seed): each a
#      create of ~1.5 KB and OPS-1 edits, with --snapshot-every SNAPSHOT_EVERY (so an open reads a
#      snapshot and a tail of ops); the seeding server is killed (-9) so it writes no snapshots on
#      the way out, and every later run starts from the same database;
#   4. ROUNDS times, alternating: one Quire server without, then with, --database-replica-url,
#      each fresh (nothing in memory) and killed afterwards: (opens) fetch every document once,
#      WORKERS connections at a time — cold opens; (history) WORKERS clients read random documents
#      at random versions through GET /api/documents/{id}/history?version=N for DURATION seconds;
#   5. prints the machine, the date and a table: opens/s and history reads/s, and the CPU seconds
#      the primary's processes (postmaster + backends + WAL sender), the replica's and Quire's
#      spent in each phase (from /proc/<pid>/stat). Removes both clusters on any exit.
# Usage: quire-bench/replica-bench.sh   (env: DOCS=600 OPS=30 SNAPSHOT_EVERY=20 WORKERS=4
#        DURATION=15 ROUNDS=2 SEED=<random>; SKIP_BUILD=1 to use the jars as they are; KEEP_LOGS=<dir> keeps
#        the servers' and clusters' logs; TRACE=1 traces the script)
set -euo pipefail
[ -n "${TRACE:-}" ] && set -x
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
docs="${DOCS:-600}"
ops="${OPS:-30}"
snapshot_every="${SNAPSHOT_EVERY:-20}"
workers="${WORKERS:-4}"
duration="${DURATION:-15}"
rounds="${ROUNDS:-2}"
seed="${SEED:-$RANDOM$RANDOM}"
bin="$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)"
work="$(mktemp -d "${TMPDIR:-/tmp}/quire-replica-bench.XXXXXX")"
jar="$root/quire-bench/target/benchmarks.jar"
tck="$(getconf CLK_TCK)"
pids=()

as_postgres() { if [ "$(id -u)" = 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi; }

cleanup() {
  for p in "${pids[@]}"; do
    kill -9 "$p" 2>/dev/null || true
  done
  for c in replica primary; do
    [ -f "$work/$c/postmaster.pid" ] && as_postgres "$bin/pg_ctl" -D "$work/$c" -m immediate -w stop >/dev/null 2>&1 || true
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "replica-bench: $*" >&2; }

# await_line FILE REGEX PID (bench-lib.sh)
source "$root/quire-bench/bench-lib.sh"

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

start_cluster() { # DIR PORT
  as_postgres "$bin/pg_ctl" -D "$work/$1" -l "$work/$1.log" -w -t 60 \
    -o "-p $2 -k $work -c listen_addresses=127.0.0.1 -c fsync=off" start >/dev/null
}

# CPU ticks of a cluster: its postmaster (with the children it has reaped) and its live children.
cluster_ticks() {
  local pm
  pm="$(head -1 "$work/$1/postmaster.pid")"
  { awk '{print $14 + $15 + $16 + $17}' "/proc/$pm/stat"
    for c in $(pgrep -P "$pm"); do awk '{print $14 + $15}' "/proc/$c/stat" 2>/dev/null || true; done
  } | paste -sd+ | bc
}
process_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }
seconds() { echo "scale=2; $1 / $tck" | bc; }

psql_at() { psql -h 127.0.0.1 -p "$1" -U postgres -d postgres -qtAc "$2"; }

# ---- build ----
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Quire and the benchmark tools (mvn package, tests skipped)..."
  (cd "$root" && mvn -q -B -pl quire-bench -am package -DskipTests >"$work/build.log" 2>&1) ||
    { cat "$work/build.log" >&2; exit 1; }
fi

# ---- primary and replica ----
[ "$(id -u)" = 0 ] && chown postgres:postgres "$work"
primary_port="$(free_port)"
replica_port="$(free_port)"
as_postgres "$bin/initdb" -D "$work/primary" -A trust -U postgres -E UTF8 --no-sync >/dev/null
start_cluster primary "$primary_port"
as_postgres "$bin/pg_basebackup" -h 127.0.0.1 -p "$primary_port" -U postgres -D "$work/replica" -R -X stream -c fast --no-sync
start_cluster replica "$replica_port"
primary_url="postgresql://postgres@127.0.0.1:$primary_port/postgres"
replica_url="postgresql://postgres@127.0.0.1:$replica_port/postgres"
log "primary on port $primary_port, replica on port $replica_port ($("$bin/postgres" --version))"

quire_pid="" quire_http=""
start_quire() { # NAME [extra flags...]
  local name="$1"
  shift
  mkdir -p "$work/$name"
  QUIRE_NO_BUILD=1 "$root/quire" serve --port 0 --data-dir "$work/$name" --auth open --database-url "$primary_url" \
    --snapshot-every "$snapshot_every" --doc-idle-timeout PT1H --api-rate-limit 1000000 --api-rate-burst 1000000 \
    "$@" >"$work/$name.log" 2>&1 &
  quire_pid=$!
  pids+=("$quire_pid")
  quire_http="http://127.0.0.1:$(await_line "$work/$name.log" 'Quire listening on' "$quire_pid" |
    sed -E 's/.*http:\/\/[^:]+:([0-9]+).*/\1/')"
}
# Killed, not stopped: a graceful stop would snapshot every open document, and the next run would
# open different data.
kill_quire() {
  if [ -n "${KEEP_LOGS:-}" ]; then mkdir -p "$KEEP_LOGS" && cp "$work"/*.log "$KEEP_LOGS"/; fi
  kill -9 "$quire_pid"
  wait "$quire_pid" 2>/dev/null || true
}

# ---- seed ----
started="$(date -u '+%Y-%m-%d %H:%M')"
start_quire seed
log "seeding $docs documents of $ops versions through $quire_http..."
java -cp "$jar" dev.quire.bench.load.ReadBench seed "$quire_http" "$docs" "$ops" 16 | tee "$work/seed.txt" >&2
kill_quire
target="$(psql_at "$primary_port" 'select pg_current_wal_lsn()')"
until [ "$(psql_at "$replica_port" "select pg_last_wal_replay_lsn() >= '$target'::pg_lsn")" = t ]; do
  sleep 0.2 # the replica catching up with the seed
done
ops_rows="$(psql_at "$primary_port" 'select count(*) from ops')"
snap_rows="$(psql_at "$primary_port" 'select count(*) from snapshots')"
log "seeded: $ops_rows ops, $snap_rows snapshots; the replica has replayed them"

# ---- runs ----
results="$work/results.txt"
: >"$results"
for round in $(seq "$rounds"); do
  for side in without with; do
    if [ "$side" = with ]; then start_quire "run-$round-$side" --database-replica-url "$replica_url"
    else start_quire "run-$round-$side"; fi
    served_before=0
    for phase in opens history; do
      p0="$(cluster_ticks primary)" r0="$(cluster_ticks replica)" q0="$(process_ticks "$quire_pid")"
      if [ "$phase" = opens ]; then
        line="$(java -cp "$jar" dev.quire.bench.load.ReadBench opens "$quire_http" "$docs" "$ops" "$workers" | grep '^result ')"
      else
        line="$(java -cp "$jar" dev.quire.bench.load.ReadBench history "$quire_http" "$docs" "$ops" "$workers" \
          "$duration" "$((seed + round))" | grep '^result ')"
      fi
      p1="$(cluster_ticks primary)" r1="$(cluster_ticks replica)" q1="$(process_ticks "$quire_pid")"
      count="$(sed -E 's/.*"count":([0-9]+).*/\1/' <<<"$line")"
      rate="$(sed -E 's/.*"perSecond":([0-9.]+).*/\1/' <<<"$line")"
      errors="$(sed -E 's/.*"errors":([0-9]+).*/\1/' <<<"$line")"
      served_now="$(curl -s "$quire_http/metrics" |
        awk '/^quire_replica_reads_total/ && /target="replica"/ {s += $2} END {print s + 0}')"
      replica_reads="$(echo "$served_now - $served_before" | bc)"
      served_before="$served_now"
      echo "$round $side $phase $count $rate $errors $(seconds $((p1 - p0))) $(seconds $((r1 - r0))) $(seconds $((q1 - q0))) $replica_reads" >>"$results"
      log "round $round, $side replica, $phase: $rate/s ($count, $errors errors), primary CPU $(seconds $((p1 - p0))) s"
    done
    kill_quire
  done
done

# ---- report ----
echo
echo "quire-bench/replica-bench.sh: DOCS=$docs OPS=$ops SNAPSHOT_EVERY=$snapshot_every WORKERS=$workers DURATION=$duration ROUNDS=$rounds SEED=$seed"
echo "date: $started – $(date -u '+%H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM; load average now $(cut -d' ' -f1-3 /proc/loadavg)"
echo "java: $(java -version 2>&1 | head -1); $("$bin/postgres" --version); primary and replica on this machine, loopback"
echo "seeded: $ops_rows ops and $snap_rows snapshots in $(grep -o '"seconds":[0-9.]*' "$work/seed.txt" | cut -d: -f2) s"
echo
echo "| round | replica | phase | reads | per second | errors | primary CPU s | primary CPU ms / 1000 reads | replica CPU s | Quire CPU s | reads served by the replica |"
echo "|---|---|---|---|---|---|---|---|---|---|---|"
while read -r round side phase count rate errors pcpu rcpu qcpu served; do
  per="$(echo "scale=1; $pcpu * 1000000 / $count" | bc)"
  echo "| $round | $side | $phase | $count | $rate | $errors | $pcpu | $per | $rcpu | $qcpu | $served |"
done <"$results"
