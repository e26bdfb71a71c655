#include "store/store.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdio>

#include "testing/testing.h"

namespace logsieve {
namespace {

StoreOptions Options(const std::string& path) {
  StoreOptions o = *StoreOptions::FromConfig(Config());
  o.path = path;
  o.busy_timeout_ms = 0;
  return o;
}

TemplateObservation Llm(uint64_t key, std::string text, std::string label, float confidence,
                        int64_t count = 1, int64_t seen = 100) {
  TemplateObservation o;
  o.key = key;
  o.source = "ModernCRM";
  o.template_text = text;
  o.label = std::move(label);
  o.method = "LLM";
  o.confidence = confidence;
  o.llm_model = "fake-model";
  o.prompt_version = "abc";
  o.count = count;
  o.first_seen = seen;
  o.last_seen = seen;
  o.examples = {text + " #1", text + " #2", text + " #3", text + " #4"};
  return o;
}

// A raw connection beside the store, as another process would hold one.
struct Raw {
  explicit Raw(const std::string& path) { sqlite3_open(path.c_str(), &db); }
  ~Raw() { sqlite3_close(db); }
  int Exec(const std::string& sql) {
    return sqlite3_exec(db, sql.c_str(), nullptr, nullptr, nullptr);
  }
  int64_t Int(const std::string& sql) {
    sqlite3_stmt* s = nullptr;
    sqlite3_prepare_v2(db, sql.c_str(), -1, &s, nullptr);
    int64_t v = sqlite3_step(s) == SQLITE_ROW ? sqlite3_column_int64(s, 0) : -1;
    sqlite3_finalize(s);
    return v;
  }
  sqlite3* db = nullptr;
};

TEST(StoreTest, AReadOnlyOpenOfAMissingStoreCreatesNothingAndNamesThePath) {
  testing::ScratchDir dir;
  const std::string path = dir.File("a/b/store.db");
  for (StoreOpenMode mode : {StoreOpenMode::kReadOnly, StoreOpenMode::kExisting}) {
    StatusOr<std::unique_ptr<Store>> s = Store::Open(Options(path), mode);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kNotFound);
    EXPECT_THAT(s.status().message(), ::testing::HasSubstr(path + ": no store here"));
  }
  struct stat st {};
  EXPECT_NE(stat(dir.File("a").c_str(), &st), 0) << "the folder was made";
}

TEST(StoreTest, AReadOnlyOpenReadsAStoreAndCannotWriteIt) {
  testing::ScratchDir dir;
  const std::string path = dir.File("store.db");
  ASSERT_TRUE(Store::Open(Options(path)).ok());
  StatusOr<std::unique_ptr<Store>> s = Store::Open(Options(path), StoreOpenMode::kReadOnly);
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->Stats()->templates, 0);
  EXPECT_TRUE((*s)->Review(10, 0.7).ok());
  EXPECT_FALSE((*s)->Record(std::vector{Llm(1, "disk <NUM> full", "Error", 0.9f)}).ok());
}

TEST(StoreTest, AnotherProgramsSqliteFileIsRefusedAndLeftUnchanged) {
  testing::ScratchDir dir;
  const std::string path = dir.File("crm.db");
  {
    Raw raw(path);
    ASSERT_EQ(raw.Exec("CREATE TABLE customers(name TEXT); INSERT INTO customers VALUES('Ann')"),
              SQLITE_OK);
  }
  for (StoreOpenMode mode : {StoreOpenMode::kCreate, StoreOpenMode::kReadOnly}) {
    StatusOr<std::unique_ptr<Store>> s = Store::Open(Options(path), mode);
    ASSERT_FALSE(s.ok());
    EXPECT_EQ(s.status().code(), StatusCode::kFailedPrecondition);
    EXPECT_THAT(
        s.status().message(),
        ::testing::HasSubstr(path + ": an SQLite file of another program (tables: customers)"));
  }
  Raw raw(path);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM sqlite_schema"), 1);
  EXPECT_EQ(raw.Int("PRAGMA user_version"), 0);
}

