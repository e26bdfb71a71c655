#include "pipeline/classifier.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <atomic>
#include <mutex>
#include <nlohmann/json.hpp>
#include <thread>

#include "pipeline/hot_swap.h"

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
  FakeLlm(std::atomic<int>* seen, bool degraded, bool reachable = false,
          std::string label = "Critical Error")
      : seen_(seen), degraded_(degraded), reachable_(reachable), label_(std::move(label)) {}
  std::string_view name() const override { return "llm"; }
  std::string version() const override { return "test-llm"; }
  bool may_wait() const override { return reachable_; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    for (size_t i : pending) {
      ++*seen_;
      Decision d{label_, Method::kLLM, 0.8f, "llm said so"};
      d.degraded = degraded_;
      b.decisions[i] = d;
    }
    return OkStatus();
  }

 private:
  std::atomic<int>* seen_;
  bool degraded_;
  bool reachable_;
  std::string label_;
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

TEST(ClassifierTest, StageNamesAndDescriptionsAreInPipelineOrderWhateverTheBuildOrder) {
  std::atomic<int> model_seen{0}, llm_seen{0};
  std::vector<std::unique_ptr<Stage>> stages;  // built llm first, as a route naming it first does
  stages.push_back(std::make_unique<FakeLlm>(&llm_seen, false));
  stages.push_back(std::make_unique<FakeModel>(&model_seen));
  stages.push_back(std::make_unique<FakeRules>());
  auto c = Classifier::CreateWithStages(Config(), std::move(stages));
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ((*c)->stage_names(), (std::vector<std::string>{"rules", "model", "llm"}));
  EXPECT_EQ((*c)->stage_descriptions(), (std::vector<std::string>{"rules", "model", "llm"}));
}

// N templates the fake model decides ("disk WORD full"), one line each.
std::vector<std::pair<std::string, std::string>> DiskTemplates(int n) {
  std::vector<std::pair<std::string, std::string>> lines;
  for (int i = 0; i < n; ++i) {  // a word of letters each (digits are masked)
    std::string word;
    for (int v = i + 1; v > 0; v /= 26) word += static_cast<char>('a' + v % 26);
    lines.push_back({"A", "disk " + word + " full"});
  }
  return lines;
}

// A pipeline rules -> model -> a reachable LLM answering `llm_label`, with
// the audit at `rate` whatever the LLM answers, and no budget.
std::unique_ptr<Classifier> Audited(double rate, const std::string& llm_label,
                                    std::atomic<int>* model_seen, std::atomic<int>* llm_seen,
                                    Config config = Config()) {
  EXPECT_TRUE(config.Set("llm.audit_rate", std::to_string(rate), "test").ok());
  EXPECT_TRUE(config.Set("llm.audit_new_rate", std::to_string(rate), "test").ok());
  EXPECT_TRUE(config.Set("llm.audit_budget", "1", "test").ok());
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<FakeRules>());
  stages.push_back(std::make_unique<FakeModel>(model_seen));
  stages.push_back(std::make_unique<FakeLlm>(llm_seen, false, /*reachable=*/true, llm_label));
  auto c = Classifier::CreateWithStages(config, std::move(stages));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TEST(ClassifierTest, AnAuditedModelDecisionIsReplacedByTheLlmWhenItDisagrees) {
  std::atomic<int> model_seen{0}, llm_seen{0};
  auto c = Audited(1.0, "Critical Error", &model_seen, &llm_seen);
  Batch b = MakeBatch({{"A", "disk 91% full"}});
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].label, "Critical Error");
  EXPECT_EQ(b.decisions[0].method, Method::kLLM);
  EXPECT_THAT(b.decisions[0].detail, ::testing::HasSubstr("audit: the model said Resource Usage"))
      << b.decisions[0].detail;
  // The model's error stays beside the answer, for the store.
  EXPECT_EQ(b.tentative[0].method, Method::kML);
  EXPECT_EQ(b.tentative[0].label, "Resource Usage");
  EXPECT_EQ(llm_seen, 1);
  // Audited once: the template's answer is cached.
  EXPECT_EQ(c->ClassifyOne("A", "disk 7% full").label, "Critical Error");
  EXPECT_EQ(llm_seen, 1);
}

