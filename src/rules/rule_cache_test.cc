#include "rules/rule_cache.h"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <set>

#include "common/config.h"
#include "rules/rule_set.h"
#include "rules/rules_stage.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

namespace fs = std::filesystem;

std::vector<fs::path> FilesIn(const std::string& dir) {
  std::vector<fs::path> files;
  std::error_code ec;
  for (fs::directory_iterator it(dir, ec), end; !ec && it != end; it.increment(ec)) {
    files.push_back(it->path());
  }
  return files;
}

// Sets an environment variable for one test, restoring it afterwards.
class ScopedEnv {
 public:
  ScopedEnv(const char* name, const char* value) : name_(name) {
    if (const char* old = std::getenv(name)) old_ = old;
    if (value != nullptr) {
      setenv(name, value, 1);
    } else {
      unsetenv(name);
    }
  }
  ~ScopedEnv() {
    if (old_) {
      setenv(name_, old_->c_str(), 1);
    } else {
      unsetenv(name_);
    }
  }

 private:
  const char* name_;
  std::optional<std::string> old_;
};

// --- the entry file ----------------------------------------------------------

TEST(RuleCache, ReturnsThePayloadStoredUnderAKey) {
  testing::ScratchDir dir;
  RuleCache cache(dir.File("rules"));  // created by Store
  ASSERT_TRUE(cache.Store("key one", std::string("payload\0bytes", 13)).ok());
  StatusOr<std::optional<std::string>> got = cache.Load("key one");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  ASSERT_TRUE(*got);
  EXPECT_EQ(**got, std::string("payload\0bytes", 13));
}

TEST(RuleCache, HasNoEntryForAKeyNeverStored) {
  testing::ScratchDir dir;
  RuleCache cache(dir.path());
  ASSERT_TRUE(cache.Store("key one", "payload").ok());
  StatusOr<std::optional<std::string>> got = cache.Load("key two");
  ASSERT_TRUE(got.ok()) << got.status().ToString();
  EXPECT_FALSE(*got);
  EXPECT_NE(cache.EntryPath("key one"), cache.EntryPath("key two"));
}

TEST(RuleCache, RefusesATruncatedEntryAtEveryLength) {
  testing::ScratchDir dir;
  RuleCache cache(dir.path());
  ASSERT_TRUE(cache.Store("key", "the payload").ok());
  const std::string path = cache.EntryPath("key");
  const std::string whole = testing::ReadFile(path);
  for (size_t n = 0; n < whole.size(); ++n) {
    testing::WriteFile(path, whole.substr(0, n));
    StatusOr<std::optional<std::string>> got = cache.Load("key");
    ASSERT_FALSE(got.ok()) << "cut at " << n;
    EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
    EXPECT_NE(got.status().message().find(path), std::string::npos) << got.status().message();
  }
}

TEST(RuleCache, RefusesAnEntryWithAnyBitFlipped) {
  testing::ScratchDir dir;
  RuleCache cache(dir.path());
  ASSERT_TRUE(cache.Store("key", "the payload").ok());
  const std::string path = cache.EntryPath("key");
  const std::string whole = testing::ReadFile(path);
  for (size_t i = 0; i < whole.size(); ++i) {
    for (int bit : {0, 7}) {
      std::string flipped = whole;
      flipped[i] = static_cast<char>(flipped[i] ^ (1 << bit));
      testing::WriteFile(path, flipped);
      StatusOr<std::optional<std::string>> got = cache.Load("key");
      EXPECT_EQ(got.status().code(), StatusCode::kDataLoss) << "byte " << i << " bit " << bit;
    }
  }
}

TEST(RuleCache, RefusesAnEntryThatHoldsAnotherKey) {
  testing::ScratchDir dir;
  RuleCache cache(dir.path());
  ASSERT_TRUE(cache.Store("key a", "payload a").ok());
  // What a hash collision would look like: key b's file holding key a's entry.
  fs::copy_file(cache.EntryPath("key a"), cache.EntryPath("key b"));
  StatusOr<std::optional<std::string>> got = cache.Load("key b");
  EXPECT_EQ(got.status().code(), StatusCode::kDataLoss);
}

TEST(RuleCache, StoreOverwritesAndLeavesNoTemporaryFile) {
  testing::ScratchDir dir;
  RuleCache cache(dir.path());
  ASSERT_TRUE(cache.Store("key", "old").ok());
  ASSERT_TRUE(cache.Store("key", "new").ok());
  EXPECT_EQ(**cache.Load("key"), "new");
  EXPECT_EQ(FilesIn(dir.path()), std::vector<fs::path>{cache.EntryPath("key")});
}

