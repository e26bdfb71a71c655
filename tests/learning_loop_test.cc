// The learning loop end to end (issue 12): the fake OpenAI-compatible server
// is an oracle answering from a fixed keyword -> label map. Round 1 classifies
// a corpus with the LLM and the store on; `learn` promotes a candidate; round
// 2 classifies fresh lines of the same kinds with that model: far fewer lines
// go to the LLM, and accuracy is not lower.
#include <gtest/gtest.h>

#include <cstdio>
#include <map>

#include "learn/learn.h"
#include "llm/testing/fake_llm_server.h"
#include "pipeline/classifier.h"
#include "store/recorder.h"
#include "testing/testing.h"
#include "train/synthetic_logs.h"

namespace logsieve {
namespace {

using testing::FakeLlmServer;

// Kinds of line: a keyword the oracle knows, its label, and a wording with a
// word slot (a new word is a new template) and numbers (masked).
struct Kind {
  const char* keyword;
  const char* label;
  const char* before;  // ... WORD ...
  const char* after;
};
constexpr Kind kKinds[] = {
    {"disk usage", "Resource Usage", "disk usage at 93% on volume", "of host 12"},
    {"logged out", "User Action", "user", "logged out after 41 minutes"},
    {"declined by gateway", "Workflow Error", "payment for order 7781 from", "declined by gateway"},
    {"failed password", "Security Alert", "failed password for", "from 10.2.3.4 port 2201"},
    {"is deprecated", "Deprecation Warning", "module", "is deprecated and will be removed in 5.0"},
    {"kernel panic", "Critical Error", "kernel panic on node", "not syncing: fatal exception"},
    {"backup job", "System Notification", "backup job", "completed in 31 seconds"},
};

std::vector<LogRecord> Lines(const std::vector<std::string>& words, int copies) {
  std::vector<LogRecord> out;
  for (int c = 0; c < copies; ++c) {
    for (const std::string& w : words) {
      for (const Kind& k : kKinds) {
        out.push_back(
            {"app", std::string(k.before) + " " + w + " " + k.after + " #" + std::to_string(c)});
      }
    }
  }
  return out;
}

std::string Truth(const std::string& line) {
  for (const Kind& k : kKinds) {
    if (line.find(k.keyword) != std::string::npos) return k.label;
  }
  return "";
}

// Classifies `records` in batches; the share of right labels.
double ClassifyAll(const Classifier& c, const std::vector<LogRecord>& records) {
  size_t right = 0;
  for (size_t start = 0; start < records.size(); start += 64) {
    Batch b;
    for (size_t i = start; i < std::min(records.size(), start + 64); ++i) {
      b.records.push_back(records[i]);
    }
    c.Classify(b);
    for (size_t i = 0; i < b.size(); ++i)
      right += b.decisions[i].label == Truth(b.records[i].message);
  }
  return static_cast<double>(right) / static_cast<double>(records.size());
}

TEST(LearningLoopTest, AfterLearnFreshLinesOfTheSameKindsNeedFarFewerLlmCallsAndLoseNoAccuracy) {
  testing::ScratchDir dir;
  auto server = FakeLlmServer::Start();
  ASSERT_TRUE(server.ok()) << server.status().ToString();
  std::map<std::string, std::string> oracle;
  for (const Kind& k : kKinds) oracle[k.keyword] = k.label;
  (*server)->SetHandler(FakeLlmServer::LabelByKeyword(oracle, "Error"));

  Config config;
  for (auto [key, value] :
       std::vector<std::pair<std::string, std::string>>{{"pipeline.stages", "[model, llm]"},
                                                        {"pipeline.routes", "[]"},
                                                        {"model.file", "none"},
                                                        {"model.hashing.dims", "4096"},
                                                        {"llm.base_url", (*server)->base_url()},
                                                        {"llm.api_key", "test-key"},
                                                        {"store.path", dir.File("store.db")},
                                                        {"store.flush_ms", "3600000"},
                                                        {"learn.registry", dir.File("models")},
                                                        {"learn.base_rows", "900"}}) {
    ASSERT_TRUE(config.Set(key, value, "test").ok()) << key;
  }

  // Round 1: no model; every template goes to the LLM and into the store.
  std::shared_ptr<StoreRecorder> recorder = OpenRecorder(config, "serve");
  ASSERT_NE(recorder, nullptr);
  auto round1 = Classifier::Create(config);
  ASSERT_TRUE(round1.ok()) << round1.status().ToString();
  std::unique_ptr<Classifier> c1 = WithRecording(*std::move(round1), recorder, config);
  const std::vector<std::string> words1 = {"alpha",   "bravo", "charlie", "delta",    "echo",
                                           "foxtrot", "golf",  "hotel",   "india",    "juliet",
                                           "kilo",    "lima",  "mike",    "november", "oscar"};
  const double accuracy1 = ClassifyAll(*c1, Lines(words1, 2));
  const size_t llm1 = (*server)->line_count();
  ASSERT_TRUE(recorder->Flush().ok());
  EXPECT_EQ(accuracy1, 1.0);
  EXPECT_EQ(llm1, words1.size() * std::size(kKinds));  // each template once

  // learn: candidate from the synthetic base corpus + the stored LLM answers.
  StatusOr<LearnReport> report = Learn(config, recorder->store(), LearnOptions::FromConfig(config));
  ASSERT_TRUE(report.ok()) << report.status().ToString();
  ASSERT_TRUE(report->promoted) << FormatLearnReport(*report);

  // Round 2: the promoted model first, fresh words (new templates).
  ASSERT_TRUE(config.Set("model.file", report->active_model, "test").ok());
  auto c2 = Classifier::Create(config);
  ASSERT_TRUE(c2.ok()) << c2.status().ToString();
  const std::vector<std::string> words2 = {"papa",    "quebec", "romeo",   "sierra", "tango",
                                           "uniform", "victor", "whiskey", "xray",   "yankee",
                                           "zulu",    "amber",  "basalt",  "cobalt", "dune"};
  const double accuracy2 = ClassifyAll(**c2, Lines(words2, 2));
  const size_t llm2 = (*server)->line_count() - llm1;
  // The numbers, for BENCHMARKS.md ("The learning loop").
  std::printf(
      "round 1: %zu lines, %zu to the LLM, accuracy %.3f; round 2: %zu to the LLM, "
      "accuracy %.3f\n",
      Lines(words1, 2).size(), llm1, accuracy1, llm2, accuracy2);
  EXPECT_LE(llm2 * 5, llm1) << "round 1: " << llm1 << " LLM lines, round 2: " << llm2;
  EXPECT_GE(accuracy2, accuracy1) << FormatLearnReport(*report);
}

}  // namespace
}  // namespace logsieve