TEST(StoreTest, AnEmptyFileBecomesAStoreWhenOpenedForWriting) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("new.db"), "");
  EXPECT_FALSE(Store::Open(Options(dir.File("new.db")), StoreOpenMode::kReadOnly).ok());
  StatusOr<std::unique_ptr<Store>> s = Store::Open(Options(dir.File("new.db")));
  ASSERT_TRUE(s.ok()) << s.status().ToString();
  EXPECT_EQ((*s)->Stats()->schema_version, Store::kSchemaVersion);
}

// A folder this process cannot write; as root (which writes anywhere) the
// open runs in a child that drops to nobody.
TEST(StoreTest, AStoreInAReadOnlyFolderIsReportedAsReadOnlyNotLocked) {
  testing::ScratchDir dir;
  const std::string folder = dir.File("ro");
  const std::string path = folder + "/store.db";
  ASSERT_TRUE(Store::Open(Options(path)).ok());
  ASSERT_EQ(chmod(dir.path().c_str(), 0755), 0);
  ASSERT_EQ(chmod(path.c_str(), 0644), 0);
  ASSERT_EQ(chmod(folder.c_str(), 0555), 0);
  auto open_as_reader = [&] {
    if (geteuid() == 0 && (setgid(65534) != 0 || setuid(65534) != 0)) _exit(3);
    for (StoreOpenMode mode : {StoreOpenMode::kCreate, StoreOpenMode::kReadOnly}) {
      StatusOr<std::unique_ptr<Store>> s = Store::Open(Options(path), mode);
      std::fprintf(stderr, "%s\n", s.status().message().c_str());
      if (s.ok() || s.status().code() != StatusCode::kPermissionDenied) _exit(1);
    }
    _exit(0);
  };
  EXPECT_EXIT(open_as_reader(), ::testing::ExitedWithCode(0),
              "the store's folder .*/ro is read-only");
  ASSERT_EQ(chmod(folder.c_str(), 0755), 0);
}

TEST(StoreTest, OpenCreatesTheFolderAndTheSchemaAndReopensIt) {
  testing::ScratchDir dir;
  const std::string path = dir.File("a/b/store.db");
  ASSERT_TRUE(Store::Open(Options(path)).ok());
  StatusOr<std::unique_ptr<Store>> again = Store::Open(Options(path));
  ASSERT_TRUE(again.ok()) << again.status().ToString();
  EXPECT_EQ((*again)->Stats()->schema_version, Store::kSchemaVersion);
}

TEST(StoreTest, TheStoreRunsInWalMode) {
  testing::ScratchDir dir;
  auto store = Store::Open(Options(dir.File("s.db")));
  ASSERT_TRUE(store.ok());
  Raw raw(dir.File("s.db"));
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(raw.db, "PRAGMA journal_mode", -1, &s, nullptr);
  ASSERT_EQ(sqlite3_step(s), SQLITE_ROW);
  EXPECT_STREQ(reinterpret_cast<const char*>(sqlite3_column_text(s, 0)), "wal");
  sqlite3_finalize(s);
}

TEST(StoreTest, RecordingATemplateAgainAddsItsCountAndKeepsAFewExamples) {
  testing::ScratchDir dir;
  auto store = *Store::Open(Options(dir.File("s.db")));
  ASSERT_TRUE(
      store->Record(std::vector{Llm(7, "disk <NUM> full", "Resource Usage", 0.9f, 2)}).ok());
  ASSERT_TRUE(
      store->Record(std::vector{Llm(7, "disk <NUM> full", "Resource Usage", 0.9f, 3, 200)}).ok());
  Raw raw(dir.File("s.db"));
  EXPECT_EQ(raw.Int("SELECT count FROM templates WHERE key = 7"), 5);
  EXPECT_EQ(raw.Int("SELECT first_seen FROM templates WHERE key = 7"), 100);
  EXPECT_EQ(raw.Int("SELECT last_seen FROM templates WHERE key = 7"), 200);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM examples WHERE key = 7"), 3);  // store.examples
}

