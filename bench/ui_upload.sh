#!/bin/sh
# The dashboard with a large upload: headless Chromium opens /ui/ on a fresh
# `logsieve serve`, picks a CSV of ROWS rows (bench/make_corpus.sh) and
# reports, per run, the time until the first rows show and until every row is
# in the table, then how long a text filter and a sort take over all the rows.
#
#   bench/ui_upload.sh [LOGSIEVE_BINARY]
#   env: ROWS (100000)  RUNS (3)
set -eu
root=$(cd "$(dirname "$0")/.." && pwd)
bin=${1:-$root/build/release/apps/logsieve/logsieve}
ROWS=${ROWS:-100000}
RUNS=${RUNS:-3}
out=$root/bench/out
mkdir -p "$out"
csv=$out/ui_upload_$ROWS.csv
[ -f "$csv" ] || "$root/bench/make_corpus.sh" "$csv" "$ROWS"

log=$(mktemp)
"$bin" serve --host 127.0.0.1 --port 0 --set server.access_log=false --set store.enabled=off 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 150); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
  if [ -n "$port" ] && grep -q "ready" "$log"; then break; fi
  sleep 0.1
done
[ -n "$port" ] || { echo "logsieve serve did not start"; cat "$log"; exit 1; }
cd "$root" && node bench/ui_upload.mjs "http://127.0.0.1:$port" "$csv" "$RUNS"
