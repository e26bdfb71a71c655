#include "learn/learn.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <fstream>

#include "model/model_file.h"
#include "model/registry.h"
#include "pipeline/classifier.h"
#include "testing/testing.h"
#include "train/synthetic_logs.h"

namespace logsieve {
namespace {

// A small labelled corpus from the synthetic generator; `rotate` shifts every
// label to the next one of the set (a corpus that teaches wrong answers).
std::string WriteCorpus(const testing::ScratchDir& dir, bool rotate) {
  const std::vector<std::string> names = Config().labels().names();
  std::string csv = "source,log_message,target_label\n";
  for (const SyntheticRow& r : GenerateSyntheticLogs({.seed = 3, .rows = 1500})) {
    std::string label = r.label;
    if (rotate) {
      size_t i = std::find(names.begin(), names.end(), label) - names.begin();
      label = names[(i + 1) % names.size()];
    }
    std::string quoted;
    for (char c : r.message) quoted += c == '"' ? std::string("\"\"") : std::string(1, c);
    csv += r.source + ",\"" + quoted + "\"," + label + "\n";
  }
  const std::string path = dir.File(rotate ? "wrong.csv" : "base.csv");
  testing::WriteFile(path, csv);
  return path;
}

struct Fixture {
  Fixture() {
    EXPECT_TRUE(config.Set("model.hashing.dims", "4096", "test").ok());
    EXPECT_TRUE(config.Set("learn.registry", dir.File("reg"), "test").ok());
    StoreOptions so = *StoreOptions::FromConfig(config);
    so.path = dir.File("s.db");
    store = *Store::Open(so);
  }
  testing::ScratchDir dir;
  Config config;
  std::unique_ptr<Store> store;
};

TEST(LearnTest, ACandidateBetterThanNoModelIsRegisteredAndActivated) {
  Fixture f;
  ASSERT_TRUE(f.config.Set("model.file", "none", "test").ok());
  LearnOptions o = LearnOptions::FromConfig(f.config);
  o.base_corpus = WriteCorpus(f.dir, false);
  StatusOr<LearnReport> r = Learn(f.config, *f.store, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->promoted) << FormatLearnReport(*r);
  EXPECT_EQ(r->version, "v0001");
  auto registry = *Registry::Open(f.dir.File("reg"));
  EXPECT_EQ(*registry.Active(), "v0001");
  auto list = *registry.List();
  ASSERT_EQ(list.size(), 1u);
  for (const char* k : {"parent", "created_at", "data", "metrics", "promoted"}) {
    EXPECT_TRUE(list[0].metadata.contains(k)) << k;
  }
  EXPECT_NE(FormatLearnReport(*r).find("promoted: v0001 is active"), std::string::npos);
}

TEST(LearnTest, WithoutActivateACandidateThatPassesTheGateIsRegisteredButNotActive) {
  Fixture f;
  ASSERT_TRUE(f.config.Set("model.file", "none", "test").ok());
  LearnOptions o = LearnOptions::FromConfig(f.config);
  o.base_corpus = WriteCorpus(f.dir, false);
  o.activate = false;
  StatusOr<LearnReport> r = Learn(f.config, *f.store, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_TRUE(r->promoted);
  EXPECT_FALSE(r->activated);
  EXPECT_EQ(*Registry::Open(f.dir.File("reg"))->Active(), "");
  EXPECT_NE(FormatLearnReport(*r).find("v0001 is kept inactive"), std::string::npos);
  EXPECT_EQ(LearnReportToJson(*r)["activated"], false);
}

TEST(LearnTest, AWorseCandidateIsNotPromotedAndTheReportSaysWhy) {
  Fixture f;
  ASSERT_TRUE(f.config.Set("model.file", "none", "test").ok());
  LearnOptions o = LearnOptions::FromConfig(f.config);
  o.base_corpus = WriteCorpus(f.dir, false);
  ASSERT_TRUE(Learn(f.config, *f.store, o)->promoted);       // v0001: a good model, active
  ASSERT_TRUE(f.config.Set("model.file", "", "test").ok());  // the registry's version runs
  o.base_corpus = WriteCorpus(f.dir, true);                  // every label wrong
  StatusOr<LearnReport> r = Learn(f.config, *f.store, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_FALSE(r->promoted);
  EXPECT_EQ(r->parent, "v0001");
  const std::string text = FormatLearnReport(*r);
  EXPECT_NE(text.find("not promoted"), std::string::npos) << text;
  EXPECT_NE(text.find("ood dev: accuracy"), std::string::npos) << text;
  EXPECT_NE(text.find("below the current model's"), std::string::npos) << text;
  EXPECT_EQ(*Registry::Open(f.dir.File("reg"))->Active(), "v0001");  // unchanged
}

TEST(LearnTest, StoredCorrectionsAreAllTrainedOnAndNeverHeldOut) {
  Fixture f;
  ASSERT_TRUE(f.config.Set("model.file", "none", "test").ok());
  // Ten templates (the word), four lines each (the number).
  const char* kinds[] = {"alpha",   "bravo", "charlie", "delta", "echo",
                         "foxtrot", "golf",  "hotel",   "india", "juliet"};
  std::vector<Correction> corrections;
  for (int i = 0; i < 40; ++i) {
    Correction c;
    c.source = "billing";
    c.log_message =
        "invoice batch " + std::to_string(i) + " " + kinds[i % 10] + " stalled in reconciliation";
    c.target_label = "Workflow Error";
    c.origin = "import";
    corrections.push_back(c);
  }
  ASSERT_TRUE(f.store->AddCorrections(corrections).ok());
  LearnOptions o = LearnOptions::FromConfig(f.config);
  o.base_corpus = WriteCorpus(f.dir, false);
  StatusOr<LearnReport> r = Learn(f.config, *f.store, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->corrections, 40u);
  EXPECT_EQ(r->holdout_rows, 0u);
  EXPECT_EQ(r->sets[0].name, "store holdout");
  EXPECT_EQ(r->sets[0].candidate.rows, 0u);
  const std::string text = FormatLearnReport(*r);
  EXPECT_THAT(text, ::testing::HasSubstr("store holdout: no rows, not a gate"));
  EXPECT_THAT(text, ::testing::Not(::testing::HasSubstr("store holdout (0 rows)")));
  // The candidate learned every corrected line.
  Config c = f.config;
  ASSERT_TRUE(
      c.Set("model.file", Registry::Open(f.dir.File("reg"))->ModelPath(r->version), "test").ok());
  ASSERT_TRUE(c.Set("pipeline.stages", "[model]", "test").ok());
  ASSERT_TRUE(c.Set("pipeline.threshold", "0", "test").ok());
  auto classifier = Classifier::Create(c);
  ASSERT_TRUE(classifier.ok()) << classifier.status().ToString();
  Batch batch;
  for (const Correction& k : corrections) batch.records.push_back({k.source, k.log_message});
  (*classifier)->Classify(batch);
  for (const Decision& d : batch.decisions) EXPECT_EQ(d.label, "Workflow Error") << d.detail;
}

TEST(LearnTest, WithTheSyntheticBaseCorpusAnEmptyStoreIsRefused) {
  Fixture f;
  StatusOr<LearnReport> r = Learn(f.config, *f.store, LearnOptions::FromConfig(f.config));
  EXPECT_EQ(r.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(r.status().message()),
              ::testing::HasSubstr("no corrections and no LLM answers"));
}

// doc/labels.md's five-label taxonomy over a corpus in the bundled labels.
TEST(LearnTest, UnderATeamsOwnLabelsTheCandidateHasTheTeamsLabelsAndKeepsUnmappedOnesApart) {
  Fixture f;
  ASSERT_TRUE(f.config.Set("model.file", "none", "test").ok());
  ASSERT_TRUE(
      f.config
          .Set("labels",
               "[{name: Account Activity, from: [User Action]}, {name: Failure, from: "
               "[Error, Critical Error, Workflow Error]}, {name: Security, from: [Security "
               "Alert]}, {name: Ops, from: [Resource Usage, System Notification]}, Billing]",
               "test")
          .ok());
  LearnOptions o = LearnOptions::FromConfig(f.config);
  o.base_corpus = WriteCorpus(f.dir, false);
  StatusOr<LearnReport> r = Learn(f.config, *f.store, o);
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->skipped_rows, 0u);
  StatusOr<Model> m = ReadModelFile(Registry::Open(f.dir.File("reg"))->ModelPath(r->version));
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->labels, (std::vector<std::string>{"Account Activity", "Failure", "Security", "Ops",
                                                 "Deprecation Warning", "HTTP Status"}));
  // The gate scores the team's labels: ood_dev without its 40 unmapped rows.
  ASSERT_EQ(r->sets.size(), 2u);
  EXPECT_EQ(r->sets[1].candidate.rows, 140u);
}

TEST(LearnTest, TheGateRefusesAnAccuracyDropAndALabelDropPastTheMargin) {
  GateSet s;
  s.name = "ood dev";
  s.current.rows = s.candidate.rows = 10;
  s.current.accuracy = 0.8;
  s.candidate.accuracy = 0.8;
  s.current.per_class = {{"Error", 1, 1, 0.90, 5}, {"User Action", 1, 1, 0.90, 5}};
  s.candidate.per_class = {{"Error", 1, 1, 0.86, 5}, {"User Action", 1, 1, 0.80, 5}};
  auto margins = [](double label_drop, double accuracy_drop, size_t min_support) {
    LearnOptions o{};
    o.max_label_drop = label_drop;
    o.max_accuracy_drop = accuracy_drop;
    o.min_label_support = min_support;
    return o;
  };
  std::vector<std::string> reasons = GateReasons({s}, margins(0.05, 0.0, 1));
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find("label 'User Action' F1 0.800"), std::string::npos) << reasons[0];
  // A label with fewer rows than min_label_support is left to the accuracy.
  EXPECT_TRUE(GateReasons({s}, margins(0.05, 0.0, 6)).empty());
  s.candidate.accuracy = 0.79;
  EXPECT_EQ(GateReasons({s}, margins(0.2, 0.0, 1)).size(), 1u);
  EXPECT_TRUE(GateReasons({s}, margins(0.2, 0.02, 1)).empty());  // within the accuracy margin
  s.candidate.accuracy = 0.77;
  reasons = GateReasons({s}, margins(0.2, 0.02, 1));
  ASSERT_EQ(reasons.size(), 1u);
  EXPECT_NE(reasons[0].find("accuracy 0.770 is more than 0.020 (learn.max_accuracy_drop) below"),
            std::string::npos)
      << reasons[0];
  s.candidate.accuracy = 0.81;
  EXPECT_TRUE(GateReasons({s}, margins(0.2, 0.0, 1)).empty());
}

}  // namespace
}  // namespace logsieve
