// The learning loop's benchmarks (issue 12, BENCHMARKS.md "The learning loop").
//
//   learning_bench rounds [LINES_PER_KIND]
//     Three rounds of a team's first weeks. The team's lines are 24 kinds in
//     its own jargon (a plant's reconcilers, kilns, couriers, tallies), which
//     no training corpus holds, many in confusable pairs (a batch parked /
//     jammed, a manifest sealed / skipped, a badge issued / cloned), each with
//     a word slot, so that every round brings new templates of the same kinds.
//     The fake OpenAI-compatible server is the oracle (it answers each line
//     with its kind's label). Round 1 runs the bundled defaults (rules, the
//     default model, the LLM) with the store on; `learn` then trains a
//     candidate and the gate decides; rounds 2 and 3 run the active model on
//     fresh words, with a `learn` after round 2. Prints per round: lines, lines
//     sent to the LLM (share), accuracy of all lines, accuracy of the lines the
//     rules and model decided, and each learn's outcome and time.
//
//   learning_bench prequential human|autopilot [WORDS_PER_KIND]
//     Test first, then learn, on one stream in order (issue 22): the 24 kinds
//     x WORDS_PER_KIND (default 40) words, shuffled, in ten tenths. Each
//     tenth is classified (and scored) before anything learns from it.
//     `human`: a person first corrects 20 lines per label (of words the
//     stream never uses), one `learn` runs, then the stream is classified as
//     a default `classify` would, with no LLM: what is confidently wrong and
//     what is covered. `autopilot`: no person; the oracle is the LLM, the
//     store and the autopilot are on (learn.auto_min_new 50), and after each
//     tenth the autopilot gets its look. Prints per tenth: wrong answers,
//     LLM requests, rounds so far; then the CPU the rounds took and classify
//     lines/s with a learn round running beside it and without.
//
//   learning_bench learn-time [TEMPLATES]
//     Fills a fresh store with TEMPLATES (default 100,000) distinct LLM-decided
//     templates (synthetic lines with their labels) and times `learn` on it
//     with the default base corpus (learn.base_rows).
//
// LEARNING_BENCH_SET="model.file=OLD.lsm;llm.audit_rate=0" changes settings;
// LEARNING_BENCH_REPORTS=1 prints each learn report and the errors by kind.
// Run from the repository root (the bundled rules, model and OOD dev set are
// found there). Release build: cmake -DLOGSIEVE_BENCH=ON; ninja learning_bench.
#include <pthread.h>
#include <sys/resource.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <map>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "learn/learn.h"
#include "llm/testing/fake_llm_server.h"
#include "pipeline/classifier.h"
#include "pipeline/hot_swap.h"
#include "store/autopilot.h"
#include "store/feedback.h"
#include "store/recorder.h"
#include "store/store.h"
#include "store/store_parts.h"
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
    {"parked the batch", "System Notification", "ledger reconciler", "parked the batch at gate 4"},
    {"jammed on the batch", "Workflow Error", "ledger reconciler", "jammed on the batch at gate 4"},
    {"issued a badge", "User Action", "quartermaster", "issued a badge to the night crew"},
    {"badge was cloned", "Security Alert", "quartermaster",
     "reports its badge was cloned at gate 4"},
    {"of its silo", "Resource Usage", "hopper", "at 93 percent of its silo"},
    {"drained on schedule", "System Notification", "hopper", "drained on schedule, silo idle"},
    {"overtemp, line halted", "Critical Error", "kiln", "overtemp, line halted plant-wide"},
    {"fired the lot", "System Notification", "kiln", "fired the lot in 41 minutes"},
    {"spat a NullPointer", "Error", "grinder", "spat a NullPointer in stage mill"},
    {"answered 502 to the dock", "HTTP Status", "tollgate", "answered 502 to the dock"},
    {"sunsets next release train", "Deprecation Warning", "recipe key",
     "sunsets next release train, use v2 keys"},
    {"skipped the manifest", "Workflow Error", "courier", "skipped the manifest, shipment voided"},
    {"sealed the manifest", "System Notification", "courier", "sealed the manifest for pier 9"},
    {"swapped the shift roster", "User Action", "foreman", "swapped the shift roster"},
    {"replayed tally token", "Security Alert", "sentinel",
     "saw a replayed tally token from pier 9"},
    {"torque at 97 percent", "Resource Usage", "spindle", "torque at 97 percent of rating"},
    {"lost every furnace", "Critical Error", "foundry", "lost every furnace, output zero"},
    {"tally mismatch, rework queued", "Workflow Error", "audit of crate",
     "found a tally mismatch, rework queued"},
    {"tally matched", "System Notification", "audit of crate", "tally matched, crate released"},
    {"gripper misfired once", "Error", "robot arm", "gripper misfired once, retrying the pick"},
    {"renamed the palette", "User Action", "planner", "renamed the palette layout"},
    {"forklift key used off-shift", "Security Alert", "yard",
     "forklift key used off-shift at 03:12"},
    {"conveyor belt slack", "Resource Usage", "line", "conveyor belt slack at 88 percent"},
    {"wiped the spool", "Critical Error", "archiver", "wiped the spool, no copies remain"},
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
      out.push_back({"plant", std::string(k.before) + " " + w + " " + k.after});
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

