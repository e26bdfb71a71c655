#!/usr/bin/env bash
# The model stage under doc/labels.md's five-label taxonomy (labels[].from), on
# tests/data/ood_dev.csv (truth mapped the same way): summing the probabilities
# of the model labels that map to one team label before taking the top, versus
# taking the top model label alone (the same taxonomy with every mapped bundled
# label given its own team label, merged afterwards: exactly the top-alone rule).
# Only the model stage runs (no rules, no LLM), at pipeline.threshold.
#   bench/taxonomy_sum.sh [LOGSIEVE_BINARY] [THRESHOLD]
set -euo pipefail
cd "$(dirname "$0")/.."
bin=${1:-build/release/apps/logsieve/logsieve}
threshold=${2:-0.8}
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/summed.yaml" <<'YAML'
labels:
  - {name: Account Activity, from: [User Action]}
  - {name: Failure, from: [Error, Critical Error, Workflow Error]}
  - {name: Security, from: [Security Alert]}
  - {name: Ops, from: [Resource Usage, System Notification]}
  - Billing
YAML
cat > "$tmp/alone.yaml" <<'YAML'
labels:
  - {name: Account Activity, from: [User Action]}
  - {name: Failure/E, from: [Error]}
  - {name: Failure/C, from: [Critical Error]}
  - {name: Failure/W, from: [Workflow Error]}
  - {name: Security, from: [Security Alert]}
  - {name: Ops/R, from: [Resource Usage]}
  - {name: Ops/S, from: [System Notification]}
  - Billing
YAML
sed '1s/target_label/truth/' tests/data/ood_dev.csv > "$tmp/in.csv"  # kept, not overwritten
for how in summed alone; do
  "$bin" classify "$tmp/in.csv" -q --config "$tmp/$how.yaml" --threshold "$threshold" \
    --set 'pipeline.stages=[model]' --set 'pipeline.routes=[]' --set 'llm.examples=[]' \
    --output-format ndjson -o "$tmp/$how.ndjson"
done
python3 - "$tmp" <<'PY'
import json, sys
team = {"User Action": "Account Activity", "Error": "Failure", "Critical Error": "Failure",
        "Workflow Error": "Failure", "Security Alert": "Security", "Resource Usage": "Ops",
        "System Notification": "Ops"}
print("| top taken on | mapped rows decided | of them right | unmapped rows decided |")
print("|---|---|---|---|")
for how in ("summed", "alone"):
    mapped = decided = right = unmapped_decided = 0
    for line in open(f"{sys.argv[1]}/{how}.ndjson"):
        r = json.loads(line)
        truth = team.get(r["truth"])
        label = r["target_label"].split("/")[0]
        got = r["method_used"] == "ML"
        if truth is None:
            unmapped_decided += got
            continue
        mapped += 1
        decided += got
        right += got and label == truth
    print(f"| {'summed probabilities' if how == 'summed' else 'top model label alone'} "
          f"| {decided}/{mapped} ({100*decided/mapped:.1f} %) | {right}/{decided} "
          f"({100*right/max(decided,1):.1f} %) | {unmapped_decided}/40 |")
PY