TEST(RuleCache, StoreIntoADirectoryThatCannotExistNamesIt) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("file"), "x");
  RuleCache cache(dir.File("file") + "/rules");  // below a regular file: even root cannot
  Status stored = cache.Store("key", "payload");
  ASSERT_FALSE(stored.ok());
  EXPECT_NE(stored.message().find(dir.File("file") + "/rules"), std::string::npos)
      << stored.message();
  EXPECT_TRUE(cache.Load("key")->has_value() == false);
}

TEST(RuleCache, KeepsOnlyTheMostRecentlyUsedEntries) {
  testing::ScratchDir dir;
  RuleCache cache(dir.path());
  const size_t full = RuleCache::kMaxEntries;
  for (size_t i = 0; i < full; ++i) {
    const std::string key = "key " + std::to_string(i);
    ASSERT_TRUE(cache.Store(key, "payload").ok());
    // Distinct mtimes, oldest first, whatever the file system's granularity.
    fs::last_write_time(cache.EntryPath(key),
                        fs::file_time_type::clock::now() - std::chrono::minutes(full - i));
  }
  ASSERT_EQ(FilesIn(dir.path()).size(), full);
  ASSERT_TRUE(cache.Load("key 0")->has_value());  // used: now the most recent
  for (int i = 0; i < 3; ++i) ASSERT_TRUE(cache.Store("new " + std::to_string(i), "p").ok());
  EXPECT_EQ(FilesIn(dir.path()).size(), full);
  EXPECT_TRUE(cache.Load("key 0")->has_value());
  for (const char* gone : {"key 1", "key 2", "key 3"}) EXPECT_FALSE(cache.Load(gone)->has_value());
  for (const char* kept : {"key 4", "new 0", "new 2"}) EXPECT_TRUE(cache.Load(kept)->has_value());
}

TEST(RuleCache, RemovesTemporaryFilesLeftByKilledProcessesAfterAnHour) {
  testing::ScratchDir dir;
  RuleCache cache(dir.path());
  testing::WriteFile(dir.File("old.hsdb.1.2.3.tmp"), "half");
  testing::WriteFile(dir.File("new.hsdb.1.2.3.tmp"), "half");
  fs::last_write_time(dir.File("old.hsdb.1.2.3.tmp"),
                      fs::file_time_type::clock::now() - std::chrono::hours(2));
  ASSERT_TRUE(cache.Store("key", "payload").ok());
  EXPECT_FALSE(fs::exists(dir.File("old.hsdb.1.2.3.tmp")));
  EXPECT_TRUE(fs::exists(dir.File("new.hsdb.1.2.3.tmp")));  // may be a store in progress
}

// --- where it lives ----------------------------------------------------------

TEST(ResolveRuleCacheDir, UsesXdgCacheHomeThenHomeDotCache) {
  ScopedEnv xdg("XDG_CACHE_HOME", "/xdg/cache");
  ScopedEnv home("HOME", "/home/someone");
  EXPECT_EQ(ResolveRuleCacheDir(""), "/xdg/cache/logsieve/rules");
  {
    ScopedEnv relative("XDG_CACHE_HOME", "relative/cache");  // the spec says: ignore it
    EXPECT_EQ(ResolveRuleCacheDir(""), "/home/someone/.cache/logsieve/rules");
  }
  {
    ScopedEnv unset("XDG_CACHE_HOME", nullptr);
    EXPECT_EQ(ResolveRuleCacheDir(""), "/home/someone/.cache/logsieve/rules");
    ScopedEnv no_home("HOME", nullptr);
    EXPECT_EQ(ResolveRuleCacheDir(""), "");
  }
}

TEST(ResolveRuleCacheDir, OffMeansNoCacheAndAPathIsUsedAsGiven) {
  ScopedEnv xdg("XDG_CACHE_HOME", "/xdg/cache");
  EXPECT_EQ(ResolveRuleCacheDir("off"), "");
  EXPECT_EQ(ResolveRuleCacheDir("/var/cache/logsieve"), "/var/cache/logsieve");
}

// --- RuleSet through the cache -----------------------------------------------

