// `logsieve train`, `logsieve eval`, `logsieve gen-data`: the model stage's
// commands (train a model file, score the whole pipeline on labelled data,
// write the synthetic training data).
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/config.h"
#include "embed/bert/sentence_transformer.h"
#include "embed/hashing_encoder.h"
#include "io/csv.h"
#include "model/default_model.h"
#include "model/evaluation.h"
#include "model/model_file.h"
#include "model/model_stage.h"
#include "model/synthetic_logs.h"
#include "model/trainer.h"
#include "pipeline/classifier.h"
#include "pipeline/stage_factories.h"
#include "pipeline_flags.h"

namespace logsieve::cli {
namespace {

using model::LabelledLine;

// Rows of a CSV with columns log_message, target_label and optional source.
// Bad rows (malformed CSV, missing message, empty label) are reported on
// stderr with their line and skipped.
StatusOr<std::vector<LabelledLine>> ReadLabelledCsv(const std::string& path) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<io::InputStream> in, io::InputStream::Open(path));
  io::CsvReader reader(std::move(in), {});
  io::CsvRow row;
  StatusOr<bool> more = reader.Next(&row);
  if (!more.ok()) return more.status();
  if (!*more)
    return InvalidArgumentError(path +
                                ": empty file (expected a header with log_message,target_label)");
  int msg = -1, label = -1, source = -1;
  for (size_t c = 0; c < row.fields.size(); ++c) {
    if (row.fields[c] == "log_message") msg = static_cast<int>(c);
    if (row.fields[c] == "target_label") label = static_cast<int>(c);
    if (row.fields[c] == "source") source = static_cast<int>(c);
  }
  if (msg < 0 || label < 0) {
    return InvalidArgumentError(
        path + ":" + std::to_string(row.line) +
        ": the header needs columns log_message and target_label (source is optional)");
  }
  std::vector<LabelledLine> rows;
  size_t bad = 0;
  auto report = [&](const std::string& why) {
    if (++bad <= 20) std::cerr << "logsieve: skipped " << why << "\n";
  };
  while (true) {
    more = reader.Next(&row);
    if (!more.ok()) {
      report(more.status().message());
      continue;
    }
    if (!*more) break;
    const auto field = [&](int c) -> const std::string* {
      return c >= 0 && static_cast<size_t>(c) < row.fields.size() ? &row.fields[c] : nullptr;
    };
    const std::string* m = field(msg);
    const std::string* l = field(label);
    if (m == nullptr || m->empty()) {
      report(path + ":" + std::to_string(row.line) + ": missing log_message");
    } else if (l == nullptr || l->empty()) {
      report(path + ":" + std::to_string(row.line) + ": empty target_label");
    } else {
      const std::string* s = field(source);
      rows.push_back({s ? *s : std::string(), *m, *l});
    }
  }
  if (bad > 20) std::cerr << "logsieve: ... " << bad - 20 << " more bad rows\n";
  if (bad > 0)
    std::cerr << "logsieve: " << bad << " bad rows skipped, " << rows.size() << " rows kept\n";
  if (rows.empty()) return InvalidArgumentError(path + ": no usable rows");
  return rows;
}

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// ---- train ------------------------------------------------------------------

struct TrainFlags {
  std::string data;
  std::string output;
  std::string encoder = "hashing";
  std::string encoder_precision = "fp32";
  std::string config_file;
  double holdout = 0.2;
  uint64_t seed = 1;
  double C = 10.0;
  std::string class_weight = "none";
  bool synthetic = false;
};

