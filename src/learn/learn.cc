#include "learn/learn.h"

#include <unistd.h>

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <map>
#include <memory>
#include <set>
#include <sstream>

#include "common/config_binding.h"
#include "common/paths.h"
#include "embed/hashing_encoder.h"
#include "model/model_file.h"
#include "model/registry.h"
#include "pipeline/classifier.h"
#include "text/normalizer.h"
#include "train/confident_training.h"
#include "train/default_model.h"
#include "train/labelled_data.h"
#include "train/synthetic_logs.h"
#include "train/trainer.h"

namespace logsieve {
namespace {

std::string Hex(uint64_t v) {
  char buf[17];
  std::snprintf(buf, sizeof buf, "%016llx", static_cast<unsigned long long>(v));
  return buf;
}

// A hash of the rows, in order: what the candidate was made from.
std::string HashRows(const std::vector<LabelledLine>& rows) {
  uint64_t h = 0;
  for (const LabelledLine& r : rows) {
    h = TemplateKey(Hex(h), r.source + '\x1f' + r.message + '\x1f' + r.label);
  }
  return Hex(h);
}

// The model stage alone at threshold 0 (its top label for every line);
// "Unclassified" throughout for model file "none".
StatusOr<std::vector<std::string>> Predict(const Config& base, const std::string& model_file,
                                           const std::vector<LabelledLine>& rows) {
  if (model_file == "none") return std::vector<std::string>(rows.size(), "Unclassified");
  Config c = base;
  for (auto [key, value] : {std::pair<const char*, std::string>{"pipeline.stages", "[model]"},
                            {"pipeline.routes", "[]"},
                            {"pipeline.threshold", "0"},
                            {"model.file", model_file}}) {
    LOGSIEVE_RETURN_IF_ERROR(c.Set(key, value, "learn"));
  }
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Classifier> classifier, Classifier::Create(c));
  std::vector<std::string> out;
  out.reserve(rows.size());
  constexpr size_t kSlice = 1024;
  for (size_t start = 0; start < rows.size(); start += kSlice) {
    Batch batch;
    for (size_t i = start; i < std::min(rows.size(), start + kSlice); ++i) {
      batch.records.push_back({rows[i].source, rows[i].message});
    }
    classifier->Classify(batch);
    for (Decision& d : batch.decisions) out.push_back(std::move(d.label));
  }
  return out;
}

StatusOr<GateSet> Compare(const Config& config, std::string name, const std::string& current,
                          const std::string& candidate, const std::vector<LabelledLine>& rows) {
  std::vector<std::string> truth;
  truth.reserve(rows.size());
  for (const LabelledLine& r : rows) truth.push_back(r.label);
  const std::vector<std::string> labels = config.labels().names();
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<std::string> cur, Predict(config, current, rows));
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<std::string> cand, Predict(config, candidate, rows));
  return GateSet{std::move(name), Score(truth, cur, labels), Score(truth, cand, labels)};
}

const ClassScores* FindClass(const Scores& s, const std::string& label) {
  for (const ClassScores& c : s.per_class) {
    if (c.label == label) return &c;
  }
  return nullptr;
}

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.3f", v);
  return buf;
}

}  // namespace

constexpr ConfigBinding<LearnOptions> kLearnBindings[] = {
    {"learn.base_corpus", &LearnOptions::base_corpus},
    {"learn.base_rows", &LearnOptions::base_rows},
    {"learn.ood_dev", &LearnOptions::ood_dev},
    {"learn.min_llm_confidence", &LearnOptions::min_llm_confidence},
    {"learn.correction_weight", &LearnOptions::correction_weight},
    {"learn.llm_weight", &LearnOptions::llm_weight},
    {"learn.holdout", &LearnOptions::holdout},
    {"learn.max_label_drop", &LearnOptions::max_label_drop},
    {"learn.max_accuracy_drop", &LearnOptions::max_accuracy_drop},
    {"learn.min_label_support", &LearnOptions::min_label_support},
};

