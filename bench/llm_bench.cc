// LLM stage throughput against a loopback fake server that answers after a
// fixed delay (a stand-in for the model's latency). Shows what concurrency
// and batching buy, and the client's own overhead (delay 0).
//
//   llm_bench            # prints a Markdown table
#include <chrono>
#include <cstdio>
#include <string>
#include <vector>

#include "common/config.h"
#include "llm/llm_stage.h"
#include "llm/testing/fake_llm_server.h"

using namespace logsieve;

namespace {

struct Scenario {
  int delay_ms;
  int lines;
  int concurrency;
  int batch_lines;
};

int Run(const Scenario& sc) {
  auto server = testing::FakeLlmServer::Start();
  if (!server.ok()) {
    std::fprintf(stderr, "%s\n", server.status().ToString().c_str());
    return 1;
  }
  auto label = testing::FakeLlmServer::LabelByKeyword({}, "HTTP Status");
  (*server)->SetHandler([&](const testing::FakeRequest& r) {
    return label(r).After(std::chrono::milliseconds(sc.delay_ms));
  });
  Config config;
  (void)config.Set("llm.base_url", (*server)->base_url(), "bench");
  (void)config.Set("llm.api_key", "sk-bench", "bench");
  (void)config.Set("llm.concurrency", std::to_string(sc.concurrency), "bench");
  (void)config.Set("llm.batch_lines", std::to_string(sc.batch_lines), "bench");
  auto stage = MakeLlmStage(config);
  if (!stage.ok()) {
    std::fprintf(stderr, "%s\n", stage.status().ToString().c_str());
    return 1;
  }
  // Warm the connection pool so that connects do not count.
  {
    Batch warm;
    for (int i = 0; i < sc.concurrency; ++i)
      warm.records.push_back({"bench", "warm " + std::to_string(i)});
    warm.Reset();
    std::vector<size_t> p(warm.size());
    for (size_t i = 0; i < p.size(); ++i) p[i] = i;
    (void)(*stage)->Decide(warm, p);
  }
  size_t before = (*server)->request_count();
  Batch batch;
  for (int i = 0; i < sc.lines; ++i)
    batch.records.push_back({"bench", "GET /api/item/" + std::to_string(i) + " 200"});
  batch.Reset();
  std::vector<size_t> pending(batch.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  auto t0 = std::chrono::steady_clock::now();
  (void)(*stage)->Decide(batch, pending);
  double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
  size_t labelled = 0;
  for (const Decision& d : batch.decisions) labelled += d.method == Method::kLLM;
  std::printf("| %d ms | %d | %d | %d | %zu | %zu | %.3f | %.0f |\n", sc.delay_ms, sc.lines,
              sc.concurrency, sc.batch_lines, (*server)->request_count() - before, labelled, s,
              sc.lines / s);
  return 0;
}

}  // namespace

int main() {
  std::printf(
      "| server delay | lines | concurrency | batch_lines | requests | labelled | seconds | "
      "lines/s |\n");
  std::printf("|---|---|---|---|---|---|---|---|\n");
  const Scenario scenarios[] = {
      {0, 2000, 1, 1},  {0, 2000, 8, 1},   {0, 2000, 8, 8},  {100, 64, 1, 1},
      {100, 256, 8, 1}, {100, 512, 32, 1}, {100, 512, 8, 8},
  };
  for (const Scenario& sc : scenarios) {
    if (Run(sc) != 0) return 1;
  }
  return 0;
}