// A few rules of each kind the payload holds: spans, a rule Vectorscan cannot
// give a span (its start-of-match database does not compile), caseless,
// multi-line, sources.
RuleFile SmallRules() {
  StatusOr<RuleFile> file = ParseRuleFile(R"(
- {id: login, pattern: 'User \w+ logged (in|out)', label: User Action}
- {id: no-span, pattern: 'a{2,1000}b', label: Error}
- {id: backup, pattern: 'backup (completed|started)', label: System Notification, case_insensitive: true}
- {id: lines, pattern: '^second line$', label: Error, flags: [multi_line]}
- {id: crm-only, pattern: 'ticket \d+', label: Workflow Error, sources: [LegacyCRM]}
)",
                                          "small.yaml");
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? *std::move(file) : RuleFile{};
}

RuleFile DefaultRules() {
  StatusOr<RuleFile> file = LoadRuleFile(testing::SourceDir() + "/rules/default.yaml");
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  return file.ok() ? *std::move(file) : RuleFile{};
}

std::unique_ptr<RuleSet> Compile(RuleFile file, const std::string& cache_dir, bool spans = true) {
  StatusOr<std::unique_ptr<RuleSet>> set =
      RuleSet::Compile(std::move(file), {.spans = spans, .cache_dir = cache_dir});
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? *std::move(set) : nullptr;
}

// Lines that the default rules match in many ways (and some they do not):
// the sample's messages, a few lines per kind, and variants of each.
std::vector<std::string> Corpus() {
  std::vector<std::string> base = {
      R"(10.0.0.5 - - [01/May/2024:10:00:00 +0000] "GET /index.html HTTP/1.1" 200 5120 "-" "x")",
      "GET /health HTTP/1.1 200 OK 0.004s",
      "May  1 10:00:00 host sshd[1234]: Failed password for root from 203.0.113.9 port 52 ssh2",
      "sshd[77]: Invalid user test from 198.51.100.4 port 4242",
      "Multiple failed login attempts for user admin from 203.0.113.7",
      "IP 192.168.133.114 blocked due to potential attack",
      "User alice logged in",
      "User 12345 logged out.",
      "Account with ID 4521 created by admin",
      "Backup completed successfully.",
      "System updated to version 2.4.1.",
      "System reboot initiated by user admin.",
      "File report_q1.pdf uploaded successfully by user 123.",
      "Disk cleanup completed successfully, freed 2.3 GB.",
      "CPU usage at 93% on node worker-7 for 5 minutes",
      "Memory usage exceeded 90% on host db-02",
      "Kernel panic - not syncing: Fatal exception",
      "The 'ReportGenerator' module will be retired in version 4.0.",
      "Login failed for admin from 10.0.0.1 after 5 attempts",
      "aaab and aab",
      "first line\nsecond line\nthird",
      "ticket 7324 escalation failed",
      "",
      "\xff\xfe not utf-8 \x00 with a NUL",
  };
  // The sample's messages: the last field of each CSV row.
  const std::string sample = testing::ReadFile(testing::SourceDir() + "/data/sample.csv");
  size_t pos = sample.find('\n') + 1;  // after the header
  while (pos < sample.size()) {
    size_t end = sample.find('\n', pos);
    if (end == std::string::npos) end = sample.size();
    const std::string row = sample.substr(pos, end - pos);
    const size_t second_comma = row.find(',', row.find(',') + 1);
    if (second_comma != std::string::npos) base.push_back(row.substr(second_comma + 1));
    pos = end + 1;
  }
  std::vector<std::string> lines;
  for (const std::string& line : base) {
    lines.push_back(line);
    lines.push_back("2024-05-01 10:00:00 INFO " + line);
    lines.push_back(line + " with errors");
    lines.push_back(line.substr(0, line.size() / 2));
    std::string upper = line;
    for (char& c : upper) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    lines.push_back(upper);
  }
  return lines;
}

// Every line's winner, span and full match list, for a few sources.
std::vector<std::string> Outcomes(const RuleSet& set) {
  std::vector<std::string> out;
  std::vector<uint32_t> all;
  for (const std::string& line : Corpus()) {
    for (const char* source : {"ModernCRM", "LegacyCRM", "BillingSystem"}) {
      std::string o;
      if (std::optional<RuleMatch> m = set.Match(source, line)) {
        o = set.rule(m->rule).id;
        if (m->span)
          o += "@" + std::to_string(m->span->first) + "," + std::to_string(m->span->second);
      }
      set.MatchAll(source, line, &all);
      for (uint32_t r : all) o += " " + std::to_string(r);
      out.push_back(std::move(o));
    }
  }
  return out;
}

