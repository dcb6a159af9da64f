# Shell helpers the benchmark scripts share (sourced; each script defines log() first).

# Waits (up to 60 s) for a line matching $2 in file $1 while process $3 lives; prints the line.
await_line() {
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    if grep -m1 -E "$2" "$1" 2>/dev/null; then
      return 0
    fi
    kill -0 "$3" 2>/dev/null || { log "process $3 died; its output:"; cat "$1" >&2; return 1; }
    sleep 0.1
  done
  log "no line /$2/ in $1 within 60 s"
  return 1
}
