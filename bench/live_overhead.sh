#!/bin/sh
# What a /v1/live subscriber costs classification: the same NDJSON stream of
# ROWS lines (bench/make_corpus.sh) posted to /v1/classify/stream with no
# subscriber and with SUBSCRIBERS reading GET /v1/live (curl -N), alternating,
# RUNS times each; prints seconds and lines/s per run and the medians.
#
#   bench/live_overhead.sh [LOGSIEVE_BINARY]
#   env: ROWS (200000)  RUNS (5)  SUBSCRIBERS (4)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/apps/logsieve/logsieve}
ROWS=${ROWS:-200000}
RUNS=${RUNS:-5}
SUBSCRIBERS=${SUBSCRIBERS:-4}
out=$root/bench/out
mkdir -p "$out"
csv=$out/live_$ROWS.csv
ndjson=$out/live_$ROWS.ndjson
[ -f "$csv" ] || "$root/bench/make_corpus.sh" "$csv" "$ROWS"
# CSV -> NDJSON with the page's own reader would need a browser; the corpus has
# no quoted commas in source, so split at the second comma and JSON-escape.
[ -f "$ndjson" ] || awk 'NR > 1 {
    i = index($0, ","); rest = substr($0, i + 1); j = index(rest, ",");
    src = substr(rest, 1, j - 1); msg = substr(rest, j + 1);
    if (msg ~ /^"/) { msg = substr(msg, 2, length(msg) - 2); gsub(/""/, "\"", msg) }
    gsub(/\\/, "\\\\", msg); gsub(/"/, "\\\"", msg);
    printf "{\"source\":\"%s\",\"log_message\":\"%s\"}\n", src, msg }' "$csv" > "$ndjson"

log=$(mktemp)
"$bin" serve --host 127.0.0.1 --port 0 --set server.access_log=false --set store.enabled=off 2>"$log" &
pid=$!
subs=""
trap 'for p in $subs; do kill $p 2>/dev/null; done; kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 150); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
  if [ -n "$port" ] && grep -q "ready" "$log"; then break; fi
  sleep 0.1
done
[ -n "$port" ] || { echo "logsieve serve did not start"; cat "$log"; exit 1; }
url="http://127.0.0.1:$port"

one() {  # one timed stream; prints seconds
  curl -s -o /dev/null -w '%{time_total}\n' -H 'Content-Type: application/x-ndjson' \
    --data-binary @"$ndjson" "$url/v1/classify/stream"
}
one >/dev/null  # warm the decision cache and the page cache
none=""; with=""
for run in $(seq 1 "$RUNS"); do
  t=$(one); none="$none $t"
  for _ in $(seq 1 "$SUBSCRIBERS"); do curl -s -N -o /dev/null "$url/v1/live" & subs="$subs $!"; done
  sleep 0.5
  t2=$(one); with="$with $t2"
  for p in $subs; do kill $p 2>/dev/null; wait $p 2>/dev/null || true; done
  subs=""
  awk -v r="$run" -v a="$t" -v b="$t2" -v n="$ROWS" -v s="$SUBSCRIBERS" 'BEGIN {
    printf "run %d: no subscriber %.2f s (%d lines/s); %d subscribers %.2f s (%d lines/s)\n", r, a, n / a, s, b, n / b }'
done
median() { echo "$@" | tr ' ' '\n' | grep . | sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
a=$(median $none); b=$(median $with)
awk -v a="$a" -v b="$b" -v n="$ROWS" -v s="$SUBSCRIBERS" 'BEGIN {
  printf "median: no subscriber %.2f s (%d lines/s); %d subscribers %.2f s (%d lines/s); ratio %.3f\n", a, n / a, s, b, n / b, b / a }'
