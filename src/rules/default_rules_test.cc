// The bundled rules/default.yaml: every rule has a line it wins, and lines
// that need judgement are left to the model and the LLM.
#include <gtest/gtest.h>

#include <set>

#include "common/config.h"
#include "rules/rule_set.h"
#include "rules/rules_stage.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

class DefaultRules : public ::testing::Test {
 protected:
  // Compiled once per process, without spans, through the tests' rule cache: a Vectorscan
  // compile of the whole file takes about a second, and ctest runs each test in a process of
  // its own (rule_cache_test.cc shows a cached set matches exactly like a fresh one).
  static void SetUpTestSuite() {
    StatusOr<RuleFile> file = LoadRuleFile(testing::SourceDir() + "/rules/default.yaml");
    ASSERT_TRUE(file.ok()) << file.status().ToString();
    StatusOr<std::unique_ptr<RuleSet>> set = RuleSet::Compile(
        *std::move(file),
        {.spans = false, .cache_dir = testing::TestCacheDir() + "/logsieve/rules"});
    ASSERT_TRUE(set.ok()) << set.status().ToString();
    shared_ = std::move(set).value().release();
  }
  static void TearDownTestSuite() {
    delete shared_;
    shared_ = nullptr;
  }
  void SetUp() override {
    ASSERT_NE(shared_, nullptr);
    rules_ = shared_;
  }

  // "id (label)" of the winner, or "" when no rule matches.
  std::string Winner(const std::string& line, const std::string& source = "ModernCRM") const {
    std::optional<RuleMatch> m = rules_->Match(source, line);
    return m ? rules_->rule(m->rule).id : "";
  }

  static RuleSet* shared_;
  const RuleSet* rules_ = nullptr;
};

RuleSet* DefaultRules::shared_ = nullptr;

struct Positive {
  const char* line;
  const char* rule;
};