Status RunTrain(const TrainFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  StatusOr<model::TrainResult> result = InternalError("unset");
  if (f.synthetic) {
    model::DefaultModelRecipe recipe;
    recipe.seed = f.seed;
    recipe.C = f.C;
    result = model::TrainDefaultModel(recipe);
  } else {
    if (f.data.empty()) return InvalidArgumentError("train: give DATA.csv (or --synthetic)");
    LOGSIEVE_ASSIGN_OR_RETURN(Environment env, Environment::FromProcess(".env"));
    LOGSIEVE_ASSIGN_OR_RETURN(Config config, Config::Load(f.config_file, env));
    LOGSIEVE_ASSIGN_OR_RETURN(std::vector<LabelledLine> rows, ReadLabelledCsv(f.data));
    model::TrainOptions o;
    if (f.encoder == "hashing") {
      LOGSIEVE_ASSIGN_OR_RETURN(embed::HashingOptions h, embed::HashingOptions::FromConfig(config));
      LOGSIEVE_ASSIGN_OR_RETURN(auto enc, embed::HashingEncoder::Create(h));
      o.encoder = std::move(enc);
    } else {
      embed::bert::TransformerOptions t;
      t.precision = f.encoder_precision;
      LOGSIEVE_ASSIGN_OR_RETURN(auto enc, embed::bert::LoadSentenceTransformer(f.encoder, t));
      o.encoder = std::move(enc);
    }
    LOGSIEVE_ASSIGN_OR_RETURN(text::Normalizer n, text::Normalizer::FromConfig(config));
    o.normalizer = std::make_shared<text::Normalizer>(std::move(n));
    o.holdout = f.holdout;
    o.seed = f.seed;
    o.lr.C = f.C;
    o.lr.class_weight =
        f.class_weight == "balanced" ? model::ClassWeight::kBalanced : model::ClassWeight::kNone;
    o.created_at = model::CreatedAtFromEnvironment();
    o.extra_metadata_json = nlohmann::json{{"data", f.data}}.dump();
    // Config label order first, then labels only the data has (sorted).
    std::map<std::string, bool> present;
    for (const auto& r : rows) present[r.label] = true;
    for (const std::string& name : config.labels().names()) {
      if (present.erase(name) > 0) o.labels.push_back(name);
    }
    for (const auto& [name, _] : present) {
      std::cerr
          << "logsieve: warning: label \"" << name
          << "\" is not in config `labels`; the model stage refuses this model until it is added\n";
      o.labels.push_back(name);
    }
    result = model::TrainModel(rows, o);
  }
  if (!result.ok()) return result.status();
  LOGSIEVE_RETURN_IF_ERROR(model::SaveModel(result->model, f.output));
  std::printf("trained on %zu rows (%d L-BFGS iterations%s), %zu labels\n", result->train_rows,
              result->iterations, result->converged ? "" : ", not converged",
              result->model.labels.size());
  if (result->holdout_rows > 0) {
    std::printf(
        "\nholdout (%zu rows%s):\n%s", result->holdout_rows,
        f.synthetic ? "; held-out template families, scored with the fit that never saw them" : "",
        model::FormatScores(result->holdout).c_str());
  }
  std::printf("\nwrote %s in %.1f s\n", f.output.c_str(), Seconds(start));
  return OkStatus();
}

// ---- eval -------------------------------------------------------------------

struct EvalFlags {
  PipelineFlags pipeline;
  std::string data;
  bool json = false;
};

// The pipeline of `config` with the model stage built here (so eval runs the
// model whether or not the pipeline's stage factory knows it yet).
StatusOr<std::unique_ptr<Classifier>> BuildClassifier(const Config& config) {
  std::vector<std::unique_ptr<Stage>> stages;
  for (std::string_view name : KnownStageNames()) {
    StatusOr<std::unique_ptr<Stage>> s =
        name == "model" ? model::MakeModelStage(config) : MakeStage(name, config);
    if (!s.ok()) return s.status();
    if (*s) stages.push_back(std::move(s).value());
  }
  return Classifier::CreateWithStages(config, std::move(stages));
}

Status RunEval(const EvalFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  LOGSIEVE_ASSIGN_OR_RETURN(Config config, f.pipeline.BuildConfig());
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<LabelledLine> rows, ReadLabelledCsv(f.data));
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> classifier, BuildClassifier(config));
  // The same model with threshold 0: its label and p for every line that
  // reaches the model (for the threshold table).
  Config probe = config;
  LOGSIEVE_RETURN_IF_ERROR(probe.Set("pipeline.threshold", "0", "eval threshold table"));
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Stage> model_stage, model::MakeModelStage(probe));

  std::vector<std::string> truth, predicted, methods, model_label(rows.size());
  std::vector<float> model_p(rows.size(), 0.0f);
  const size_t batch_size =
      static_cast<size_t>(std::max<int64_t>(1, config.GetInt("pipeline.batch_size")));
  for (size_t begin = 0; begin < rows.size(); begin += batch_size) {
    const size_t end = std::min(rows.size(), begin + batch_size);
    Batch batch;
    for (size_t i = begin; i < end; ++i) batch.records.push_back({rows[i].source, rows[i].message});
    batch.Reset();
    LOGSIEVE_RETURN_IF_ERROR(classifier->Classify(batch));
    std::vector<size_t> reach;
    for (size_t i = 0; i < batch.size(); ++i) {
      truth.push_back(rows[begin + i].label);
      predicted.push_back(batch.decisions[i].label);
      methods.emplace_back(MethodName(batch.decisions[i].method));
      // Lines that reached the model (routes may skip it), cache hits included.
      if (model::ReachedModel(batch.decisions[i], batch.tentative[i],
                              classifier->route_stages(batch.records[i].source))) {
        reach.push_back(i);
      }
    }
    if (model_stage) {
      Batch probe_batch;
      probe_batch.records = batch.records;
      probe_batch.Reset();
      probe_batch.templates = batch.templates;
      LOGSIEVE_RETURN_IF_ERROR(model_stage->Decide(probe_batch, reach));
      for (size_t i : reach) {
        model_label[begin + i] = probe_batch.decisions[i].label;
        model_p[begin + i] = probe_batch.decisions[i].confidence.value_or(0.0f);
      }
    }
  }
  const model::Scores scores = model::Score(truth, predicted, classifier->labels());
  const auto by_method = model::ScoreByMethod(truth, predicted, methods);
  const auto thresholds = model::ThresholdTable(truth, model_label, model_p);
  if (f.json) {
    nlohmann::json j = model::ScoresToJson(scores);
    j["methods"] = model::MethodsToJson(by_method);
    j["thresholds"] = model_stage ? model::ThresholdsToJson(thresholds) : nlohmann::json::array();
    j["stages"] = classifier->stage_descriptions();
    j["seconds"] = Seconds(start);
    std::cout << j.dump(2) << "\n";
    return OkStatus();
  }
  std::cout << "stages: ";
  for (const std::string& d : classifier->stage_descriptions()) std::cout << d << "; ";
  std::cout << "\n\n"
            << model::FormatScores(scores) << "\nby method\n"
            << model::FormatMethods(by_method);
  if (model_stage) {
    std::cout << "\nthreshold table (lines that reached the model)\n"
              << model::FormatThresholds(thresholds);
  }
  std::printf("\n%zu rows in %.2f s\n", rows.size(), Seconds(start));
  return OkStatus();
}

