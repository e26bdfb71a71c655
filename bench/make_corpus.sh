#!/usr/bin/env bash
# Writes a CSV of N log rows (default 1,000,000) in the seed's shape, cycling
# through realistic templates with varying values. Deterministic.
#   bench/make_corpus.sh OUT.csv [ROWS]
set -euo pipefail
out=${1:?usage: make_corpus.sh OUT.csv [ROWS]}
rows=${2:-1000000}
awk -v rows="$rows" 'BEGIN {
  srand(7);
  split("ModernCRM,BillingSystem,AnalyticsEngine,ThirdPartyAPI,ModernHR,LegacyCRM", src, ",");
  n = 0;
  t[n++] = "User User%d logged in.";
  t[n++] = "User User%d logged out.";
  t[n++] = "Backup completed successfully.";
  t[n++] = "\"IP 192.168.%d.%d blocked due to potential attack\"";
  t[n++] = "Multiple login failures occurred on user %d account";
  t[n++] = "\"10.0.%d.%d - - [27/Jun/2025:07:32:15 +0000] \"\"GET /api/v2/items/%d HTTP/1.1\"\" 200 %d\"";
  t[n++] = "Memory usage at %d%% on node cache-%d";
  t[n++] = "Disk cleanup completed successfully.";
  t[n++] = "Invoice %d could not be generated: payment gateway rejected the request";
  t[n++] = "Kernel panic: unable to mount root filesystem on node db-%d";
  t[n++] = "\"Failed to send notification email to customer %d: SMTP timeout after %d ms\"";
  t[n++] = "API endpoint /v1/legacy/charges is deprecated and will be removed in v%d";
  t[n++] = "\"Case escalation for ticket ID %d failed because the assigned support agent is no longer active.\"";
  t[n++] = "nova.compute.manager [req-%d] Instance %d spawned successfully in %d seconds";
  t[n++] = "Quota exceeded for tenant t%d: %d of 10240 MB used";
  t[n++] = "Account with ID %d created by User%d.";
  print "timestamp,source,log_message";
  for (i = 0; i < rows; i++) {
    k = int(rand() * n);
    printf "2025-06-27 07:%02d:%02d,%s,", int(i / 60) % 60, i % 60, src[1 + int(rand() * 6)];
    printf t[k] "\n", int(rand() * 9000) + 100, int(rand() * 250), int(rand() * 99999), int(rand() * 5000);
  }
}' > "$out"