// At least one line per rule; some rules have several shapes.
const Positive kPositives[] = {
    {R"(10.0.0.5 - - [01/May/2024:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 5120 "-" "curl/8.0")",
     "http-access-quoted-request"},
    {R"(nova.osapi_compute.wsgi.server "GET /v2/servers/detail HTTP/1.1" status: 200 len: 1893 time: 0.2677)",
     "http-access-quoted-request"},
    {R"("DELETE /v2/images/77a1 HTTP/1.1" status: 404 len: 312 time: 0.0311)",
     "http-access-quoted-request"},
    {R"("POST /api/v1/orders HTTP/1.1" returned status 201 in 35 ms)",
     "http-access-returned-status"},
    {"GET /health HTTP/1.1 200 OK 0.004s", "http-access-bare-request"},
    {"2024-05-01 10:00:00 INFO PUT /api/x HTTP/2 204", "http-access-bare-request"},
    {"GET /v2/servers/detail HTTP/1.1 RCODE 404 0.231 s", "http-access-bare-request"},
    {"ts=2024-05-01T10:00:00Z method=GET path=/api/items status=200 duration=3ms",
     "http-access-key-value"},
    {"Upstream responded 502 Bad Gateway for GET /checkout", "http-upstream-responded"},
    {"May  1 10:00:00 host sshd[1234]: Failed password for root from 203.0.113.9 port 52211 ssh2",
     "sshd-failed-password"},
    {"May  1 10:00:00 host sshd[1234]: Failed password for invalid user oracle from 203.0.113.9 "
     "port 22 ssh2",
     "sshd-failed-password"},
    {"sshd[77]: Invalid user test from 198.51.100.4 port 4242", "sshd-invalid-user"},
    {"sshd[77]: pam_unix(sshd:auth): authentication failure; logname= uid=0 euid=0 tty=ssh ruser= "
     "rhost=1.2.3.4",
     "pam-authentication-failure"},
    {"Multiple failed login attempts for user admin from 203.0.113.7", "multiple-failed-logins"},
    {"5 failed login attempts on account root", "multiple-failed-logins"},
    {"Multiple login failures occurred on user 6454 account", "multiple-failed-logins"},
    {"Blocked brute-force attack on SSH from 198.51.100.23", "brute-force-blocked"},
    {"Unauthorized access attempt to /admin/config by user guest42", "unauthorized-access-attempt"},
    {"Privilege escalation detected for process 8812 (uid 1003 -> 0)", "privilege-escalation"},
    {"Firewall denied inbound connection on port 3389 from 45.33.12.9", "firewall-denied"},
    {"2024-05-01 10:00:00,123 fail2ban.actions [811]: NOTICE [sshd] Ban 203.0.113.50",
     "fail2ban-ban"},
    {"Blocked IP 203.0.113.99 after policy match", "ip-address-blocked"},
    {"IP 192.168.133.114 blocked due to potential attack", "ip-address-blocked"},
    {"User alice logged in", "user-logged-in"},
    {"2024-05-01 10:00:00 INFO User bob logged in successfully from 10.1.2.3.", "user-logged-in"},
    {"User 12345 logged out.", "user-logged-out"},
    {"sshd[99]: pam_unix(sshd:session): session opened for user root by (uid=0)",
     "pam-session-opened-closed"},
    {"sshd[99]: pam_unix(sshd:session): session closed for user root", "pam-session-opened-closed"},
    {"Account with ID 4521 created by admin", "account-created-by"},
    {"New user carol registered", "user-account-created"},
    {"User u1842 changed password", "user-changed-password"},
    {"Password changed by user User88", "user-changed-password"},
    {"User 5521 updated profile email address", "user-updated-profile"},
    {"audit event=login user=alice result=success ip=10.0.0.8", "user-logged-in-key-value"},
    {"Backup started", "backup-started"},
    {"[2024-05-01T02:00:00Z] INFO: Nightly backup job db-main started at 02:00 UTC",
     "backup-started"},
    {"Backup completed successfully.", "backup-completed"},
    {"Backup ended.", "backup-completed"},
    {"Incremental backup finished in 42s", "backup-completed"},
    {"System updated to version 2.4.1.", "system-updated-to-version"},
    {"Update KB5034441 installed successfully", "update-installed"},
    {"System reboot initiated by user admin.", "system-reboot-initiated"},
    {"System rebooted successfully after scheduled maintenance", "system-rebooted"},
    {"File report_q1.pdf uploaded successfully by user 123.", "file-uploaded-by-user"},
    {"Disk cleanup completed successfully, freed 2.3 GB.", "disk-cleanup-completed"},
    {"Service inventory-sync restarted by supervisor", "service-started-stopped"},
    {"May  1 10:00:00 host systemd[1]: Started Daily apt upgrade and clean activities.",
     "systemd-unit-lifecycle"},
    {"Configuration reloaded for service payments-api", "configuration-reloaded"},
    {"Cron job nightly-report finished in 42 seconds", "cron-job-finished"},
    {"Certificate for api.example.com renewed, valid until 2026-03-01", "certificate-renewed"},
    {"Scheduled maintenance window begins at 02:00 UTC", "scheduled-maintenance"},
    {"CPU usage at 93% on node worker-7 for 5 minutes", "cpu-usage-percent"},
    {"Memory usage exceeded 90% on host db-02", "memory-usage-percent"},
    {"Disk /var at 97% capacity on app-server-3", "disk-usage-percent"},
    {"JVM heap usage 7.6 GB of 8 GB after full GC", "heap-usage-of-total"},
    {"Connection pool 48/50 in use for database orders", "connection-pool-in-use"},
    {"Network bandwidth on eth0 reached 940 Mbps", "network-bandwidth"},
    {"Storage quota for team-a at 85%", "quota-usage-percent"},
    {"Kernel panic on host storage-2: not syncing: fatal exception", "kernel-panic"},
    {"[    3.141] Kernel panic - not syncing: VFS: Unable to mount root fs", "kernel-panic"},
    {"Kernel panic: unable to mount root filesystem on node db-2", "kernel-panic"},
    {"RAID array md0 degraded: 2 of 4 disks failed", "raid-array-degraded"},
    {"Data corruption detected in table ledger_entries", "data-corruption-detected"},
    {"Cluster quorum lost: 1 of 5 nodes reachable", "cluster-quorum-lost"},
    {"Could not parse configuration file settings.yaml line 14", "config-file-parse-error"},
    {"Escalation rule for ticket 7781 failed to trigger", "escalation-rule-failed"},
    {"Customer follow-up task creation failed for case 3320", "workflow-task-creation-failed"},
    {"The getCustomerV1 endpoint is deprecated and will be removed in version 4.0",
     "deprecated-will-be-removed"},
    {"Parameter --old-format is deprecated, use --format instead", "deprecated-use-instead"},
    {"Field fax_number is deprecated and ignored since version 3.2", "deprecated-ignored-since"},
    {"/app/x.py:12: DeprecationWarning: datetime.utcnow() is deprecated",
     "python-deprecation-warning"},
    {"Module legacy_auth will be retired next release; migrate to oauth2", "will-be-retired"},
    {"Support for TLS 1.0 will end on 2025-06-30", "support-will-end"},
};

