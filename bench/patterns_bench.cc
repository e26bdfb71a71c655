// patterns_bench: grouping accuracy and speed of the template miner.
//
//   patterns_bench accuracy LOGHUB_2K_CORRECTED_DIR
//   patterns_bench speed LINES.txt
//   patterns_bench dump SYSTEM_2k.log_structured_corrected.csv
//
// accuracy reads every SYSTEM/SYSTEM_2k.log_structured_corrected.csv below the
// folder (logparser's data/loghub_2k_corrected: Content and EventId columns)
// and prints, per system, the grouping accuracy of Zhu et al. 2019 (a line
// counts when the set of lines sharing its mined template equals the set
// sharing its true EventId) with one miner per system, then with one miner
// for all 16 systems interleaved line by line, each scored on its own lines.
// Lines are grouped by their cluster's final template text (its TemplateId),
// as logparser groups Drain's output by template.
// speed prints lines/s of Add over the lines of a file, one thread.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <iostream>
#include <map>
#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "io/csv.h"
#include "io/input_stream.h"
#include "patterns/template_miner.h"

namespace {

using logsieve::TemplateMiner;

// The systems the masks were designed on; the other half was held out.
const char* const kDesignSystems[] = {"Android", "BGL",       "HPC",   "HealthApp",
                                      "Mac",     "OpenStack", "Spark", "Windows"};

[[noreturn]] void Die(const std::string& message) {
  std::cerr << "patterns_bench: " << message << "\n";
  std::exit(2);
}

struct System {
  std::string name;
  std::vector<std::string> content;
  std::vector<std::string> event;
};

System ReadSystem(const std::filesystem::path& csv, std::string name) {
  auto in = logsieve::InputStream::Open(csv.string());
  if (!in.ok()) Die(in.status().message());
  logsieve::CsvReader reader(std::move(*in), {});
  logsieve::CsvRow row;
  System s{std::move(name), {}, {}};
  int content = -1, event = -1;
  while (true) {
    auto more = reader.Next(&row);
    if (!more.ok()) Die(more.status().message());
    if (!*more) break;
    if (content < 0) {
      for (size_t k = 0; k < row.fields.size(); ++k) {
        if (row.fields[k] == "Content") content = static_cast<int>(k);
        if (row.fields[k] == "EventId") event = static_cast<int>(k);
      }
      if (content < 0 || event < 0) Die(csv.string() + ": no Content and EventId columns");
      continue;
    }
    s.content.push_back(row.fields[static_cast<size_t>(content)]);
    s.event.push_back(row.fields[static_cast<size_t>(event)]);
  }
  return s;
}

// Zhu et al.'s grouping accuracy (logparser's evaluator.get_accuracy).
double GroupingAccuracy(const std::vector<std::string>& truth,
                        const std::vector<std::string>& mined) {
  std::unordered_map<std::string, size_t> truth_size;
  for (const std::string& t : truth) ++truth_size[t];
  std::unordered_map<std::string, std::vector<size_t>> groups;
  for (size_t i = 0; i < mined.size(); ++i) groups[mined[i]].push_back(i);
  size_t correct = 0;
  for (const auto& [id, lines] : groups) {
    const std::string& first = truth[lines[0]];
    bool one = std::all_of(lines.begin(), lines.end(), [&](size_t i) { return truth[i] == first; });
    if (one && truth_size[first] == lines.size()) correct += lines.size();
  }
  return truth.empty() ? 0 : static_cast<double>(correct) / static_cast<double>(truth.size());
}

std::unique_ptr<TemplateMiner> NewMiner() {
  auto miner = TemplateMiner::Create({});
  if (!miner.ok()) Die(miner.status().message());
  return std::move(*miner);
}

// The final template id of each added line.
std::vector<std::string> FinalIds(const TemplateMiner& miner,
                                  const std::vector<uint64_t>& clusters) {
  std::unordered_map<uint64_t, std::string> id;
  for (const logsieve::Pattern& p : miner.Patterns()) id[p.cluster] = p.id;
  std::vector<std::string> out;
  out.reserve(clusters.size());
  for (uint64_t c : clusters) out.push_back(id.count(c) > 0 ? id[c] : "evicted");
  return out;
}

int Accuracy(const std::string& dir) {
  std::vector<System> systems;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::string name = entry.path().filename().string();
    auto csv = entry.path() / (name + "_2k.log_structured_corrected.csv");
    if (std::filesystem::exists(csv)) systems.push_back(ReadSystem(csv, name));
  }
  if (systems.empty()) Die(dir + ": no SYSTEM/SYSTEM_2k.log_structured_corrected.csv");
  std::sort(systems.begin(), systems.end(),
            [](const System& a, const System& b) { return a.name < b.name; });