TEST(ClassifierTest, AnAuditedModelDecisionTheLlmAgreesWithStaysTheModels) {
  std::atomic<int> model_seen{0}, llm_seen{0};
  auto c = Audited(1.0, "Resource Usage", &model_seen, &llm_seen);
  Batch b = MakeBatch({{"A", "disk 91% full"}});
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].label, "Resource Usage");
  EXPECT_EQ(b.decisions[0].method, Method::kML);
  EXPECT_EQ(b.tentative[0].method, Method::kNone);
  EXPECT_EQ(llm_seen, 1);
}

TEST(ClassifierTest, TheAuditTakesItsShareOfTemplatesTheSameWayEveryTime) {
  std::atomic<int> model_seen{0}, llm_seen{0};
  const auto lines = DiskTemplates(2000);
  auto audited = [&](double rate) {
    auto c = Audited(rate, "Critical Error", &model_seen, &llm_seen);
    Batch b = MakeBatch(lines);
    c->Classify(b);
    std::vector<bool> out;
    for (const Decision& d : b.decisions) out.push_back(d.method == Method::kLLM);
    return out;
  };
  const std::vector<bool> first = audited(0.1);
  const size_t n = std::count(first.begin(), first.end(), true);
  EXPECT_GT(n, 140u);  // 10 % of 2,000 distinct templates, give or take the hash's spread
  EXPECT_LT(n, 260u);
  EXPECT_EQ(audited(0.1), first);  // the same templates in another classifier
  const std::vector<bool> none = audited(0.0);
  EXPECT_EQ(std::count(none.begin(), none.end(), true), 0);
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

TEST(ClassifierTest, ABatchThatWantsNoDetailGetsTheSameAnswersWithoutTheWhy) {
  Fixture f;
  auto c = f.Make();
  Batch b = MakeBatch({{"A", "something odd happened"}, {"A", "disk 91% full"}});
  b.want_detail = false;
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].label, "Unclassified");
  EXPECT_EQ(b.decisions[0].method, Method::kNone);
  EXPECT_EQ(b.decisions[0].detail, "");
  EXPECT_EQ(b.decisions[1].label, "Resource Usage");
  EXPECT_EQ(b.decisions[1].confidence, 0.9f);
}