LearnOptions LearnOptions::FromConfig(const Config& config) {
  LearnOptions o;
  BindConfig(config, kLearnBindings, &o);
  if (o.ood_dev.empty()) o.ood_dev = BundledPath("tests/data/ood_dev.csv");
  o.registry = RegistryDir(config);
  return o;
}

std::vector<std::string> GateReasons(const std::vector<GateSet>& sets,
                                     const LearnOptions& options) {
  const double max_label_drop = options.max_label_drop;
  const double max_accuracy_drop = options.max_accuracy_drop;
  std::vector<std::string> reasons;
  for (const GateSet& s : sets) {
    if (s.candidate.rows == 0) continue;
    if (s.candidate.accuracy + 1e-12 < s.current.accuracy - max_accuracy_drop) {
      reasons.push_back(s.name + ": accuracy " + Fixed(s.candidate.accuracy) + " is more than " +
                        Fixed(max_accuracy_drop) +
                        " (learn.max_accuracy_drop) below the current model's " +
                        Fixed(s.current.accuracy));
    }
    for (const ClassScores& c : s.candidate.per_class) {
      const ClassScores* cur = FindClass(s.current, c.label);
      if (c.support < std::max<size_t>(options.min_label_support, 1) || cur == nullptr) continue;
      if (c.f1 + 1e-12 < cur->f1 - max_label_drop) {
        reasons.push_back(s.name + ": label '" + c.label + "' F1 " + Fixed(c.f1) +
                          " is more than " + Fixed(max_label_drop) +
                          " (learn.max_label_drop) below the current model's " + Fixed(cur->f1));
      }
    }
  }
  return reasons;
}

namespace {

// The base corpus: the synthetic one (stage labels) or options.base_corpus,
// mapped to the set's own labels (rows it cannot map are counted skipped).
StatusOr<std::vector<LabelledLine>> ReadBaseCorpus(const Config& config,
                                                   const LearnOptions& options,
                                                   LearnReport* report) {
  std::vector<LabelledLine> base;
  if (options.base_corpus.empty()) {
    for (SyntheticRow& r : GenerateSyntheticLogs({.seed = 1, .rows = options.base_rows})) {
      base.push_back({std::move(r.source), std::move(r.message), std::move(r.label)});
    }
  } else {
    LOGSIEVE_ASSIGN_OR_RETURN(LabelledData d, ReadLabelledCsv(options.base_corpus));
    base = std::move(d.rows);
  }
  // Base rows carry stage labels (the synthetic corpus: the bundled ones): a
  // set with labels[].from gets its own labels (MapLabels).
  report->skipped_rows += MapLabels(config.labels(), &base);
  report->base_rows = base.size();
  return base;
}

// What the store gives a round: corrections and LLM answers split by
// template into training rows (weighted) and a held-out gate set.
struct StoreRows {
  StoreStats stats;
  std::vector<LabelledLine> added;    // training rows, each repeated by its weight
  std::vector<LabelledLine> holdout;  // LLM answers held out by template
  std::vector<LabelledLine> seen;     // every store row, for the candidate's hash
};

StatusOr<StoreRows> ReadStoreRows(const Config& config, Store& store, const LearnOptions& options,
                                  const Normalizer* normalizer, LearnReport* report) {
  StoreRows out;
  LOGSIEVE_ASSIGN_OR_RETURN(out.stats, store.Stats());
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<StoredLabel> stored,
                            store.Labels(options.min_llm_confidence));
  std::vector<LabelledLine> corrections, llm;
  for (StoredLabel& s : stored) {
    if (!config.labels().Contains(s.label)) {
      ++report->skipped_rows;
      continue;
    }
    (s.origin == "correction" ? corrections : llm)
        .push_back({std::move(s.source), std::move(s.text), std::move(s.label)});
  }
  report->corrections = corrections.size();
  report->llm_rows = llm.size();
  if (options.base_corpus.empty() && corrections.empty() && llm.empty()) {
    return FailedPreconditionError(
        "the store has no corrections and no LLM answers to learn from (with the synthetic base "
        "corpus the candidate would be the bundled model); classify with the store on, or import "
        "corrections, first");
  }
  // Only LLM answers are held out (by template): a person's correction is
  // always trained on, or the line it corrects could stay wrong for good.
  std::vector<LabelledLine> llm_train;
  SplitByTemplate(llm, normalizer, options.holdout, 1, &llm_train, &out.holdout);
  report->holdout_rows = out.holdout.size();
  for (const LabelledLine& r : corrections) {
    for (int64_t k = 0; k < options.correction_weight; ++k) out.added.push_back(r);
  }
  for (int64_t k = 0; k < options.llm_weight; ++k) {
    out.added.insert(out.added.end(), llm_train.begin(), llm_train.end());
  }
  out.seen = std::move(corrections);
  out.seen.insert(out.seen.end(), llm.begin(), llm.end());
  return out;
}

