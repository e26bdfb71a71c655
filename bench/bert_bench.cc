// bert_bench: logs/s of the transformer encoder over a file of log lines.
//
//   bert_bench MODEL_DIR INPUT [--batch 32] [--runs 3] [--max-length 0]
//              [--precision fp32|int8] [--parallel 1] [--logs-only]
//
// INPUT: plain text (one log line per line, empty lines skipped) or .jsonl
// with a "text" field per line (e.g. the fixture goldens; kind "log" only with
// --logs-only). Timed per run: tokenization + forward + pooling over all
// lines (EncodeDense in calls of --batch lines, sorted by length inside the
// call as the pipeline does); one untimed warm-up over the first 64 lines;
// reports the median run. Also prints tokens/s (real tokens incl. [CLS]/[SEP]),
// achieved GFLOP/s (matrix multiply-adds x 2, attention included) and peak RSS.
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "embed/bert/int8_gemm.h"
#include "embed/bert/sentence_transformer.h"

namespace {

using logsieve::bert::SentenceTransformer;
using logsieve::bert::TransformerOptions;

std::vector<std::string> ReadLines(const std::string& path, bool logs_only) {
  std::ifstream in(path, std::ios::binary);
  std::vector<std::string> out;
  std::string line;
  const bool jsonl = path.size() > 6 && path.substr(path.size() - 6) == ".jsonl";
  while (std::getline(in, line, '\n')) {
    if (jsonl) {
      if (line.empty()) continue;
      auto j = nlohmann::json::parse(line);
      if (logs_only && j.value("kind", "") != "log") continue;
      out.push_back(j.at("text").get<std::string>());
    } else {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (!line.empty()) out.push_back(line);
    }
  }
  return out;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr,
                 "usage: bert_bench MODEL_DIR INPUT [--batch 32] [--runs 3] "
                 "[--max-length 0] [--precision fp32|int8] [--parallel 1] [--logs-only]\n");
    return 2;
  }
  TransformerOptions opt;
  size_t runs = 3, parallel = 1;
  bool logs_only = false;
  for (int i = 3; i < argc; ++i) {
    std::string a = argv[i];
    auto next = [&] { return i + 1 < argc ? std::strtoull(argv[++i], nullptr, 10) : 0ull; };
    if (a == "--batch")
      opt.batch_size = next();
    else if (a == "--runs")
      runs = next();
    else if (a == "--max-length")
      opt.max_length = next();
    else if (a == "--logs-only")
      logs_only = true;
    else if (a == "--parallel")
      parallel = next();
    else if (a == "--precision" && i + 1 < argc)
      opt.precision = argv[++i];
    else {
      std::fprintf(stderr, "unknown flag %s\n", a.c_str());
      return 2;
    }
  }
  auto enc = SentenceTransformer::Load(argv[1], opt);
  if (!enc.ok()) {
    std::fprintf(stderr, "%s\n", enc.status().ToString().c_str());
    return 1;
  }
  std::vector<std::string> lines = ReadLines(argv[2], logs_only);
  if (lines.empty()) {
    std::fprintf(stderr, "no lines in %s\n", argv[2]);
    return 1;
  }
  std::vector<std::string_view> views(lines.begin(), lines.end());
  size_t tokens = 0;
  double flops = 0;
  std::vector<int32_t> ids;
  for (auto v : views) {
    (*enc)->Tokenize(v, &ids);
    tokens += ids.size();
    flops += (*enc)->model().FlopsPerSequence(ids.size());
  }
  const size_t dim = (*enc)->dim(), batch = opt.batch_size;
  std::vector<float> out(lines.size() * dim);
  // --parallel P: P threads take the batches round-robin (as the pipeline's
  // workers do), one core each.
  auto encode_all = [&](size_t n) {
    auto worker = [&](size_t first) {
      for (size_t b = first * batch; b < n; b += parallel * batch) {
        const size_t e = std::min(n, b + batch);
        auto s = (*enc)->EncodeDense(std::span(views).subspan(b, e - b), out.data() + b * dim);
        if (!s.ok()) std::abort();
      }
    };
    std::vector<std::thread> pool;
    for (size_t p = 1; p < parallel; ++p) pool.emplace_back(worker, p);
    worker(0);
    for (auto& t : pool) t.join();
  };
  encode_all(std::min<size_t>(64, lines.size()));  // warm-up
  std::vector<double> secs;
  for (size_t r = 0; r < runs; ++r) {
    auto t0 = std::chrono::steady_clock::now();
    encode_all(lines.size());
    secs.push_back(std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count());
  }
  std::vector<double> sorted = secs;
  std::sort(sorted.begin(), sorted.end());
  const double med = sorted[sorted.size() / 2];
  // Tokenization alone, for the share it takes.
  auto t0 = std::chrono::steady_clock::now();
  for (auto v : views) (*enc)->Tokenize(v, &ids);
  const double tok_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  struct rusage ru;
  getrusage(RUSAGE_SELF, &ru);
  std::printf(
      "logsieve %s%s batch %zu parallel %zu: %zu lines, %zu tokens; %.1f logs/s "
      "[%.1f-%.1f]; "
      "%.0f tokens/s; %.1f GFLOP/s; tokenizer %.0f lines/s; peak RSS %.0f MiB\n",
      opt.precision.c_str(),
      opt.precision != "int8"       ? ""
      : logsieve::bert::CpuHasAmx() ? " (AMX)"
                                    : " (VNNI)",
      batch, parallel, lines.size(), tokens, lines.size() / med, lines.size() / sorted.back(),
      lines.size() / sorted.front(), tokens / med, flops / med / 1e9, lines.size() / tok_s,
      ru.ru_maxrss / 1024.0);
  return 0;
}
