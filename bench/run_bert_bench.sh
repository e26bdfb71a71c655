#!/bin/sh
# Side-by-side benchmark of the transformer encoder and the ONNX Runtime peer,
# same model (full-size random MiniLM-L6), same 200 Loghub lines, same run.
#
#   bench/run_bert_bench.sh [BUILD_DIR=build/rel] [SHARED=../shared] [WORK=/tmp/bert_bench]
#
# BUILD_DIR must hold bench/bert_bench (cmake -DLOGSIEVE_BENCH=ON -DCMAKE_BUILD_TYPE=Release).
# Needs /usr/bin/python3 with numpy (the model); the peer also needs node/npm and
# python3-torch + python3-onnx (export); without them the peer is skipped, saying so.
set -eu
B=${1:-build/rel}
S=$(cd "${2:-../shared}" && pwd)
W=${3:-/tmp/bert_bench}
mkdir -p "$W"
echo "# $(date -u +%FT%TZ) $(uname -m), $(nproc) CPUs: $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"
echo "# load average: $(cut -d' ' -f1-3 /proc/loadavg)"
M="$W/minilm-random-seed0"
[ -f "$M/model.safetensors" ] || /usr/bin/python3 "$S/fixtures/tools/make_model.py" "$M" --seed 0 >/dev/null
/usr/bin/python3 -c 'import json,sys; [print(r["text"]) for r in map(json.loads, open(sys.argv[1], encoding="utf-8")) if r["kind"] == "log"]' \
  "$S/fixtures/tokenizer/golden.jsonl" > "$W/loghub200.txt"
L="$W/loghub200.txt"

for prec in fp32 int8; do
  for b in 1 32; do
    # one stream, OpenBLAS with 2 threads (int8 GEMMs are single-threaded)
    "$B/bench/bert_bench" "$M" "$L" --batch $b --runs 3 --threads 2 --precision $prec
    # two streams (pipeline style: two workers), OpenBLAS with 1 thread each
    "$B/bench/bert_bench" "$M" "$L" --batch $b --runs 3 --threads 1 --parallel 2 --precision $prec
  done
done

P="$W/shared/peers/onnxruntime"
if ! command -v node >/dev/null || ! /usr/bin/python3 -c 'import torch, onnx' 2>/dev/null; then
  echo "# ONNX Runtime peer skipped: needs node, python3-torch and python3-onnx"
  exit 0
fi
if [ ! -d "$P/node_modules" ]; then
  rm -rf "$W/shared" && mkdir -p "$W/shared"
  cp -r "$S/fixtures" "$S/models" "$S/peers" "$W/shared/" && chmod -R u+w "$W/shared"
  (cd "$P" && /usr/bin/python3 export_onnx.py "$M" models/minilm-random-seed0-onnx >/dev/null &&
     npm ci --ignore-scripts >/dev/null 2>&1)
fi
for b in 1 32; do
  (cd "$P" && node bench_ort.mjs models/minilm-random-seed0-onnx "$L" --batch $b --threads 2 --runs 3 | tail -1)
done
