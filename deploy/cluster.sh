#!/usr/bin/env bash
# Starts a local Quire cluster: N servers on loopback against one PostgreSQL and one Redis, and
# nginx in front of them (round-robin). Used by the README's "run a cluster" section and by the
# cluster tests. Stops everything on Ctrl-C / SIGTERM.
#
# Usage: deploy/cluster.sh [--servers N] [--port P] [--database-url URL] [--redis-url URL] [--auth MODE]
#   defaults: 3 servers, nginx on 8080, servers on 8081.., postgresql://postgres@127.0.0.1:5432/quire
#   (created if missing), redis://127.0.0.1:6379, --auth accounts (sign-in required; "open" for the
#   cluster tests and benchmarks, whose clients connect without accounts)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
servers=3
port=8080
database_url="postgresql://postgres@127.0.0.1:5432/quire"
redis_url="redis://127.0.0.1:6379"
auth=accounts
while [ $# -gt 0 ]; do
  case "$1" in
    --servers) servers="$2"; shift 2 ;;
    --port) port="$2"; shift 2 ;;
    --database-url) database_url="$2"; shift 2 ;;
    --redis-url) redis_url="$2"; shift 2 ;;
    --auth) auth="$2"; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
command -v nginx >/dev/null || { echo "nginx is not installed (apt-get install nginx)" >&2; exit 1; }

# The database of the default URL is created when it is missing (trust auth on loopback).
if [[ "$database_url" =~ ^postgresql://([^:@/]+)(:[^@]*)?@([^:/]+):([0-9]+)/([A-Za-z0-9_]+)$ ]]; then
  db_user="${BASH_REMATCH[1]}" db_host="${BASH_REMATCH[3]}" db_port="${BASH_REMATCH[4]}" db_name="${BASH_REMATCH[5]}"
  if ! psql -h "$db_host" -p "$db_port" -U "$db_user" -d postgres -tAc "select 1 from pg_database where datname='$db_name'" | grep -q 1; then
    psql -h "$db_host" -p "$db_port" -U "$db_user" -d postgres -c "create database $db_name" >/dev/null
  fi
fi

"$root/quire" --version >/dev/null # builds the jar once, before the servers start
work="$(mktemp -d)"
pids=()
stop() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap stop EXIT INT TERM

upstreams=""
for i in $(seq 1 "$servers"); do
  p=$((port + i))
  QUIRE_NO_BUILD=1 "$root/quire" serve --port "$p" --database-url "$database_url" --redis-url "$redis_url" \
    --auth "$auth" --trusted-proxies 127.0.0.1 \
    >"$work/server-$i.log" 2>&1 &
  pids+=($!)
  upstreams+="    server 127.0.0.1:$p max_fails=2 fail_timeout=5s;"$'\n'
done
for i in $(seq 1 "$servers"); do
  p=$((port + i))
  for _ in $(seq 1 120); do
    curl -sf "http://127.0.0.1:$p/health/ready" >/dev/null && break
    kill -0 "${pids[$((i - 1))]}" 2>/dev/null || { cat "$work/server-$i.log" >&2; exit 1; }
    sleep 0.5
  done
done

mkdir -p "$work/nginx"
sed -e "s|@LISTEN@|$port|" -e "s|@PREFIX@|$work/nginx|g" "$root/deploy/nginx.conf.template" \
  | awk -v up="$upstreams" '{ if ($0 == "@UPSTREAMS@") printf "%s", up; else print }' >"$work/nginx/nginx.conf"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" &
pids+=($!)
for _ in $(seq 1 60); do
  curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break
  sleep 0.25
done
echo "Quire cluster: $servers servers behind nginx at http://127.0.0.1:$port (WebSocket ws://127.0.0.1:$port/ws)"
echo "logs in $work; Ctrl-C stops everything"
wait
