// The learning loop's benchmarks (issue 12, BENCHMARKS.md "The learning loop").
//
//   learning_bench rounds [LINES_PER_KIND]
//     Three rounds of a team's first weeks. The team's lines are 24 kinds the
//     bundled model was never trained on, in confusable pairs (a payment
//     captured / declined, a sync finished / failed, a login / a privilege
//     escalation, a check "was successful" / "was not successful"), each with
//     a word slot, so that every round brings new templates of the same kinds.
//     The fake OpenAI-compatible server is the oracle (it answers each line
//     with its kind's label). Round 1 runs the bundled defaults (rules, the
//     default model, the LLM) with the store on; `learn` then trains a
//     candidate and the gate decides; rounds 2 and 3 run the active model on
//     fresh words, with a `learn` after round 2. Prints per round: lines, lines
//     sent to the LLM (share), accuracy of all lines, accuracy of the lines the
//     rules and model decided, and each learn's outcome and time.
//
//   learning_bench learn-time [TEMPLATES]
//     Fills a fresh store with TEMPLATES (default 100,000) distinct LLM-decided
//     templates (synthetic lines with their labels) and times `learn` on it
//     with the default base corpus (learn.base_rows).
//
// Run from the repository root (the bundled rules, model and OOD dev set are
// found there). Release build: cmake -DLOGSIEVE_BENCH=ON; ninja learning_bench.
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <map>
#include <random>
#include <string>
#include <vector>

#include "learn/learn.h"
#include "llm/testing/fake_llm_server.h"
#include "pipeline/classifier.h"
#include "store/recorder.h"
#include "store/store.h"
#include "text/normalizer.h"
#include "train/synthetic_logs.h"

