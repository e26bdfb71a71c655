#include "rules/rule_set.h"

#include <gtest/gtest.h>

#include <atomic>
#include <string>
#include <thread>

namespace logsieve {
namespace {

std::unique_ptr<RuleSet> MustCompile(const std::string& yaml) {
  StatusOr<RuleFile> file = ParseRuleFile(yaml, "t.yaml");
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return nullptr;
  StatusOr<std::unique_ptr<RuleSet>> set = RuleSet::Compile(*std::move(file));
  EXPECT_TRUE(set.ok()) << set.status().ToString();
  return set.ok() ? *std::move(set) : nullptr;
}

std::string CompileError(const std::string& yaml) {
  StatusOr<RuleFile> file = ParseRuleFile(yaml, "t.yaml");
  EXPECT_TRUE(file.ok()) << file.status().ToString();
  if (!file.ok()) return "";
  StatusOr<std::unique_ptr<RuleSet>> set = RuleSet::Compile(*std::move(file));
  EXPECT_FALSE(set.ok()) << "compiled but should not have:\n" << yaml;
  return set.ok() ? "" : set.status().message();
}

// The id of the winning rule, or "" when none matched.
std::string Winner(const RuleSet& set, std::string_view line, std::string_view source = "S") {
  std::optional<RuleMatch> m = set.Match(source, line);
  return m ? set.rule(m->rule).id : "";
}

TEST(RuleSet, FirstRuleInFileOrderWinsNotTheFirstToEndInTheLine) {
  auto set = MustCompile(R"(
- {id: late-general, pattern: 'b', label: L}
- {id: early-specific, pattern: 'a', label: L}
)");
  ASSERT_TRUE(set);
  // 'a' ends first in the line, but late-general comes first in the file.
  EXPECT_EQ(Winner(*set, "a b"), "late-general");
  EXPECT_EQ(Winner(*set, "a"), "early-specific");
  EXPECT_EQ(Winner(*set, "c"), "");
}

TEST(RuleSet, MatchAllListsEveryMatchingRuleInFileOrder) {
  auto set = MustCompile("- {id: x, pattern: 'z', label: L}\n- {id: y, pattern: 'b', label: L}\n"
                         "- {id: w, pattern: 'a', label: L}\n");
  ASSERT_TRUE(set);
  std::vector<uint32_t> hits;
  set->MatchAll("S", "a b", &hits);
  EXPECT_EQ(hits, (std::vector<uint32_t>{1, 2}));
}

TEST(RuleSet, SourcesLimitARuleToThoseSources) {
  auto set = MustCompile(R"(
- {id: crm-only, pattern: 'saved', label: L, sources: [ModernCRM]}
- {id: anyone, pattern: 'saved', label: L}
)");
  ASSERT_TRUE(set);
  EXPECT_EQ(Winner(*set, "record saved", "ModernCRM"), "crm-only");
  EXPECT_EQ(Winner(*set, "record saved", "BillingSystem"), "anyone");
  EXPECT_EQ(Winner(*set, "record saved", "moderncrm"), "anyone");  // exact names
}

TEST(RuleSet, CaseInsensitiveFoldsAsciiOnlyWhenAsked) {
  auto set = MustCompile(R"(
- {id: strict, pattern: 'Backup completed', label: L}
- {id: loose, pattern: 'disk cleanup', label: L, case_insensitive: true}
)");
  ASSERT_TRUE(set);
  EXPECT_EQ(Winner(*set, "Backup completed"), "strict");
  EXPECT_EQ(Winner(*set, "BACKUP COMPLETED"), "");
  EXPECT_EQ(Winner(*set, "DISK CleanUp done"), "loose");
}

TEST(RuleSet, SpanIsTheLeftmostLongestMatchInBytes) {
  auto set = MustCompile("- {id: r, pattern: 'a+b?', label: L}\n");
  ASSERT_TRUE(set);
  std::optional<RuleMatch> m = set->Match("S", "xxaaab aab");
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->span);
  EXPECT_EQ(m->span->first, 2u);
  EXPECT_EQ(m->span->second, 6u);
}

TEST(RuleSet, AnEmptyRuleSetMatchesNothing) {
  auto set = MustCompile("rules: []\n");
  ASSERT_TRUE(set);
  EXPECT_EQ(Winner(*set, "anything"), "");
  std::vector<uint32_t> hits{7};
  set->MatchAll("S", "anything", &hits);
  EXPECT_TRUE(hits.empty());
}

TEST(RuleSet, AnInvalidPatternNamesRuleFileAndLine) {
  std::string m = CompileError("- {id: ok, pattern: 'fine', label: L}\n- {id: broken, pattern: 'a(b', label: L}\n");
  EXPECT_NE(m.find("t.yaml:2: rule 'broken': invalid pattern"), std::string::npos) << m;
}

TEST(RuleSet, EveryBadRuleIsNamedNotJustTheFirst) {
  std::string m = CompileError("- {id: one, pattern: 'a(b', label: L}\n- {id: two, pattern: '[z', label: L}\n");
  EXPECT_NE(m.find("rule 'one'"), std::string::npos) << m;
  EXPECT_NE(m.find("rule 'two'"), std::string::npos) << m;
}

TEST(RuleSet, BackreferencesAreRefusedWithAReason) {
  std::string m = CompileError("- {id: backref, pattern: '(a)\\1', label: L}\n");
  EXPECT_NE(m.find("t.yaml:1: rule 'backref'"), std::string::npos) << m;
  EXPECT_NE(m.find("backreference"), std::string::npos) << m;
}

TEST(RuleSet, LookaroundIsRefusedWithAReason) {
  for (const char* p : {"foo(?=bar)", "(?<!x)foo", "foo(?!bar)", "(?<=x)foo"}) {
    std::string m = CompileError(std::string("- {id: look, pattern: '") + p + "', label: L}\n");
    EXPECT_NE(m.find("t.yaml:1: rule 'look'"), std::string::npos) << p << ": " << m;
  }
}

TEST(RuleSet, UnsupportedPcreConstructsAreRefusedWithTheirRuleNamed) {
  for (const char* p : {"(?>a+)b", "a++b", "\\Ka", "(?R)"}) {
    std::string m = CompileError(std::string("- {id: pcre, pattern: '") + p + "', label: L}\n");
    EXPECT_NE(m.find("t.yaml:1: rule 'pcre': invalid pattern"), std::string::npos) << p << ": " << m;
  }
}

TEST(RuleSet, PatternsThatTurnOnUtf8ModeAreRefused) {
  std::string m = CompileError("- {id: utf, pattern: '(*UTF8)a.b', label: L}\n");
  EXPECT_NE(m.find("t.yaml:1: rule 'utf'"), std::string::npos) << m;
  EXPECT_NE(m.find("UTF-8"), std::string::npos) << m;
}

TEST(RuleSet, ARuleWhosePatternCannotReportItsStartStillMatchesWithoutSpan) {
  // Vectorscan refuses start-of-match tracking for this bounded repeat.
  auto set = MustCompile("- {id: big, pattern: 'a{2,1000}b', label: L}\n");
  ASSERT_TRUE(set);
  std::optional<RuleMatch> m = set->Match("S", "xaaab");
  ASSERT_TRUE(m);
  EXPECT_FALSE(m->span);
}

TEST(RuleSet, APatternMatchingTheEmptyStringIsRefused) {
  std::string m = CompileError("- {id: greedy, pattern: 'x*', label: L}\n");
  EXPECT_NE(m.find("rule 'greedy'"), std::string::npos) << m;
  EXPECT_NE(m.find("empty string"), std::string::npos) << m;
}

TEST(RuleSet, CatastrophicBacktrackingPatternsRunInLinearTime) {
  auto set = MustCompile(R"(
- {id: nested, pattern: '^(a+)+$', label: L}
- {id: alternation, pattern: '^(a|aa)+$', label: L}
- {id: evil, pattern: '(x+x+)+y', label: L}
)");
  ASSERT_TRUE(set);
  const std::string almost(100000, 'a');
  // A backtracking engine never returns on these; Vectorscan scans once.
  EXPECT_EQ(Winner(*set, almost + "!"), "");
  EXPECT_EQ(Winner(*set, almost), "nested");
  std::vector<uint32_t> hits;
  set->MatchAll("S", almost, &hits);
  EXPECT_EQ(hits, (std::vector<uint32_t>{0, 1}));
  EXPECT_EQ(Winner(*set, std::string(100000, 'x')), "");
  EXPECT_EQ(Winner(*set, std::string(100000, 'x') + "y"), "evil");
}

TEST(RuleSet, MoreBacktrackingTrapsScanLongLinesOnce) {
  auto set = MustCompile(R"(
- {id: star-star, pattern: '(a*)*b', label: L}
- {id: optional-run, pattern: '^(a?){30}a{30}$', label: L}
- {id: dot-star-run, pattern: '(.*a){20}z', label: L}
- {id: email-ish, pattern: '\w{1,60}@\w{1,60}\.\w{2,10}!', label: L}
)");
  ASSERT_TRUE(set);
  const std::string as(100000, 'a');
  EXPECT_EQ(Winner(*set, as), "");
  EXPECT_EQ(Winner(*set, as + "z"), "dot-star-run");
  EXPECT_EQ(Winner(*set, as + "b"), "star-star");
  EXPECT_EQ(Winner(*set, std::string(30, 'a')), "optional-run");
  std::string words;
  while (words.size() < 100000) words += "acdefghij@klmnop.";  // no b, z or !
  EXPECT_EQ(Winner(*set, words), "");
}

TEST(RuleSet, ABoundedRepeatTooLargeForTheEngineIsRefusedByName) {
  std::string m = CompileError("- {id: huge, pattern: 'a{65535}', label: L}\n");
  EXPECT_NE(m.find("t.yaml:1: rule 'huge': invalid pattern: Bounded repeat is too large"), std::string::npos) << m;
}

TEST(RuleSet, HugeLinesMatch) {
  auto set = MustCompile("- {id: tail, pattern: 'needle\\d+$', label: L}\n- {id: any, pattern: 'h{3}', label: L}\n");
  ASSERT_TRUE(set);
  std::string line(8 << 20, 'h');
  line += "needle42";
  EXPECT_EQ(Winner(*set, line), "tail");
}

TEST(RuleSet, SpansAreGivenUpTo240BytesAndLongerLinesStillMatch) {
  // Past 254 bytes Debian's Vectorscan 5.4.9 aborts in start-of-match scans
  // (VectorCamp/vectorscan#392); these patterns and lengths used to crash.
  auto set = MustCompile("- {id: r, pattern: 'x+y', label: L}\n- {id: s, pattern: '.*b+b', label: L}\n");
  ASSERT_TRUE(set);
  std::optional<RuleMatch> m = set->Match("S", std::string(239, 'x') + "y");
  ASSERT_TRUE(m);
  ASSERT_TRUE(m->span);
  EXPECT_EQ(*m->span, std::make_pair(size_t{0}, size_t{240}));
  for (size_t n : {241, 255, 256, 1000, 100000}) {
    m = set->Match("S", std::string(n, 'x') + "y");
    ASSERT_TRUE(m) << n;
    EXPECT_EQ(m->rule, 0u);
    EXPECT_FALSE(m->span) << n;
    m = set->Match("S", std::string(n, 'b'));
    ASSERT_TRUE(m) << n;
    EXPECT_EQ(m->rule, 1u);
  }
}

TEST(RuleSet, NulBytesAreOrdinaryBytes) {
  auto set = MustCompile("- {id: nul, pattern: 'a\\x00b', label: L}\n- {id: after, pattern: 'tail$', label: L}\n");
  ASSERT_TRUE(set);
  const std::string with_nul("xx a\0b yy", 9);
  EXPECT_EQ(Winner(*set, with_nul), "nul");
  EXPECT_EQ(Winner(*set, std::string("head\0 tail", 10)), "after");  // the scan goes past the NUL
}

TEST(RuleSet, InvalidUtf8IsScannedAsBytes) {
  auto set = MustCompile(R"(
- {id: word, pattern: 'login ok', label: L}
- {id: any, pattern: 'x.y', label: L}
)");
  ASSERT_TRUE(set);
  EXPECT_EQ(Winner(*set, "\xff\xfe login ok \xc3"), "word");
  EXPECT_EQ(Winner(*set, "x\x80y"), "any");  // `.` is one byte
  EXPECT_EQ(Winner(*set, "\xed\xa0\x80"), "");
}

TEST(RuleSet, EmptyLineMatchesNothing) {
  auto set = MustCompile("- {id: s, pattern: 'x', label: L}\n- {id: t, pattern: '^\\s*\\S', label: L}\n");
  ASSERT_TRUE(set);
  EXPECT_EQ(Winner(*set, ""), "");
  EXPECT_EQ(Winner(*set, std::string_view()), "");  // null data, zero bytes
  std::vector<uint32_t> hits;
  set->MatchAll("S", std::string_view(), &hits);
  EXPECT_TRUE(hits.empty());
}

TEST(RuleSet, ZeroWidthPatternsAreRefusedBecauseTheyWouldClaimLinesByPosition) {
  for (const char* p : {"^", "$", "\\b", "^$", "^\\s*$"}) {
    std::string m = CompileError(std::string("- {id: zero, pattern: '") + p + "', label: L}\n");
    EXPECT_NE(m.find("t.yaml:1: rule 'zero': pattern can match the empty string"), std::string::npos)
        << p << ": " << m;
  }
}

TEST(RuleSet, ManyThreadsMatchAtOnceWithTheSameAnswers) {
  auto set = MustCompile(R"(
- {id: login, pattern: 'user \w+ logged in', label: L}
- {id: backup, pattern: 'backup (completed|started)', label: L, case_insensitive: true}
- {id: http, pattern: '" [1-5]\d\d ', label: L}
)");
  ASSERT_TRUE(set);
  const std::vector<std::pair<std::string, std::string>> cases = {
      {"user alice logged in", "login"},
      {"Backup Completed at 3am", "backup"},
      {"GET /a HTTP/1.1\" 404 12", "http"},
      {"nothing here", ""},
  };
  std::atomic<int> wrong{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < 2000; ++i) {
        const auto& [line, want] = cases[(i + t) % cases.size()];
        if (Winner(*set, line) != want) ++wrong;
      }
    });
  }
  for (std::thread& th : threads) th.join();
  EXPECT_EQ(wrong.load(), 0);
}

TEST(RuleSet, ASecondRuleSetOnTheSameThreadGetsItsOwnScratch) {
  // Scratch is cached per thread and per rule set; a bigger set made after a
  // small one was destroyed must not reuse the small one's scratch.
  for (int round = 0; round < 8; ++round) {
    std::string yaml;
    for (int i = 0; i <= round; ++i) {
      yaml += "- {id: r" + std::to_string(i) + ", pattern: 'w" + std::to_string(i) + "[a-z]{2,40}\\d', label: L}\n";
    }
    auto set = MustCompile(yaml);
    ASSERT_TRUE(set);
    EXPECT_EQ(Winner(*set, "xx w" + std::to_string(round) + "abc1"), "r" + std::to_string(round));
  }
}

}  // namespace
}  // namespace logsieve
