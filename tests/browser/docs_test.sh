#!/bin/sh
# Starts `logsieve serve` on a free loopback port and runs docs_test.mjs
# against it. Exit 77 (skipped, by name) when node, chromium or the npm
# packages are absent.
#   tests/browser/docs_test.sh BUILD/apps/logsieve/logsieve [SCREENSHOT_DIR]
set -u
logsieve=$1
shots=${2:-}
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
if ! command -v node >/dev/null 2>&1; then echo "SKIPPED docs_test: node is not installed"; exit 77; fi
if [ ! -x "${CHROMIUM:-/usr/bin/chromium}" ]; then echo "SKIPPED docs_test: chromium is not installed"; exit 77; fi
if [ ! -d "$root/node_modules/playwright-core" ]; then echo "SKIPPED docs_test: run npm ci first"; exit 77; fi

log=$(mktemp)
"$logsieve" serve --host 127.0.0.1 --port 0 --set server.access_log=false 2>"$log" &
pid=$!
trap 'kill -TERM $pid 2>/dev/null; wait $pid 2>/dev/null; rm -f "$log"' EXIT
port=""
for _ in $(seq 1 100); do
  port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$log")
  if [ -n "$port" ] && grep -q "ready" "$log"; then break; fi
  sleep 0.1
done
if [ -z "$port" ]; then echo "FAIL docs_test: logsieve serve did not start"; cat "$log"; exit 1; fi
cd "$root" && node "$here/docs_test.mjs" "http://127.0.0.1:$port" $shots