  // One miner for all, lines interleaved round-robin, as a collector sees them.
  auto shared = NewMiner();
  std::vector<std::vector<uint64_t>> shared_clusters(systems.size());
  size_t longest = 0;
  for (const System& s : systems) longest = std::max(longest, s.content.size());
  uint64_t at = 0;
  for (size_t i = 0; i < longest; ++i) {
    for (size_t k = 0; k < systems.size(); ++k) {
      if (i < systems[k].content.size())
        shared_clusters[k].push_back(shared->Add(systems[k].content[i], ++at).cluster);
    }
  }

  std::printf("%-12s %8s %10s %12s %s\n", "system", "lines", "templates", "accuracy",
              "interleaved");
  double sum = 0, sum_shared = 0, sum_design = 0, sum_held = 0;
  size_t n_design = 0;
  for (size_t k = 0; k < systems.size(); ++k) {
    const System& s = systems[k];
    auto miner = NewMiner();
    std::vector<uint64_t> clusters;
    for (size_t i = 0; i < s.content.size(); ++i)
      clusters.push_back(miner->Add(s.content[i], i + 1).cluster);
    std::vector<std::string> ids = FinalIds(*miner, clusters);
    double acc = GroupingAccuracy(s.event, ids);
    double acc_shared = GroupingAccuracy(s.event, FinalIds(*shared, shared_clusters[k]));
    size_t distinct = std::unordered_map<std::string, int>().size();
    {
      std::unordered_map<std::string, int> seen;
      for (const std::string& id : ids) seen[id] = 1;
      distinct = seen.size();
    }
    bool design = std::any_of(std::begin(kDesignSystems), std::end(kDesignSystems),
                              [&](const char* d) { return s.name == d; });
    std::printf("%-12s %8zu %10zu %12.3f %11.3f%s\n", s.name.c_str(), s.content.size(), distinct,
                acc, acc_shared, design ? "  (design)" : "  (held out)");
    sum += acc;
    sum_shared += acc_shared;
    (design ? sum_design : sum_held) += acc;
    n_design += design ? 1 : 0;
  }
  const double n = static_cast<double>(systems.size());
  std::printf("average      %8s %10s %12.3f %11.3f over %zu systems\n", "", "", sum / n,
              sum_shared / n, systems.size());
  if (n_design > 0 && n_design < systems.size()) {
    std::printf("design half %.3f, held-out half %.3f\n", sum_design / n_design,
                sum_held / (n - n_design));
  }
  return 0;
}

// One line per input line: EventId, TAB, the mined template (to read misses).
int Dump(const std::string& csv) {
  System s = ReadSystem(csv, "");
  auto miner = NewMiner();
  std::vector<uint64_t> clusters;
  for (const std::string& line : s.content) clusters.push_back(miner->Add(line).cluster);
  std::unordered_map<uint64_t, std::string> text;
  for (const logsieve::Pattern& p : miner->Patterns()) text[p.cluster] = p.text;
  for (size_t i = 0; i < clusters.size(); ++i)
    std::printf("%s\t%s\n", s.event[i].c_str(), text[clusters[i]].c_str());
  return 0;
}

int Speed(const std::string& path) {
  auto in = logsieve::InputStream::Open(path);
  if (!in.ok()) Die(in.status().message());
  std::vector<std::string> lines;
  std::string buf, all;
  char chunk[1 << 16];
  while (true) {
    auto n = (*in)->Read(chunk, sizeof chunk);
    if (!n.ok()) Die(n.status().message());
    if (*n == 0) break;
    all.append(chunk, *n);
  }
  size_t start = 0;
  while (start < all.size()) {
    size_t end = all.find('\n', start);
    if (end == std::string::npos) end = all.size();
    lines.emplace_back(all.substr(start, end - start));
    start = end + 1;
  }
  auto miner = NewMiner();
  auto t0 = std::chrono::steady_clock::now();
  std::clock_t c0 = std::clock();
  uint64_t at = 0;
  for (const std::string& l : lines) miner->Add(l, ++at);
  double secs = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  double cpu = static_cast<double>(std::clock() - c0) / CLOCKS_PER_SEC;
  // Wall time, like the peer's perf_counter; CPU time too, as a shared
  // machine's load stretches the wall clock.
  std::printf("%.0f lines/s over %zu lines (%zu templates); %.0f lines per CPU second\n",
              lines.size() / secs, lines.size(), miner->size(), lines.size() / cpu);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc == 3 && std::string(argv[1]) == "accuracy") return Accuracy(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "speed") return Speed(argv[2]);
  if (argc == 3 && std::string(argv[1]) == "dump") return Dump(argv[2]);
  std::cerr << "usage: patterns_bench accuracy LOGHUB_2K_CORRECTED_DIR | speed LINES.txt\n";
  return 2;
}
