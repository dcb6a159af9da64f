#!/usr/bin/env bash
# The capacity benchmark of docs/BENCHMARKS.md ("Capacity (issue 8)"): Quire and the reference
# ShareDB server side by side in one run, per section, each result written as JSON lines and
# charted as a PNG by the bench tooling (dev.quire.bench.load.Chart, jfreechart):
#   authors  (1) find-max: the most authors on one document whose p95 remote-delivery latency stays
#                within THRESHOLD_MS at RATE keystrokes/s each; Quire (embedded SQLite) against
#                the reference in memory (reference-server.js);
#   authors-pg   (1, on PostgreSQL) the same find-max with both sides durable: Quire --database-url
#                against the reference with sharedb-postgres + sharedb-redis-pubsub
#                (cluster-reference-server.js, one process); the reference steps from PG_REF_START
#                by PG_REF_STEP (its maximum here is a few dozen authors), Quire from START by STEP;
#   idle     (2) CONNECTIONS idle WebSockets held by one server and the heap per connection (after a
#                full GC, before and after; jcmd for Quire, the reference's own /heap report, node
#                --expose-gc); client side spread over SOURCES loopback source addresses;
#   durable  (3) aggregate durable ops/s over DOCS3 documents × AUTHORS3 authors typing as fast as
#                acks come, with PostgreSQL: Quire --database-url against the reference with
#                sharedb-postgres + sharedb-redis-pubsub (cluster-reference-server.js, one process);
#   soak     (4) MINUTES minutes per side on SOAK_DOCS documents at RATE/s, each side at 70 % of
#                its own section 1 maximum (this run's, or AUTHORS_MAX_HINT / REF_MAX_HINT; or set
#                SOAK_AUTHORS / SOAK_REF_AUTHORS), an interval line (latency, errors, heap after GC)
#                every INTERVAL seconds.
# Usage: quire-bench/capacity-bench.sh [authors] [authors-pg] [idle] [durable] [soak]   (default: authors idle durable)
#   env: OUT=<dir> SKIP_BUILD=1 SEED=<n> WARMUP=5 DURATION=15 RATE=5 THRESHOLD_MS=100 START=50 STEP=50
#        MAX_AUTHORS=1000 PG_REF_START=5 PG_REF_STEP=5 CONNECTIONS=19000 SOURCES=4 RAMP=2000 HOLD=20 DOCS2=100 DOCS3=1000
#        AUTHORS3=2 MINUTES=30 INTERVAL=30 SOAK_DOCS=1 SOAK_AUTHORS= SOAK_REF_AUTHORS= SOAK_SIDES="reference quire" LOADGEN_HEAP=4g
#        PGHOST/PGPORT/PGUSER, REDIS_URL
# Loopback only; every process it starts is stopped, and its databases dropped, on any exit.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bench="$root/quire-bench/server"
sections="${*:-authors idle durable}"
out="${OUT:-$root/quire-bench/results/capacity-$(date -u +%Y%m%dT%H%M)}"
seed="${SEED:-$RANDOM$RANDOM}"
warmup="${WARMUP:-5}" duration="${DURATION:-15}" rate="${RATE:-5}" threshold="${THRESHOLD_MS:-100}"
start="${START:-50}" step="${STEP:-50}" max_authors="${MAX_AUTHORS:-1000}"
pg_ref_start="${PG_REF_START:-5}" pg_ref_step="${PG_REF_STEP:-5}"
connections="${CONNECTIONS:-19000}" sources="${SOURCES:-4}" ramp="${RAMP:-2000}" hold="${HOLD:-20}" docs2="${DOCS2:-100}"
docs3="${DOCS3:-1000}" authors3="${AUTHORS3:-2}"
minutes="${MINUTES:-30}" interval="${INTERVAL:-30}" soak_docs="${SOAK_DOCS:-1}"
pg_host="${PGHOST:-127.0.0.1}" pg_port="${PGPORT:-5432}" pg_user="${PGUSER:-postgres}"
redis_url="${REDIS_URL:-redis://127.0.0.1:6379}"
jar="$root/quire-bench/target/benchmarks.jar"
work="$(mktemp -d "${TMPDIR:-/tmp}/quire-capacity.XXXXXX")"
suffix="$(basename "$work" | tr -dc 'A-Za-z0-9' | tr 'A-Z' 'a-z')_$$"
pids=() dbs=()
mkdir -p "$out"