TEST(ClassifierTest, ATemplateCachedWithoutItsDetailIsDecidedAgainWhenTheDetailIsWanted) {
  Fixture f;
  auto c = f.Make();
  Batch hidden = MakeBatch({{"A", "disk 10% full"}});
  hidden.want_detail = false;
  c->Classify(hidden);
  EXPECT_EQ(f.model_seen, 1);
  Decision shown = c->ClassifyOne("A", "disk 20% full");
  EXPECT_EQ(f.model_seen, 2);
  EXPECT_EQ(shown.detail, "p=0.9");
  Batch again = MakeBatch({{"A", "disk 30% full"}});
  again.want_detail = false;
  c->Classify(again);
  EXPECT_EQ(f.model_seen, 2);  // the detailed decision serves both
  EXPECT_TRUE(again.decisions[0].cached);
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

TEST(ClassifierConfigTest, AnUnknownStageIsRefusedByNameWhenTheKeyIsSet) {
  Config config;
  const Status stages = config.Set("pipeline.stages", "[rules, magic]", "test");
  EXPECT_THAT(stages.message(),
              ::testing::HasSubstr("'pipeline.stages' must be one of rules, model, llm"));
  EXPECT_THAT(stages.message(), ::testing::HasSubstr("magic"));
  EXPECT_EQ(config.Set("pipeline.routes", "[{sources: [A], stages: [rules, modle]}]", "f.yaml:3")
                .message(),
            "f.yaml:3: pipeline.routes[0]: unknown stage 'modle' (known: rules, model, llm)");
  EXPECT_EQ(config.GetStringList("pipeline.stages"),
            (std::vector<std::string>{"rules", "model", "llm"}))
      << "a refused value leaves the key as it was";
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
  EXPECT_THAT(c.status().message(), ::testing::HasSubstr("must come before"));
}

TEST(ClassifierConfigTest, BadRoutesAndLabelsAreRefusedWithTheirPlaceWhenSet) {
  Config config;  // routes and labels are refused when set, before any classifier is built
  EXPECT_EQ(config.Set("pipeline.routes", "[{stages: [llm]}]", "test").message(),
            "test: pipeline.routes[0]: 'sources' must name at least one source");
  EXPECT_EQ(
      config.Set("pipeline.routes", "[{sources: A, stages: [llm], stage: x}]", "test").message(),
      "test: pipeline.routes[0]: unknown key 'stage' (known: sources, stages)");
  EXPECT_EQ(config.Set("pipeline.routes", "[{sources: [[a]], stages: [llm]}]", "test").message(),
            "test: pipeline.routes[0].sources: every entry must be a string");
  EXPECT_EQ(config.Set("pipeline.routes", "{sources: A}", "test").message(),
            "test: pipeline.routes: must be a list");
  EXPECT_TRUE(config.Set("pipeline.routes", "[{sources: A, stages: llm}]", "test").ok())
      << "a single source or stage may be a plain string";
  EXPECT_EQ(config.Set("labels", "[{name: A}, {name: A}]", "test").message(),
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

TEST(ClassifierTest, TheAuditFallsToItsFloorOnceTheLlmKeepsAgreeingAndRisesOnDisagreement) {
  std::atomic<int> model_seen{0}, llm_seen{0};
  Config config;
  ASSERT_TRUE(config.Set("llm.audit_trust", "10", "test").ok());
  auto agreeing = [&] {
    std::vector<std::unique_ptr<Stage>> stages;
    stages.push_back(std::make_unique<FakeRules>());
    stages.push_back(std::make_unique<FakeModel>(&model_seen));
    stages.push_back(std::make_unique<FakeLlm>(&llm_seen, false, true, "Resource Usage"));
    Config c = config;
    EXPECT_TRUE(c.Set("llm.audit_rate", "0.001", "test").ok());
    EXPECT_TRUE(c.Set("llm.audit_new_rate", "0.5", "test").ok());
    EXPECT_TRUE(c.Set("llm.audit_budget", "1", "test").ok());
    return std::move(Classifier::CreateWithStages(c, std::move(stages))).value();
  };
  auto c = agreeing();
  const auto lines = DiskTemplates(4000);
  using Lines = std::vector<std::pair<std::string, std::string>>;
  Batch first = MakeBatch(Lines(lines.begin(), lines.begin() + 2000));
  c->Classify(first);
  const int early = llm_seen.exchange(0);
  Batch second = MakeBatch(Lines(lines.begin() + 2000, lines.end()));
  c->Classify(second);
  const int late = llm_seen.exchange(0);
  // At 0.5 until 10 agreements, then falling to 0.001: most audits come early.
  EXPECT_GT(early, 10);
  EXPECT_LT(late, early / 3) << "early " << early << ", late " << late;
  EXPECT_LT(late, 2000 * 0.05);
}

TEST(ClassifierTest, TheAuditNeverSpendsMoreThanItsBudgetOfLines) {
  std::atomic<int> model_seen{0}, llm_seen{0};
  Config config;
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<FakeRules>());
  stages.push_back(std::make_unique<FakeModel>(&model_seen));
  stages.push_back(std::make_unique<FakeLlm>(&llm_seen, false, true, "Critical Error"));
  ASSERT_TRUE(config.Set("llm.audit_rate", "1", "test").ok());
  ASSERT_TRUE(config.Set("llm.audit_budget", "0.02", "test").ok());
  auto budgeted = std::move(Classifier::CreateWithStages(config, std::move(stages))).value();
  Batch b = MakeBatch(DiskTemplates(2000));
  budgeted->Classify(b);
  EXPECT_LE(llm_seen, 40);  // 2 % of 2,000 lines, though every template asks to be audited
  EXPECT_GE(llm_seen, 39);
}

// Corrections a test sets by hand, as the store's feed would publish them.
class ListedCorrections : public CorrectionSource {
 public:
  std::shared_ptr<const CorrectionLog> Current() const override {
    std::lock_guard<std::mutex> lock(mu_);
    return log_;
  }
  void Publish(uint64_t epoch, std::vector<CorrectedLine> lines) {
    auto log = std::make_shared<CorrectionLog>();
    log->epoch = epoch;
    log->lines = std::move(lines);
    std::lock_guard<std::mutex> lock(mu_);
    log_ = std::move(log);
  }

 private:
  mutable std::mutex mu_;
  std::shared_ptr<const CorrectionLog> log_ = std::make_shared<CorrectionLog>();
};

std::unique_ptr<Classifier> MakeWithCorrections(Fixture& f,
                                                std::shared_ptr<ListedCorrections> source) {
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<FakeRules>());
  stages.push_back(std::make_unique<FakeModel>(&f.model_seen));
  auto c = Classifier::CreateWithStages(Config(), std::move(stages), {.corrections = source});
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return std::move(c).value();
}

TEST(ClassifierTest, ACorrectionAnswersEveryLineOfItsTemplateBeforeTheRulesAndTheModel) {
  Fixture f;
  auto source = std::make_shared<ListedCorrections>();
  auto c = MakeWithCorrections(f, source);
  source->Publish(
      0, {{"A", "user 7 login ok", "Security Alert"}, {"A", "disk 91% full", "Critical Error"}});
  // Other numbers: the same templates. Another source: the same (default) route.
  Batch b = MakeBatch({{"A", "user 12 login ok"},
                       {"B", "disk 40% full"},
                       {"A", "user 7 login failed"},
                       {"A", "cpu 91% busy"}});
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].label, "Security Alert");
  EXPECT_EQ(b.decisions[0].method, Method::kCorrection);
  EXPECT_EQ(MethodName(b.decisions[0].method), "Correction");
  EXPECT_EQ(b.decisions[0].confidence, 1.0f);
  EXPECT_EQ(b.decisions[1].label, "Critical Error");
  EXPECT_EQ(b.decisions[1].method, Method::kCorrection);
  // Other templates go on through the stages.
  EXPECT_EQ(b.decisions[2].method, Method::kRegex);
  EXPECT_EQ(b.decisions[3].method, Method::kNone);
  EXPECT_EQ(f.model_seen, 1);
}

