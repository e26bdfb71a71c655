#include "pipeline/classifier.h"

#include <gtest/gtest.h>

#include <atomic>
#include <nlohmann/json.hpp>
#include <thread>

namespace logsieve {
namespace {

// A rules-like stage: decides raw lines containing "login".
class FakeRules : public Stage {
 public:
  std::string_view name() const override { return "rules"; }
  std::string version() const override { return "test-rules"; }
  bool cacheable() const override { return false; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    for (size_t i : pending) {
      if (b.records[i].message.find("login") != std::string::npos) {
        b.decisions[i] = {"User Action", Method::kRegex, 1.0f, "rule login"};
      }
    }
    return OkStatus();
  }
};

// A model-like stage: sure about templates with "disk"; a low guess otherwise.
class FakeModel : public Stage {
 public:
  explicit FakeModel(std::atomic<int>* seen, bool fail = false) : seen_(seen), fail_(fail) {}
  std::string_view name() const override { return "model"; }
  std::string version() const override { return "test-model"; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    if (fail_) return UnavailableError("model file vanished");
    for (size_t i : pending) {
      ++*seen_;
      EXPECT_FALSE(b.templates[i].empty()) << "the model must see normalized text";
      if (b.templates[i].find("disk") != std::string::npos) {
        b.decisions[i] = {"Resource Usage", Method::kML, 0.9f, "p=0.9"};
      } else {
        b.tentative[i] = {"Error", Method::kML, 0.5f, "p=0.5 below threshold 0.75"};
      }
    }
    return OkStatus();
  }

 private:
  std::atomic<int>* seen_;
  bool fail_;
};

// An llm-like stage: decides everything, degraded when told so.
class FakeLlm : public Stage {
 public:
  FakeLlm(std::atomic<int>* seen, bool degraded) : seen_(seen), degraded_(degraded) {}
  std::string_view name() const override { return "llm"; }
  std::string version() const override { return "test-llm"; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    for (size_t i : pending) {
      ++*seen_;
      Decision d{"Critical Error", Method::kLLM, 0.8f, "llm said so"};
      d.degraded = degraded_;
      b.decisions[i] = d;
    }
    return OkStatus();
  }

 private:
  std::atomic<int>* seen_;
  bool degraded_;
};

struct Fixture {
  std::atomic<int> model_seen{0};
  std::atomic<int> llm_seen{0};
  std::unique_ptr<Classifier> Make(Config config = Config(), bool with_llm = false,
                                   bool llm_degraded = false, bool model_fails = false) {
    std::vector<std::unique_ptr<Stage>> stages;
    stages.push_back(std::make_unique<FakeRules>());
    stages.push_back(std::make_unique<FakeModel>(&model_seen, model_fails));
    if (with_llm) stages.push_back(std::make_unique<FakeLlm>(&llm_seen, llm_degraded));
    auto c = Classifier::CreateWithStages(config, std::move(stages));
    EXPECT_TRUE(c.ok()) << c.status().ToString();
    return c.ok() ? std::move(c).value() : nullptr;
  }
};

Batch MakeBatch(std::vector<std::pair<std::string, std::string>> lines) {
  Batch b;
  for (auto& [s, m] : lines) b.records.push_back({s, m});
  return b;
}

TEST(ClassifierTest, RulesSeeRawLinesAndTheRestGoToTheModel) {
  Fixture f;
  auto c = f.Make();
  Batch b = MakeBatch({{"A", "user 7 login ok"}, {"A", "disk 91% full"}});
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].method, Method::kRegex);
  EXPECT_EQ(b.decisions[1].label, "Resource Usage");
  EXPECT_EQ(b.decisions[1].method, Method::kML);
  EXPECT_EQ(f.model_seen, 1);
}

