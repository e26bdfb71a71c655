#!/usr/bin/env bash
# /healthz latency of `logsieve serve` while concurrent GET /v1/review run on
# a big store (issue 27): a store read must never hold up the I/O threads, so
# a probe with a 1 s timeout keeps passing. A benchmark, not a test.
#
#   bench/healthz_under_review.sh LOGSIEVE [BASELINE]
#   env: ROWS (50000 distinct templates)  BYTES (1000 per line)
#        READERS (2 concurrent review loops)  SECONDS_EACH (10)
#
# The store is built once by `logsieve classify` (store.enabled=on, nothing
# decides: every line is kept for review); each server gets a fresh copy.
set -euo pipefail
bin=${1:?usage: healthz_under_review.sh LOGSIEVE [BASELINE]}
baseline=${2:-}
rows=${ROWS:-50000}
bytes=${BYTES:-1000}
readers=${READERS:-2}
secs=${SECONDS_EACH:-10}
tmp=$(mktemp -d)
pid=""
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT

awk -v rows="$rows" -v bytes="$bytes" 'BEGIN {
  srand(11); print "source,log_message";
  pad = ""; for (j = 0; j < bytes; j++) pad = pad "p";
  for (i = 0; i < rows; i++) {
    w = ""; for (j = 0; j < 8; j++) w = w sprintf("%c", 97 + int(rand() * 26));
    printf "app,job %s finished %s\n", w, pad;
  }
}' > "$tmp/distinct.csv"
LOGSIEVE_LLM_API_KEY= "$bin" classify "$tmp/distinct.csv" -o /dev/null -q --set store.enabled=on \
  --set "store.path=$tmp/big.db" --set 'pipeline.routes=[]' --set 'pipeline.threshold=1'
echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
echo "store: $rows templates, $(( $(stat -c %s "$tmp/big.db") >> 20 )) MB; $readers review loops"

# stats FILE: p50, p99 and max of the seconds in FILE, in ms.
stats() {
  sort -n "$1" | awk '{ v[NR] = $1 } END {
    i99 = int(NR * 0.99) + 1; if (i99 > NR) i99 = NR
    printf "n=%d p50 %.1f ms  p99 %.1f ms  max %.1f ms", NR, v[int(NR * 0.5) + 1] * 1000,
      v[i99] * 1000, v[NR] * 1000 }'
}

# probe URL SECONDS OUT: sequential GET /healthz for SECONDS, one time per line.
probe() {
  local end=$((SECONDS + $2))
  : > "$3"
  while [ $SECONDS -lt $end ]; do
    curl -s -o /dev/null -m 5 -w '%{time_total}\n' "$1/healthz" >> "$3" || echo 5 >> "$3"
  done
}

run() {
  cp "$tmp/big.db" "$tmp/serve.db"
  "$2" serve --port 0 --set server.access_log=false --set store.enabled=on \
    --set "store.path=$tmp/serve.db" 2> "$tmp/log" &
  pid=$!
  local port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/log")
    [ -n "$port" ] && grep -q ready "$tmp/log" && break
    sleep 0.1
  done
  local url=http://127.0.0.1:$port
  local one
  one=$(curl -s -o "$tmp/review.json" -w '%{http_code} %{time_total} s %{size_download} bytes' \
    "$url/v1/review?limit=1000")
  echo "$1: one review: $one"
  probe "$url" 3 "$tmp/idle"
  echo "$1: /healthz alone:            $(stats "$tmp/idle")"
  local loops=()
  for _ in $(seq "$readers"); do
    ( end=$((SECONDS + secs + 1))
      while [ $SECONDS -lt $end ]; do curl -s -o /dev/null "$url/v1/review?limit=1000"; done ) &
    loops+=($!)
  done
  probe "$url" "$secs" "$tmp/busy"
  wait "${loops[@]}"
  echo "$1: /healthz during reviews:   $(stats "$tmp/busy")"
  kill -TERM $pid
  wait $pid 2>/dev/null || true
}

run logsieve "$bin"
if [ -n "$baseline" ]; then run baseline "$baseline"; fi
