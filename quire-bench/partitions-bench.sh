#!/usr/bin/env bash
# Partitioning by organization (issue 7), measured on the local PostgreSQL, without a server:
#   1. migrate: a schema-version-7 database with DOCS documents in ORGS organizations, OPS ops
#      and OPS/100 snapshots each, migrated to partitions by V8 (the shipped file, PARTITIONS);
#      the wall time of the migration, which runs in one transaction.
#   2. reads: the store's point reads (head version, 50 ops from a version, snapshot at or before)
#      for random documents, with pgbench (CLIENTS clients, DURATION s each, prepared statements,
#      as the server's pooled connections run them) on the partitioned tables, then on
#      unpartitioned copies with the same rows and indexes: what partitioning costs or saves per
#      read at this size. Under PostgreSQL's default plan choice (auto), then with custom plans
#      forced (pruned while planning) and generic plans forced (pruned when the executor starts).
#   3. writes: one op committed at the head of a random document per transaction (the store's
#      single-document commit: head read and insert in one statement), each client on documents
#      of its own, with synchronous_commit off so the figure is the database's CPU per commit,
#      not the disk's flush; partitioned, then unpartitioned.
#
#   env: DOCS=1000 ORGS=50 OPS=1000 PARTITIONS=16 CLIENTS=2 DURATION=20 PGHOST PGPORT PGUSER
#        KEEP_DB=1 (keep the database for more runs by hand)
#
# Loopback only; the database it creates is dropped on any exit.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
migrations="$root/quire-server/src/main/resources/db/migration/postgresql"
docs="${DOCS:-1000}" orgs="${ORGS:-50}" ops="${OPS:-1000}" partitions="${PARTITIONS:-16}"
clients="${CLIENTS:-2}" duration="${DURATION:-20}"
pg_host="${PGHOST:-127.0.0.1}" pg_port="${PGPORT:-5432}" pg_user="${PGUSER:-postgres}"
db="quire_partbench_$$"
work="$(mktemp -d "${TMPDIR:-/tmp}/quire-partbench.XXXXXX")"

log() { echo "partitions-bench: $*" >&2; }
psql_db() { psql -h "$pg_host" -p "$pg_port" -U "$pg_user" -d "$1" -v ON_ERROR_STOP=1 -qtA "${@:2}"; }
cleanup() {
  [[ -n "${KEEP_DB:-}" ]] && { log "kept database $db"; rm -rf "$work"; return; }
  psql_db postgres -c "drop database if exists $db with (force)" >/dev/null 2>&1 || log "could not drop $db"
  rm -rf "$work"
}
trap cleanup EXIT

psql_db postgres -c "create database $db encoding 'UTF8' template template0"
for f in "$migrations"/V[1-7]__*.sql; do
  psql_db "$db" -1 -f "$f" >/dev/null
done

log "filling: $docs documents in $orgs organizations, $ops ops each, a snapshot every 100"
psql_db "$db" <<SQL
INSERT INTO organizations (id, name, created_at)
  SELECT 'org-' || o, 'org ' || o, 0 FROM generate_series(1, $orgs) o;
INSERT INTO documents (id, title, title_version, created_at, edited_at, org_id)
  SELECT 'doc-' || d, '', 1, 0, 0, 'org-' || (1 + d % $orgs) FROM generate_series(1, $docs) d;
INSERT INTO ops (collection, doc_id, version, src, seq, kind, type, body, ts)
  SELECT 'docs', 'doc-' || d, v, 'src-' || d, v, CASE WHEN v = 0 THEN 'create' ELSE 'edit' END,
         CASE WHEN v = 0 THEN 'http://sharejs.org/types/rich-text/v1' END,
         '[{"retain":' || v || '},{"insert":"x"}]', 1000 * v
  FROM generate_series(1, $docs) d, generate_series(0, $ops - 1) v;
INSERT INTO snapshots (collection, doc_id, version, type, data, ts)
  SELECT 'docs', 'doc-' || d, v, 'http://sharejs.org/types/rich-text/v1', '[{"insert":"' || repeat('x', v) || '\n"}]', 1000 * v
  FROM generate_series(1, $docs) d, generate_series(100, $ops - 1, 100) v;
VACUUM ANALYZE;
SQL
rows="$(psql_db "$db" -c "select count(*) from ops")"
size="$(psql_db "$db" -c "select pg_size_pretty(pg_total_relation_size('ops') + pg_total_relation_size('snapshots'))")"

