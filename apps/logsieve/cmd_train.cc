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
#include <optional>
#include <set>

#include "commands.h"
#include "common/config.h"
#include "embed/bert/sentence_transformer.h"
#include "embed/hashing_encoder.h"
#include "io/csv.h"
#include "model/model_file.h"
#include "model/model_stage.h"
#include "pipeline/classifier.h"
#include "pipeline/stage_factories.h"
#include "pipeline_flags.h"
#include "train/confident_training.h"
#include "train/default_model.h"
#include "train/evaluation.h"
#include "train/synthetic_logs.h"
#include "train/trainer.h"

namespace logsieve::cli {
namespace {

using train::LabelledLine;

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
  StatusOr<train::TrainResult> result = InternalError("unset");
  std::optional<model::CalibrationFit> calibration;
  if (f.synthetic) {
    train::DefaultModelRecipe recipe;
    recipe.seed = f.seed;
    recipe.C = f.C;
    StatusOr<train::ConfidentTrainResult> r = train::TrainDefaultModel(recipe);
    if (!r.ok()) return r.status();
    calibration = r->calibration;
    result = std::move(r->fit);
  } else {
    if (f.data.empty()) return InvalidArgumentError("train: give DATA.csv (or --synthetic)");
    LOGSIEVE_ASSIGN_OR_RETURN(Environment env, Environment::FromProcess(".env"));
    LOGSIEVE_ASSIGN_OR_RETURN(Config config, Config::Load(f.config_file, env));
    LOGSIEVE_ASSIGN_OR_RETURN(std::vector<LabelledLine> rows, ReadLabelledCsv(f.data));
    train::TrainOptions o;
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
    o.created_at = train::CreatedAtFromEnvironment();
    o.extra_metadata_json = nlohmann::json{{"data", f.data}}.dump();
    // Config label order first, then labels only the data has (sorted).
    std::map<std::string, bool> present;
    for (const auto& r : rows) present[r.label] = true;
    for (const auto& l : config.GetJson("labels")) {
      const std::string name = l.value("name", "");
      if (present.erase(name) > 0) o.labels.push_back(name);
    }
    for (const auto& [name, _] : present) {
      std::cerr
          << "logsieve: warning: label \"" << name
          << "\" is not in config `labels`; the model stage refuses this model until it is added\n";
      o.labels.push_back(name);
    }
    // Measured on whole held-out templates, calibrated there, then refitted
    // on every row (train/confident_training.h).
    std::vector<LabelledLine> train_part, held_out;
    if (f.holdout > 0) {
      train::SplitByTemplate(rows, o.normalizer.get(), f.holdout, f.seed, &train_part, &held_out);
    }
    StatusOr<train::ConfidentTrainResult> r =
        train::TrainWithHeldOut(train_part, held_out, rows, o);
    if (!r.ok()) return r.status();
    calibration = r->calibration;
    result = std::move(r->fit);
  }
  if (!result.ok()) return result.status();
  LOGSIEVE_RETURN_IF_ERROR(model::SaveModel(result->model, f.output));
  std::printf("trained on %zu rows (%d L-BFGS iterations%s), %zu labels\n", result->train_rows,
              result->iterations, result->converged ? "" : ", not converged",
              result->model.labels.size());
  if (result->holdout_rows > 0) {
    std::printf("\nholdout (%zu rows; %s):\n%s", result->holdout_rows,
                f.synthetic ? "held-out template families, scored with the fit that never saw them"
                            : "whole templates, scored with a fit that never saw them; the model "
                              "written was then refitted on all rows",
                train::FormatScores(result->holdout).c_str());
  }
  if (calibration) {
    std::printf("\ncalibration on the held-out rows: ECE %.3f before, %.3f after (in sample)\n",
                calibration->before.ece, calibration->after.ece);
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
// `described` gets each built stage's (name, description).
StatusOr<std::unique_ptr<Classifier>> BuildClassifier(
    const Config& config, std::vector<std::pair<std::string, std::string>>* described) {
  std::vector<std::unique_ptr<Stage>> stages;
  for (std::string_view name : KnownStageNames()) {
    StatusOr<std::unique_ptr<Stage>> s =
        name == "model" ? model::MakeModelStage(config) : MakeStage(name, config);
    if (!s.ok()) return s.status();
    if (*s) {
      described->emplace_back(std::string((*s)->name()), (*s)->description());
      stages.push_back(std::move(s).value());
    }
  }
  return Classifier::CreateWithStages(config, std::move(stages));
}

Status RunEval(const EvalFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  LOGSIEVE_ASSIGN_OR_RETURN(Config config, f.pipeline.BuildConfig());
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<LabelledLine> rows, ReadLabelledCsv(f.data));
  std::vector<std::pair<std::string, std::string>> described;
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> classifier,
                            BuildClassifier(config, &described));
  // Only the stages some row's route runs through are reported.
  std::set<std::string, std::less<>> sources, used;
  for (const LabelledLine& r : rows) sources.insert(r.source);
  for (const std::string& src : sources) {
    for (std::string& name : classifier->route_stages(src)) used.insert(std::move(name));
  }
  std::vector<std::string> in_use;
  for (const auto& [name, description] : described) {
    if (used.contains(name)) in_use.push_back(description);
  }
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
      // A degraded decision (the model's guess below the threshold, kept
      // because the LLM could not be asked) is not a confident one.
      methods.emplace_back(batch.decisions[i].degraded
                               ? std::string("Degraded")
                               : std::string(MethodName(batch.decisions[i].method)));
      // Lines that reached the model (routes may skip it), cache hits included.
      if (train::ReachedModel(batch.decisions[i], batch.tentative[i],
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
  const train::Scores scores = train::Score(truth, predicted, classifier->labels());
  const auto by_method = train::ScoreByMethod(truth, predicted, methods);
  const auto confident_wrong =
      train::ScoreConfidentWrong(truth, predicted, methods, classifier->labels());
  const auto thresholds = train::ThresholdTable(truth, model_label, model_p);
  // Calibration of the model's confidence on the lines that reached it.
  std::vector<float> reached_p;
  std::vector<uint8_t> reached_correct;
  for (size_t i = 0; i < rows.size(); ++i) {
    if (model_label[i].empty()) continue;
    reached_p.push_back(model_p[i]);
    reached_correct.push_back(model_label[i] == truth[i] ? 1 : 0);
  }
  const model::Reliability reliability = model::MeasureReliability(reached_p, reached_correct);
  if (f.json) {
    nlohmann::json j = train::ScoresToJson(scores);
    j["methods"] = train::MethodsToJson(by_method);
    j["confident_wrong"] = train::ConfidentWrongToJson(confident_wrong);
    j["thresholds"] = model_stage ? train::ThresholdsToJson(thresholds) : nlohmann::json::array();
    j["reliability"] =
        model_stage ? model::ReliabilityToJson(reliability) : nlohmann::json(nullptr);
    j["stages"] = in_use;
    j["seconds"] = Seconds(start);
    std::cout << j.dump(2) << "\n";
    return OkStatus();
  }
  std::cout << "stages: ";
  for (const std::string& d : in_use) std::cout << d << "; ";
  std::cout << "\n\n"
            << train::FormatScores(scores) << "\nby method\n"
            << train::FormatMethods(by_method) << "\n"
            << train::FormatConfidentWrong(confident_wrong);
  if (model_stage) {
    std::cout << "\nthreshold table (lines that reached the model)\n"
              << train::FormatThresholds(thresholds)
              << "\nconfidence calibration (lines that reached the model)\n"
              << model::FormatReliability(reliability);
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
  train::SyntheticOptions o{.seed = f.seed, .rows = f.rows};
  if (f.split == "train") o.split = train::SyntheticSplit::kTrain;
  if (f.split == "holdout") o.split = train::SyntheticSplit::kHoldout;
  std::string out;
  io::AppendCsvRow({"source", "log_message", "target_label"}, &out);
  for (const auto& r : train::GenerateSyntheticLogs(o))
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
    cmd->add_option("--holdout", f->holdout,
                    "Share of rows (whole templates) held out to measure and calibrate; the model "
                    "is then refitted on all rows")
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