// The candidate. On the synthetic base corpus: the default model's own
// recipe (its families, probe, calibration and encoder) with the store's
// rows added, so that with an empty store the candidate is the bundled model
// and every difference the gate sees comes from the store.
StatusOr<ConfidentTrainResult> TrainCandidate(const Config& config, const LearnOptions& options,
                                              const std::vector<LabelledLine>& base,
                                              std::vector<LabelledLine> added,
                                              const std::shared_ptr<const Normalizer>& normalizer,
                                              const std::string& created_at) {
  if (options.base_corpus.empty()) {
    DefaultModelRecipe recipe;
    recipe.train_rows = options.base_rows;
    recipe.holdout_rows = std::max<size_t>(options.base_rows / 6, 100);  // 27000 : 4500
    recipe.extra_rows = std::move(added);
    recipe.created_at = created_at;
    return TrainDefaultModel(recipe, config);
  }
  std::vector<LabelledLine> rows = base;
  rows.insert(rows.end(), added.begin(), added.end());
  TrainOptions o;
  LOGSIEVE_ASSIGN_OR_RETURN(HashingOptions h, HashingOptions::FromConfig(config));
  LOGSIEVE_ASSIGN_OR_RETURN(auto encoder, HashingEncoder::Create(h));
  o.encoder = std::move(encoder);
  o.normalizer = normalizer;
  o.lr.C = DefaultModelRecipe{}.C;  // the bundled model's regularisation
  o.created_at = created_at;
  o.labels = ClassOrder(config.labels(), rows);
  std::vector<LabelledLine> probe_train, probe_held;
  SplitByTemplate(rows, normalizer.get(), 0.2, 1, &probe_train, &probe_held);
  return TrainWithHeldOut(probe_train, probe_held, rows, o);
}

// The gate: the staged candidate against what runs (model.file, else the
// registry's active version, else the bundled model), on the store's
// holdout and the OOD dev set. Sets report->parent, sets, reasons, promoted;
// returns the OOD set's hash ("absent" without one).
StatusOr<std::string> Gate(const Config& config, const LearnOptions& options,
                           const Registry& registry, const std::string& staged,
                           const std::vector<LabelledLine>& store_holdout, LearnReport* report) {
  Config resolved = config;
  LOGSIEVE_RETURN_IF_ERROR(resolved.Set("learn.registry", registry.dir(), "learn"));
  LOGSIEVE_ASSIGN_OR_RETURN(ModelChoice choice, ResolveModelFile(resolved));
  const std::string current = choice.path.empty() ? std::string("none") : choice.path;
  report->parent = choice.origin.rfind("registry ", 0) == 0 ? choice.origin.substr(9) : current;
  std::vector<LabelledLine> ood;
  std::string ood_hash = "absent";
  if (std::error_code ec; std::filesystem::exists(options.ood_dev, ec)) {
    LOGSIEVE_ASSIGN_OR_RETURN(LabelledData d, ReadLabelledCsv(options.ood_dev));
    ood = std::move(d.rows);
    // Labelled with the bundled labels: the gate scores the set's own.
    MapLabels(config.labels(), &ood);
    std::erase_if(ood, [&](const LabelledLine& r) { return !config.labels().Contains(r.label); });
    ood_hash = HashRows(ood);
  }
  for (auto& [name, set] :
       {std::pair<std::string, const std::vector<LabelledLine>*>{"store holdout", &store_holdout},
        {"ood dev", &ood}}) {
    LOGSIEVE_ASSIGN_OR_RETURN(GateSet g, Compare(config, name, current, staged, *set));
    report->sets.push_back(std::move(g));
  }
  report->reasons = GateReasons(report->sets, options);
  report->promoted = report->reasons.empty();
  return ood_hash;
}

}  // namespace

