#!/usr/bin/env bash
# OTLP/HTTP logs into output.ndjson: records/s of one `logsieve worker`, no
# Redis, beside syslog over TCP and `logsieve classify` of the same lines, in
# the same run, for rule-decided and model-decided lines.
#
#   bench/otlp_bench.sh [LOGSIEVE_BINARY] [OTLP_SEND_BINARY]
#   env: N (200000 records per case)  PER (1000 records per OTLP request)
#        CONN (2 OTLP connections)     BATCH (256: worker.batch_size)
#
# OTLP: bench/otlp_send.cc builds every request body first, then sends them
# over CONN keep-alive connections; the clock stops at the last 200, and a
# 200 comes only once the request's records are written (the acknowledgement
# of doc/ingest.md), so it times "all N in the file". Syslog: as
# bench/syslog_bench.sh (octet-counted RFC 5424 through /dev/tcp, until the
# N-th line is in the file). classify: `classify --format ndjson` of the same
# (source, text) pairs from a file to a file. Every worker is started (its
# pipeline loaded) before its clock.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/bench/apps/logsieve/logsieve}
send=${2:-$root/build/bench/bench/otlp_send}
N=${N:-200000}
PER=${PER:-1000}
CONN=${CONN:-2}
BATCH=${BATCH:-256}
dir=$(mktemp -d)
pid=""
cleanup() {
  [[ -n "$pid" ]] && kill "$pid" 2>/dev/null || true
  wait 2>/dev/null || true
  rm -rf "$dir"
}
trap cleanup EXIT INT TERM

report() {  # NAME SECONDS
  awk -v n="$N" -v t="$2" -v c="$1" \
    'BEGIN { printf "%-34s %8d records %7.2f s %9.0f records/s\n", c, n, t, n / t }'
}

# start_worker STAGES LISTEN_KEY LISTEN_VALUE [MORE FLAGS...]: sets pid; waits for the log's address.
start_worker() {
  local stages=$1 key=$2 value=$3
  shift 3
  rm -f "$dir/out.ndjson" "$dir/worker.log"
  LOGSIEVE_LEARN_AUTO=false "$bin" worker --set "$key=$value" \
    --set "output.ndjson=$dir/out.ndjson" --set "worker.batch_size=$BATCH" \
    --set "pipeline.stages=$stages" --set 'pipeline.routes=[]' --set store.enabled=off "$@" \
    2> "$dir/worker.log" &
  pid=$!
  for _ in $(seq 200); do
    grep -q 'listening' "$dir/worker.log" 2>/dev/null && return 0
    sleep 0.05
  done
  echo "otlp_bench: the worker did not start" >&2
  cat "$dir/worker.log" >&2
  exit 1
}

stop_worker() {
  kill -TERM "$pid"
  wait "$pid"
  pid=""
}

check_written() {
  local lines
  lines=$(wc -l < "$dir/out.ndjson")
  if (( lines != N )); then
    echo "otlp_bench: $lines records written, not $N" >&2
    exit 1
  fi
}

# run_cases NAME STAGES PREFIX SUFFIX [MORE WORKER FLAGS...]
run_cases() {
  local name=$1 stages=$2 prefix=$3 suffix=$4
  shift 4
  local encoding out port
  for encoding in json proto; do
    start_worker "$stages" ingest.otlp.listen 127.0.0.1:0 "$@"
    port=$(grep -o 'http://127.0.0.1:[0-9]*' "$dir/worker.log" | head -1 | cut -d: -f3)
    out=$("$send" "$port" "$encoding" "$N" "$PER" "$CONN" "$prefix" "$suffix")
    stop_worker
    check_written
    report "$name (otlp $encoding)" "$(awk '{ print $4 }' <<< "$out")"
  done

  awk -v n="$N" -v p="$prefix" -v s="$suffix" 'BEGIN {
    for (i = 0; i < n; i++) {
      m = "<14>1 2026-12-07T19:00:00.000Z web-1 ModernCRM 42 - - " p (100000000 + i) s;
      printf "%d %s", length(m), m;
    }
  }' > "$dir/frames"
  start_worker "$stages" ingest.syslog.listen '[tcp://127.0.0.1:0]' "$@"
  port=$(grep -o 'tcp://127.0.0.1:[0-9]*' "$dir/worker.log" | head -1 | cut -d: -f3)
  local start end lines=0
  start=$(date +%s.%N)
  cat "$dir/frames" > "/dev/tcp/127.0.0.1/$port"
  while (( lines < N )); do
    sleep 0.02
    lines=$(wc -l < "$dir/out.ndjson" 2>/dev/null || echo 0)
  done
  end=$(date +%s.%N)
  stop_worker
  check_written
  report "$name (syslog tcp)" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"

  awk -v n="$N" -v p="$prefix" -v s="$suffix" 'BEGIN {
    for (i = 0; i < n; i++) printf "{\"source\":\"ModernCRM\",\"log_message\":\"%s%d%s\"}\n", p, 100000000 + i, s;
  }' > "$dir/in.ndjson"
  start=$(date +%s.%N)
  LOGSIEVE_LEARN_AUTO=false "$bin" classify --format ndjson -q "$dir/in.ndjson" \
    --set "pipeline.stages=$stages" --set 'pipeline.routes=[]' --set store.enabled=off "$@" \
    > "$dir/classified.ndjson"
  end=$(date +%s.%N)
  report "$name (classify)" "$(awk -v a="$start" -v b="$end" 'BEGIN { print b - a }')"
}

run_cases "rules" "[rules]" "User User" " logged in."
run_cases "model" "[rules, model]" "Payment reconciliation job failed for batch " " after 3 retries"
