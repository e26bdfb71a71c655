#!/usr/bin/env bash
# What joining multi-line events costs: `logsieve classify --format lines`
# (no stages: the I/O path alone) on a log where one event in five is a Java
# stack trace (or a Python traceback), with input.multiline.mode off and on.
# Reports physical lines/s, records (events) and the ratio to mode off.
#   bench/multiline_bench.sh [LOGSIEVE_BINARY] [EVENTS]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/apps/logsieve/logsieve}
events=${2:-200000}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
awk -v n="$events" 'BEGIN {
  for (i = 0; i < n; i++) {
    printf "2024-03-12 14:%02d:%02d,%03d INFO [worker-%d] c.a.jobs.Sync - synced %d rows for tenant %d\n", i % 60, i % 59, i % 1000, i % 8, i, i % 97
    if (i % 5 == 4 && i % 10 == 9) {
      printf "2024-03-12 14:%02d:%02d,%03d ERROR [http-%d] c.a.billing.InvoiceController - Invoice %d failed\n", i % 60, i % 59, i % 1000, i % 8, i
      print "com.acme.billing.InvoiceException: customer " i " has no billing address"
      for (f = 0; f < 8; f++) print "\tat com.acme.billing.Layer" f ".call(Layer" f ".java:" (100 + f) ")"
      print "Caused by: java.sql.SQLException: Column address_id cannot be null"
      print "\tat com.mysql.cj.jdbc.ClientPreparedStatement.executeUpdate(ClientPreparedStatement.java:1061)"
      print "\t... 61 more"
    } else if (i % 5 == 4) {
      printf "2024-03-12 14:%02d:%02d,%03d ERROR worker: batch %d failed\n", i % 60, i % 59, i % 1000, i
      print "Traceback (most recent call last):"
      for (f = 0; f < 3; f++) { print "  File \"/srv/app/m" f ".py\", line " (10 + f) ", in run"; print "    handle(payload)" }
      print "KeyError: '\''A-" i "'\''"
    }
  }
}' > "$tmp/app.log"
lines=$(wc -l < "$tmp/app.log")
mb=$(( $(stat -c %s "$tmp/app.log") / 1048576 ))
echo "input: $lines lines, $mb MB, $events log calls (1 in 10 a Java trace of 12 lines, 1 in 10 a Python traceback of 9)"
printf '| mode | records | seconds | lines/s | vs off |\n|---|---|---|---|---|\n'
base=""
for mode in off java python auto pattern; do
  extra=()
  [[ $mode == pattern ]] && extra=(--set 'input.multiline.start_pattern=^\d{4}-\d\d-\d\d ')
  best=""
  for run in 1 2 3; do
    start=$(date +%s.%N)
    records=$("$bin" classify "$tmp/app.log" --format lines -q -o - --set 'pipeline.stages=[]' \
      --set 'pipeline.routes=[]' --set "input.multiline.mode=$mode" "${extra[@]}" | wc -l)
    secs=$(awk -v s="$start" -v e="$(date +%s.%N)" 'BEGIN { printf "%.3f", e - s }')
    best=$(awk -v a="$best" -v b="$secs" 'BEGIN { print (a == "" || b < a) ? b : a }')
  done
  [[ -z $base ]] && base=$best
  awk -v m="$mode" -v r="$records" -v s="$best" -v l="$lines" -v b="$base" \
    'BEGIN { printf "| %s | %d | %.2f | %.0f | %.2f |\n", m, r, s, l / s, b / s }'
done
