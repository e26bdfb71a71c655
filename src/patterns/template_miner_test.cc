#include "patterns/template_miner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <set>
#include <thread>

namespace logsieve {
namespace {

using ::testing::HasSubstr;

std::unique_ptr<TemplateMiner> NewMiner(MinerOptions options = {}) {
  StatusOr<std::unique_ptr<TemplateMiner>> m = TemplateMiner::Create(std::move(options));
  EXPECT_TRUE(m.ok()) << m.status().message();
  return std::move(*m);
}

std::set<std::pair<std::string, std::string>> IdsAndTexts(const TemplateMiner& m) {
  std::set<std::pair<std::string, std::string>> out;
  for (const Pattern& p : m.Patterns()) out.emplace(p.id, p.text);
  return out;
}

TEST(TemplateMiner, TwoLinesDifferingInAVariableTokenShareATemplate) {
  auto m = NewMiner();
  AddResult a = m->Add("Accepted password for alice from host port ssh2", 1);
  AddResult b = m->Add("Accepted password for bob_2 from host port ssh2", 2);
  EXPECT_TRUE(a.created);
  EXPECT_FALSE(b.created);
  EXPECT_EQ(a.cluster, b.cluster);
  std::optional<Pattern> p = m->Find(a.cluster);
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->text, "Accepted password for <*> from host port ssh<NUM>");
  EXPECT_EQ(p->count, 2u);
  EXPECT_EQ(p->first_seen, 1u);
  EXPECT_EQ(p->last_seen, 2u);
  EXPECT_EQ(p->example, "Accepted password for alice from host port ssh2");
  EXPECT_EQ(p->id, TemplateId(p->text));
}

TEST(TemplateMiner, MaskedValuesNeedNoMerge) {
  auto m = NewMiner();
  AddResult a = m->Add("connect from 10.0.0.7 took 12ms", 1);
  AddResult b = m->Add("connect from 192.168.1.20 took 400ms", 2);
  EXPECT_EQ(a.cluster, b.cluster);
  EXPECT_EQ(m->Find(a.cluster)->text, "connect from <IP> took <DUR>");
}

TEST(TemplateMiner, DifferentPlainWordsAreDifferentTemplates) {
  auto m = NewMiner();
  AddResult a = m->Add("Starting TrustedInstaller initialization.");
  AddResult b = m->Add("Starting TrustedInstaller finalization.");
  EXPECT_NE(a.cluster, b.cluster);
  MinerOptions loose;
  loose.words_are_constants = false;
  auto l = NewMiner(loose);
  EXPECT_EQ(l->Add("Starting TrustedInstaller initialization.").cluster,
            l->Add("Starting TrustedInstaller finalization.").cluster);
}

TEST(TemplateMiner, LinesOfDifferentLengthNeverShareATemplate) {
  auto m = NewMiner();
  EXPECT_NE(m->Add("disk full on sda").cluster, m->Add("disk full on sda now").cluster);
}

TEST(TemplateMiner, MatchChangesNothing) {
  auto m = NewMiner();
  m->Add("session opened for alice by root");
  std::optional<Pattern> p = m->Match("session opened for bob_7 by root");
  ASSERT_TRUE(p.has_value());
  EXPECT_EQ(p->text, "session opened for <*> by root");
  EXPECT_EQ(m->Patterns().at(0).text, "session opened for alice by root");
  EXPECT_FALSE(m->Match("something else entirely here").has_value());
}

TEST(TemplateMiner, TheTemplateCapEvictsTheLeastRecentlyMatched) {
  MinerOptions o;
  o.max_templates = 3;
  auto m = NewMiner(o);
  uint64_t first = m->Add("alpha one").cluster;
  uint64_t second = m->Add("beta two three").cluster;
  m->Add("gamma four five six");
  m->Add("alpha one");  // first is now the most recent
  uint64_t fourth = m->Add("delta seven eight nine ten").cluster;
  EXPECT_EQ(m->size(), 3u);
  EXPECT_EQ(m->evicted(), 1u);
  EXPECT_FALSE(m->Find(second).has_value());
  EXPECT_TRUE(m->Find(first).has_value());
  EXPECT_TRUE(m->Find(fourth).has_value());
  for (int i = 0; i < 100; ++i)
    m->Add("line " + std::string(static_cast<size_t>(i % 7 + 1), 'x') + " " +
           std::string(static_cast<size_t>(i + 1), 'y'));
  EXPECT_LE(m->size(), 3u);
}

TEST(TemplateMiner, AnEvictedTemplateComesBackAsANewCluster) {
  MinerOptions o;
  o.max_templates = 1;
  auto m = NewMiner(o);
  uint64_t a = m->Add("alpha one").cluster;
  m->Add("beta two three");
  AddResult again = m->Add("alpha one");
  EXPECT_TRUE(again.created);
  EXPECT_NE(again.cluster, a);
}

TEST(TemplateMiner, IdsDependOnTheTemplateTextAloneNotOnTheOrderOfSources) {
  std::vector<std::string> a = {"GET /index.html 200 in 3ms", "GET /about.html 200 in 9ms"};
  std::vector<std::string> b = {"worker 3 started", "worker 12 started", "worker 4 stopped"};
  auto one_after_other = NewMiner();
  for (const auto& l : a) one_after_other->Add(l);
  for (const auto& l : b) one_after_other->Add(l);
  auto interleaved = NewMiner();
  interleaved->Add(b[0]);
  interleaved->Add(a[0]);
  interleaved->Add(b[1]);
  interleaved->Add(a[1]);
  interleaved->Add(b[2]);
  EXPECT_EQ(IdsAndTexts(*one_after_other), IdsAndTexts(*interleaved));
  EXPECT_EQ(TemplateId("worker <NUM> started"), TemplateId("worker <NUM> started"));
  EXPECT_NE(TemplateId("worker <NUM> started"), TemplateId("worker <NUM> stopped"));
  EXPECT_EQ(TemplateId("").size(), 16u);
}

TEST(TemplateMiner, SaveAndLoadRoundTripAndBehaveTheSameAfterwards) {
  MinerOptions o;
  o.max_templates = 20;
  auto m = NewMiner(o);
  for (int i = 0; i < 60; ++i) {
    m->Add("job " + std::to_string(i) + " finished in " + std::to_string(i * 3) + "ms", i);
    m->Add("user u" + std::string(1, static_cast<char>('a' + i % 26)) + " kind" +
               std::string(static_cast<size_t>(i % 25 + 1), 'k') + " logged in",
           i);
  }
  std::string saved = m->Save();
  StatusOr<std::unique_ptr<TemplateMiner>> loaded = TemplateMiner::Load(saved);
  ASSERT_TRUE(loaded.ok()) << loaded.status().message();
  EXPECT_EQ((*loaded)->Save(), saved);
  EXPECT_EQ((*loaded)->evicted(), m->evicted());
  for (int i = 0; i < 40; ++i) {
    std::string line = "user v" + std::to_string(i) + " kind" +
                       std::string(static_cast<size_t>(i % 30 + 1), 'k') + " logged in";
    AddResult x = m->Add(line, 100 + i);
    AddResult y = (*loaded)->Add(line, 100 + i);
    EXPECT_EQ(x.cluster, y.cluster);
    EXPECT_EQ(x.created, y.created);
  }
  EXPECT_EQ((*loaded)->Save(), m->Save());
}

TEST(TemplateMiner, LoadRefusesDamagedStateNamingWhatIsWrong) {
  auto m = NewMiner();
  m->Add("hello world 1");
  std::string saved = m->Save();
  StatusOr<std::unique_ptr<TemplateMiner>> bad = TemplateMiner::Load("not a miner");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("bad magic"));
  bad = TemplateMiner::Load(saved.substr(0, saved.size() - 3));
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("truncated"));
  bad = TemplateMiner::Load(saved + "x");
  ASSERT_FALSE(bad.ok());
  EXPECT_THAT(bad.status().message(), HasSubstr("trailing bytes"));
}