TEST(StoreTest, ALockedStoreRefusesTheWriteAsUnavailableAndLosesNothingStored) {
  testing::ScratchDir dir;
  auto store = *Store::Open(Options(dir.File("s.db")));
  ASSERT_TRUE(store->Record(std::vector{Llm(1, "a", "Error", 0.9f)}).ok());
  Raw other(dir.File("s.db"));
  ASSERT_EQ(other.Exec("BEGIN IMMEDIATE"), SQLITE_OK);  // another writer holds it
  Status s = store->Record(std::vector{Llm(2, "b", "Error", 0.9f)});
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_THAT(s.message(), ::testing::HasSubstr("locked")) << s.message();
  EXPECT_THAT(s.message(), ::testing::HasSubstr(dir.File("s.db"))) << s.message();
  ASSERT_EQ(other.Exec("COMMIT"), SQLITE_OK);
  EXPECT_EQ(store->Stats()->templates, 1);
  EXPECT_TRUE(store->Record(std::vector{Llm(2, "b", "Error", 0.9f)}).ok());
}

TEST(StoreTest, ACorruptFileIsRefusedAsDataLossNamingIt) {
  testing::ScratchDir dir;
  testing::WriteFile(dir.File("s.db"), std::string(8192, 'x'));
  StatusOr<std::unique_ptr<Store>> store = Store::Open(Options(dir.File("s.db")));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kDataLoss) << store.status().ToString();
  EXPECT_THAT(store.status().message(), ::testing::HasSubstr(dir.File("s.db")));
  EXPECT_EQ(testing::ReadFile(dir.File("s.db")), std::string(8192, 'x'));  // untouched
}

TEST(StoreTest, AStoreWithANewerSchemaIsRefusedAndLeftUnchanged) {
  testing::ScratchDir dir;
  {
    Raw raw(dir.File("s.db"));
    ASSERT_EQ(raw.Exec("CREATE TABLE future(x); PRAGMA user_version = 99"), SQLITE_OK);
  }
  StatusOr<std::unique_ptr<Store>> store = Store::Open(Options(dir.File("s.db")));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_THAT(store.status().message(), ::testing::HasSubstr("schema version 99 is newer"))
      << store.status().message();
  EXPECT_EQ(Raw(dir.File("s.db")).Int("PRAGMA user_version"), 99);
}

TEST(StoreTest, AFullStoreRefusesTheWriteAsResourceExhausted) {
  testing::ScratchDir dir;
  StoreOptions o = Options(dir.File("s.db"));
  o.max_bytes = 65536;
  auto store = *Store::Open(o);
  Status s;
  for (uint64_t k = 1; k < 2000 && s.ok(); ++k) {
    s = store->Record(
        std::vector{Llm(k, std::string(200, 'a') + std::to_string(k), "Error", 0.9f)});
  }
  EXPECT_EQ(s.code(), StatusCode::kResourceExhausted) << s.ToString();
  EXPECT_THAT(s.message(), ::testing::HasSubstr("full")) << s.message();
  EXPECT_GT(store->Stats()->templates, 0);  // what was stored stays
}

TEST(StoreTest, PastMaxTemplatesTheLeastRecentlySeenGoWithTheirExamples) {
  testing::ScratchDir dir;
  StoreOptions o = Options(dir.File("s.db"));
  o.max_templates = 2;
  auto store = *Store::Open(o);
  ASSERT_TRUE(store->Record(std::vector{Llm(1, "old", "Error", 0.9f, 50, 100)}).ok());
  ASSERT_TRUE(store->Record(std::vector{Llm(2, "mid", "Error", 0.9f, 1, 200)}).ok());
  ASSERT_TRUE(store->Record(std::vector{Llm(3, "new", "Error", 0.9f, 1, 300)}).ok());
  Raw raw(dir.File("s.db"));
  EXPECT_EQ(raw.Int("SELECT count(*) FROM templates"), 2);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM templates WHERE key = 1"), 0);
  EXPECT_EQ(raw.Int("SELECT count(*) FROM examples WHERE key = 1"), 0);
}