log() { echo "capacity-bench: $*" >&2; }
psql_admin() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d postgres -v ON_ERROR_STOP=1 -qtA "$@"; }

cleanup() {
  for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done
  for p in "${pids[@]}"; do wait "$p" 2>/dev/null || true; done
  for db in "${dbs[@]}"; do
    psql_admin -c "drop database if exists $db with (force)" >/dev/null 2>&1 || log "could not drop database $db"
  done
  rm -rf "$work"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Each connection is a file descriptor on both ends: as many as this shell may have. (Raising the
# hard limit needs CAP_SYS_RESOURCE; where it is missing, CONNECTIONS is capped below it.)
ulimit -n "$(ulimit -Hn)" 2>/dev/null || true
fd_limit="$(ulimit -n)"

# await_line FILE REGEX PID (bench-lib.sh)
source "$root/quire-bench/bench-lib.sh"

# start_quire NAME [quire serve flags...]: sets url and pid.
start_quire() {
  local name=$1
  shift
  mkdir -p "$work/$name"
  # Open mode: the load generator speaks the protocol without accounts, as to the reference.
  QUIRE_NO_BUILD=1 "$root/quire" serve --port 0 --data-dir "$work/$name" --auth open "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  local port
  port="$(await_line "$work/$name.log" 'Quire listening on' "$pid" | sed -E 's/.*http:\/\/[^:]+:([0-9]+).*/\1/')"
  url="ws://127.0.0.1:$port/ws"
  # ./quire execs java, so the pid is the JVM's (jcmd reads its heap).
}

# start_reference NAME SCRIPT [args...]: sets url, port and pid.
start_reference() {
  local name=$1 script=$2
  shift 2
  node --expose-gc "$bench/$script" 0 "$@" >"$work/$name.log" 2>&1 &
  pid=$!
  pids+=("$pid")
  port="$(await_line "$work/$name.log" '^ready port=' "$pid" | cut -d= -f2)"
  url="ws://127.0.0.1:$port/ws"
}

# create_db NAME: creates the database capbench_NAME_<run> and prints its name (the caller adds
# it to dbs, in the script's shell, so that cleanup drops it).
create_db() {
  local db="capbench_$1_$suffix"
  psql_admin -c "create database $db encoding 'UTF8' template template0" >/dev/null
  echo "$db"
}

stop() { # stop PID: ends one server of ours and forgets it
  kill "$1" 2>/dev/null || true
  wait "$1" 2>/dev/null || true
  local kept=()
  for p in "${pids[@]}"; do [ "$p" = "$1" ] || kept+=("$p"); done
  pids=("${kept[@]}")
}

# loadgen FILE ARGS...: runs the load generator, its JSON lines appended to FILE, its output logged.
loadgen() {
  local file=$1
  shift
  local rc=0
  java -Xmx"${LOADGEN_HEAP:-4g}" -cp "$jar" dev.quire.bench.load.LoadGen --seed "$seed" --out "$file" "$@" \
    >>"$out/loadgen.log" 2>&1 &
  local lp=$!
  pids+=("$lp")
  wait "$lp" || rc=$?
  unset 'pids[-1]'
  grep -E '^loadgen: .*(durable ops|find-max:|idle:)' "$out/loadgen.log" | tail -1 >&2 || true
  [ "$rc" -eq 0 ] || log "the run reported failures (exit $rc): see $out/loadgen.log"
  return 0
}

chart() { java -Djava.awt.headless=true -cp "$jar" dev.quire.bench.load.Chart "$@" >&2; }

# ---- build ----
if [ -z "${SKIP_BUILD:-}" ]; then
  log "building Quire and the load generator (mvn package, tests skipped)..."
  (cd "$root" && mvn -q -B -pl quire-bench -am package -DskipTests >"$work/build.log" 2>&1) ||
    { cat "$work/build.log" >&2; exit 1; }
fi
(cd "$bench" && npm ci --no-audit --no-fund --silent)

{
  echo "command: quire-bench/capacity-bench.sh $sections"
  echo "env: SEED=$seed WARMUP=$warmup DURATION=$duration RATE=$rate THRESHOLD_MS=$threshold START=$start STEP=$step MAX_AUTHORS=$max_authors PG_REF_START=$pg_ref_start PG_REF_STEP=$pg_ref_step CONNECTIONS=$connections SOURCES=$sources RAMP=$ramp HOLD=$hold DOCS2=$docs2 DOCS3=$docs3 AUTHORS3=$authors3 MINUTES=$minutes INTERVAL=$interval SOAK_DOCS=$soak_docs SOAK_AUTHORS=${SOAK_AUTHORS:-} SOAK_REF_AUTHORS=${SOAK_REF_AUTHORS:-} SOAK_SIDES=${SOAK_SIDES:-}"
  echo "date: $(date -u '+%Y-%m-%d %H:%M UTC')"
  echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB RAM; open files per process: $fd_limit"
  echo "java: $(java -version 2>&1 | head -1); node: $(node --version)"
  echo "npm: $(cd "$bench" && node -p "['sharedb','rich-text','sharedb-postgres','sharedb-redis-pubsub','ws'].map(p => p + '@' + require('./node_modules/' + p + '/package.json').version).join(' ')")"
  echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
} >"$out/run.txt"
log "results in $out"

max_quire="" max_reference=""
for section in $sections; do
  log "section $section (load average $(cut -d' ' -f1 /proc/loadavg))"
  case "$section" in
    authors)
      file="$out/authors.jsonl"
      start_reference ref-memory reference-server.js
      loadgen "$file" --mode find-max --urls "$url" --authors "$start" --step "$step" --max-authors "$max_authors" \
        --rate "$rate" --threshold-ms "$threshold" --warmup "$warmup" --duration "$duration" \
        --server-pids "$pid" --label reference --scenario authors
      stop "$pid"
      start_quire quire-authors
      loadgen "$file" --mode find-max --urls "$url" --authors "$start" --step "$step" --max-authors "$max_authors" \
        --rate "$rate" --threshold-ms "$threshold" --warmup "$warmup" --duration "$duration" \
        --server-pids "$pid" --label quire --scenario authors
      stop "$pid"
      max_quire="$(grep '^result ' "$file" | grep '"label":"quire"' | tail -1 | sed -E 's/.*"max_authors":([0-9]+).*/\1/')"
      max_reference="$(grep '^result ' "$file" | grep '"label":"reference"' | tail -1 | sed -E 's/.*"max_authors":([0-9]+).*/\1/')"
      chart --in "$file" --kind step --x authors --y remote_p95_ms --threshold "$threshold" \
        --title "Authors on one document at $rate keystrokes/s each: p95 remote delivery" \
        --x-label "authors on the document" --y-label "p95 remote-delivery latency, ms" --out "$out/authors.png"
      ;;
    authors-pg)
      # Section 1 with every op durable in PostgreSQL on both sides (each side acks after its commit).
      file="$out/authors-pg.jsonl"
      ref_db="$(create_db ref_authors)"; dbs+=("$ref_db")
      quire_db="$(create_db quire_authors)"; dbs+=("$quire_db")
      psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$ref_db" -v ON_ERROR_STOP=1 -q \
        -f "$bench/node_modules/sharedb-postgres/structure.sql" >/dev/null
      start_reference ref-pg-authors cluster-reference-server.js "postgresql://$pg_user@$pg_host:$pg_port/$ref_db" "$redis_url"
      loadgen "$file" --mode find-max --urls "$url" --authors "$pg_ref_start" --step "$pg_ref_step" --max-authors "$max_authors" \
        --rate "$rate" --threshold-ms "$threshold" --warmup "$warmup" --duration "$duration" \
        --server-pids "$pid" --service-commands postgres,redis-server --label reference-pg --scenario authors-pg
      stop "$pid"
      start_quire quire-pg-authors --database-url "postgresql://$pg_user@$pg_host:$pg_port/$quire_db"
      loadgen "$file" --mode find-max --urls "$url" --authors "$start" --step "$step" --max-authors "$max_authors" \
        --rate "$rate" --threshold-ms "$threshold" --warmup "$warmup" --duration "$duration" \
        --server-pids "$pid" --service-commands postgres,redis-server --label quire-pg --scenario authors-pg
      stop "$pid"
      for side in reference quire; do
        if [ "$side" = reference ]; then db=$ref_db; else db=$quire_db; fi
        echo "authors-pg: $side has $(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$db" -qtAc 'select count(*) from ops') op rows in PostgreSQL" >>"$out/run.txt"
      done
      chart --in "$file" --kind step --x authors --y remote_p95_ms --threshold "$threshold" \
        --title "Authors on one document on PostgreSQL at $rate keystrokes/s each: p95 remote delivery" \
        --x-label "authors on the document" --y-label "p95 remote-delivery latency, ms" --out "$out/authors-pg.png"
      ;;
    idle)
      file="$out/idle.jsonl"
      c="$connections"
      if [ "$c" -gt $((fd_limit - 1000)) ]; then
        c=$((fd_limit - 1000))
        log "CONNECTIONS=$connections is more than the $fd_limit open files a process may have here: $c instead"
      fi
      start_reference ref-memory reference-server.js
      loadgen "$file" --mode idle --urls "$url" --docs "$docs2" --connections "$c" --source-addresses "$sources" \
        --ramp "$ramp" --hold "$hold" --heap "http://127.0.0.1:$port/heap" --label reference --scenario idle
      stop "$pid"
      start_quire quire-idle
      loadgen "$file" --mode idle --urls "$url" --docs "$docs2" --connections "$c" --source-addresses "$sources" \
        --ramp "$ramp" --hold "$hold" --heap "jcmd:$pid" --label quire --scenario idle
      stop "$pid"
      chart --in "$file" --type bar --y heap_per_connection_bytes --scale 0.001 --threshold 10 \
        --title "Heap per idle WebSocket connection ($c connections)" --y-label "KB per connection (after full GC)" \
        --out "$out/idle-heap.png"
      chart --in "$file" --type bar --y held \
        --title "Idle connections held by one server" --y-label "connections held" --out "$out/idle-held.png"
      ;;
    durable)
      file="$out/durable.jsonl"
      ref_db="$(create_db ref)"; dbs+=("$ref_db")
      quire_db="$(create_db quire)"; dbs+=("$quire_db")
      psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$ref_db" -v ON_ERROR_STOP=1 -q \
        -f "$bench/node_modules/sharedb-postgres/structure.sql" >/dev/null
      start_reference ref-pg cluster-reference-server.js "postgresql://$pg_user@$pg_host:$pg_port/$ref_db" "$redis_url"
      loadgen "$file" --urls "$url" --docs "$docs3" --authors "$authors3" --rate 0 --warmup "$warmup" \
        --duration "$duration" --server-pids "$pid" --service-commands postgres,redis-server --label reference --scenario durable
      stop "$pid"
      start_quire quire-pg --database-url "postgresql://$pg_user@$pg_host:$pg_port/$quire_db"
      loadgen "$file" --urls "$url" --docs "$docs3" --authors "$authors3" --rate 0 --warmup "$warmup" \
        --duration "$duration" --server-pids "$pid" --service-commands postgres,redis-server --label quire --scenario durable
      stop "$pid"
      for side in reference quire; do
        if [ "$side" = reference ]; then db=$ref_db; else db=$quire_db; fi
        echo "durable: $side has $(psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$db" -qtAc 'select count(*) from ops') op rows in PostgreSQL" >>"$out/run.txt"
      done
      chart --in "$file" --type bar --y ops_per_s --threshold 20000 \
        --title "Durable ops/s over $docs3 documents with PostgreSQL" --y-label "acknowledged (committed) ops/s" \
        --out "$out/durable.png"
      ;;
    soak)
      file="$out/soak.jsonl"
      authors="${SOAK_AUTHORS:-}"
      if [ -z "$authors" ]; then
        base="${max_quire:-${AUTHORS_MAX_HINT:-}}"
        [ -n "$base" ] && [ "$base" -gt 0 ] || { log "soak: set SOAK_AUTHORS, or run the authors section first"; exit 2; }
        authors=$((base * 7 / 10))
      fi
      # Each side soaks at 70 % of its own maximum: the reference at Quire's would only measure its
      # collapse. SOAK_REF_AUTHORS (default: 70 % of the reference's section 1 maximum of this run,
      # or of REF_MAX_HINT, else Quire's figure); SOAK_SIDES picks the sides and their order.
      ref_authors="${SOAK_REF_AUTHORS:-}"
      if [ -z "$ref_authors" ]; then
        ref_base="${max_reference:-${REF_MAX_HINT:-}}"
        if [ -n "$ref_base" ] && [ "$ref_base" -gt 0 ]; then ref_authors=$((ref_base * 7 / 10)); else ref_authors=$authors; fi
      fi
      for side in ${SOAK_SIDES:-reference quire}; do
        if [ "$side" = reference ]; then
          start_reference ref-memory reference-server.js
          heap="http://127.0.0.1:$port/heap"
          side_authors=$ref_authors
        else
          start_quire quire-soak
          heap="jcmd:$pid"
          side_authors=$authors
        fi
        loadgen "$file" --urls "$url" --docs "$soak_docs" --authors "$side_authors" --rate "$rate" --warmup "$warmup" \
          --duration "$((minutes * 60))" --interval "$interval" --heap "$heap" --settle 120 \
          --server-pids "$pid" --label "$side" --scenario soak
        stop "$pid"
      done
      who=""
      for side in ${SOAK_SIDES:-reference quire}; do
        if [ "$side" = reference ]; then who="$who, reference $ref_authors"; else who="$who, Quire $authors"; fi
      done
      who="${who#, } authors"
      chart --in "$file" --kind interval --x t_s --y heap_used_bytes --scale 0.000001 \
        --title "Soak: heap after full GC ($who, at $rate/s)" --x-label "seconds" --y-label "heap in use, MB" \
        --out "$out/soak-heap.png"
      chart --in "$file" --kind interval --x t_s --y remote_p95_ms,errors \
        --title "Soak: p95 remote delivery and errors ($who)" --x-label "seconds" \
        --y-label "ms / count" --out "$out/soak-latency.png"
      ;;
    *) log "unknown section $section (authors, authors-pg, idle, durable, soak)"; exit 2 ;;
  esac
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)" >>"$out/run.txt"
cat "$out/run.txt"
grep -h '^result ' "$out"/*.jsonl | cut -c8- | node -e '
  const rows = require("fs").readFileSync(0, "utf8").trim().split("\n").filter(Boolean).map(JSON.parse);
  for (const r of rows) {
    if (r.mode === "find-max") console.log(`${r.scenario} ${r.label}: ${r.max_authors} authors within p95 ${r.threshold_ms} ms (stopped by ${r.stopped_by}; load ${r.load_average})`);
    else if (r.mode === "idle") console.log(`${r.scenario} ${r.label}: ${r.held}/${r.connections} held, ${(r.heap_per_connection_bytes / 1000).toFixed(2)} KB heap per connection, RSS ${(r.rss_per_connection_bytes / 1000).toFixed(1)} KB (load ${r.load_average})`);
    else console.log(`${r.scenario} ${r.label}: ${r.ops_per_s.toFixed(0)} durable ops/s, ack p99 ${r.ack_p99_ms} ms, remote p95 ${r.remote_p95_ms} ms, errors ${r.errors}, converged ${r.converged} (load ${r.load_average})`);
  }'
log "charts: $(ls "$out"/*.png 2>/dev/null | tr '\n' ' ')"