StatusOr<LearnReport> Learn(const Config& config, Store& store, const LearnOptions& options) {
  LearnReport report;
  LOGSIEVE_ASSIGN_OR_RETURN(const std::vector<LabelledLine> base,
                            ReadBaseCorpus(config, options, &report));
  LOGSIEVE_ASSIGN_OR_RETURN(Normalizer normalizer, Normalizer::FromConfig(config));
  auto shared_normalizer = std::make_shared<const Normalizer>(std::move(normalizer));
  LOGSIEVE_ASSIGN_OR_RETURN(StoreRows store_rows, ReadStoreRows(config, store, options,
                                                                shared_normalizer.get(), &report));
  const size_t added_rows = store_rows.added.size();

  const std::string created_at = CreatedAtFromEnvironment();
  LOGSIEVE_ASSIGN_OR_RETURN(ConfidentTrainResult trained,
                            TrainCandidate(config, options, base, std::move(store_rows.added),
                                           shared_normalizer, created_at));
  LOGSIEVE_ASSIGN_OR_RETURN(Registry registry, Registry::Open(options.registry));
  // Staged under a name of this run's own, removed however the run ends.
  const std::string staged = registry.StagingFile();
  struct Unstage {
    const std::string& path;
    ~Unstage() {
      std::error_code ec;
      std::filesystem::remove(path, ec);
    }
  } unstage{staged};
  LOGSIEVE_RETURN_IF_ERROR(SaveModel(trained.fit.model, staged));
  LOGSIEVE_ASSIGN_OR_RETURN(const std::string ood_hash,
                            Gate(config, options, registry, staged, store_rows.holdout, &report));

  // The registry: every candidate, with what it was made from and how it did.
  nlohmann::json metrics = nlohmann::json::object();
  for (const GateSet& g : report.sets) {
    metrics[g.name] = {{"current", ScoresToJson(g.current)},
                       {"candidate", ScoresToJson(g.candidate)}};
  }
  nlohmann::json metadata = {
      {"parent", report.parent},
      {"created_at", created_at},
      {"promoted", report.promoted},
      {"reasons", report.reasons},
      {"data",
       {{"base_corpus", options.base_corpus.empty() ? "synthetic" : options.base_corpus},
        {"base_hash", HashRows(base)},
        {"store_hash", HashRows(store_rows.seen)},
        {"store_holdout_hash", HashRows(store_rows.holdout)},
        {"ood_dev", options.ood_dev},
        {"ood_dev_hash", ood_hash},
        // What the autopilot counts new answers from (LearnedStoreAnswers).
        {"store_answers", LearningSignal(store_rows.stats)},
        {"rows",
         {{"base", report.base_rows},
          {"corrections", report.corrections},
          {"llm", report.llm_rows},
          {"store_holdout", report.holdout_rows},
          {"trained", report.base_rows + added_rows}}}}},
      {"options",
       {{"min_llm_confidence", options.min_llm_confidence},
        {"correction_weight", options.correction_weight},
        {"llm_weight", options.llm_weight},
        {"holdout", options.holdout},
        {"max_label_drop", options.max_label_drop},
        {"max_accuracy_drop", options.max_accuracy_drop},
        {"min_label_support", options.min_label_support}}},
      {"metrics", metrics}};
  LOGSIEVE_ASSIGN_OR_RETURN(report.version, registry.Add(staged, std::move(metadata)));
  if (report.promoted && options.activate) {
    LOGSIEVE_RETURN_IF_ERROR(registry.Activate(report.version));
    report.activated = true;
  }
  report.active_model = registry.active_model_path();
  return report;
}

