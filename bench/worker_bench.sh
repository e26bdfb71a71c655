#!/bin/sh
# End-to-end lines/s of `logsieve worker` through Redis Streams, with 1 and 2
# workers, on rule-decided and model-decided lines; and, as the ceiling, what
# `redis-benchmark` reaches with XADD on the same Redis in the same run.
#
#   bench/worker_bench.sh [LOGSIEVE_BINARY]
#   env: N (200000 entries per case)  WORKERS ("1 2")  BATCH (256: worker.batch_size)
#
# One redis-server (Debian's, no persistence) on a free loopback port. For each
# case redis-benchmark (50 clients) first XADDs N entries 16 per round trip to
# a scratch stream (the pipelined ceiling), then preloads the input stream with
# N entries one per round trip (the plain ceiling); then the workers start; the clock runs from the
# first output entry (so loading the model is not counted) to the N-th.
# Lines carry __rand_int__ (a 12-digit random number): distinct lines, one
# template. "model, no cache" sets pipeline.cache_size=0 so the model sees
# every line.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/apps/logsieve/logsieve}
N=${N:-200000}
WORKERS=${WORKERS:-1 2}
BATCH=${BATCH:-256}
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
  --daemonize no --logfile "$dir/redis.log" &
redis_pid=$!
pids=""
cleanup() {
  for p in $pids; do kill "$p" 2>/dev/null || true; done
  kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
cli() { redis-cli -p "$port" "$@"; }
until cli ping >/dev/null 2>&1; do sleep 0.05; done

rule_line='User User__rand_int__ logged in.'
model_line='Payment reconciliation job failed for batch __rand_int__ after 3 retries'

# xadd STREAM LINE [FLAGS...]: N entries by redis-benchmark (50 clients); prints its XADD rate.
xadd() {
  stream=$1 line=$2
  shift 2
  redis-benchmark -p "$port" -q -r 1000000000 -n "$N" "$@" \
    XADD "$stream" '*' source ModernCRM log_message "$line" 2>/dev/null |
    tr '\r' '\n' | awk '/requests per second/ { for (i = 1; i <= NF; i++) if ($i == "requests") r = $(i - 1) } END { print r }'
}

# preload LINE: the input stream holds N entries; prints "ceiling pipelined-ceiling":
# XADD one command per round trip (as producers usually send), and 16 per round trip.
preload() {
  cli del in out dead ceiling >/dev/null
  piped=$(xadd ceiling "$1" -P 16)
  cli del ceiling >/dev/null
  plain=$(xadd in "$1")
  echo "$plain $piped"
}

# run NAME WORKERS LINE [--set ...]: workers until `out` holds N entries.
run() {
  name=$1 workers=$2 line=$3
  shift 3
  ceilings=$(preload "$line")
  ceiling=${ceilings% *}
  piped=${ceilings#* }
  pids=""
  i=0
  while [ "$i" -lt "$workers" ]; do
    "$bin" worker --redis "redis://127.0.0.1:$port" --set worker.streams='[in]' \
      --set worker.output_stream=out --set worker.dead_letter_stream=dead \
      --set worker.batch_size="$BATCH" --set worker.consumer="w$i" \
      --set worker.output_maxlen=0 --set pipeline.stages='[rules, model]' \
      --set pipeline.routes='[]' "$@" 2>"$dir/w$i.log" &
    pids="$pids $!"
    i=$((i + 1))
  done
  until [ "$(cli xlen out)" -gt 0 ]; do sleep 0.01; done
  t0=$(date +%s.%N)
  n0=$(cli xlen out)
  until [ "$(cli xlen out)" -ge "$N" ]; do sleep 0.02; done
  t1=$(date +%s.%N)
  for p in $pids; do kill -TERM "$p"; wait "$p" || true; done
  pids=""
  method=$(cli xrange out - + COUNT 1 | awk 'prev == "method_used" { print; exit } { prev = $0 }')
  awk -v name="$name" -v w="$workers" -v n="$((N - n0))" -v t0="$t0" -v t1="$t1" -v c="$ceiling" -v p="$piped" -v m="$method" '
    BEGIN { r = n / (t1 - t0); printf "%-16s workers=%d %8.0f lines/s (%-5s)  XADD %7.0f/s (ratio %.2f)  XADD -P16 %7.0f/s (ratio %.2f)\n", name, w, r, m, c, r / c, p, r / p }'
}

echo "logsieve worker bench: N=$N per case, batch $BATCH, $(nproc) cores, $(redis-server --version | cut -d' ' -f1-3)"
for w in $WORKERS; do
  run "rules" "$w" "$rule_line"
  run "model (cache)" "$w" "$model_line"
  run "model, no cache" "$w" "$model_line" --set pipeline.cache_size=0
done