TEST(StoreTest, ReviewPutsTemplatesWithMoreReasonsFirstThenTheMostFrequent) {
  testing::ScratchDir dir;
  auto store = *Store::Open(Options(dir.File("s.db")));
  TemplateObservation sure = Llm(1, "sure", "Error", 0.95f, 100);
  TemplateObservation low = Llm(2, "low", "Error", 0.4f, 5);
  TemplateObservation low_often = Llm(3, "low often", "Error", 0.4f, 50);
  TemplateObservation disagree = Llm(4, "disagree", "Error", 0.4f, 1);
  disagree.model_label = "User Action";
  disagree.model_confidence = 0.6f;
  ASSERT_TRUE(store->Record(std::vector{sure, low, low_often, disagree}).ok());
  auto review = store->Review(10, 0.7);
  ASSERT_TRUE(review.ok()) << review.status().ToString();
  ASSERT_EQ(review->size(), 3u);
  EXPECT_EQ((*review)[0].template_text, "disagree");
  EXPECT_EQ((*review)[0].reasons, (std::vector<std::string>{"low confidence", "disagreement"}));
  EXPECT_EQ((*review)[0].model_label, "User Action");
  EXPECT_EQ((*review)[1].template_text, "low often");
  EXPECT_EQ((*review)[2].template_text, "low");
  EXPECT_EQ((*review)[2].examples.size(), 3u);
}

TEST(StoreTest, ACorrectionOfADifferentModelDecisionIsRecordedAsADisagreement) {
  testing::ScratchDir dir;
  auto store = *Store::Open(Options(dir.File("s.db")));
  Correction c{"ModernCRM", "disk 4 full",     "Resource Usage", "not an error", "api",
               9,           "disk <NUM> full", "Error",          "ML",           100};
  ASSERT_TRUE(store->AddCorrections(std::vector{c}).ok());
  StoreStats stats = *store->Stats();
  EXPECT_EQ(stats.corrections, 1);
  EXPECT_EQ(stats.disagreements, 1);
}

TEST(StoreTest, TrainingLabelsLeaveOutLowConfidenceAndDegradedLlmAnswers) {
  testing::ScratchDir dir;
  auto store = *Store::Open(Options(dir.File("s.db")));
  TemplateObservation degraded = Llm(3, "degraded", "Error", 0.9f);
  degraded.degraded = true;
  ASSERT_TRUE(store
                  ->Record(std::vector{Llm(1, "sure", "Error", 0.9f),
                                       Llm(2, "unsure", "Error", 0.3f), degraded})
                  .ok());
  Correction c{"ModernCRM", "disk 4 full", "Resource Usage", "", "import", 9, "", "", "", 100};
  ASSERT_TRUE(store->AddCorrections(std::vector{c}).ok());
  auto labels = store->Labels(0.6);
  ASSERT_TRUE(labels.ok());
  ASSERT_EQ(labels->size(), 2u);
  EXPECT_EQ((*labels)[0].origin, "correction");
  EXPECT_EQ((*labels)[1].text, "sure #1");
}

TEST(StoreTest, PurgeLeavesAnEmptyStore) {
  testing::ScratchDir dir;
  auto store = *Store::Open(Options(dir.File("s.db")));
  ASSERT_TRUE(store->Record(std::vector{Llm(1, "a", "Error", 0.9f)}).ok());
  ASSERT_TRUE(store->Purge().ok());
  StoreStats stats = *store->Stats();
  EXPECT_EQ(stats.templates, 0);
  EXPECT_EQ(Raw(dir.File("s.db")).Int("SELECT count(*) FROM examples"), 0);
}

}  // namespace
}  // namespace logsieve
