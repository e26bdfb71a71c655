#!/bin/sh
# HTTP throughput of `logsieve serve`, side by side with a baseline binary
# (e.g. the previous commit's build) and the FastAPI peer
# (../shared/peers/seed-python) when PEER_URL points at a running one.
#
#   bench/server_bench.sh [LOGSIEVE_BINARY [BASELINE_BINARY]]
#   env: DURATION (10s)  CONNECTIONS ("1 8")  RUNS (3 uploads)  ROWS (10000)
#        LOADED (unset; "64:30s": also wrk -c64 for 30 s on the rule line)
#        PEER_URL (unset: ours only)  PEER_ROWS (200: the peer needs ~16 ms per ML row)
#
# The binaries run one after the other, each alone on the machine, with the
# same cases in the same order.
#
# For each server: wrk on POST /classify-single/ with (a) a rule-hit line and
# (b) a line that goes past the rules to the model; then curl timing of POST
# /classify/ with a CSV of ROWS rows built from data/sample.csv (bench/out/).
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/apps/logsieve/logsieve}
DURATION=${DURATION:-10s}
CONNECTIONS=${CONNECTIONS:-1 8}
RUNS=${RUNS:-3}
ROWS=${ROWS:-10000}
PEER_ROWS=${PEER_ROWS:-200}
out=$root/bench/out
mkdir -p "$out"

# A CSV of N data rows: the sample's rows, repeated.
make_csv() {
  awk -v n="$1" 'NR == 1 { print; next } { row[++k] = $0 } END { for (i = 0; i < n; i++) print row[i % k + 1] }' \
    "$root/data/sample.csv" > "$2"
}

printf '%s' '{"source": "ModernCRM", "log_message": "User User4521 logged in."}' > "$out/rule.json"
printf '%s' '{"source": "ModernCRM", "log_message": "Payment reconciliation job failed for batch 2231 after 3 retries"}' \
  > "$out/model.json"

# single NAME URL BODY CONNS: one wrk run, one result line.
single() {
  wrk -t1 -c"$4" -d"$DURATION" --latency -s "$root/bench/post_body.lua" "$2/classify-single/" -- "$3" \
    > "$out/wrk.txt"
  awk -v name="$1" -v c="$4" '
    /^ +50% / { p50 = $2 } /^ +99% / { p99 = $2 } /^Requests\/sec:/ { rps = $2 }
    /Non-2xx|Socket errors/ { problems = problems " [" $0 "]" }
    END { printf "%-34s c=%-2s %10.0f req/s   p50 %-8s p99 %-8s%s\n", name, c, rps, p50, p99, problems }' \
    "$out/wrk.txt"
}

# upload NAME URL CSV ROWS: RUNS timed uploads.
upload() {
  i=1
  while [ "$i" -le "$RUNS" ]; do
    t=$(curl -sf -o "$out/answer.csv" -w '%{time_total}' -F "file=@$3;type=text/csv" "$2/classify/")
    awk -v name="$1" -v t="$t" -v n="$4" \
      'BEGIN { printf "%-34s %d rows  %8.3f s  %10.0f rows/s\n", name, n, t, n / t }'
    i=$((i + 1))
  done
}

# serve NAME BINARY [FLAGS...]: starts it on a free port (access log off, as
# the peer's), runs every case, stops it.
serve() {
  log=$out/serve.log
  name=$1 binary=$2
  shift 2
  "$binary" serve --port 0 --set server.access_log=false "$@" 2> "$log" &
  pid=$!
  port=""
  for _ in $(seq 1 100); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
    [ -n "$port" ] && grep -q ready "$log" && break
    sleep 0.1
  done
  url=http://127.0.0.1:$port
  echo "$name: $("$binary" --version)  stages: $(curl -s "$url/" | sed -n 's/.*"stages":\(\[[^]]*\]\).*/\1/p')"
  echo "rule line:  $(curl -s -H 'Content-Type: application/json' --data-binary @"$out/rule.json" "$url/classify-single/")"
  echo "model line: $(curl -s -H 'Content-Type: application/json' --data-binary @"$out/model.json" "$url/classify-single/")"
  for c in $CONNECTIONS; do
    single "$name /classify-single/ rule" "$url" "$out/rule.json" "$c"
    single "$name /classify-single/ model" "$url" "$out/model.json" "$c"
  done
  if [ -n "${LOADED:-}" ]; then
    d=$DURATION
    DURATION=${LOADED#*:}
    single "$name /classify-single/ rule" "$url" "$out/rule.json" "${LOADED%%:*}"
    DURATION=$d
  fi
  upload "$name /classify/" "$url" "$out/rows-$ROWS.csv" "$ROWS"
  kill -TERM $pid 2>/dev/null
  wait $pid 2>/dev/null || true
  echo
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
make_csv "$ROWS" "$out/rows-$ROWS.csv"
serve logsieve "$bin"
# BASELINE_FLAGS: extra flags for the baseline, e.g. "--model OLD.lsm" when the
# bundled model's format is newer than the baseline reads.
# shellcheck disable=SC2086
if [ -n "${2:-}" ]; then serve baseline "$2" ${BASELINE_FLAGS:-}; fi

if [ -n "${PEER_URL:-}" ]; then
  echo "peer: $PEER_URL $(curl -s "$PEER_URL/")"
  for c in $CONNECTIONS; do
    single "peer /classify-single/ rule" "$PEER_URL" "$out/rule.json" "$c"
    single "peer /classify-single/ model" "$PEER_URL" "$out/model.json" "$c"
  done
  make_csv "$PEER_ROWS" "$out/rows-$PEER_ROWS.csv"
  upload "peer /classify/" "$PEER_URL" "$out/rows-$PEER_ROWS.csv" "$PEER_ROWS"
fi
