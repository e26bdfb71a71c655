#!/usr/bin/env bash
# The template miner against logsieve's peer, logparser's Drain, in one run: grouping accuracy
# on the 16 corrected Loghub-2k systems (each alone, and all interleaved into one miner), and
# speed over ~1M lines (both on one core, same file).
#   bench/patterns_bench.sh LOGPARSER_GIT_DIR [LINES]
# LOGPARSER_GIT_DIR: a clone or fetched snapshot of github.com/logpai/logparser (its git dir).
# Data and Drain are extracted to a temporary folder at run time; nothing is copied into the repo.
# Needs /usr/bin/python3 with Debian python3-regex python3-pandas python3-scipy (for Drain).
set -euo pipefail
cd "$(dirname "$0")/.."
git_dir=${1:?usage: bench/patterns_bench.sh LOGPARSER_GIT_DIR [LINES]}
lines=${2:-1000000}
tmp=$(mktemp -d /tmp/patterns-bench.XXXXXX)
trap 'rm -rf "$tmp"' EXIT
git --git-dir="$git_dir" archive HEAD data/loghub_2k_corrected | tar x -C "$tmp"
mkdir -p "$tmp/drain"
# An error about a DivLog file is harmless (README of the peer).
git --git-dir="$git_dir" archive HEAD logparser/Drain logparser/utils logparser/__init__.py 2>/dev/null \
  | tar x -C "$tmp/drain" || true
echo "__version__='x'" >"$tmp/drain/logparser/version.py"
data=$tmp/data/loghub_2k_corrected
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOGSIEVE_BENCH=ON -DLOGSIEVE_TESTS=OFF >/dev/null
ninja -C build/bench -j2 patterns_bench >/dev/null
bin=build/bench/bench/patterns_bench
peer=${LOGSIEVE_SHARED_DIR:-../shared}/peers/drain/run_drain.py

echo "== logsieve patterns: grouping accuracy (one configuration for all) =="
"$bin" accuracy "$data"
echo "== logparser Drain, its own per-system settings =="
/usr/bin/python3 "$peer" "$tmp/drain" accuracy "$data" 2>/dev/null \
  | grep -E '^[A-Za-z]+ +[0-9.]+$|^average'

# ~1M lines: the Content of the 16 systems, repeated.
/usr/bin/python3 - "$data" "$lines" "$tmp/lines.txt" <<'PY'
import csv, glob, sys
rows = []
for f in sorted(glob.glob(sys.argv[1] + '/*/*_2k.log_structured_corrected.csv')):
    rows += [r['Content'].replace('\n', ' ') for r in csv.DictReader(open(f, encoding='utf-8'))]
n, out = int(sys.argv[2]), []
while len(out) < n: out += rows
open(sys.argv[3], 'w', encoding='utf-8').write('\n'.join(out[:n]))
PY
echo "== speed, one core each, $lines lines =="
ours=$(taskset -c 0 "$bin" speed "$tmp/lines.txt")
theirs=$(taskset -c 0 /usr/bin/python3 "$peer" "$tmp/drain" speed "$tmp/lines.txt")
echo "logsieve: $ours"
echo "Drain:    $theirs"
awk -v a="${ours%% *}" -v b="${theirs%% *}" 'BEGIN { printf "ratio: %.1fx (wall clock)\n", a / b }'
