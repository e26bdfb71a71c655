#!/bin/sh
# Starts two `logsieve serve` on free loopback ports — one open with a store in
# a scratch folder, one with an API key — and runs ui_test.mjs (the dashboard
# at /ui/ in headless Chromium) against them. Exit 77 (skipped, by name) when
# node, chromium or the npm packages are absent.
#   tests/browser/ui_test.sh BUILD/apps/logsieve/logsieve [SCREENSHOT_DIR]
set -u
logsieve=$1
shots=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! command -v node >/dev/null 2>&1; then echo "SKIPPED ui_test: node is not installed"; exit 77; fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then echo "SKIPPED ui_test: chromium is not installed"; exit 77; fi
if [ ! -d "$root/node_modules/playwright-core" ]; then echo "SKIPPED ui_test: run npm ci first"; exit 77; fi

work=$(mktemp -d)
pids=""
trap 'for p in $pids; do kill -TERM $p 2>/dev/null; wait $p 2>/dev/null; done; rm -rf "$work"' EXIT

# start NAME ARGS...: starts a server, sets $url.
start() {
  name=$1; shift
  : >"$work/$name.log"
  "$logsieve" serve --host 127.0.0.1 --port 0 --set server.access_log=false "$@" 2>"$work/$name.log" &
  pids="$pids $!"
  port=""
  for _ in $(seq 1 150); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$work/$name.log")
    if [ -n "$port" ] && grep -q "ready" "$work/$name.log"; then break; fi
    sleep 0.1
  done
  if [ -z "$port" ]; then echo "FAIL ui_test: logsieve serve ($name) did not start"; cat "$work/$name.log"; exit 1; fi
  url="http://127.0.0.1:$port"
}

store="$work/store.db"
# learn.base_rows: a small synthetic base corpus keeps the Learn check short.
start open --set store.path="$store" --set store.flush_ms=100 --set learn.registry="$work/models" \
  --set learn.base_rows=3000
open_url=$url
key="ui-test-$$-key"
start keyed --set store.enabled=off --set server.api_keys="$key"
keyed_url=$url

"$root/bench/make_corpus.sh" "$work/logs.csv" 1000
"$root/bench/make_corpus.sh" "$work/big.csv" 50000
cd "$root" && node "$here/ui_test.mjs" --open "$open_url" --keyed "$keyed_url" --key "$key" \
  --csv "$work/logs.csv" --big "$work/big.csv" --store "$store" --logsieve "$logsieve" --work "$work" ${shots:+--shots "$shots"}
