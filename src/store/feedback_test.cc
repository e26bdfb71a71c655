#include "store/feedback.h"

#include <gtest/gtest.h>

#include "testing/testing.h"

namespace logsieve {
namespace {

// The model decides everything as "Error".
class ErrorModel : public Stage {
 public:
  std::string_view name() const override { return "model"; }
  std::string version() const override { return "test-model"; }
  Status Decide(Batch& b, std::span<const size_t> pending) const override {
    for (size_t i : pending) b.decisions[i] = {"Error", Method::kML, 0.9f, "p=0.9"};
    return OkStatus();
  }
};

std::unique_ptr<Classifier> MakeClassifier() {
  Config config;
  EXPECT_TRUE(config.Set("pipeline.stages", "[model]", "test").ok());
  EXPECT_TRUE(config.Set("pipeline.routes", "[]", "test").ok());
  std::vector<std::unique_ptr<Stage>> stages;
  stages.push_back(std::make_unique<ErrorModel>());
  return *Classifier::CreateWithStages(config, std::move(stages));
}

std::unique_ptr<Store> OpenStore(const testing::ScratchDir& dir, int64_t max_corrections = 0) {
  StoreOptions o = *StoreOptions::FromConfig(Config());
  o.path = dir.File("s.db");
  if (max_corrections > 0) o.max_corrections = max_corrections;
  return *Store::Open(o);
}

void WriteRows(const std::string& path, int first, int count) {
  std::string csv = "log_message,target_label\n";
  for (int i = first; i < first + count; ++i) csv += "disk " + std::to_string(i) + " full,Error\n";
  testing::WriteFile(path, csv);
}

TEST(FeedbackTest, AnUnknownLabelIsRefusedNamingIt) {
  auto c = MakeClassifier();
  StatusOr<Correction> r = MakeCorrection(*c, {"ModernCRM", "disk 4 full", "Disk", ""}, "api");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(r.status().message().find("unknown label 'Disk'"), std::string::npos)
      << r.status().message();
}

TEST(FeedbackTest, ACorrectionRecordsTheDecisionItCorrects) {
  auto c = MakeClassifier();
  StatusOr<Correction> r =
      MakeCorrection(*c, {"ModernCRM", "disk 4 full", "Resource Usage", "quota"}, "api");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->previous_label, "Error");
  EXPECT_EQ(r->previous_method, "ML");
  EXPECT_EQ(r->template_text, "disk <NUM> full");
  EXPECT_NE(r->key, 0u);
}

TEST(FeedbackTest, JsonFeedbackNeedsItsFieldsAsStrings) {
  EXPECT_TRUE(FeedbackFromJson(nlohmann::json::parse(
                                   R"({"source":"a","log_message":"b","target_label":"Error"})"))
                  .ok());
  StatusOr<Feedback> missing = FeedbackFromJson(nlohmann::json::parse(R"({"source":"a"})"));
  EXPECT_NE(missing.status().message().find("log_message: is required"), std::string::npos);
  StatusOr<Feedback> typed = FeedbackFromJson(
      nlohmann::json::parse(R"({"source":"a","log_message":"b","target_label":"Error","note":3})"));
  EXPECT_NE(typed.status().message().find("note: must be a string"), std::string::npos);
}

TEST(FeedbackTest, ImportStoresEveryRowAndCountsModelDisagreements) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("f.csv"),
                     "source,log_message,target_label,note\n"
                     "ModernCRM,disk 4 full,Resource Usage,quota\n"
                     "ModernCRM,\"job 7 failed, retrying\",Error,\n");
  auto store = OpenStore(dir);
  StatusOr<FeedbackImport> n =
      ImportFeedbackCsv(*MakeClassifier(), *store, dir.File("f.csv"), 1 << 20);
  ASSERT_TRUE(n.ok()) << n.status().ToString();
  EXPECT_EQ(n->rows, 2u);
  EXPECT_EQ(n->kept, 2u);
  EXPECT_EQ(n->evicted_imported + n->evicted_older, 0u);
  StoreStats stats = *store->Stats();
  EXPECT_EQ(stats.corrections, 2);
  EXPECT_EQ(stats.disagreements, 1);  // the model said Error for the disk line
}

TEST(FeedbackTest, AnImportPastMaxCorrectionsSaysHowManyRowsWereKeptAndHowManyEvicted) {
  testing::ScratchDir dir;
  auto store = OpenStore(dir, 10);
  WriteRows(dir.File("a.csv"), 0, 4);
  StatusOr<FeedbackImport> a =
      ImportFeedbackCsv(*MakeClassifier(), *store, dir.File("a.csv"), 1 << 20);
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_EQ(a->kept, 4u);
  EXPECT_EQ(a->evicted_imported + a->evicted_older, 0u);

  WriteRows(dir.File("b.csv"), 100, 25);
  StatusOr<FeedbackImport> b =
      ImportFeedbackCsv(*MakeClassifier(), *store, dir.File("b.csv"), 1 << 20);
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->rows, 25u);
  EXPECT_EQ(b->kept, 10u);
  EXPECT_EQ(b->evicted_imported, 15u);
  EXPECT_EQ(b->evicted_older, 4u);
  EXPECT_EQ(store->Stats()->corrections, 10);

  WriteRows(dir.File("c.csv"), 200, 3);
  StatusOr<FeedbackImport> c =
      ImportFeedbackCsv(*MakeClassifier(), *store, dir.File("c.csv"), 1 << 20);
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->kept, 3u);
  EXPECT_EQ(c->evicted_imported, 0u);
  EXPECT_EQ(c->evicted_older, 3u);
}

TEST(FeedbackTest, ABadRowFailsTheWholeImportNamingFileAndLineAndStoresNothing) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("f.csv"),
                     "log_message,target_label\n"
                     "disk 4 full,Resource Usage\n"
                     "job 7 failed,Eror\n");
  auto store = OpenStore(dir);
  StatusOr<FeedbackImport> n =
      ImportFeedbackCsv(*MakeClassifier(), *store, dir.File("f.csv"), 1 << 20);
  ASSERT_FALSE(n.ok());
  EXPECT_NE(n.status().message().find(dir.File("f.csv") + ":3: target_label: unknown label 'Eror'"),
            std::string::npos)
      << n.status().message();
  EXPECT_EQ(store->Stats()->corrections, 0);
}

TEST(FeedbackTest, ReviewJsonHasTheDocumentedShape) {
  ReviewItem item;
  item.key = 0xabc;
  item.template_text = "disk <NUM> full";
  item.reasons = {"disagreement"};
  nlohmann::json j = ReviewItemJson(item);
  EXPECT_EQ(j["key"], "0000000000000abc");
  for (const char* k : {"source", "template", "label", "method", "confidence", "degraded",
                        "model_label", "count", "first_seen", "last_seen", "reasons", "examples"}) {
    EXPECT_TRUE(j.contains(k)) << k;
  }
}

}  // namespace
}  // namespace logsieve