TEST_F(DefaultRules, EachExampleLineIsWonByItsRule) {
  for (const Positive& p : kPositives) EXPECT_EQ(Winner(p.line), p.rule) << p.line;
}

TEST_F(DefaultRules, EveryRuleHasAnExampleLineAndADescription) {
  std::set<std::string> covered;
  for (const Positive& p : kPositives) covered.insert(p.rule);
  for (const Rule& rule : rules_->rules()) {
    EXPECT_TRUE(covered.count(rule.id)) << "no example line for rule " << rule.id;
    EXPECT_FALSE(rule.description.empty()) << rule.id;
  }
  EXPECT_GE(rules_->size(), 30u);
}

TEST_F(DefaultRules, LabelsAreAllInTheDefaultLabelSet) {
  EXPECT_TRUE(CheckRuleLabels(*rules_, Config().labels()).ok());
}

// Lines whose label needs judgement (or that only look like a rule's shape):
// no default rule may claim them.
const char* const kJudgementLines[] = {
    "Login failed for admin from 10.0.0.1 after 5 attempts",
    "User admin logged in from 203.0.113.7 after 5 failed attempts",
    "User bob logged in but session was terminated due to policy violation",
    "User alice logged in as root via sudo without a ticket",
    "Backup completed with errors: 3 files skipped",
    "Backup failed: disk full",
    "Backup started but the target volume is read-only",
    "System updated to version 2.4.1 but rollback was triggered",
    "System reboot initiated by watchdog after kernel hang: host unresponsive",
    "File malware.exe uploaded by user 77 was flagged by antivirus",
    "Disk cleanup failed: permission denied on /var/log",
    "Account 4412 created by admin was locked 2 minutes later after suspicious activity",
    "Service payments-api stopped unexpectedly",
    "Service auth-api restarted 12 times in the last 5 minutes",
    "No brute-force attack detected in the last hour",
    "Email to user 3301 failed: SMTP timeout",
    "Payment gateway returned error code 1023 for order 88121",
    "Timeout while connecting to cache server 10.0.4.12:6379",
    "Database primary db-01 is unreachable, failover failed",
    "Lead assignment workflow stopped: no owner found for region EMEA",
    "User alice exported the monthly sales report",
    "Admin granted role editor to user carol",
    "Suspicious API token use from unknown IP 192.0.2.55",
    "The deprecated flag --legacy was removed",
    "No kernel panic seen since the upgrade",
    "IP 10.0.0.8 blocked due to a configuration change",
    "Password changed by user User88 from an unknown device after 4 failed attempts",
    "",
    "\xff\xfe\x00garbage",
};

TEST_F(DefaultRules, JudgementLinesAreLeftForTheModel) {
  for (const char* line : kJudgementLines) {
    EXPECT_EQ(Winner(line), "") << "claimed by a rule: " << line;
  }
}

TEST_F(DefaultRules, AFailedLoginIsNeverAUserAction) {
  for (const char* line :
       {"Login failed for admin from 10.0.0.1 after 5 attempts", "User admin failed to log in",
        "User root logged in failed", "user bob login failed: bad password"}) {
    std::optional<RuleMatch> m = rules_->Match("ModernCRM", line);
    if (m) {
      EXPECT_NE(rules_->rule(m->rule).label, "User Action") << line;
    }
  }
}

}  // namespace
}  // namespace logsieve
