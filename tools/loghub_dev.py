#!/usr/bin/env python3
"""Joins tests/data/loghub_dev_labels.csv with the Loghub lines it labels.

The lines are Loghub's (Zhu et al., "Loghub: A Large Collection of System Log
Datasets for AI-driven Log Analytics", ISSRE 2023), kept in
../shared/fixtures/tokenizer/golden.jsonl (ids 0-199, "kind": "log") and read
there in place: they are never copied into this repository. The joined CSV
(source,log_message,target_label) is what `logsieve eval` reads:

    tools/loghub_dev.py -o /tmp/loghub_dev.csv   # ../shared or $LOGSIEVE_SHARED_DIR
    logsieve eval /tmp/loghub_dev.csv

Tooling only; nothing at run time depends on it.
"""
import argparse
import csv
import json
import os
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
REPO = os.path.dirname(HERE)


def shared_dir():
    env = os.environ.get("LOGSIEVE_SHARED_DIR")
    return env if env else os.path.join(os.path.dirname(REPO), "shared")


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("-o", "--output", required=True)
    ap.add_argument("--shared", default=shared_dir())
    ap.add_argument("--labels", default=os.path.join(REPO, "tests/data/loghub_dev_labels.csv"))
    args = ap.parse_args()
    goldens = os.path.join(args.shared, "fixtures/tokenizer/golden.jsonl")
    if not os.path.exists(goldens):
        sys.exit(f"loghub_dev: {goldens} not found (set LOGSIEVE_SHARED_DIR or --shared)")
    lines = {}
    with open(goldens, encoding="utf-8") as f:
        for row in map(json.loads, f):
            if row.get("kind") == "log":
                lines[row["id"]] = row["text"]
    with open(args.labels, newline="", encoding="utf-8") as f, \
         open(args.output, "w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["source", "log_message", "target_label"])
        n = 0
        for r in csv.DictReader(f):
            i = int(r["id"])
            if i not in lines:
                sys.exit(f"loghub_dev: id {i} is not a log line of {goldens}")
            w.writerow([r["system"], lines[i], r["target_label"]])
            n += 1
    print(f"loghub_dev: {n} lines -> {args.output}", file=sys.stderr)


if __name__ == "__main__":
    main()