// ---- gen-data ---------------------------------------------------------------

struct GenFlags {
  std::string output = "-";
  size_t rows = 20000;
  uint64_t seed = 1;
  std::string split = "all";
};

Status RunGenData(const GenFlags& f) {
  model::SyntheticOptions o{.seed = f.seed, .rows = f.rows};
  if (f.split == "train") o.split = model::SyntheticSplit::kTrain;
  if (f.split == "holdout") o.split = model::SyntheticSplit::kHoldout;
  std::string out;
  io::AppendCsvRow({"source", "log_message", "target_label"}, &out);
  for (const auto& r : model::GenerateSyntheticLogs(o))
    io::AppendCsvRow({r.source, r.message, r.label}, &out);
  if (f.output == "-") {
    std::cout << out;
    return OkStatus();
  }
  std::ofstream file(f.output, std::ios::binary);
  if (!file) return NotFoundError(f.output + ": cannot write");
  file << out;
  return file ? OkStatus() : DataLossError(f.output + ": write failed");
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  {
    CLI::App* cmd = app.add_subcommand("train", "Train a model file from labelled log lines (CSV)");
    auto f = std::make_shared<TrainFlags>();
    cmd->add_option("data", f->data, "CSV with columns log_message,target_label (optional source)");
    cmd->add_option("-o,--output", f->output, "Model file to write")->required();
    cmd->add_option("--encoder", f->encoder, "hashing (default) or a sentence-transformers folder");
    cmd->add_option("--encoder-precision", f->encoder_precision,
                    "A transformer encoder's precision, kept in the model: fp32 (default) or int8")
        ->check(CLI::IsMember({"fp32", "int8"}));
    cmd->add_option("--config", f->config_file,
                    "Config file (hashing settings, normalizer masks, labels)");
    cmd->add_option("--holdout", f->holdout, "Share of rows held out for the printed metrics")
        ->check(CLI::Range(0.0, 0.9));
    cmd->add_option("--seed", f->seed, "Seed of the holdout split (and of --synthetic data)");
    cmd->add_option("--C", f->C, "Inverse L2 strength, as scikit-learn's C")
        ->check(CLI::PositiveNumber);
    cmd->add_option("--class-weight", f->class_weight, "none or balanced")
        ->check(CLI::IsMember({"none", "balanced"}));
    cmd->add_flag("--synthetic", f->synthetic,
                  "Train the default model's recipe on generated data (as models/default.lsm)");
    cmd->callback([f] {
      if (Status s = RunTrain(*f); !s.ok()) Fail(s);
    });
  }
  {
    CLI::App* cmd =
        app.add_subcommand("eval", "Score the whole pipeline on labelled log lines (CSV)");
    auto f = std::make_shared<EvalFlags>();
    cmd->add_option("data", f->data, "CSV with columns log_message,target_label (optional source)")
        ->required();
    cmd->add_flag("--json", f->json, "One JSON object (accuracy and macro_f1 at top level)");
    AddPipelineFlags(cmd, &f->pipeline);
    cmd->callback([f] {
      if (Status s = RunEval(*f); !s.ok()) Fail(s);
    });
  }
  {
    CLI::App* cmd = app.add_subcommand(
        "gen-data", "Write synthetic labelled log lines (CSV) for the default labels");
    auto f = std::make_shared<GenFlags>();
    cmd->add_option("-o,--output", f->output, "Output CSV (- for stdout)");
    cmd->add_option("--rows", f->rows, "Rows to write");
    cmd->add_option("--seed", f->seed, "Seed (same seed, same rows)");
    cmd->add_option("--split", f->split,
                    "all, train (training families) or holdout (held-out families)")
        ->check(CLI::IsMember({"all", "train", "holdout"}));
    cmd->callback([f] {
      if (Status s = RunGenData(*f); !s.ok()) Fail(s);
    });
  }
}

}  // namespace logsieve::cli
