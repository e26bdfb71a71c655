#!/bin/sh
# Side-by-side benchmark of the transformer encoder and the ONNX Runtime peer:
# same model (full-size random MiniLM-L6), same lines, same run.
#
#   bench/run_bert_bench.sh [BUILD_DIR=build/bench] [SHARED=../shared] [WORK=/tmp/bert_bench]
#   CORPUS=loghub|seed|all (default all) RUNS=3
#
# Corpora: loghub = the 200 Loghub lines of the tokenizer fixture (mean 60
# tokens); seed = 2,410 seed-style lines from `logsieve gen-data --seed 2410`
# (the synthetic generator's 267 families, mean ~100 characters).
# Configurations: logsieve fp32/int8 at batch 1 and 32, one stream (one core)
# and two streams (two workers, as classify runs it); ONNX Runtime fp32 at
# batch 1 and 32 with intraOp 2 (both cores on one stream) and intraOp 1.
#
# BUILD_DIR must hold bench/bert_bench and apps/logsieve/logsieve (make bench).
# Needs /usr/bin/python3 with numpy (the model); the peer also needs node/npm and
# python3-torch + python3-onnx (export); without them the peer is skipped, saying so.
set -eu
B=${1:-build/bench}
S=$(cd "${2:-../shared}" && pwd)
W=${3:-/tmp/bert_bench}
CORPUS=${CORPUS:-all}
RUNS=${RUNS:-3}
mkdir -p "$W"
echo "# $(date -u +%FT%TZ) $(uname -m), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
M="$W/minilm-random-seed0"
[ -f "$M/model.safetensors" ] || /usr/bin/python3 "$S/fixtures/tools/make_model.py" "$M" --seed 0 >/dev/null
/usr/bin/python3 -c 'import json,sys; [print(r["text"]) for r in map(json.loads, open(sys.argv[1], encoding="utf-8")) if r["kind"] == "log"]' \
  "$S/fixtures/tokenizer/golden.jsonl" > "$W/loghub200.txt"
"$B/apps/logsieve/logsieve" gen-data --rows 2410 --seed 2410 -o "$W/seed2410.csv"
/usr/bin/python3 -c 'import csv,sys; [print(r["log_message"].replace("\n", " ")) for r in csv.DictReader(open(sys.argv[1], encoding="utf-8"))]' \
  "$W/seed2410.csv" > "$W/seed2410.txt"
case $CORPUS in
  loghub) inputs="$W/loghub200.txt" ;;
  seed) inputs="$W/seed2410.txt" ;;
  *) inputs="$W/loghub200.txt $W/seed2410.txt" ;;
esac

P="$W/shared/peers/onnxruntime"
peer=yes
if ! command -v node >/dev/null || ! /usr/bin/python3 -c 'import torch, onnx' 2>/dev/null; then
  echo "# ONNX Runtime peer skipped: needs node, python3-torch and python3-onnx"
  peer=no
elif [ ! -d "$P/node_modules" ]; then
  rm -rf "$W/shared" && mkdir -p "$W/shared"
  cp -r "$S/fixtures" "$S/models" "$S/peers" "$W/shared/" && chmod -R u+w "$W/shared"
  (cd "$P" && /usr/bin/python3 export_onnx.py "$M" models/minilm-random-seed0-onnx >/dev/null &&
     npm ci --ignore-scripts >/dev/null 2>&1)
fi

for L in $inputs; do
  echo "## $(basename "$L")"
  for prec in fp32 int8; do
    for b in 1 32; do
      for par in 1 2; do
        "$B/bench/bert_bench" "$M" "$L" --batch $b --runs "$RUNS" --parallel $par --precision $prec
      done
    done
  done
  [ $peer = yes ] || continue
  for b in 1 32; do
    for t in 2 1; do
      (cd "$P" && node bench_ort.mjs models/minilm-random-seed0-onnx "$L" --batch $b --threads $t \
         --runs "$RUNS" | tail -1)
    done
  done
done