TEST(RuleSetCache, ASetLoadedFromTheCacheMatchesExactlyLikeAFreshCompile) {
  testing::ScratchDir dir;
  std::unique_ptr<RuleSet> fresh = Compile(DefaultRules(), "");
  std::unique_ptr<RuleSet> stored = Compile(DefaultRules(), dir.path());
  std::unique_ptr<RuleSet> loaded = Compile(DefaultRules(), dir.path());
  ASSERT_TRUE(fresh && stored && loaded);
  EXPECT_EQ(fresh->cache_use(), RuleCacheUse::kOff);
  EXPECT_EQ(stored->cache_use(), RuleCacheUse::kStored);
  EXPECT_EQ(loaded->cache_use(), RuleCacheUse::kLoaded);

  const std::vector<std::string> expected = Outcomes(*fresh);
  std::set<std::string> winners;
  size_t spans = 0;
  for (const std::string& o : expected) {
    winners.insert(o.substr(0, o.find_first_of("@ ")));
    spans += o.find('@') != std::string::npos;
  }
  ASSERT_GE(winners.size(), 15u) << "the corpus must exercise many rules";
  ASSERT_GE(spans, 20u) << "and spans";
  EXPECT_EQ(Outcomes(*stored), expected);
  EXPECT_EQ(Outcomes(*loaded), expected);
}

TEST(RuleSetCache, RulesWithoutASpanSourcesAndFlagsMatchTheSameWhenLoaded) {
  testing::ScratchDir dir;
  std::unique_ptr<RuleSet> fresh = Compile(SmallRules(), "");
  ASSERT_EQ(Compile(SmallRules(), dir.path())->cache_use(), RuleCacheUse::kStored);
  std::unique_ptr<RuleSet> loaded = Compile(SmallRules(), dir.path());
  ASSERT_EQ(loaded->cache_use(), RuleCacheUse::kLoaded);
  EXPECT_EQ(Outcomes(*loaded), Outcomes(*fresh));

  std::optional<RuleMatch> m = loaded->Match("S", "aaab");
  ASSERT_TRUE(m);
  EXPECT_EQ(loaded->rule(m->rule).id, "no-span");
  EXPECT_FALSE(m->span);
  m = loaded->Match("S", "BACKUP COMPLETED");
  ASSERT_TRUE(m && m->span);
  EXPECT_EQ(*m->span, std::make_pair(size_t{0}, size_t{16}));
  EXPECT_TRUE(loaded->Match("S", "first line\nsecond line\nthird"));
  EXPECT_TRUE(loaded->Match("LegacyCRM", "ticket 12"));
  EXPECT_FALSE(loaded->Match("ModernCRM", "ticket 12"));
}

TEST(RuleSetCache, ATruncatedEntryIsRebuiltNotTrusted) {
  testing::ScratchDir dir;
  ASSERT_EQ(Compile(SmallRules(), dir.path())->cache_use(), RuleCacheUse::kStored);
  ASSERT_EQ(FilesIn(dir.path()).size(), 1u);
  const fs::path entry = FilesIn(dir.path())[0];
  fs::resize_file(entry, fs::file_size(entry) / 2);

  std::unique_ptr<RuleSet> rebuilt = Compile(SmallRules(), dir.path());
  EXPECT_EQ(rebuilt->cache_use(), RuleCacheUse::kReplaced);
  EXPECT_NE(rebuilt->cache_message().find(entry.string()), std::string::npos)
      << rebuilt->cache_message();
  EXPECT_EQ(Outcomes(*rebuilt), Outcomes(*Compile(SmallRules(), "")));
  EXPECT_EQ(Compile(SmallRules(), dir.path())->cache_use(), RuleCacheUse::kLoaded);
}

TEST(RuleSetCache, ABitFlippedEntryIsRebuiltNotTrusted) {
  testing::ScratchDir dir;
  ASSERT_EQ(Compile(SmallRules(), dir.path())->cache_use(), RuleCacheUse::kStored);
  const std::string entry = FilesIn(dir.path())[0].string();
  std::string bytes = testing::ReadFile(entry);
  bytes[bytes.size() / 2] = static_cast<char>(bytes[bytes.size() / 2] ^ 0x10);  // in a database
  testing::WriteFile(entry, bytes);

  std::unique_ptr<RuleSet> rebuilt = Compile(SmallRules(), dir.path());
  EXPECT_EQ(rebuilt->cache_use(), RuleCacheUse::kReplaced);
  EXPECT_EQ(Outcomes(*rebuilt), Outcomes(*Compile(SmallRules(), "")));
  EXPECT_EQ(Compile(SmallRules(), dir.path())->cache_use(), RuleCacheUse::kLoaded);
}

