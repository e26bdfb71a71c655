#!/usr/bin/env bash
# Syslog over TCP into output.ndjson: lines/s of one `logsieve worker`, no
# Redis, on rule-decided and model-decided lines (as bench/worker_bench.sh;
# "model, no cache" sets pipeline.cache_size=0 so the model sees every line).
#
#   bench/syslog_bench.sh [LOGSIEVE_BINARY]
#   env: N (200000 lines per case)  BATCH (256: worker.batch_size)
#
# The frames (RFC 5424, octet counted, distinct lines of one template) are
# written to a file first, then sent in one stream through bash's /dev/tcp
# (the sender costs next to nothing); the clock runs from the first byte sent
# to the N-th line in the output file. The worker is started (and its
# pipeline loaded) before the clock.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/apps/logsieve/logsieve}
N=${N:-200000}
BATCH=${BATCH:-256}
dir=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

# run_case NAME STAGES LINE_PREFIX LINE_SUFFIX [MORE WORKER FLAGS...]
run_case() {
  local name=$1 stages=$2 prefix=$3 suffix=$4
  shift 4
  awk -v n="$N" -v p="$prefix" -v s="$suffix" 'BEGIN {
    for (i = 0; i < n; i++) {
      m = "<14>1 2026-12-07T19:00:00.000Z web-1 ModernCRM 42 - - " p (100000000 + i) s;
      printf "%d %s", length(m), m;
    }
  }' > "$dir/frames"
  rm -f "$dir/out.ndjson"
  LOGSIEVE_LEARN_AUTO=false "$bin" worker \
    --set 'ingest.syslog.listen=[tcp://127.0.0.1:0]' --set "output.ndjson=$dir/out.ndjson" \
    --set "worker.batch_size=$BATCH" --set "pipeline.stages=$stages" --set 'pipeline.routes=[]' \
    --set store.enabled=off "$@" 2> "$dir/worker.log" &
  pid=$!
  local port=""
  for _ in $(seq 200); do
    port=$(grep -o 'tcp://127.0.0.1:[0-9]*' "$dir/worker.log" | head -1 | cut -d: -f3) || true
    [[ -n "$port" ]] && break
    sleep 0.05
  done
  local start end lines=0
  start=$(date +%s.%N)
  cat "$dir/frames" > "/dev/tcp/127.0.0.1/$port"
  while (( lines < N )); do
    sleep 0.02
    lines=$(wc -l < "$dir/out.ndjson" 2>/dev/null || echo 0)
  done
  end=$(date +%s.%N)
  kill -TERM "$pid"
  wait "$pid"
  pid=""
  awk -v n="$N" -v a="$start" -v b="$end" -v c="$name" \
    'BEGIN { printf "%-28s %8d lines %7.2f s %9.0f lines/s\n", c, n, b - a, n / (b - a) }'
}

run_case "rules (syslog tcp)" "[rules]" "User User" " logged in."
model_prefix="Payment reconciliation job failed for batch "
run_case "model (syslog tcp)" "[rules, model]" "$model_prefix" " after 3 retries"
run_case "model, no cache (syslog tcp)" "[rules, model]" "$model_prefix" " after 3 retries" \
  --set pipeline.cache_size=0
