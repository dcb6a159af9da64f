#!/usr/bin/env bash
# The trace-replay benchmark of docs/BENCHMARKS.md: Quire's `./quire ot replay` and the npm
# reference (JSON.parse + rich-text apply per op, Node) on the same trace, in the same run,
# each RUNS times in one process. Prints the first (cold) run, the best and the median of each,
# and the ratios.
# Usage: quire-bench/ot-replay.sh [TRACE] (RUNS=20 by default)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
trace="${1:-$root/traces/automerge-paper.json.gz}"
runs="${RUNS:-20}"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT

(cd "$root/quire-bench/reference" && npm ci --no-audit --no-fund --silent)
"$root/quire" --version >/dev/null # builds the jar if needed, outside the measurement

"$root/quire" ot replay "$trace" --repeat "$runs" >"$out/quire.txt"
node "$root/quire-bench/reference/ot-replay.js" "$trace" --repeat "$runs" >"$out/node.txt"

stats() { # file -> "first best median" in ms (plain POSIX tools: mawk has no asort)
  local times first
  times=$(grep '^run ' "$1" | sed -E 's/^run [0-9]+: ([0-9.]+) ms/\1/')
  first=$(echo "$times" | head -1)
  echo "$times" | sort -g | awk -v first="$first" '
    { v[NR] = $1 }
    END { m = (NR % 2) ? v[(NR + 1) / 2] : (v[NR / 2] + v[NR / 2 + 1]) / 2
          printf "%s %s %s\n", first, v[1], m }'
}
read -r qf qb qm < <(stats "$out/quire.txt")
read -r nf nb nm < <(stats "$out/node.txt")
grep -q 'matches endContent' "$out/quire.txt" || { echo "Quire did not reproduce the trace" >&2; exit 1; }

echo "trace: $(basename "$trace"), $runs runs each, $(date -u +%Y-%m-%d)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(free -g | awk '/Mem:/{print $2}') GiB"
echo "java: $(java -version 2>&1 | head -1); node: $(node --version)"
printf '%-38s %10s %10s %10s\n' "parse + validate + apply, ms" first best median
printf '%-38s %10s %10s %10s\n' "Quire (./quire ot replay)" "$qf" "$qb" "$qm"
printf '%-38s %10s %10s %10s\n' "reference (Node, rich-text 4.1.0)" "$nf" "$nb" "$nm"
awk -v qf="$qf" -v qb="$qb" -v qm="$qm" -v nf="$nf" -v nb="$nb" -v nm="$nm" 'BEGIN {
  printf "%-38s %9.1fx %9.1fx %9.1fx\n", "Quire is faster by", nf / qf, nb / qb, nm / qm }'
