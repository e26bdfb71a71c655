#!/usr/bin/env bash
# The rules stage against the original's way (Python `re`, one rule after the other), same
# rules (>= 100), same lines, same run, one core each.
#   bench/rules_vs_python.sh [ROWS] [PY_LINES]
# Builds build/bench (-DLOGSIEVE_BENCH=ON), writes inputs to bench/out/, prints a table.
set -euo pipefail
cd "$(dirname "$0")/.."
rows=${1:-200000}
py_lines=${2:-20000}
out=bench/out
mkdir -p "$out"
cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOGSIEVE_BENCH=ON -DLOGSIEVE_TESTS=OFF >/dev/null
ninja -C build/bench -j2 rules_bench >/dev/null
/usr/bin/python3 bench/rules_bench_inputs.py rules/default.yaml "$out" --rows "$rows" >/dev/null
bin=build/bench/bench/rules_bench
"$bin" --dump-json "$out/rules.yaml" >"$out/rules.json"
# Pin each to one core so "per core" means one core.
cpp=$(taskset -c 0 "$bin" "$out/rules.yaml" "$out/corpus.csv" --seconds 3 --winners "$out/winners-cpp.txt" "$py_lines")
nospans=$(taskset -c 0 "$bin" "$out/rules.yaml" "$out/corpus.csv" --seconds 3 --no-spans)
py=$(taskset -c 0 /usr/bin/python3 bench/rules_re.py "$out/rules.json" "$out/corpus.csv" --lines "$py_lines" \
       --winners "$out/winners-py.txt")
agree=$(paste -d' ' "$out/winners-cpp.txt" "$out/winners-py.txt" | awk '$1==$2{a++} END{print a+0}')
/usr/bin/python3 - "$cpp" "$py" "$agree" "$py_lines" "$nospans" <<'PY'
import json, sys
c, p, agree, n = json.loads(sys.argv[1]), json.loads(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
s = json.loads(sys.argv[5])
print(f"rules: {c['rules']}   corpus: {c['corpus_lines']} lines, {c['matched'] / c['lines']:.1%} matched by a rule")
print(f"{'':28}{'lines/s (1 core)':>18}{'compile':>12}{'lines timed':>14}")
print(f"{'logsieve rules (Vectorscan)':28}{c['lines_per_s']:>18,.0f}{c['compile_s']:>11.3f}s{c['lines']:>14,}")
print(f"{'  same, rules.spans=false':28}{s['lines_per_s']:>18,.0f}{s['compile_s']:>11.3f}s{s['lines']:>14,}")
print(f"{'python re, first match':28}{p['lines_per_s']:>18,.0f}{p['compile_s']:>11.3f}s{p['lines']:>14,}")
print(f"ratio: {c['lines_per_s'] / p['lines_per_s']:,.0f}x (spans off: {s['lines_per_s'] / p['lines_per_s']:,.0f}x)   same winner on the first {n} lines: {agree}/{min(n, p['lines'])}")
PY