log "migrating $rows ops ($size with snapshots) to $partitions partitions"
sed "s/\${partitions}/$partitions/g" "$migrations"/V8__*.sql > "$work/v8.sql"
started=$(date +%s.%N)
psql_db "$db" -1 -f "$work/v8.sql" >/dev/null
migrate_s=$(echo "$(date +%s.%N) - $started" | bc)
psql_db "$db" -c "VACUUM ANALYZE" >/dev/null

# The unpartitioned copies, with V1's keys plus org_id, for the same reads.
psql_db "$db" <<'SQL'
CREATE TABLE ops_flat AS SELECT * FROM ops;
ALTER TABLE ops_flat ADD PRIMARY KEY (org_id, collection, doc_id, version);
CREATE TABLE snapshots_flat AS SELECT * FROM snapshots;
ALTER TABLE snapshots_flat ADD PRIMARY KEY (org_id, collection, doc_id, version);
VACUUM ANALYZE ops_flat;
VACUUM ANALYZE snapshots_flat;
SQL

# One transaction of pgbench = the three reads of a document's open and catch-up.
script() {
  cat > "$work/$1.sql" <<SQL
\set d random(1, $docs)
\set o 1 + :d % $orgs
\set v random(0, $ops - 60)
SELECT coalesce(max(version) + 1, 0) FROM $2 WHERE org_id = 'org-' || :o AND collection = 'docs' AND doc_id = 'doc-' || :d;
SELECT version, src, seq, kind, type, body, ts FROM $2 WHERE org_id = 'org-' || :o AND collection = 'docs' AND doc_id = 'doc-' || :d AND version >= :v AND version < :v + 50 ORDER BY version;
SELECT version, type, data, ts FROM $3 WHERE org_id = 'org-' || :o AND collection = 'docs' AND doc_id = 'doc-' || :d AND version <= :v ORDER BY version DESC LIMIT 1;
SQL
}
script partitioned ops snapshots
script flat ops_flat snapshots_flat

# Client c writes documents d with d % clients == c, so no two clients race for a version.
commit_script() {
  cat > "$work/$1-commit.sql" <<SQL
\set d :client_id + $clients * random(0, $docs / $clients - 1)
\set o 1 + :d % $orgs
INSERT INTO $2 (org_id, collection, doc_id, version, src, seq, kind, type, body, ts)
  SELECT 'org-' || :o, 'docs', 'doc-' || :d, h, 'bench', h, 'edit', NULL, '[{"insert":"y"}]', 0
  FROM (SELECT coalesce(max(version) + 1, 0) AS h FROM $2
        WHERE org_id = 'org-' || :o AND collection = 'docs' AND doc_id = 'doc-' || :d) head;
SQL
}
commit_script partitioned ops
commit_script flat ops_flat

tps() {
  PGOPTIONS="-c plan_cache_mode=$2" pgbench -h "$pg_host" -p "$pg_port" -U "$pg_user" -n -M prepared -c "$clients" -j "$clients" -T "$duration" \
    -f "$work/$1.sql" "$db" 2>/dev/null | awk -F'= ' '/^tps/ {split($2, a, " "); print a[1]}'
}
log "reads: $clients clients, $duration s each"
declare -A result
for mode in auto force_custom_plan force_generic_plan; do
  for layout in partitioned flat; do
    result[$layout.$mode]="$(tps $layout $mode)"
  done
done
log "writes: $clients clients, $duration s each"
for layout in partitioned flat; do
  result[$layout.commit]="$(PGOPTIONS="-c synchronous_commit=off" pgbench -h "$pg_host" -p "$pg_port" -U "$pg_user" \
    -n -M prepared -c "$clients" -j "$clients" -T "$duration" -f "$work/$layout-commit.sql" "$db" 2>/dev/null \
    | awk -F'= ' '/^tps/ {split($2, a, " "); print a[1]}')"
done

echo "date: $(date -u +%Y-%m-%dT%H:%MZ)  commit: $(git -C "$root" rev-parse --short HEAD)  load: $(cut -d' ' -f1-3 /proc/loadavg)"
echo "postgres: $(psql_db "$db" -c 'show server_version')  cores: $(nproc)"
echo "data: $rows ops in $docs documents of $orgs organizations ($size with snapshots)"
echo "migrate V7 -> V8 ($partitions partitions): ${migrate_s} s"
echo "reads (head + 50 ops + snapshot) per second, $clients clients:"
for mode in auto force_custom_plan force_generic_plan; do
  echo "  plan_cache_mode=$mode: partitioned ${result[partitioned.$mode]}, unpartitioned ${result[flat.$mode]}"
done
echo "commits of one op (synchronous_commit off) per second, $clients clients:"
echo "  partitioned ${result[partitioned.commit]}, unpartitioned ${result[flat.commit]}"