TEST(RuleSetCache, ADifferentPatternSetGetsADifferentEntry) {
  testing::ScratchDir dir;
  const char* yaml = "- {id: a, pattern: 'disk full', label: Error}\n";
  const char* caseless = "- {id: a, pattern: 'disk full', label: Error, case_insensitive: true}\n";
  const char* other = "- {id: a, pattern: 'disk fuller', label: Error}\n";
  for (const char* text : {yaml, caseless, other}) {
    EXPECT_EQ(Compile(*ParseRuleFile(text, "r.yaml"), dir.path())->cache_use(),
              RuleCacheUse::kStored)
        << text;
  }
  EXPECT_EQ(FilesIn(dir.path()).size(), 3u);
  // Spans on and off are different databases too.
  EXPECT_EQ(Compile(*ParseRuleFile(yaml, "r.yaml"), dir.path(), false)->cache_use(),
            RuleCacheUse::kStored);
  EXPECT_EQ(FilesIn(dir.path()).size(), 4u);

  // The caseless entry holds the caseless database.
  std::unique_ptr<RuleSet> loaded = Compile(*ParseRuleFile(caseless, "r.yaml"), dir.path());
  EXPECT_EQ(loaded->cache_use(), RuleCacheUse::kLoaded);
  EXPECT_TRUE(loaded->Match("S", "DISK FULL"));
}

TEST(RuleSetCache, OnlyWhatVectorscanCompilesKeysTheEntry) {
  testing::ScratchDir dir;
  ASSERT_EQ(Compile(*ParseRuleFile("- {id: a, pattern: 'disk full', label: Error}\n", "one.yaml"),
                    dir.path())
                ->cache_use(),
            RuleCacheUse::kStored);
  // Another file, id, label, confidence and sources: the same database.
  std::unique_ptr<RuleSet> other =
      Compile(*ParseRuleFile("- {id: b, pattern: 'disk full', label: Critical Error, confidence: "
                             "0.5, sources: [Billing]}\n",
                             "two.yaml"),
              dir.path());
  EXPECT_EQ(other->cache_use(), RuleCacheUse::kLoaded);
  EXPECT_FALSE(other->Match("ModernCRM", "disk full"));
  std::optional<RuleMatch> m = other->Match("Billing", "disk full");
  ASSERT_TRUE(m);
  EXPECT_EQ(other->rule(m->rule).label, "Critical Error");
}

TEST(RuleSetCache, WithoutACacheDirectoryNothingIsWritten) {
  testing::ScratchDir dir;
  ScopedEnv xdg("XDG_CACHE_HOME", dir.path().c_str());
  EXPECT_EQ(
      Compile(*ParseRuleFile("- {id: a, pattern: 'x', label: Error}\n", "r.yaml"), "")->cache_use(),
      RuleCacheUse::kOff);
  EXPECT_TRUE(FilesIn(dir.path()).empty());
}

TEST(RuleSetCache, AnUnwritableCacheDirectoryStillMatchesAndSaysWhy) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("file"), "x");
  std::unique_ptr<RuleSet> set =
      Compile(*ParseRuleFile("- {id: a, pattern: 'disk full', label: Error}\n", "r.yaml"),
              dir.File("file") + "/cache");
  ASSERT_TRUE(set);
  EXPECT_EQ(set->cache_use(), RuleCacheUse::kUnavailable);
  EXPECT_NE(set->cache_message().find(dir.File("file") + "/cache"), std::string::npos)
      << set->cache_message();
  EXPECT_TRUE(set->Match("S", "the disk full again"));
}

TEST(RuleSetCache, BadRulesAreRefusedAndNothingIsStored) {
  testing::ScratchDir dir;
  StatusOr<std::unique_ptr<RuleSet>> set =
      RuleSet::Compile(*ParseRuleFile("- {id: a, pattern: 'x(', label: Error}\n", "r.yaml"),
                       {.cache_dir = dir.path()});
  EXPECT_EQ(set.status().code(), StatusCode::kInvalidArgument);
  EXPECT_TRUE(FilesIn(dir.path()).empty());
}

