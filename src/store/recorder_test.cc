#include "store/recorder.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include "testing/testing.h"

namespace logsieve {
namespace {

// The model guesses "User Action" below the threshold for everything; the LLM
// decides "disk" lines (degraded when told) and leaves "mystery" lines alone.
class GuessingModel : public Stage {
 public:
  std::string_view name() const override { return "model"; }
  std::string version() const override { return "test-model"; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    for (size_t i : pending) {
      if (b.templates[i].find("sure") != std::string::npos) {
        b.decisions[i] = {"Error", Method::kML, 0.99f, "p=0.99"};
      } else {
        b.tentative[i] = {"User Action", Method::kML, 0.5f, "p=0.5"};
      }
    }
    return OkStatus();
  }
};
class DiskLlm : public Stage {
 public:
  explicit DiskLlm(bool degraded = false) : degraded_(degraded) {}
  std::string_view name() const override { return "llm"; }
  std::string version() const override { return "test-llm"; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    for (size_t i : pending) {
      if (b.templates[i].find("disk") == std::string::npos) continue;
      b.decisions[i] = {"Resource Usage", Method::kLLM, 0.8f, "full disk"};
      b.decisions[i].degraded = degraded_;
    }
    return OkStatus();
  }

 private:
  bool degraded_;
};

Config StoreConfig(const std::string& path) {
  Config c;
  EXPECT_TRUE(c.Set("store.path", path, "test").ok());
  EXPECT_TRUE(c.Set("store.busy_timeout_ms", "0", "test").ok());
  EXPECT_TRUE(c.Set("store.flush_ms", "3600000", "test").ok());  // tests flush by hand
  EXPECT_TRUE(c.Set("pipeline.stages", "[model, llm]", "test").ok());
  EXPECT_TRUE(c.Set("pipeline.routes", "[]", "test").ok());
  return c;
}

std::unique_ptr<Classifier> Make(const Config& config, std::shared_ptr<StoreRecorder> recorder,
                                 bool degraded = false) {
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<GuessingModel>());
  stages.push_back(std::make_unique<DiskLlm>(degraded));
  auto c = Classifier::CreateWithStages(config, std::move(stages));
  EXPECT_TRUE(c.ok()) << c.status().ToString();
  return WithRecording(*std::move(c), std::move(recorder), config);
}

Batch Lines(std::vector<std::string> messages) {
  Batch b;
  for (std::string& m : messages) b.records.push_back({"ModernCRM", std::move(m)});
  return b;
}

int64_t Count(const std::string& path, const std::string& sql) {
  sqlite3* db = nullptr;
  sqlite3_open(path.c_str(), &db);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
  int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
  sqlite3_finalize(s);
  sqlite3_close(db);
  return v;
}

TEST(RecorderTest, LlmAnswersAndUnclassifiedTemplatesAreRecordedButSureModelAnswersAreNot) {
  testing::ScratchDir dir;
  Config config = StoreConfig(dir.File("s.db"));
  std::shared_ptr<StoreRecorder> recorder = OpenRecorder(config, "serve");
  ASSERT_NE(recorder, nullptr);
  auto c = Make(config, recorder);
  Batch b = Lines({"disk 1 full", "disk 2 full", "sure thing 3", "mystery 4"});
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].label, "Resource Usage");
  ASSERT_TRUE(recorder->Flush().ok());
  const std::string db = dir.File("s.db");
  EXPECT_EQ(Count(db, "SELECT count(*) FROM templates"), 2);
  EXPECT_EQ(Count(db, "SELECT count FROM templates WHERE label = 'Resource Usage'"), 2);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM templates WHERE method = 'None'"), 1);
  EXPECT_EQ(Count(db, "SELECT count(*) FROM examples"), 3);
  // The model guessed User Action, the LLM said Resource Usage: a disagreement.
  EXPECT_EQ(Count(db, "SELECT count(*) FROM disagreements WHERE model_label = 'User Action'"), 1);
}

