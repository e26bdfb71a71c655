#!/bin/sh
# Peak RSS of `logsieve worker` on large entries: a backlog of ENTRIES entries
# of about 1 MB each (under worker.max_entry_bytes), read with
# worker.batch_size 256, once per worker.max_batch_bytes in BUDGETS (the
# default 32 MiB, and 1 GiB: no byte bound, as before it existed).
#
#   bench/worker_rss.sh [LOGSIEVE_BINARY]
#   env: ENTRIES (256)  BUDGETS ("33554432 1073741824")  STAGES ("[rules, model]")
#
# One redis-server (Debian's, no persistence) on a free loopback port; the
# worker runs until the output holds every entry; its peak RSS is then read
# from /proc/PID/status (VmHWM) and it is stopped with SIGTERM.
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/apps/logsieve/logsieve}
ENTRIES=${ENTRIES:-256}
BUDGETS=${BUDGETS:-33554432 1073741824}
STAGES=${STAGES:-[rules, model]}
dir=$(mktemp -d)
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
redis-server --port "$port" --bind 127.0.0.1 --dir "$dir" --save '' --appendonly no \
  --daemonize no --logfile "$dir/redis.log" &
redis_pid=$!
worker_pid=""
cleanup() {
  [ -n "$worker_pid" ] && kill "$worker_pid" 2>/dev/null || true
  kill "$redis_pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM
cli() { redis-cli -p "$port" "$@"; }
until cli ping >/dev/null 2>&1; do sleep 0.05; done

# One line of 1,000,000 bytes: a log line with a huge payload.
python3 -c 'import sys; sys.stdout.write("ERROR payload " + "x" * 999986)' >"$dir/line"

echo "logsieve worker peak RSS: $ENTRIES entries of 1,000,000 bytes, batch_size 256, stages $STAGES, $(nproc) cores"
echo "| worker.max_batch_bytes | entries per read | peak RSS MB | seconds |"
echo "|---|---|---|---|"
for budget in $BUDGETS; do
  cli del in out dead >/dev/null
  i=0
  while [ "$i" -lt "$ENTRIES" ]; do
    cli -x XADD in '*' source bench log_message <"$dir/line" >/dev/null
    i=$((i + 1))
  done
  t0=$(date +%s.%N)
  "$bin" worker --redis "redis://127.0.0.1:$port" \
    --set worker.streams='[in]' --set worker.output_stream=out \
    --set worker.dead_letter_stream=dead --set worker.batch_size=256 \
    --set worker.max_batch_bytes="$budget" --set worker.output_maxlen=0 \
    --set pipeline.stages="$STAGES" --set pipeline.routes='[]' 2>"$dir/w.log" &
  worker_pid=$!
  until [ "$(cli xlen out)" -ge "$ENTRIES" ]; do sleep 0.05; done
  t1=$(date +%s.%N)
  kb=$(awk '/^VmHWM:/ { print $2 }' "/proc/$worker_pid/status")
  kill -TERM "$worker_pid"
  wait "$worker_pid" || true
  worker_pid=""
  per_read=$((budget / 1048576))
  [ "$per_read" -gt 256 ] && per_read=256
  awk -v b="$budget" -v p="$per_read" -v kb="$kb" -v t0="$t0" -v t1="$t1" \
    'BEGIN { printf "| %d | %d | %.0f | %.1f |\n", b, p, kb / 1024, t1 - t0 }'
done
