// Model-stage throughput: hashing encoder + logistic regression per line on a
// realistic corpus (synthetic lines, normalized as the pipeline does), the
// whole stage (with explanations), and training time.
//
//   cmake -S . -B build/bench -G Ninja -DCMAKE_BUILD_TYPE=Release -DLOGSIEVE_BENCH=ON
//   ninja -C build/bench model_bench && build/bench/bench/model_bench
#include <benchmark/benchmark.h>

#include <algorithm>

#include "common/config.h"
#include "embed/hashing_encoder.h"
#include "model/model_file.h"
#include "model/model_stage.h"
#include "text/normalizer.h"
#include "train/synthetic_logs.h"
#include "train/trainer.h"

namespace logsieve {
namespace {

struct Corpus {
  std::vector<std::string> raw, templates;
  Corpus() {
    auto n = Normalizer::FromConfig(Config()).value();
    for (auto& r : GenerateSyntheticLogs({.seed = 99, .rows = 20000})) {
      templates.push_back(n.Normalize(r.message));
      raw.push_back(std::move(r.message));
    }
  }
};
const Corpus& TheCorpus() {
  static const Corpus c;
  return c;
}

const LoadedModel& TheModel() {
  static const LoadedModel m =
      LoadModel(std::string(LOGSIEVE_BENCH_SOURCE_DIR) + "/models/default.lsm").value();
  return m;
}

// Encode + predict on template text: the per-line work of the model stage.
void BM_HashingEncodePredict(benchmark::State& state) {
  const auto& c = TheCorpus();
  const auto& m = TheModel();
  const auto* enc = dynamic_cast<const HashingEncoder*>(m.encoder.get());
  HashingEncoder::Workspace ws;
  SparseVector x;
  std::vector<float> p(m.model.labels.size());
  size_t i = 0;
  for (auto _ : state) {
    enc->Encode(c.templates[i], &ws, &x);
    m.model.linear.PredictProba(x, p.data());
    benchmark::DoNotOptimize(p.data());
    if (++i == c.templates.size()) i = 0;
  }
  state.SetItemsProcessed(state.iterations());
}
BENCHMARK(BM_HashingEncodePredict);

// The whole stage on batches of 256 (templates given): encode, predict,
// decision with its top-feature explanation.
void BM_ModelStageDecide(benchmark::State& state) {
  const auto& c = TheCorpus();
  Config config;
  (void)config.Set("model.file", std::string(LOGSIEVE_BENCH_SOURCE_DIR) + "/models/default.lsm",
                   "bench");
  auto stage = MakeModelStage(config).value();
  Batch b;
  for (size_t i = 0; i < 256; ++i) b.records.push_back({"bench", c.raw[i]});
  std::vector<size_t> pending(256);
  for (size_t i = 0; i < 256; ++i) pending[i] = i;
  for (auto _ : state) {
    b.Reset();
    for (size_t i = 0; i < 256; ++i) b.templates[i] = c.templates[i];
    (void)stage->Decide(b, pending);
  }
  state.SetItemsProcessed(state.iterations() * 256);
}
BENCHMARK(BM_ModelStageDecide);

// Training on 100k synthetic rows (hashing 2^16, C=10): encode + L-BFGS.
void BM_Train100k(benchmark::State& state) {
  auto n = std::make_shared<Normalizer>(Normalizer::FromConfig(Config()).value());
  std::vector<LabelledLine> rows;
  for (auto& r : GenerateSyntheticLogs({.seed = 7, .rows = 100000}))
    rows.push_back({r.source, std::move(r.message), r.label});
  for (auto _ : state) {
    TrainOptions o;
    o.encoder = std::move(HashingEncoder::Create({.dims = 1 << 16}).value());
    o.normalizer = n;
    o.holdout = 0;
    o.lr.C = 10;
    o.lr.gradient_tolerance = 1e-5;
    o.lr.max_iterations = 400;
    auto r = TrainModel(rows, o);
    benchmark::DoNotOptimize(r);
    state.counters["iterations"] = r.ok() ? r->iterations : -1;
  }
}
BENCHMARK(BM_Train100k)->Unit(benchmark::kSecond)->Iterations(1);

}  // namespace
}  // namespace logsieve

BENCHMARK_MAIN();