TEST(RecorderTest, ALockedStoreKeepsObservationsInMemoryAndClassificationAnswersTheSame) {
  testing::ScratchDir dir;
  Config config = StoreConfig(dir.File("s.db"));
  std::shared_ptr<StoreRecorder> recorder = OpenRecorder(config, "serve");
  ASSERT_NE(recorder, nullptr);
  auto c = Make(config, recorder);
  Gauge& up = MetricsRegistry::Global().GetGauge("logsieve_store_up", "");
  sqlite3* other = nullptr;
  sqlite3_open(dir.File("s.db").c_str(), &other);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);

  Batch b = Lines({"disk 1 full", "mystery 2"});
  c->Classify(b);
  EXPECT_EQ(b.decisions[0].label, "Resource Usage");
  EXPECT_EQ(b.decisions[1].label, "Unclassified");
  Status s = recorder->Flush();
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_EQ(up.value(), 0);
  EXPECT_EQ(recorder->pending(), 2u);
  Batch again = Lines({"disk 3 full"});
  c->Classify(again);  // merged with what is pending
  EXPECT_EQ(again.decisions[0].label, "Resource Usage");

  ASSERT_EQ(sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(other);
  ASSERT_TRUE(recorder->Flush().ok());
  EXPECT_EQ(up.value(), 1);
  EXPECT_EQ(recorder->pending(), 0u);
  EXPECT_EQ(Count(dir.File("s.db"), "SELECT count FROM templates WHERE method = 'LLM'"), 2);
}

TEST(RecorderTest, ACorruptStoreGivesNoRecorderAndIsCountedAsAnError) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("s.db"), std::string(8192, 'x'));
  Counter& corrupt = MetricsRegistry::Global().GetCounter("logsieve_store_errors_total", "",
                                                          {{"reason", "corrupt"}});
  const double before = corrupt.value();
  EXPECT_EQ(OpenRecorder(StoreConfig(dir.File("s.db")), "serve"), nullptr);
  EXPECT_EQ(corrupt.value(), before + 1);
}

TEST(RecorderTest, AStoreWithANewerSchemaGivesNoRecorder) {
  testing::ScratchDir dir;
  sqlite3* db = nullptr;
  sqlite3_open(dir.File("s.db").c_str(), &db);
  sqlite3_exec(db, "PRAGMA user_version = 99", nullptr, nullptr, nullptr);
  sqlite3_close(db);
  EXPECT_EQ(OpenRecorder(StoreConfig(dir.File("s.db")), "serve"), nullptr);
}

TEST(RecorderTest, AutoRecordsInServeAndTheWorkerButNotInClassify) {
  testing::ScratchDir dir;
  Config config = StoreConfig(dir.File("s.db"));
  EXPECT_EQ(OpenRecorder(config, "classify"), nullptr);
  EXPECT_NE(OpenRecorder(config, "worker"), nullptr);
  ASSERT_TRUE(config.Set("store.enabled", "on", "test").ok());
  EXPECT_NE(OpenRecorder(config, "classify"), nullptr);
  ASSERT_TRUE(config.Set("store.enabled", "off", "test").ok());
  EXPECT_EQ(OpenRecorder(config, "serve"), nullptr);
}

TEST(RecorderTest, DegradedAnswersAreRecordedForReviewButNotAsTrainingLabels) {
  testing::ScratchDir dir;
  Config config = StoreConfig(dir.File("s.db"));
  std::shared_ptr<StoreRecorder> recorder = OpenRecorder(config, "serve");
  auto c = Make(config, recorder, /*degraded=*/true);
  Batch b = Lines({"disk 1 full"});
  c->Classify(b);
  ASSERT_TRUE(recorder->Flush().ok());
  auto review = recorder->store().Review(10, 0.5);
  ASSERT_TRUE(review.ok());
  ASSERT_EQ(review->size(), 1u);
  EXPECT_EQ((*review)[0].reasons, std::vector<std::string>{"degraded"});
  EXPECT_TRUE(recorder->store().Labels(0)->empty());
}

}  // namespace
}  // namespace logsieve
