#!/usr/bin/env bash
# The cluster-mode benchmark of docs/BENCHMARKS.md ("Cluster mode (issue 4)"), in one command:
#   1. builds Quire (quire.jar) and the load generator (benchmarks.jar), and installs the pinned
#      npm packages of quire-bench/server (npm ci) for the reference servers;
#   2. creates two throwaway databases on the machine's PostgreSQL (127.0.0.1:5432, user postgres):
#      one for the reference cluster (the tables of sharedb-postgres' structure.sql), one for Quire
#      (its own migrations); Redis is the machine's, redis://127.0.0.1:6379;
#   3. starts the reference cluster, 2 processes of cluster-reference-server.js (npm sharedb 7 +
#      rich-text + sharedb-postgres + sharedb-redis-pubsub), and the Quire cluster, 2 `quire serve`
#      processes with --database-url and --redis-url, all on free loopback ports;
#   4. runs the load generator (dev.quire.bench.load.LoadGen, which speaks the ShareDB protocol)
#      against each cluster in turn, ROUNDS times, alternating, so that the noise of a shared
#      machine falls on both: scenario (a) DOCS_A documents × AUTHORS_A authors typing as fast as
#      their acks come, (b) one document × AUTHORS_B authors likewise, (r) the same hot document
#      with every author typing RATE_R keystrokes a second (a fixed offered load: AUTHORS_B ×
#      RATE_R, 2,000/s by default); the authors of each side are spread alternately over its 2
#      processes; and a diagnostic, (b1): (b) with every author on the side's first process (the
#      other one idle), to tell the cost of two processes committing to one document;
#   5. prints the machine, the date, the load averages and the table. Stops every process it
#      started and drops both databases, on any exit.
# Usage: quire-bench/cluster-bench.sh   (env: ROUNDS=2 WARMUP=10 DURATION=15 DOCS_A=100 AUTHORS_A=5
#        AUTHORS_B=100 RATE_R=20 SEED=<random> SCENARIOS="a b r"; SKIP_BUILD=1 to use the jars as
#        they are; SIDES=quire to run Quire alone; QUIRE_JAVA_OPTS for Quire's JVMs and
#        LOADGEN_JAVA_OPTS for the load generator's (a profiler, say); KEEP_LOGS=<dir> keeps the
#        servers' logs and the load generator's output there;
#        PGHOST/PGPORT/PGUSER and REDIS_URL to use other services)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/quire-bench/server"
rounds="${ROUNDS:-2}"
warmup="${WARMUP:-10}"
duration="${DURATION:-15}"
docs_a="${DOCS_A:-100}"
authors_a="${AUTHORS_A:-5}"
authors_b="${AUTHORS_B:-100}"
rate_r="${RATE_R:-20}"
scenarios="${SCENARIOS:-a b r}"
sides="${SIDES:-reference quire}" # SIDES=quire: Quire alone (a diagnostic run, no ratios)
seed="${SEED:-$RANDOM$RANDOM}"
pg_host="${PGHOST:-127.0.0.1}" pg_port="${PGPORT:-5432}" pg_user="${PGUSER:-postgres}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
work="$(mktemp -d "${TMPDIR:-/tmp}/quire-cluster-bench.XXXXXX")"
suffix="$(basename "$work" | tr -dc 'A-Za-z0-9' | tr 'A-Z' 'a-z')_$$"
ref_db="cbench_ref_$suffix" quire_db="cbench_quire_$suffix"
pids=()
dbs=()

psql_admin() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

