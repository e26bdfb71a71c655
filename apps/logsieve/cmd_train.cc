// `logsieve train`, `logsieve eval`, `logsieve gen-data`: the model stage's
// commands (train a model file, score the whole pipeline on labelled data,
// write the synthetic training data). Flags and printing only; the work is
// src/train's.
#include <chrono>
#include <cstdio>
#include <fstream>
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <optional>

#include "commands.h"
#include "common/config.h"
#include "model/model_file.h"
#include "pipeline_flags.h"
#include "train/confident_training.h"
#include "train/default_model.h"
#include "train/pipeline_eval.h"
#include "train/synthetic_logs.h"
#include "train/train_from_csv.h"

namespace logsieve::cli {
namespace {

double Seconds(std::chrono::steady_clock::time_point since) {
  return std::chrono::duration<double>(std::chrono::steady_clock::now() - since).count();
}

// The bad rows of a labelled CSV, on stderr.
void ReportSkips(uint64_t skipped, const std::vector<std::string>& messages, size_t kept) {
  for (const std::string& m : messages) std::cerr << "logsieve: skipped " << m << "\n";
  if (skipped > messages.size())
    std::cerr << "logsieve: ... " << skipped - messages.size() << " more bad rows\n";
  if (skipped > 0)
    std::cerr << "logsieve: " << skipped << " bad rows skipped, " << kept << " rows kept\n";
}

// ---- train ------------------------------------------------------------------

struct TrainFlags {
  CsvTrainOptions csv;
  std::string output;
  std::string config_file;
  std::string class_weight = "none";
  bool synthetic = false;
};

Status RunTrain(TrainFlags f) {
  const auto start = std::chrono::steady_clock::now();
  StatusOr<TrainResult> result = InternalError("unset");
  std::optional<CalibrationFit> calibration;
  if (f.synthetic) {
    StatusOr<ConfidentTrainResult> r = TrainDefaultModel({.seed = f.csv.seed, .C = f.csv.C});
    if (!r.ok()) return r.status();
    calibration = r->calibration;
    result = std::move(r->fit);
  } else {
    if (f.csv.data.empty()) return InvalidArgumentError("train: give DATA.csv (or --synthetic)");
    LOGSIEVE_ASSIGN_OR_RETURN(Environment env, Environment::FromProcess(".env"));
    LOGSIEVE_ASSIGN_OR_RETURN(Config config, Config::Load(f.config_file, env));
    f.csv.class_weight = f.class_weight == "balanced" ? ClassWeight::kBalanced : ClassWeight::kNone;
    LOGSIEVE_ASSIGN_OR_RETURN(CsvTraining t, TrainFromCsv(config, f.csv));
    ReportSkips(t.skipped, t.skip_messages, t.result.train_rows);  // refitted on all
    for (const std::string& w : t.warnings) std::cerr << "logsieve: warning: " << w << "\n";
    calibration = t.calibration;
    result = std::move(t.result);
  }
  if (!result.ok()) return result.status();
  LOGSIEVE_RETURN_IF_ERROR(SaveModel(result->model, f.output));
  std::printf("trained on %zu rows (%d L-BFGS iterations%s), %zu labels\n", result->train_rows,
              result->iterations, result->converged ? "" : ", not converged",
              result->model.labels.size());
  if (result->holdout_rows > 0) {
    std::printf("\nholdout (%zu rows; %s):\n%s", result->holdout_rows,
                f.synthetic ? "held-out template families, scored with the fit that never saw them"
                            : "whole templates, scored with a fit that never saw them; the model "
                              "written was then refitted on all rows",
                FormatScores(result->holdout).c_str());
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

Status RunEval(const EvalFlags& f) {
  const auto start = std::chrono::steady_clock::now();
  LOGSIEVE_ASSIGN_OR_RETURN(Config config, f.pipeline.BuildConfig());
  LOGSIEVE_ASSIGN_OR_RETURN(LabelledData data, ReadLabelledCsv(f.data));
  ReportSkips(data.skipped, data.skip_messages, data.rows.size());
  LOGSIEVE_ASSIGN_OR_RETURN(PipelineEval e, EvaluatePipeline(config, data.rows));
  if (f.json) {
    nlohmann::json j = PipelineEvalToJson(e);
    j["seconds"] = Seconds(start);
    std::cout << j.dump(2) << "\n";
    return OkStatus();
  }
  std::cout << FormatPipelineEval(e);
  std::printf("\n%zu rows in %.2f s\n", data.rows.size(), Seconds(start));
  return OkStatus();
}

// ---- gen-data ---------------------------------------------------------------

struct GenFlags {
  std::string output = "-";
  size_t rows = SyntheticOptions{}.rows;
  uint64_t seed = SyntheticOptions{}.seed;
  std::string split = "all";
};

Status RunGenData(const GenFlags& f) {
  SyntheticOptions o{.seed = f.seed, .rows = f.rows};
  if (f.split == "train") o.split = SyntheticSplit::kTrain;
  if (f.split == "holdout") o.split = SyntheticSplit::kHoldout;
  const std::string csv = SyntheticCsv(o);
  if (f.output == "-") {
    std::cout << csv;
    return OkStatus();
  }
  std::ofstream file(f.output, std::ios::binary);
  if (!file) return NotFoundError(f.output + ": cannot write");
  file << csv;
  return file ? OkStatus() : DataLossError(f.output + ": write failed");
}

}  // namespace

void AddTrainCommand(CLI::App& app) {
  {
    CLI::App* cmd = app.add_subcommand("train", "Train a model file from labelled log lines (CSV)");
    auto f = std::make_shared<TrainFlags>();
    cmd->add_option("data", f->csv.data,
                    "CSV with columns log_message,target_label (optional source)");
    cmd->add_option("-o,--output", f->output, "Model file to write")->required();
    cmd->add_option("--encoder", f->csv.encoder,
                    "hashing (default) or a sentence-transformers folder");
    cmd->add_option("--encoder-precision", f->csv.encoder_precision,
                    "A transformer encoder's precision, kept in the model: fp32 (default) or int8")
        ->check(CLI::IsMember({"fp32", "int8"}));
    cmd->add_option("--config", f->config_file,
                    "Config file (hashing settings, normalizer masks, labels)");
    cmd->add_option("--holdout", f->csv.holdout,
                    "Share of rows (whole templates) held out to measure and calibrate; the model "
                    "is then refitted on all rows")
        ->check(CLI::Range(0.0, 0.9))
        ->capture_default_str();
    cmd->add_option("--seed", f->csv.seed, "Seed of the holdout split (and of --synthetic data)");
    cmd->add_option("--C", f->csv.C, "Inverse L2 strength, as scikit-learn's C")
        ->check(CLI::PositiveNumber)
        ->capture_default_str();
    cmd->add_option("--class-weight", f->class_weight, "none or balanced")
        ->check(CLI::IsMember({"none", "balanced"}));
    cmd->add_flag("--synthetic", f->synthetic,
                  "Train the default model's recipe on generated data (as models/default.lsm)");
    AddExamples(cmd, {"logsieve train labelled.csv -o my.lsm   # then classify --model my.lsm",
                      "logsieve train labelled.csv -o my.lsm --holdout 0.2 --class-weight balanced",
                      "logsieve train --synthetic -o default.lsm"});
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
    AddExamples(cmd, {"logsieve eval tests/data/ood_dev.csv",
                      "logsieve eval dev.csv --model my.lsm --json"});
    cmd->callback([f] {
      if (Status s = RunEval(*f); !s.ok()) Fail(s);
    });
  }
  {
    CLI::App* cmd = app.add_subcommand(
        "gen-data", "Write synthetic labelled log lines (CSV) for the default labels");
    auto f = std::make_shared<GenFlags>();
    cmd->add_option("-o,--output", f->output, "Output CSV (- for stdout)");
    cmd->add_option("--rows", f->rows, "Rows to write")->capture_default_str();
    cmd->add_option("--seed", f->seed, "Seed (same seed, same rows)")->capture_default_str();
    cmd->add_option("--split", f->split,
                    "all, train (training families) or holdout (held-out families)")
        ->check(CLI::IsMember({"all", "train", "holdout"}))
        ->capture_default_str();
    AddExamples(cmd, {"logsieve gen-data -o synthetic.csv --rows 5000 --split train"});
    cmd->callback([f] {
      if (Status s = RunGenData(*f); !s.ok()) Fail(s);
    });
  }
}

}  // namespace logsieve::cli