// Processes starting at once all compile and store the same entry: every one
// succeeds, and one valid entry remains (renames are atomic).
TEST(RuleSetCache, ProcessesBuildingAtOnceAllSucceedAndLeaveOneValidEntry) {
  testing::ScratchDir dir;
  int go[2];
  ASSERT_EQ(pipe(go), 0);
  std::vector<pid_t> children;
  for (int i = 0; i < 4; ++i) {
    const pid_t pid = fork();
    ASSERT_GE(pid, 0);
    if (pid == 0) {
      close(go[1]);
      char c;
      (void)!read(go[0], &c, 1);  // returns when the parent closes its end: all start together
      StatusOr<std::unique_ptr<RuleSet>> set =
          RuleSet::Compile(DefaultRules(), {.spans = false, .cache_dir = dir.path()});
      const bool ok = set.ok() && (*set)->cache_use() != RuleCacheUse::kUnavailable &&
                      (*set)->Match("S", "User alice logged in");
      _exit(ok ? 0 : 1);
    }
    children.push_back(pid);
  }
  close(go[0]);
  close(go[1]);
  for (pid_t pid : children) {
    int status = 0;
    ASSERT_EQ(waitpid(pid, &status, 0), pid);
    EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << "child " << pid;
  }
  ASSERT_EQ(FilesIn(dir.path()).size(), 1u);  // no temporary file left either
  std::unique_ptr<RuleSet> loaded = Compile(DefaultRules(), dir.path(), /*spans=*/false);
  EXPECT_EQ(loaded->cache_use(), RuleCacheUse::kLoaded);
  EXPECT_EQ(Outcomes(*loaded), Outcomes(*Compile(DefaultRules(), "", /*spans=*/false)));
}

// --- the rules stage: rules.cache_dir -----------------------------------------

class RulesStageCache : public ::testing::Test {
 protected:
  void SetUp() override {
    testing::WriteFile(dir_.File("r.yaml"),
                       "- {id: login, pattern: 'logged in', label: User Action}\n");
    ASSERT_TRUE(config_.Set("rules.file", dir_.File("r.yaml"), "test").ok());
  }
  // Builds the stage and checks that it decides a line.
  void BuildAndDecide() {
    StatusOr<std::unique_ptr<Stage>> stage = MakeRulesStage(config_);
    ASSERT_TRUE(stage.ok()) << stage.status().ToString();
    ASSERT_NE(*stage, nullptr);
    Batch batch;
    batch.records = {{"S", "user bob logged in"}};
    batch.Reset();
    const std::vector<size_t> pending = {0};
    ASSERT_TRUE((*stage)->Decide(batch, pending).ok());
    EXPECT_EQ(batch.decisions[0].label, "User Action");
  }
  testing::ScratchDir dir_;
  ScopedEnv xdg_{"XDG_CACHE_HOME", dir_.File("xdg").c_str()};
  Config config_;
};

TEST_F(RulesStageCache, ByDefaultTheCacheIsUnderXdgCacheHome) {
  BuildAndDecide();
  EXPECT_EQ(FilesIn(dir_.File("xdg/logsieve/rules")).size(), 1u);
}

TEST_F(RulesStageCache, ACacheDirMovesIt) {
  ASSERT_TRUE(config_.Set("rules.cache_dir", dir_.File("elsewhere"), "test").ok());
  BuildAndDecide();
  EXPECT_EQ(FilesIn(dir_.File("elsewhere")).size(), 1u);
  EXPECT_FALSE(fs::exists(dir_.File("xdg")));
}

TEST_F(RulesStageCache, OffWritesNothing) {
  ASSERT_TRUE(config_.Set("rules.cache_dir", "off", "test").ok());
  BuildAndDecide();
  BuildAndDecide();
  EXPECT_FALSE(fs::exists(dir_.File("xdg")));
  EXPECT_EQ(FilesIn(dir_.path()).size(), 1u);  // r.yaml
}

TEST_F(RulesStageCache, AnUnwritableCacheDirStillClassifies) {
  ASSERT_TRUE(config_.Set("rules.cache_dir", dir_.File("r.yaml") + "/cache", "test").ok());
  BuildAndDecide();
}

}  // namespace
}  // namespace logsieve