int64_t LearnedStoreAnswers(const Config& config) {
  StatusOr<Registry> registry = Registry::OpenExisting(RegistryDir(config));
  if (!registry.ok()) return 0;
  StatusOr<std::vector<RegistryEntry>> versions = registry->List();
  if (!versions.ok() || versions->empty()) return 0;
  const nlohmann::json& data = versions->back().metadata.value("data", nlohmann::json::object());
  const nlohmann::json answers = data.value("store_answers", nlohmann::json(0));
  return answers.is_number_integer() ? answers.get<int64_t>() : 0;
}

LearningHooks MakeLearningHooks(const Config& config) {
  LearningHooks hooks;
  hooks.round = [config](Store& store) -> StatusOr<RoundOutcome> {
    LearnOptions options = LearnOptions::FromConfig(config);
    options.activate = true;
    LOGSIEVE_ASSIGN_OR_RETURN(LearnReport report, Learn(config, store, options));
    return RoundOutcome{report.activated, report.version, report.reasons};
  };
  hooks.baseline = [config] { return LearnedStoreAnswers(config); };
  return hooks;
}

std::string FormatLearnReport(const LearnReport& r) {
  std::ostringstream out;
  out << "candidate " << r.version << " (parent " << r.parent << "): trained on " << r.base_rows
      << " base rows, " << r.corrections << " corrections, " << r.llm_rows << " LLM answers ("
      << r.holdout_rows << " of them held out for the gate)";
  if (r.skipped_rows > 0)
    out << "; " << r.skipped_rows << " rows with labels outside the set skipped";
  out << "\n";
  for (const GateSet& g : r.sets) {
    if (g.candidate.rows == 0) {
      out << "\n"
          << g.name << ": no rows, not a gate"
          << (g.name == "store holdout" ? " (only LLM answers are held out; corrections are all "
                                          "trained on)\n"
                                        : "\n");
      continue;
    }
    out << "\n"
        << g.name << " (" << g.candidate.rows << " rows): accuracy current "
        << Fixed(g.current.accuracy) << ", candidate " << Fixed(g.candidate.accuracy)
        << "; macro-F1 current " << Fixed(g.current.macro_f1) << ", candidate "
        << Fixed(g.candidate.macro_f1) << "\n";
    char line[160];
    std::snprintf(line, sizeof line, "  %-22s %7s %10s %10s %8s\n", "label", "support",
                  "F1 current", "F1 cand.", "change");
    out << line;
    for (const ClassScores& c : g.candidate.per_class) {
      if (c.support == 0) continue;
      const ClassScores* cur = FindClass(g.current, c.label);
      const double before = cur != nullptr ? cur->f1 : 0;
      std::snprintf(line, sizeof line, "  %-22s %7zu %10.3f %10.3f %+8.3f\n", c.label.c_str(),
                    c.support, before, c.f1, c.f1 - before);
      out << line;
    }
  }
  out << "\n";
  if (r.promoted && !r.activated) {
    out << "passed the gate: " << r.version << " is kept inactive (logsieve models activate "
        << r.version << ")\n";
  } else if (r.promoted) {
    out << "promoted: " << r.version << " is active (" << r.active_model << ")\n";
  } else {
    out << "not promoted (" << r.version << " is kept in the registry, inactive):\n";
    for (const std::string& why : r.reasons) out << "  - " << why << "\n";
  }
  return out.str();
}

nlohmann::json LearnReportToJson(const LearnReport& r) {
  nlohmann::json sets = nlohmann::json::array();
  for (const GateSet& g : r.sets) {
    sets.push_back({{"name", g.name},
                    {"current", ScoresToJson(g.current)},
                    {"candidate", ScoresToJson(g.candidate)}});
  }
  return {{"version", r.version},          {"parent", r.parent},
          {"promoted", r.promoted},        {"activated", r.activated},
          {"reasons", r.reasons},          {"sets", sets},
          {"base_rows", r.base_rows},      {"corrections", r.corrections},
          {"llm_rows", r.llm_rows},        {"holdout_rows", r.holdout_rows},
          {"active_model", r.active_model}};
}

}  // namespace logsieve