TEST(ClassifierTest, VersionsNameEachStageInPipelineOrderThenTheLabels) {
  Fixture f;
  auto c = f.Make(Config(), /*with_llm=*/true);
  auto versions = c->versions();
  ASSERT_EQ(versions.size(), 4u);
  EXPECT_EQ(versions[0], (std::pair<std::string, std::string>{"rules", "test-rules"}));
  EXPECT_EQ(versions[1], (std::pair<std::string, std::string>{"model", "test-model"}));
  EXPECT_EQ(versions[2], (std::pair<std::string, std::string>{"llm", "test-llm"}));
  EXPECT_EQ(versions[3].first, "labels");
  // Another description of one label is another label set, so another version.
  Config other;
  nlohmann::json labels = other.GetJson("labels");
  ASSERT_TRUE(labels.is_array() && labels[0].is_object()) << labels.dump();
  labels[0]["description"] = "something else";
  ASSERT_TRUE(other.Set("labels", labels.dump(), "test").ok());
  EXPECT_NE(f.Make(other, true)->versions()[3].second, versions[3].second);
  EXPECT_EQ(f.Make(Config(), true)->versions()[3].second, versions[3].second);
}

TEST(ClassifierTest, LinesSharingATemplateReachTheModelOnce) {
  Fixture f;
  auto c = f.Make();
  Batch b = MakeBatch({{"A", "disk 91% full"}, {"A", "disk 78% full"}, {"A", "disk 91% full"}});
  c->Classify(b);
  EXPECT_EQ(f.model_seen, 1);
  for (const Decision& d : b.decisions) EXPECT_EQ(d.label, "Resource Usage");
}

TEST(ClassifierTest, CachedTemplatesAreNotDecidedAgain) {
  Fixture f;
  auto c = f.Make();
  Decision first = c->ClassifyOne("A", "disk 10% full");
  Decision second = c->ClassifyOne("A", "disk 20% full");
  EXPECT_EQ(f.model_seen, 1);
  EXPECT_EQ(first.label, second.label);
  EXPECT_EQ(first.detail, second.detail);
}

TEST(ClassifierTest, CacheSizeZeroTurnsTheCacheOff) {
  Fixture f;
  Config config;
  ASSERT_TRUE(config.Set("pipeline.cache_size", "0", "test").ok());
  auto c = f.Make(config);
  c->ClassifyOne("A", "disk 10% full");
  c->ClassifyOne("A", "disk 20% full");
  EXPECT_EQ(f.model_seen, 2);
}

TEST(ClassifierTest, UndecidedLinesAreUnclassifiedWithTheBestGuessInTheDetail) {
  Fixture f;
  auto c = f.Make();
  Decision d = c->ClassifyOne("A", "something odd happened");
  EXPECT_EQ(d.label, "Unclassified");
  EXPECT_EQ(d.method, Method::kNone);
  EXPECT_FALSE(d.confidence.has_value());
  EXPECT_EQ(d.detail, "no stage was sure; best guess Error (p=0.5 below threshold 0.75)");
}

TEST(ClassifierTest, ARouteSendsItsSourceStraightToTheLlm) {
  Fixture f;
  Config config;  // the default routes send LegacyCRM to the llm stage
  auto c = f.Make(config, /*with_llm=*/true);
  Decision d = c->ClassifyOne("LegacyCRM", "user login disk");
  EXPECT_EQ(d.method, Method::kLLM);
  EXPECT_EQ(f.model_seen, 0);
  EXPECT_EQ(c->ClassifyOne("ModernCRM", "user login").method, Method::kRegex);
}

TEST(ClassifierTest, RouteStagesNameWhatALineGoesThrough) {
  Fixture f;
  auto c = f.Make(Config(), /*with_llm=*/true);  // the default routes send LegacyCRM to the llm
  EXPECT_EQ(c->route_stages("LegacyCRM"), (std::vector<std::string>{"llm"}));
  EXPECT_EQ(c->route_stages("ModernCRM"), (std::vector<std::string>{"rules", "model", "llm"}));
}

// What `eval` relies on to count such lines as having reached the model.
TEST(ClassifierTest, ACacheHitKeepsTheFinalDecisionButNotTheModelsGuess) {
  Fixture f;
  auto c = f.Make(Config(), /*with_llm=*/true);
  Batch first = MakeBatch({{"A", "odd thing 1"}});
  c->Classify(first);
  EXPECT_EQ(first.decisions[0].method, Method::kLLM);
  EXPECT_EQ(first.tentative[0].method, Method::kML);
  Batch second = MakeBatch({{"A", "odd thing 2"}});
  c->Classify(second);
  EXPECT_EQ(second.decisions[0].method, Method::kLLM);
  EXPECT_EQ(second.tentative[0].method, Method::kNone);
  EXPECT_EQ(f.llm_seen, 1);
}

