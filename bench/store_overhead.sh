#!/usr/bin/env bash
# The learning loop's store under `classify` at full speed (issue 12): lines/s
# with store.enabled=off and =on, on two corpora of ROWS rows:
#   typical  bench/make_corpus.sh (16 templates; LegacyCRM lines go to the LLM,
#            which has no key here, so they are degraded and recorded)
#   distinct one new template per line (a random word): every line is recorded
#            (the worst case for the store), decided by nothing (rules, model at
#            threshold 1)
# Best of RUNS runs each; the store file is fresh for every run.
#   bench/store_overhead.sh LOGSIEVE [ROWS] [RUNS]
set -euo pipefail
bin=${1:?usage: store_overhead.sh LOGSIEVE [ROWS] [RUNS]}
rows=${2:-200000}
runs=${3:-3}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
here=$(cd "$(dirname "$0")" && pwd)
"$here/make_corpus.sh" "$tmp/typical.csv" "$rows"
awk -v rows="$rows" 'BEGIN {
  srand(11); print "source,log_message";
  for (i = 0; i < rows; i++) {
    w = ""; for (j = 0; j < 8; j++) w = w sprintf("%c", 97 + int(rand() * 26));
    printf "app,job %s finished with state ready\n", w;
  }
}' > "$tmp/distinct.csv"

best() {  # corpus, extra args...: the best lines/s of $runs runs
  local corpus=$1; shift
  local best=0
  for _ in $(seq "$runs"); do
    rm -f "$tmp"/s.db*
    local t0 t1
    t0=$(date +%s.%N)
    LOGSIEVE_LLM_API_KEY= "$bin" classify "$tmp/$corpus.csv" -o /dev/null -q \
      --set "store.path=$tmp/s.db" "$@"
    t1=$(date +%s.%N)
    best=$(awk -v b="$best" -v r="$rows" -v a="$t0" -v z="$t1" 'BEGIN { v = r / (z - a); print (v > b ? v : b) }')
  done
  echo "$best"
}

printf '%-9s %12s %12s %8s %10s\n' corpus "off lines/s" "on lines/s" "on/off" templates
for corpus in typical distinct; do
  extra=()
  [[ $corpus == distinct ]] && extra=(--set 'pipeline.routes=[]' --set 'pipeline.threshold=1')
  off=$(best "$corpus" --set store.enabled=off "${extra[@]}")
  on=$(best "$corpus" --set store.enabled=on "${extra[@]}")
  templates=$("$bin" store stats --set "store.path=$tmp/s.db" | awk -F': ' '/"templates"/ { gsub(",", "", $2); print $2 }')
  awk -v c="$corpus" -v a="$off" -v b="$on" -v t="$templates" \
    'BEGIN { printf "%-9s %12.0f %12.0f %8.3f %10s\n", c, a, b, b / a, t }'
done
