// rules_bench: lines/s of the rules stage alone, one thread, over a CSV corpus.
//
//   rules_bench RULES.yaml CORPUS.csv [--seconds S] [--no-spans] [--winners FILE N]
//   rules_bench --dump-json RULES.yaml        (the rules as JSON, for the Python peer)
//
// Prints one JSON object: rules, compile_s (parse + Vectorscan, with spans),
// lines, matched, seconds, lines_per_s. --winners writes the winning rule id
// (or "-") of the first N lines, one per line, to compare with the peer.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iostream>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "common/decision.h"
#include "io/records.h"
#include "rules/rule_set.h"
#include "rules/rules_stage.h"

namespace {

using logsieve::Batch;
using logsieve::LogRecord;

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "rules_bench: " << message << "\n";
  std::exit(2);
}

std::vector<LogRecord> ReadCorpus(const std::string& path) {
  auto in = logsieve::InputStream::Open(path);
  if (!in.ok()) Die(in.status().message());
  auto reader = logsieve::RecordReader::Open(std::move(*in), logsieve::ReadOptions{});
  if (!reader.ok()) Die(reader.status().message());
  std::vector<LogRecord> records;
  logsieve::RecordBatch batch;
  for (;;) {
    batch.Clear();
    auto n = (*reader)->Read(4096, &batch);
    if (!n.ok()) Die(n.status().message());
    if (*n == 0) break;
    for (LogRecord& r : batch.batch.records) records.push_back(std::move(r));
  }
  return records;
}

}  // namespace

int main(int argc, char** argv) {
  using Clock = std::chrono::steady_clock;
  if (argc == 3 && std::string(argv[1]) == "--dump-json") {
    auto file = logsieve::LoadRuleFile(argv[2]);
    if (!file.ok()) Die(file.status().message());
    nlohmann::json out = nlohmann::json::array();
    for (const logsieve::Rule& r : file->rules) {
      out.push_back({{"id", r.id},
                     {"pattern", r.pattern},
                     {"label", r.label},
                     {"sources", r.sources},
                     {"case_insensitive", r.case_insensitive},
                     {"dot_all", r.dot_all},
                     {"multi_line", r.multi_line}});
    }
    std::cout << out.dump() << "\n";
    return 0;
  }
  if (argc < 3) Die("usage: rules_bench RULES.yaml CORPUS.csv [--seconds S] [--winners FILE N]");
  double min_seconds = 2.0;
  bool spans = true;
  std::string winners_path;
  size_t winners_n = 0;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    if (a == "--seconds" && i + 1 < argc) {
      min_seconds = std::atof(argv[++i]);
    } else if (a == "--no-spans") {
      spans = false;
    } else if (a == "--winners" && i + 2 < argc) {
      winners_path = argv[++i];
      winners_n = std::strtoul(argv[++i], nullptr, 10);
    } else {
      Die("unknown argument " + a);
    }
  }

  const auto t0 = Clock::now();
  auto file = logsieve::LoadRuleFile(argv[1]);
  if (!file.ok()) Die(file.status().message());
  auto set = logsieve::RuleSet::Compile(*std::move(file), {.spans = spans});
  if (!set.ok()) Die(set.status().message());
  const double compile_s = std::chrono::duration<double>(Clock::now() - t0).count();
  std::shared_ptr<const logsieve::RuleSet> rules(std::move(*set));
  std::vector<logsieve::Label> labels;  // the rules' own labels, each once
  for (const logsieve::Rule& r : rules->rules()) {
    if (std::none_of(labels.begin(), labels.end(),
                     [&](const logsieve::Label& l) { return l.name == r.label; })) {
      labels.push_back({r.label, ""});
    }
  }
  auto label_set = logsieve::LabelSet::FromLabels(std::move(labels));
  if (!label_set.ok()) Die(label_set.status().message());
  auto stage = logsieve::MakeRulesStage(rules, *label_set);
  if (!stage.ok()) Die(stage.status().message());

  const std::vector<LogRecord> corpus = ReadCorpus(argv[2]);
  if (corpus.empty()) Die("empty corpus");

  // Batches of 256 as the pipeline hands them over; the copy into the batch
  // happens once, outside the timed loop.
  constexpr size_t kBatch = 256;
  std::vector<Batch> batches;
  for (size_t i = 0; i < corpus.size(); i += kBatch) {
    Batch b;
    b.records.assign(corpus.begin() + i, corpus.begin() + std::min(corpus.size(), i + kBatch));
    b.Reset();
    batches.push_back(std::move(b));
  }
  std::vector<size_t> pending(kBatch);
  for (size_t i = 0; i < kBatch; ++i) pending[i] = i;

  size_t lines = 0, matched = 0;
  const auto start = Clock::now();
  double seconds = 0;
  do {
    for (Batch& b : batches) {
      for (auto& d : b.decisions) d.method = logsieve::Method::kNone;
      if (!(*stage)->Decide(b, std::span<const size_t>(pending.data(), b.size())).ok())
        Die("Decide failed");
      lines += b.size();
      for (const auto& d : b.decisions) matched += d.decided();
    }
    seconds = std::chrono::duration<double>(Clock::now() - start).count();
  } while (seconds < min_seconds);

  if (!winners_path.empty()) {
    std::ofstream out(winners_path);
    for (size_t i = 0; i < std::min(winners_n, corpus.size()); ++i) {
      auto m = rules->Match(corpus[i].source, corpus[i].message);
      out << (m ? rules->rule(m->rule).id : "-") << "\n";
    }
  }
  nlohmann::json result = {{"rules", rules->size()},
                           {"compile_s", compile_s},
                           {"corpus_lines", corpus.size()},
                           {"lines", lines},
                           {"matched", matched},
                           {"spans", spans},
                           {"seconds", seconds},
                           {"lines_per_s", lines / seconds}};
  std::cout << result.dump() << "\n";
  return 0;
}