TEST(TemplateMiner, BadOptionsAreRefused) {
  MinerOptions o;
  o.similarity = 0;
  StatusOr<std::unique_ptr<TemplateMiner>> m = TemplateMiner::Create(o);
  ASSERT_FALSE(m.ok());
  EXPECT_THAT(m.status().message(), HasSubstr("similarity"));
}

TEST(TemplateMiner, ConcurrentAddsFromSeveralThreadsCountEveryLineOnce) {
  auto m = NewMiner();
  const std::vector<std::string> families = {"request <N> served in <N>ms",
                                             "cache miss for key <N>", "worker <N> is idle",
                                             "flushed <N> bytes to disk"};
  constexpr int kThreads = 4, kPerThread = 2000;
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        std::string line = families[static_cast<size_t>(i) % families.size()];
        for (size_t at; (at = line.find("<N>")) != std::string::npos;)
          line.replace(at, 3, std::to_string(t * kPerThread + i));
        m->Add(line, static_cast<uint64_t>(i));
      }
    });
  }
  for (std::thread& th : threads) th.join();
  auto serial = NewMiner();
  for (const std::string& f : families) {
    std::string line = f;
    for (size_t at; (at = line.find("<N>")) != std::string::npos;) line.replace(at, 3, "7");
    serial->Add(line);
  }
  EXPECT_EQ(IdsAndTexts(*m), IdsAndTexts(*serial));
  uint64_t total = 0;
  for (const Pattern& p : m->Patterns()) total += p.count;
  EXPECT_EQ(total, static_cast<uint64_t>(kThreads * kPerThread));
}

}  // namespace
}  // namespace logsieve
