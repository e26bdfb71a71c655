#!/usr/bin/env bash
# What one huge line costs `logsieve serve` (issue 27): peak RSS (VmHWM) of the
# server after POST /classify-single/ with one log_message of MB MiB, then
# after four such posts at once, with the answer's status and time; then the
# same for a line of 1,000,000 bytes, just under input.max_record_bytes
# (1 MiB), which is classified. A benchmark, not a test: memory per request
# must stay a small multiple of input.max_record_bytes, whatever the body.
#   bench/huge_line_rss.sh LOGSIEVE [BASELINE] [MB]
set -euo pipefail
bin=${1:?usage: huge_line_rss.sh LOGSIEVE [BASELINE] [MB]}
baseline=${2:-}
mb=${3:-30}
tmp=$(mktemp -d)
trap 'kill $pid 2>/dev/null || true; rm -rf "$tmp"' EXIT
pid=""
body() {  # body BYTES FILE: one record whose log_message is BYTES of 'x'
  { printf '{"source":"ModernCRM","log_message":"'; head -c "$1" /dev/zero | tr '\0' 'x'
    printf '"}'; } > "$2"
}
body $((mb << 20)) "$tmp/huge.json"
body 1000000 "$tmp/near.json"

hwm() { awk '/^VmHWM/ { printf "%.0f", $2 / 1024 }' "/proc/$pid/status"; }

# run NAME BINARY: one server, the cases in order.
run() {
  "$2" serve --port 0 --set server.access_log=false --set store.enabled=off 2> "$tmp/log" &
  pid=$!
  local port=""
  for _ in $(seq 1 300); do
    port=$(sed -n 's|.*listening on http://127.0.0.1:\([0-9]*\).*|\1|p' "$tmp/log")
    [ -n "$port" ] && grep -q ready "$tmp/log" && break
    sleep 0.1
  done
  local url=http://127.0.0.1:$port/classify-single/
  printf '| %s | idle | | | %s |\n' "$1" "$(hwm)"
  local file label
  for file in huge near; do
    label="one $mb MiB line"
    [ $file = near ] && label="one 1,000,000-byte line"
    local out
    out=$(curl -s -o "$tmp/answer" -w '%{http_code} %{time_total}' -H 'Content-Type: application/json' \
      --data-binary @"$tmp/$file.json" "$url")
    printf '| %s | %s | %s | %s s | %s |\n' "$1" "$label" "${out% *}" "${out#* }" "$(hwm)"
    local curls=()
    for i in 1 2 3 4; do
      curl -s -o /dev/null -w '%{http_code}\n' -H 'Content-Type: application/json' \
        --data-binary @"$tmp/$file.json" "$url" > "$tmp/four.$i" &
      curls+=($!)
    done
    wait "${curls[@]}"
    printf '| %s | four at once | %s | | %s |\n' "$1" "$(sort "$tmp"/four.* | uniq -c | tr -s ' ' | xargs)" "$(hwm)"
    printf '|   | answer | %s | | |\n' "$(head -c 160 "$tmp/answer" | tr '|' '/')"
  done
  kill -TERM $pid
  wait $pid 2>/dev/null || true
}

echo "machine: $(nproc) cores, $(sed -n 's/^model name[^:]*: //p' /proc/cpuinfo | head -1)"
printf '| binary | case | status | time | peak RSS MB |\n|---|---|---|---|---|\n'
run logsieve "$bin"
if [ -n "$baseline" ]; then run baseline "$baseline"; fi
