#!/usr/bin/python3
"""Inputs for bench/rules_vs_python.sh: a rule file of >= 100 rules and a mixed corpus.

    rules_bench_inputs.py DEFAULT_RULES.yaml OUT_DIR [--rows 200000] [--extra 100]

OUT_DIR/rules.yaml: the default rules, then EXTRA generated application rules in the same
style (fixed shapes of named services: job done, cannot connect, heap figures, deprecated
options, ...). OUT_DIR/corpus.csv (source,log_message): about 1 line in 8 has a shape some
rule claims; the rest are realistic lines no rule claims (HDFS, OpenStack, Apache, sshd
chatter, application noise). Deterministic (seeded).
"""
import argparse
import csv
import os
import random

SERVICES = ["nginx", "postgres", "redis", "kafka", "billing-api", "auth-svc", "search-indexer", "mailer",
            "scheduler", "ledger", "gateway", "inventory", "reporting", "cdn-edge", "payments", "ldap-sync",
            "etl-runner", "notifier", "thumbnailer", "geo-api"]
PFX = r"^[\d\-:.,/TZ+\[\] ]{0,40}"

# (pattern template, label, line template or None, case_insensitive)
EXTRA = [
    (PFX + r"(?:INFO\W{1,3})?{svc}: job [\w.\-]+ completed in \d+ ?ms$", "System Notification",
     "{svc}: job sync-{n} completed in {n} ms", True),
    (PFX + r"(?:ERROR\W{1,3})?{svc} failed to connect to [\w.\-]+:\d+ after \d+ retries$", "Error",
     "ERROR {svc} failed to connect to db-{n}.internal:5432 after 3 retries", False),
    (r"\b{svc} heap usage \d+(?:\.\d+)? ?% of \d+ ?[MG]B\b", "Resource Usage",
     "{svc} heap usage {n}% of 512 MB", True),
    (r"\b{svc}: option [\w\-]+ is deprecated\b", "Deprecation Warning",
     "{svc}: option max-conn-{n} is deprecated", False),
    (PFX + r"{svc} worker pool exhausted: \d+/\d+ workers busy$", "Resource Usage",
     "{svc} worker pool exhausted: 64/64 workers busy", True),
]


def extra_rules(count):
    rules = []
    i = 0
    while len(rules) < count:
        svc = SERVICES[i % len(SERVICES)]
        tmpl = EXTRA[(i // len(SERVICES)) % len(EXTRA)]
        pattern = tmpl[0].replace("{svc}", svc.replace("-", r"\-"))
        rules.append((f"app-{svc}-{(i // len(SERVICES)) % len(EXTRA)}", pattern, tmpl[1], tmpl[2], svc, tmpl[3]))
        i += 1
    return rules


MATCHING = [  # shapes the default rules claim
    "User User{n} logged in.", "User User{n} logged out.", "Backup completed successfully.",
    "\"GET /api/v2/items/{n} HTTP/1.1\" 200 {n}", "Memory usage at {p}% on node cache-{n}",
    "Disk cleanup completed successfully.", "Account with ID {n} created by User{n}.",
    "May  1 10:00:00 host sshd[{n}]: Failed password for root from 203.0.113.{b} port {n} ssh2",
    "API endpoint /v1/legacy/charges is deprecated and will be removed in v3",
    "System reboot initiated by user User{n}.",
]
UNMATCHED = [
    "081109 203615 {n} INFO dfs.DataNode$PacketResponder: PacketResponder 1 for block blk_{n} terminating",
    "081109 203807 {n} INFO dfs.DataNode$DataXceiver: Receiving block blk_-{n} src: /10.250.{b}.{b}:54106 dest: /10.250.{b}.{b}:50010",
    "nova.compute.manager [req-{h}] [instance: {h}] VM Started (Lifecycle Event)",
    "nova.compute.claims [req-{h}] [instance: {h}] Attempting claim: memory 2048 MB, disk 20 GB, vcpus 1 CPU",
    "[Sun Dec 04 04:47:44 2005] [notice] workerEnv.init() ok /etc/httpd/conf/workers2.properties",
    "[Sun Dec 04 04:51:18 2005] [error] mod_jk child workerEnv in error state 6",
    "Received disconnect from 103.99.{b}.{b}: 11: Bye Bye [preauth]",
    "Connection closed by 173.234.{b}.{b} port {n} [preauth]",
    "Processing request {h} for tenant t{n} in region eu-west-{b}",
    "Cache hit ratio 0.{n} for namespace sessions over the last 60 s",
    "Worker {n} picked job {h} from queue default (attempt 1)",
    "Query took {n} ms: SELECT id, status FROM orders WHERE customer_id = {n}",
    "Login failed for admin from 10.0.{b}.{b} after {b} attempts",
    "Invoice {n} could not be generated: payment gateway rejected the request",
    "Case escalation for ticket ID {n} failed because the assigned support agent is no longer active.",
    "Email service experienced a failure while delivering batch {n}",
    "pcieport 0000:00:1c.{b}: AER: Corrected error received: id=00e0",
    "Scheduler tick {n}: 0 tasks due, next wake in {b} s",
    "GC pause (G1 Evacuation Pause) young {b}M->{b}M({n}M) {b}.{b}ms",
    "Accepted publickey for deploy from 10.1.{b}.{b} port {n} ssh2: RSA SHA256:{h}",
]
SOURCES = ["ModernCRM", "BillingSystem", "AnalyticsEngine", "ThirdPartyAPI", "ModernHR"]


def fill(template, rnd, svc=None):
    out = template
    if svc:
        out = out.replace("{svc}", svc)
    while "{n}" in out:
        out = out.replace("{n}", str(rnd.randint(1, 99999)), 1)
    while "{b}" in out:
        out = out.replace("{b}", str(rnd.randint(0, 255)), 1)
    while "{p}" in out:
        out = out.replace("{p}", str(rnd.randint(50, 99)), 1)
    while "{h}" in out:
        out = out.replace("{h}", "%032x" % rnd.getrandbits(128), 1)
    return out


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("default_rules")
    ap.add_argument("out_dir")
    ap.add_argument("--rows", type=int, default=200000)
    ap.add_argument("--extra", type=int, default=100)
    a = ap.parse_args()
    os.makedirs(a.out_dir, exist_ok=True)
    rnd = random.Random(7)
    extra = extra_rules(a.extra)
    with open(a.default_rules, encoding="utf-8") as f:
        text = f.read()
    with open(os.path.join(a.out_dir, "rules.yaml"), "w", encoding="utf-8") as f:
        f.write(text.rstrip("\n") + "\n\n  # --- generated application rules (bench only) ---\n")
        for rid, pattern, label, _, _, ci in extra:
            f.write(f"  - id: {rid}\n    pattern: '{pattern}'\n    label: {label}\n")
            if ci:
                f.write("    case_insensitive: true\n")
            f.write(f"    description: 'generated for the benchmark'\n")
    with open(os.path.join(a.out_dir, "corpus.csv"), "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["source", "log_message"])
        for _ in range(a.rows):
            r = rnd.random()
            if r < 0.07:
                line = fill(rnd.choice(MATCHING), rnd)
            elif r < 0.125:
                _, _, _, tmpl, svc, _ = rnd.choice(extra)
                line = fill(tmpl, rnd, svc)
            else:
                line = fill(rnd.choice(UNMATCHED), rnd)
            w.writerow([rnd.choice(SOURCES), line])
    print(f"wrote {a.out_dir}/rules.yaml (+{len(extra)} generated rules) and {a.out_dir}/corpus.csv ({a.rows} rows)")


if __name__ == "__main__":
    main()