cleanup() {
  for p in "${pids[@]}"; do
    kill "$p" 2>/dev/null || true
  done
  for p in "${pids[@]}"; do
    wait "$p" 2>/dev/null || true
  done
  for db in "${dbs[@]}"; do
    psql_admin -c "drop database if exists $db with (force)" >/dev/null 2>&1 ||
      echo "cluster-bench: could not drop database $db" >&2
  done
  if [ -n "${KEEP_LOGS:-}" ]; then
    mkdir -p "$KEEP_LOGS" && cp "$work"/*.log "$work"/*.txt "$KEEP_LOGS"/ 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log() { echo "cluster-bench: $*" >&2; }

# await_line FILE REGEX PID (bench-lib.sh)
source "$root/quire-bench/bench-lib.sh"

# ---- build ----
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Quire and the load generator (mvn package, tests skipped)..."
  (cd "$root" && mvn -q -B -pl quire-bench -am package -DskipTests >"$work/build.log" 2>&1) ||
    { cat "$work/build.log" >&2; exit 1; }
fi
log "installing the npm packages (npm ci)..."
(cd "$bench" && npm ci --no-audit --no-fund --silent)

# ---- throwaway databases ----
for db in "$ref_db" "$quire_db"; do
  psql_admin -c "create database $db encoding 'UTF8' template template0" >/dev/null
  dbs+=("$db")
done
psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$ref_db" -v ON_ERROR_STOP=1 -q \
  -f "$bench/node_modules/sharedb-postgres/structure.sql" >/dev/null
log "databases $ref_db (reference, sharedb-postgres structure.sql) and $quire_db (Quire)"

# ---- servers: 2 of each ----
ref_urls=() ref_pids=() quire_urls=() quire_pids=()
for i in 1 2; do
  node "$bench/cluster-reference-server.js" 0 "postgresql://$pg_user@$pg_host:$pg_port/$ref_db" "$redis_url" \
    >"$work/reference-$i.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  port="$(await_line "$work/reference-$i.log" '^ready port=' "$pid" | cut -d= -f2)"
  ref_urls+=("ws://127.0.0.1:$port/ws")
  ref_pids+=("$pid")
done
for i in 1 2; do
  mkdir -p "$work/quire-$i"
  QUIRE_NO_BUILD=1 "$root/quire" serve --port 0 --data-dir "$work/quire-$i" --auth open \
    --database-url "postgresql://$pg_user@$pg_host:$pg_port/$quire_db" --redis-url "$redis_url" \
    >"$work/quire-$i.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  port="$(await_line "$work/quire-$i.log" 'Quire listening on' "$pid" | sed -E 's/.*http:\/\/[^:]+:([0-9]+).*/\1/')"
  quire_urls+=("ws://127.0.0.1:$port/ws")
  quire_pids+=("$pid")
done
log "reference: ${ref_urls[*]} (pids ${ref_pids[*]}); Quire: ${quire_urls[*]} (pids ${quire_pids[*]})"
load_before="$(cut -d' ' -f1-3 /proc/loadavg)"
started="$(date -u '+%Y-%m-%d %H:%M')"

# ---- load, alternating ----
loads=""
for round in $(seq "$rounds"); do
  for scenario in $scenarios; do
    case "$scenario" in
      a) d=$docs_a a=$authors_a r=0 ;;
      b | b1) d=1 a=$authors_b r=0 ;;
      r) d=1 a=$authors_b r=$rate_r ;;
      *) log "unknown scenario $scenario"; exit 2 ;;
    esac
    for server in $sides; do
      if [ "$server" = reference ]; then
        urls="$(IFS=,; echo "${ref_urls[*]}")" spids="$(IFS=,; echo "${ref_pids[*]}")"
      else
        urls="$(IFS=,; echo "${quire_urls[*]}")" spids="$(IFS=,; echo "${quire_pids[*]}")"
      fi
      if [ "$scenario" = b1 ]; then # the diagnostic: every author on the first process
        urls="${urls%%,*}" spids="${spids%%,*}"
      fi
      log "round $round, scenario $scenario: $server... (load average $(cut -d' ' -f1 /proc/loadavg))"
      out="$work/load-$round-$scenario-$server.txt"
      # The CPU of the database's and Redis' processes at the window's start is counted as "services".
      # In the background and waited for, so that a signal stops the run at once (the trap).
      # shellcheck disable=SC2086
      java ${LOADGEN_JAVA_OPTS:-} -cp "$root/quire-bench/target/benchmarks.jar" dev.quire.bench.load.LoadGen --urls "$urls" \
        --docs "$d" --authors "$a" --rate "$r" --warmup "$warmup" --duration "$duration" \
        --seed "$((seed + round))" --server-pids "$spids" --service-commands postgres,redis-server \
        --label "$server" --scenario "$scenario" >"$out" &
      load_pid=$!
      pids+=("$load_pid")
      load_rc=0
      wait "$load_pid" || load_rc=$?
      unset 'pids[-1]'
      [ "$load_rc" -eq 0 ] ||
        { cat "$out" >&2; log "the $server run reported failures (above); see the failed-ops column"; }
      grep '^loadgen: .*durable' "$out" | tail -1 >&2 || true
      echo "loadavg round=$round scenario=$scenario server=$server $(cut -d' ' -f1-3 /proc/loadavg)" >>"$work/loadavg.txt"
      loads+=" $out"
    done
  done
done
for p in "${pids[@]}"; do kill -0 "$p" 2>/dev/null || log "server process $p died during the run"; done
# Durability cross-check: the op rows in each database against the versions the clients reached.
durable=""
for side in $sides; do
  if [ "$side" = reference ]; then db=$ref_db; else db=$quire_db; fi
  rows="$(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$db" -qtAc 'select count(*) from ops')"
  # shellcheck disable=SC2086
  seen="$(cat $loads 2>/dev/null | grep '^result ' | grep "\"label\":\"$side\"" |
    sed -E 's/.*"total_versions":([0-9]+).*/\1/' | paste -sd+ | bc)"
  durable+="$side: $rows op rows in PostgreSQL, ${seen:-0} versions reached by the clients; "
done

# ---- report ----
echo
echo "quire-bench/cluster-bench.sh: ROUNDS=$rounds WARMUP=$warmup DURATION=$duration DOCS_A=$docs_a AUTHORS_A=$authors_a AUTHORS_B=$authors_b RATE_R=$rate_r SEED=$seed"
echo "date: $started – $(date -u '+%H:%M UTC')"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM"
echo "java: $(java -version 2>&1 | head -1); node: $(node --version); $(psql --version); redis $(redis-server --version | sed -E 's/.*v=([^ ]+).*/\1/')"
echo "npm: $(cd "$bench" && node -p "['sharedb','rich-text','sharedb-postgres','sharedb-redis-pubsub'].map(p => p + '@' + require('./node_modules/' + p + '/package.json').version).join(' ')")"
echo "load average before: $load_before, after: $(cut -d' ' -f1-3 /proc/loadavg)"
sed 's/^/  /' "$work/loadavg.txt"
echo "durability: $durable"
echo
# shellcheck disable=SC2086
node "$bench/cluster-report.js" $loads
