#!/usr/bin/env bash
# Peak RSS and throughput of `logsieve classify` on 100k and 1M rows: memory
# must not grow with the input (streaming with bounded in-flight batches).
#   bench/classify_rss.sh [LOGSIEVE_BINARY]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/apps/logsieve/logsieve}
shift || true
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
printf '| rows | input MB | seconds | lines/s | peak RSS MB |\n|---|---|---|---|---|\n'
for rows in 100000 1000000; do
  bench/make_corpus.sh "$tmp/in.csv" "$rows"
  mb=$(( $(stat -c %s "$tmp/in.csv") / 1048576 ))
  /usr/bin/time -f '%e %M' -o "$tmp/time" "$bin" classify "$tmp/in.csv" -o /dev/null -q "$@" 2>/dev/null
  read -r secs kb < "$tmp/time"
  awk -v r="$rows" -v mb="$mb" -v s="$secs" -v kb="$kb" \
    'BEGIN { printf "| %d | %d | %.2f | %.0f | %.1f |\n", r, mb, s, r / s, kb / 1024 }'
done