TEST(ClassifierTest, AFailingStageLosesNoLineAndSaysWhy) {
  Fixture f;
  auto c = f.Make(Config(), false, false, /*model_fails=*/true);
  Batch b = MakeBatch({{"A", "login"}, {"A", "disk full"}});
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].method, Method::kRegex);
  EXPECT_EQ(b.decisions[1].label, "Unclassified");
  EXPECT_EQ(b.decisions[1].detail, "stage 'model' failed: model file vanished");
}

TEST(ClassifierTest, DegradedDecisionsAreNotCached) {
  Fixture f;
  auto c = f.Make(Config(), true, /*llm_degraded=*/true);
  c->ClassifyOne("A", "odd thing 1");
  c->ClassifyOne("A", "odd thing 2");
  EXPECT_EQ(f.llm_seen, 2);
}

TEST(ClassifierTest, GoodLlmDecisionsAreCachedPerTemplate) {
  Fixture f;
  auto c = f.Make(Config(), true, false);
  c->ClassifyOne("A", "odd thing 1");
  c->ClassifyOne("A", "odd thing 2");
  EXPECT_EQ(f.llm_seen, 1);
}

TEST(ClassifierTest, TheSameTemplateUnderAnotherRouteIsDecidedSeparately) {
  Fixture f;
  Config config;
  ASSERT_TRUE(config.Set("pipeline.routes", "[{sources: [B], stages: [model]}]", "test").ok());
  auto c = f.Make(config);
  c->ClassifyOne("A", "disk 1");
  c->ClassifyOne("B", "disk 1");
  EXPECT_EQ(f.model_seen, 2);
}

TEST(ClassifierConfigTest, UnknownStageIsRefusedByName) {
  Fixture f;
  Config config;
  ASSERT_TRUE(config.Set("pipeline.stages", "[rules, magic]", "test").ok());
  auto c = Classifier::CreateWithStages(config, {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(),
            "pipeline.stages: unknown stage 'magic' (known: rules, model, llm)");
}

TEST(ClassifierConfigTest, RulesAfterACachedStageAreRefused) {
  Config config;
  ASSERT_TRUE(config.Set("pipeline.stages", "[model, rules]", "test").ok());
  std::atomic<int> seen{0};
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<FakeRules>());
  stages.push_back(std::make_unique<FakeModel>(&seen));
  auto c = Classifier::CreateWithStages(config, std::move(stages));
  ASSERT_FALSE(c.ok());
  EXPECT_NE(c.status().message().find("must come before"), std::string::npos);
}

TEST(ClassifierConfigTest, BadRoutesAndLabelsAreRefusedWithTheirPlace) {
  Config config;
  ASSERT_TRUE(config.Set("pipeline.routes", "[{stages: [llm]}]", "test").ok());
  auto c = Classifier::CreateWithStages(config, {});
  ASSERT_FALSE(c.ok());
  EXPECT_EQ(c.status().message(), "pipeline.routes[0]: 'sources' must name at least one source");
  Config labels;  // labels are refused when set, before any classifier is built
  EXPECT_EQ(labels.Set("labels", "[{name: A}, {name: A}]", "test").message(),
            "test: labels[1]: 'A' is listed twice (also labels[0])");
}

TEST(ClassifierTest, ConcurrentBatchesGetTheSameAnswersAsOneThread) {
  Fixture f;
  auto c = f.Make();
  std::vector<std::thread> threads;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&, t] {
      for (int k = 0; k < 200; ++k) {
        Batch b = MakeBatch({{"A", "disk " + std::to_string(k) + " full"},
                             {"A", "login " + std::to_string(t)},
                             {"A", "odd " + std::to_string(k)}});
        c->Classify(b);
        wrong += b.decisions[0].label != "Resource Usage";
        wrong += b.decisions[1].method != Method::kRegex;
        wrong += b.decisions[2].label != "Unclassified";
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(wrong, 0);
}

}  // namespace
}  // namespace logsieve
