#!/usr/bin/python3
"""The original's way, as a peer for bench/rules_vs_python.sh: Python `re`, rules tried one by
one in file order, first match wins (as the seed's processor_regex.py), over the same rules and
lines as rules_bench.

    rules_re.py RULES.json CORPUS.csv [--lines N] [--winners FILE]

RULES.json comes from `rules_bench --dump-json RULES.yaml`. Lines are matched as bytes (like
Vectorscan: ASCII classes and case folding). Prints one JSON object like rules_bench.
"""
import argparse
import csv
import json
import re
import time


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("rules")
    ap.add_argument("corpus")
    ap.add_argument("--lines", type=int, default=20000)
    ap.add_argument("--winners")
    a = ap.parse_args()
    with open(a.rules, encoding="utf-8") as f:
        spec = json.load(f)
    t0 = time.perf_counter()
    rules = []
    for r in spec:
        flags = (re.IGNORECASE if r["case_insensitive"] else 0) | (re.DOTALL if r["dot_all"] else 0) | \
                (re.MULTILINE if r["multi_line"] else 0)
        rules.append((re.compile(r["pattern"].encode("utf-8"), flags).search,
                      frozenset(s.encode() for s in r["sources"]), r["id"]))
    compile_s = time.perf_counter() - t0
    lines = []
    with open(a.corpus, newline="", encoding="utf-8", errors="surrogateescape") as f:
        for row in csv.DictReader(f):
            lines.append((row["source"].encode(), row["log_message"].encode("utf-8", "surrogateescape")))
            if len(lines) >= a.lines:
                break
    winners = []
    matched = 0
    start = time.perf_counter()
    for source, message in lines:
        won = "-"
        for search, sources, rid in rules:
            if sources and source not in sources:
                continue
            if search(message):
                won = rid
                break
        if won != "-":
            matched += 1
        winners.append(won)
    seconds = time.perf_counter() - start
    if a.winners:
        with open(a.winners, "w") as f:
            f.write("\n".join(winners) + "\n")
    print(json.dumps({"rules": len(rules), "compile_s": compile_s, "lines": len(lines), "matched": matched,
                      "seconds": seconds, "lines_per_s": len(lines) / seconds}))


if __name__ == "__main__":
    main()