namespace logsieve {
namespace {

using testing::FakeLlmServer;
using Clock = std::chrono::steady_clock;

// A kind of line: the phrase the oracle knows it by (unique among kinds), its
// label, and the line around a word slot.
struct Kind {
  const char* keyword;
  const char* label;
  const char* before;  // ... WORD ...
  const char* after;
};
constexpr Kind kKinds[] = {
    {"captured by acquirer", "System Notification", "payment for order 7781 from",
     "captured by acquirer in 212 ms"},
    {"refused by acquirer", "Workflow Error", "payment for order 7781 from",
     "refused by acquirer: insufficient funds"},
    {"sync to ERP finished", "System Notification", "nightly",
     "sync to ERP finished, 1200 records"},
    {"sync to ERP aborted", "Workflow Error", "nightly", "sync to ERP aborted after 3 retries"},
    {"granted the admin role", "Security Alert", "account", "granted the admin role by itself"},
    {"changed the display name", "User Action", "account", "changed the display name"},
    {"signed in via SSO", "User Action", "member", "signed in via SSO from the web app"},
    {"locked after 6 bad passwords", "Security Alert", "member",
     "locked after 6 bad passwords from 198.51.100.7"},
    {"probe was successful", "System Notification", "TLS", "probe was successful for the gateway"},
    {"probe was not successful", "Error", "TLS", "probe was not successful for the gateway"},
    {"heap at 94 percent", "Resource Usage", "worker", "heap at 94 percent of its limit"},
    {"ran out of inodes", "Critical Error", "volume", "ran out of inodes, writes stopped"},
    {"every replica is down", "Critical Error", "cluster", "unreachable, every replica is down"},
    {"one replica lagging", "System Notification", "cluster", "healthy with one replica lagging"},
    {"invoice rendering halted", "Workflow Error", "batch", "invoice rendering halted at step 4"},
    {"invoice rendering done", "System Notification", "batch", "invoice rendering done in 9 s"},
    {"TypeError in handler", "Error", "request to", "hit a TypeError in handler render"},
    {"flag will be dropped", "Deprecation Warning", "option",
     "is obsolete; the flag will be dropped"},
    {"returned HTTP 503", "HTTP Status", "upstream", "returned HTTP 503 to the edge"},
    {"quota of 50 GB used", "Resource Usage", "tenant", "has 49 GB of its quota of 50 GB used"},
    {"pipeline stalled at test", "Workflow Error", "build for", "pipeline stalled at test stage"},
    {"pipeline passed every stage", "System Notification", "build for",
     "pipeline passed every stage"},
    {"token reuse detected", "Security Alert", "session of",
     "token reuse detected from 2 countries"},
    {"opened the settings page", "User Action", "operator", "opened the settings page"},
};

// `n` words no round shares with another (a new word is a new template).
std::vector<std::string> Words(int round, size_t n) {
  static const char* kSyll[] = {"ka", "lo", "mi", "ne", "ru", "ta", "vo", "zi", "pe", "so"};
  std::mt19937_64 rng(static_cast<uint64_t>(round) * 7919u + 1);
  std::vector<std::string> out;
  while (out.size() < n) {
    std::string w = "r" + std::to_string(round);
    for (int i = 0; i < 3; ++i) w += kSyll[rng() % 10];
    out.push_back(w);
  }
  return out;
}

std::vector<LogRecord> Lines(int round, size_t per_kind) {
  std::vector<LogRecord> out;
  for (const std::string& w : Words(round, per_kind)) {
    for (const Kind& k : kKinds) {
      out.push_back({"billing", std::string(k.before) + " " + w + " " + k.after});
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

size_t LlmLines(const FakeLlmServer& server) {
  size_t n = 0;
  for (const testing::FakeRequest& r : server.requests()) n += r.Logs().size();
  return n;
}

struct RoundResult {
  size_t lines = 0, llm = 0, right = 0, decided = 0, decided_right = 0;
  std::map<std::string, size_t> wrong;  // "kind keyword -> label (method)": lines
};

RoundResult Classify(const Classifier& c, const std::vector<LogRecord>& records,
                     const FakeLlmServer& server) {
  RoundResult r;
  const size_t llm_before = LlmLines(server);
  for (size_t start = 0; start < records.size(); start += 256) {
    Batch b;
    for (size_t i = start; i < std::min(records.size(), start + 256); ++i) {
      b.records.push_back(records[i]);
    }
    c.Classify(b);
    for (size_t i = 0; i < b.size(); ++i) {
      const bool right = b.decisions[i].label == Truth(b.records[i].message);
      if (!right) {
        for (const Kind& k : kKinds) {
          if (b.records[i].message.find(k.keyword) != std::string::npos) {
            ++r.wrong[std::string(k.keyword) + " -> " + b.decisions[i].label + " (" +
                      std::string(MethodName(b.decisions[i].method)) + ")"];
          }
        }
      }
      r.right += right;
      if (b.decisions[i].method == Method::kRegex || b.decisions[i].method == Method::kML) {
        ++r.decided;
        r.decided_right += right;
      }
    }
  }
  r.lines = records.size();
  r.llm = LlmLines(server) - llm_before;
  return r;
}

void Print(int round, const RoundResult& r) {
  std::printf(
      "| %d | %zu | %zu (%.1f %%) | %.3f | %.3f (%zu lines) |\n", round, r.lines, r.llm,
      100.0 * static_cast<double>(r.llm) / static_cast<double>(r.lines),
      static_cast<double>(r.right) / static_cast<double>(r.lines),
      r.decided ? static_cast<double>(r.decided_right) / static_cast<double>(r.decided) : 0.0,
      r.decided);
  if (std::getenv("LEARNING_BENCH_REPORTS") != nullptr) {
    for (const auto& [what, n] : r.wrong) std::printf("    wrong: %zu x %s\n", n, what.c_str());
  }
}

bool Set(Config& config, const std::string& key, const std::string& value) {
  if (Status s = config.Set(key, value, "learning_bench"); !s.ok()) {
    std::fprintf(stderr, "%s\n", s.ToString().c_str());
    return false;
  }
  return true;
}

std::string Scratch() {
  char dir[] = "/tmp/logsieve-learning-bench-XXXXXX";
  if (mkdtemp(dir) == nullptr) return "";
  return dir;
}

// Learns, prints the outcome; the report, or null when learn failed.
std::optional<LearnReport> LearnAndSay(const Config& config, Store& store) {
  const auto t0 = Clock::now();
  StatusOr<LearnReport> report = Learn(config, store, LearnOptions::FromConfig(config));
  const double s = std::chrono::duration<double>(Clock::now() - t0).count();
  if (!report.ok()) {
    std::fprintf(stderr, "learn: %s\n", report.status().ToString().c_str());
    return std::nullopt;
  }
  std::printf("learn: %s %s in %.1f s (%zu base rows, %zu LLM rows, %zu held out)%s%s\n",
              report->version.c_str(), report->promoted ? "promoted" : "NOT promoted", s,
              report->base_rows, report->llm_rows, report->holdout_rows,
              report->reasons.empty() ? "" : ": ",
              report->reasons.empty() ? "" : report->reasons.front().c_str());
  if (std::getenv("LEARNING_BENCH_REPORTS") != nullptr) {
    std::printf("%s\n", FormatLearnReport(*report).c_str());
  }
  return *std::move(report);
}

int Rounds(size_t per_kind) {
  const std::string dir = Scratch();
  auto server = FakeLlmServer::Start();
  if (!server.ok()) return 1;
  std::map<std::string, std::string> oracle;
  for (const Kind& k : kKinds) oracle[k.keyword] = k.label;
  (*server)->SetHandler(FakeLlmServer::LabelByKeyword(oracle, "Error"));

  Config config;  // the bundled defaults, with the oracle as the LLM
  if (!Set(config, "llm.base_url", (*server)->base_url()) || !Set(config, "llm.api_key", "k") ||
      !Set(config, "store.path", dir + "/store.db") || !Set(config, "store.flush_ms", "3600000") ||
      !Set(config, "learn.registry", dir + "/models")) {
    return 1;
  }
  std::shared_ptr<StoreRecorder> recorder = OpenRecorder(config, "serve");
  if (recorder == nullptr) return 1;

  std::printf("%zu kinds x %zu words per round\n\n", std::size(kKinds), per_kind);
  std::printf("| round | lines | to the LLM (share) | accuracy | accuracy of rules + model |\n");
  std::printf("|---|---|---|---|---|\n");
  for (int round = 1; round <= 3; ++round) {
    StatusOr<std::unique_ptr<Classifier>> made = Classifier::Create(config);
    if (!made.ok()) {
      std::fprintf(stderr, "%s\n", made.status().ToString().c_str());
      return 1;
    }
    std::unique_ptr<Classifier> c = WithRecording(*std::move(made), recorder, config);
    Print(round, Classify(*c, Lines(round, per_kind), **server));
    if (!recorder->Flush().ok()) return 1;
    if (round == 3) break;
    std::optional<LearnReport> report = LearnAndSay(config, recorder->store());
    if (!report) return 1;
    if (report->promoted && !Set(config, "model.file", report->active_model)) return 1;
  }
  return 0;
}

int LearnTime(size_t templates) {
  const std::string dir = Scratch();
  Config config;
  if (!Set(config, "store.path", dir + "/store.db") ||
      !Set(config, "store.max_templates", std::to_string(templates * 2)) ||
      !Set(config, "learn.registry", dir + "/models")) {
    return 1;
  }
  StatusOr<StoreOptions> options = StoreOptions::FromConfig(config);
  if (!options.ok()) return 1;
  StatusOr<std::unique_ptr<Store>> store = Store::Open(*options);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    return 1;
  }
  // Distinct templates with their labels, as the LLM would have answered them.
  SyntheticOptions gen;
  gen.seed = 99;
  gen.rows = templates * 3;
  StatusOr<Normalizer> normalizer = Normalizer::FromConfig(config);
  if (!normalizer.ok()) return 1;
  std::vector<TemplateObservation> batch;
  std::map<uint64_t, bool> seen;
  std::string text;
  const auto t0 = Clock::now();
  for (const SyntheticRow& row : GenerateSyntheticLogs(gen)) {
    if (seen.size() >= templates) break;
    normalizer->Normalize(row.message, &text);
    const uint64_t key = TemplateKey("default", text);
    if (!seen.emplace(key, true).second) continue;
    TemplateObservation o;
    o.key = key;
    o.source = row.source;
    o.template_text = text;
    o.label = row.label;
    o.method = "LLM";
    o.confidence = 0.9f;
    o.count = 1;
    o.examples = {row.message};
    batch.push_back(std::move(o));
    if (batch.size() == 10000) {
      if (Status s = (*store)->Record(batch); !s.ok()) return 1;
      batch.clear();
    }
  }
  if (!batch.empty() && !(*store)->Record(batch).ok()) return 1;
  std::printf("stored %zu templates in %.1f s\n", seen.size(),
              std::chrono::duration<double>(Clock::now() - t0).count());
  return LearnAndSay(config, **store) ? 0 : 1;
}

}  // namespace
}  // namespace logsieve

int main(int argc, char** argv) {
  const std::string mode = argc > 1 ? argv[1] : "";
  if (mode == "rounds") return logsieve::Rounds(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 20);
  if (mode == "learn-time") {
    return logsieve::LearnTime(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100000);
  }
  std::fprintf(stderr, "usage: learning_bench rounds [WORDS_PER_KIND] | learn-time [TEMPLATES]\n");
  return 2;
}