struct RoundResult {
  size_t lines = 0, llm = 0, right = 0, decided = 0, decided_right = 0;
  std::map<std::string, size_t> wrong;  // "kind keyword -> label (method)": lines
};

RoundResult Classify(const Classifier& c, const std::vector<LogRecord>& records,
                     const FakeLlmServer& server) {
  RoundResult r;
  const size_t llm_before = server.line_count();
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
  r.llm = server.line_count() - llm_before;
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

// LEARNING_BENCH_SET="key=value;key=value": other settings for the rounds and
// the prequential stream (a model file for round 1, llm.audit_rate=0,
// learn.llm_weight=1, pipeline.threshold ...).
bool SetFromEnvironment(Config& config) {
  const char* sets = std::getenv("LEARNING_BENCH_SET");
  std::string rest = sets != nullptr ? sets : "";
  while (!rest.empty()) {
    const std::string kv = rest.substr(0, rest.find(';'));
    rest = kv.size() < rest.size() ? rest.substr(kv.size() + 1) : "";
    const size_t eq = kv.find('=');
    if (eq == std::string::npos || !Set(config, kv.substr(0, eq), kv.substr(eq + 1))) return false;
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
  if (!SetFromEnvironment(config)) return 1;
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

double ThreadCpuSeconds() {
  timespec ts{};
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return static_cast<double>(ts.tv_sec) + static_cast<double>(ts.tv_nsec) * 1e-9;
}

// Lines/s of classifying `records` (model and rules only: no LLM) with `c`.
double LinesPerSecond(const Classifier& c, const std::vector<LogRecord>& records) {
  const auto t0 = Clock::now();
  for (size_t start = 0; start < records.size(); start += 256) {
    Batch b;
    for (size_t i = start; i < std::min(records.size(), start + 256); ++i) {
      b.records.push_back(records[i]);
    }
    c.Classify(b);
  }
  return static_cast<double>(records.size()) /
         std::chrono::duration<double>(Clock::now() - t0).count();
}

int Prequential(bool human, size_t per_kind) {
  const std::string dir = Scratch();
  auto server = FakeLlmServer::Start();
  if (!server.ok()) return 1;
  std::map<std::string, std::string> oracle;
  for (const Kind& k : kKinds) oracle[k.keyword] = k.label;
  (*server)->SetHandler(FakeLlmServer::LabelByKeyword(oracle, "Error"));
  Config config;
  if (!Set(config, "store.path", dir + "/store.db") ||
      !Set(config, "learn.registry", dir + "/models") || !Set(config, "store.flush_ms", "100") ||
      !Set(config, "learn.auto_check_s", "1") ||
      !Set(config, "learn.auto", human ? "false" : "true")) {
    return 1;
  }
  if (human) {  // a default classify: no LLM key
    if (!Set(config, "llm.api_key", "")) return 1;
  } else if (!Set(config, "llm.base_url", (*server)->base_url()) ||
             !Set(config, "llm.api_key", "k")) {
    return 1;
  }
  if (!SetFromEnvironment(config)) return 1;
  StoreParts parts = OpenStoreParts(config, "serve");
  if (parts.recorder == nullptr) return 1;
  StatusOr<std::unique_ptr<Classifier>> first = CreateClassifier(config, parts);
  if (!first.ok()) {
    std::fprintf(stderr, "%s\n", first.status().ToString().c_str());
    return 1;
  }
  HotSwapClassifier classifier(*std::move(first));
  auto swap_in = [&] {
    StatusOr<std::unique_ptr<Classifier>> next = CreateClassifier(config, parts);
    if (next.ok()) classifier.Swap(*std::move(next));
  };

  if (human) {  // 20 corrections per label, of words the stream never uses; one learn
    std::map<std::string, int> per_label;
    std::vector<Correction> corrections;
    for (const LogRecord& r : Lines(99, 40)) {
      const std::string label = Truth(r.message);
      if (per_label[label] >= 20) continue;
      ++per_label[label];
      StatusOr<Correction> c =
          MakeCorrection(classifier, {r.source, r.message, label, ""}, "import");
      if (!c.ok()) return 1;
      corrections.push_back(*std::move(c));
    }
    if (!parts.store->AddCorrections(corrections).ok()) return 1;
    std::printf("%zu corrections (20 per label)\n", corrections.size());
    std::optional<LearnReport> report = LearnAndSay(config, *parts.store);
    if (!report) return 1;
    swap_in();
  }

  std::atomic<double> learn_cpu{0};
  std::unique_ptr<Autopilot> autopilot;
  if (!human) {
    LearningHooks hooks = MakeLearningHooks(config);
    Autopilot::Round timed = [&, round = hooks.round](Store& store) {
      const double t0 = ThreadCpuSeconds();
      StatusOr<RoundOutcome> r = round(store);
      learn_cpu = learn_cpu + (ThreadCpuSeconds() - t0);
      return r;
    };
    autopilot = Autopilot::Start(config, parts.store, timed, hooks.baseline,
                                 [&](const std::string&) { swap_in(); });
    if (autopilot == nullptr) return 1;
  }
  std::vector<LogRecord> stream = Lines(1, per_kind);
  std::shuffle(stream.begin(), stream.end(), std::mt19937_64(7));
  std::printf("\n%zu lines (%zu kinds x %zu words), %s\n\n", stream.size(), std::size(kKinds),
              per_kind,
              human ? "20 corrections per label and one learn first, no LLM"
                    : "no person, the LLM and the autopilot on");
  std::printf("| tenth | lines | confidently wrong | covered | LLM requests | rounds so far |\n");
  std::printf("|---|---|---|---|---|---|\n");
  const size_t tenth = (stream.size() + 9) / 10;
  size_t wrong_half = 0, lines_half = 0, llm_half = 0;
  for (int t = 0; t < 10; ++t) {
    std::vector<LogRecord> part(stream.begin() + std::min(stream.size(), t * tenth),
                                stream.begin() + std::min(stream.size(), (t + 1) * tenth));
    const size_t llm_before = (*server)->line_count();
    size_t wrong = 0, covered = 0;
    for (size_t start = 0; start < part.size(); start += 256) {
      Batch b;
      for (size_t i = start; i < std::min(part.size(), start + 256); ++i) {
        b.records.push_back(part[i]);
      }
      classifier.Classify(b);
      for (size_t i = 0; i < b.size(); ++i) {
        const Decision& d = b.decisions[i];
        if (!d.decided() || d.degraded) continue;
        ++covered;
        wrong += d.label != Truth(b.records[i].message);
      }
    }
    const size_t llm = (*server)->line_count() - llm_before;
    if (t >= 5) {
      wrong_half += wrong;
      lines_half += part.size();
      llm_half += llm;
    }
    // The autopilot's look: the store flushed, one check, and a round to its end.
    if (!parts.recorder->Flush().ok()) return 1;
    if (autopilot != nullptr) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1500));
      const std::string running = "\nlogsieve_learn_running 1\n";
      while (MetricsRegistry::Global().RenderPrometheus().find(running) != std::string::npos) {
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
      }
    }
    std::printf("| %d | %zu | %zu (%.1f %%) | %.1f %% | %zu (%.1f %%) | %lld |\n", t + 1,
                part.size(), wrong, 100.0 * static_cast<double>(wrong) / part.size(),
                100.0 * static_cast<double>(covered) / part.size(), llm,
                100.0 * static_cast<double>(llm) / part.size(),
                static_cast<long long>(autopilot ? autopilot->rounds() : 0));
  }
  std::printf("\nsecond half: %.1f %% confidently wrong, %.1f %% of lines to the LLM\n",
              100.0 * static_cast<double>(wrong_half) / lines_half,
              100.0 * static_cast<double>(llm_half) / lines_half);
  if (autopilot != nullptr) {
    std::printf("CPU spent in learn rounds: %.1f s over %lld rounds\n", learn_cpu.load(),
                static_cast<long long>(autopilot->rounds()));
  }
  autopilot.reset();

  // Classify lines/s beside a learn round and without (no LLM; fresh words).
  Config quiet = config;
  if (!Set(quiet, "llm.api_key", "") || !Set(quiet, "store.enabled", "off")) return 1;
  StatusOr<std::unique_ptr<Classifier>> bare = Classifier::Create(quiet);
  if (!bare.ok()) return 1;
  LinesPerSecond(**bare, Lines(4, 200));  // warm-up
  const double alone = LinesPerSecond(**bare, Lines(6, 400));
  const std::vector<LogRecord> load = Lines(5, 400);
  std::atomic<bool> learning{true};
  std::thread round([&] {
    setpriority(PRIO_PROCESS, 0, 19);  // as the autopilot's thread
    (void)Learn(config, *parts.store, LearnOptions::FromConfig(config));
    learning = false;
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  const double beside = LinesPerSecond(**bare, load);
  const bool overlapped = learning;
  round.join();
  std::printf("classify: %.0f lines/s alone, %.0f beside a learn round (%.2fx)%s\n", alone, beside,
              beside / alone, overlapped ? "" : " (the round ended first: not overlapped)");
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
  if (mode == "prequential" && argc > 2) {
    const std::string who = argv[2];
    if (who != "human" && who != "autopilot") return 2;
    return logsieve::Prequential(who == "human",
                                 argc > 3 ? std::strtoul(argv[3], nullptr, 10) : 40);
  }
  if (mode == "learn-time") {
    return logsieve::LearnTime(argc > 2 ? std::strtoul(argv[2], nullptr, 10) : 100000);
  }
  std::fprintf(stderr,
               "usage: learning_bench rounds [WORDS_PER_KIND] | prequential human|autopilot "
               "[WORDS_PER_KIND] | learn-time [TEMPLATES]\n");
  return 2;
}