TEST(ClassifierTest, TheLatestCorrectionOfATemplateWinsAndANewEpochStartsAfresh) {
  Fixture f;
  auto source = std::make_shared<ListedCorrections>();
  auto c = MakeWithCorrections(f, source);
  source->Publish(0, {{"A", "disk 91% full", "Error"}});
  EXPECT_EQ(c->ClassifyOne("A", "disk 3% full").label, "Error");
  source->Publish(0, {{"A", "disk 91% full", "Error"}, {"A", "disk 5% full", "Critical Error"}});
  EXPECT_EQ(c->ClassifyOne("A", "disk 3% full").label, "Critical Error");
  // A new epoch without the correction (purged): the model answers again.
  source->Publish(1, {});
  Decision d = c->ClassifyOne("A", "disk 3% full");
  EXPECT_EQ(d.method, Method::kML);
  EXPECT_EQ(d.label, "Resource Usage");
}

TEST(ClassifierTest, WithoutCorrectionsNoLineIsKeyedBeforeTheCachedStages) {
  Fixture f;
  auto source = std::make_shared<ListedCorrections>();
  auto c = MakeWithCorrections(f, source);
  Batch b = MakeBatch({{"A", "user 7 login ok"}});
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].method, Method::kRegex);
  EXPECT_EQ(b.keys[0], 0u);  // the rules decided; nothing normalized it
}

TEST(HotSwapClassifierTest, BatchesClassifiedDuringASwapGetOneWholePipelineEach) {
  std::atomic<int> seen{0};
  auto make = [&](const std::string& llm_label) {
    std::vector<std::unique_ptr<Stage>> stages;
    stages.push_back(std::make_unique<FakeLlm>(&seen, false, false, llm_label));
    Config config;
    EXPECT_TRUE(config.Set("pipeline.stages", "[llm]", "test").ok());
    return std::shared_ptr<const Classifier>(
        std::move(Classifier::CreateWithStages(config, std::move(stages))).value());
  };
  HotSwapClassifier slot(make("Error"));
  std::atomic<bool> stop{false};
  std::atomic<int> mixed{0}, batches{0};
  std::thread reader([&] {
    while (!stop) {
      Batch b = MakeBatch({{"A", "one thing"}, {"A", "another thing"}, {"A", "a third"}});
      slot.Classify(b);
      mixed += b.decisions[0].label != b.decisions[2].label;
      ++batches;
    }
  });
  for (int i = 0; i < 50; ++i) slot.Swap(make(i % 2 == 0 ? "Critical Error" : "Error"));
  while (batches < 10) std::this_thread::yield();
  stop = true;
  reader.join();
  EXPECT_EQ(mixed, 0);
  EXPECT_EQ(slot.ClassifyOne("A", "x").label, "Error");  // the last one swapped in
}

}  // namespace
}  // namespace logsieve
