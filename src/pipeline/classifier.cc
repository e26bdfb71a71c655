#include "pipeline/classifier.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "common/metrics.h"
#include "common/stage_routes.h"
#include "common/thread_annotations.h"
#include "pipeline/decision_cache.h"
#include "pipeline/stage_factories.h"
#include "text/normalizer.h"

namespace logsieve {
namespace {

using json = nlohmann::json;

struct Route {
  std::string name;                  // part of the cache key
  std::vector<std::string> sources;  // empty for the default route
  std::vector<const Stage*> stages;
  const Stage* auditor = nullptr;  // the llm stage when it comes after the model (llm.audit_rate)
};

// The corrections a classifier applies: by template key, the latest label
// for each corrected template (the template text guards against a key
// collision), and how far into which CorrectionLog it is.
struct CorrectionIndex {
  struct Entry {
    std::string template_text;
    std::string label;
  };
  std::shared_ptr<const CorrectionLog> log;
  size_t applied = 0;  // log->lines[0, applied) are in `by_key`
  std::unordered_map<uint64_t, Entry> by_key;
};

class Pipeline final : public Classifier {
 public:
  explicit Pipeline(ClassifierParts parts) : parts_(std::move(parts)) {}

  // Builds the pipeline in named steps; a failure leaves it unused.
  Status Init(const Config& config, std::vector<std::unique_ptr<Stage>> prebuilt,
              bool build_missing) {
    labels_ = config.labels().names();
    labels_version_ = config.labels().version();
    LOGSIEVE_ASSIGN_OR_RETURN(normalizer_, Normalizer::FromConfig(config));
    cache_ = std::make_unique<DecisionCache>(config.GetSize("pipeline.cache_size"));
    for (auto& s : prebuilt) stages_.push_back(std::move(s));
    LOGSIEVE_RETURN_IF_ERROR(BuildRoutes(config, build_missing));
    SetUpAudit(config);
    RegisterMetrics();
    return OkStatus();
  }

  void Classify(Batch& batch) const override {
    batch.Reset();
    const size_t n = batch.size();
    if (n == 0) return;
    lines_seen_.fetch_add(static_cast<int64_t>(n), std::memory_order_relaxed);
    std::vector<std::vector<size_t>> groups(routes_.size() + 1);
    for (size_t i = 0; i < n; ++i) groups[RouteIndex(batch.records[i].source)].push_back(i);
    if (std::shared_ptr<const CorrectionIndex> index = Corrections();
        index != nullptr && !index->by_key.empty()) {
      for (size_t r = 0; r < groups.size(); ++r) {
        ApplyCorrections(*index, r < routes_.size() ? routes_[r] : default_route_, batch,
                         groups[r]);
      }
    }
    std::vector<std::string> failures(n);
    for (size_t r = 0; r < groups.size(); ++r) {
      if (!groups[r].empty())
        RunRoute(r < routes_.size() ? routes_[r] : default_route_, batch, groups[r], failures);
    }
    for (size_t i = 0; i < n; ++i) {
      Decision& d = batch.decisions[i];
      if (!d.decided()) Finalize(batch, i, failures[i]);
      Count(d);
    }
    lines_->Inc(static_cast<double>(n));
  }

  Decision ClassifyOne(std::string_view source, std::string_view message) const override {
    Batch batch;
    batch.records.push_back({std::string(source), std::string(message)});
    Classify(batch);
    return std::move(batch.decisions[0]);
  }

  bool may_wait() const override {
    return std::any_of(stages_.begin(), stages_.end(), [](const auto& s) { return s->may_wait(); });
  }

  const std::vector<std::string>& labels() const override { return labels_; }
  // Loaded stages in pipeline order (rules, model, llm), whatever the build order.
  std::vector<const Stage*> InPipelineOrder() const {
    std::vector<const Stage*> out;
    for (std::string_view name : KnownStageNames()) {
      if (const Stage* s = Find(name)) out.push_back(s);
    }
    return out;
  }
  std::vector<std::string> stage_names() const override {
    std::vector<std::string> out;
    for (const Stage* s : InPipelineOrder()) out.emplace_back(s->name());
    return out;
  }
  std::vector<std::string> stage_reports() const override {
    std::vector<std::string> out;
    for (const auto& s : stages_) {
      if (std::string r = s->RunReport(); !r.empty()) out.push_back(std::move(r));
    }
    return out;
  }
  std::vector<std::pair<std::string, std::string>> versions() const override {
    std::vector<std::pair<std::string, std::string>> out;
    for (const Stage* s : InPipelineOrder()) out.emplace_back(std::string(s->name()), s->version());
    out.emplace_back("labels", labels_version_);
    return out;
  }
  std::vector<std::string> stage_descriptions() const override {
    std::vector<std::string> out;
    for (const Stage* s : InPipelineOrder()) out.push_back(s->description());
    return out;
  }
  std::vector<std::string> route_stages(std::string_view source) const override {
    const size_t r = RouteIndex(source);
    const Route& route = r < routes_.size() ? routes_[r] : default_route_;
    std::vector<std::string> out;
    for (const Stage* s : route.stages) out.emplace_back(s->name());
    return out;
  }

 private:
  // Step 1: every route of pipeline.routes, then the default route
  // (pipeline.stages), each stage name resolved to a stage built once.
  Status BuildRoutes(const Config& config, bool build_missing) {
    // Checked by the config table when set; parsed again here.
    LOGSIEVE_ASSIGN_OR_RETURN(const std::vector<StageRoute> route_specs,
                              ParseStageRoutes(config.GetJson("pipeline.routes")));
    for (size_t r = 0; r < route_specs.size(); ++r) {
      Route route;
      route.name = "route" + std::to_string(r);
      route.sources = route_specs[r].sources;
      LOGSIEVE_RETURN_IF_ERROR(ResolveStages(config, build_missing, route_specs[r].stages,
                                             "pipeline.routes[" + std::to_string(r) + "].stages",
                                             &route.stages));
      routes_.push_back(std::move(route));
    }
    default_route_.name = "default";
    return ResolveStages(config, build_missing, config.GetStringList("pipeline.stages"),
                         "pipeline.stages", &default_route_.stages);
  }

  // The stages `names` (errors name `where`), built when missing and asked
  // to; a stage configured off is left out. A raw-line stage after a cached
  // one is an error.
  Status ResolveStages(const Config& config, bool build_missing,
                       const std::vector<std::string>& names, const std::string& where,
                       std::vector<const Stage*>* out) {
    bool seen_cacheable = false;
    for (const std::string& name : names) {
      const auto& known = KnownStageNames();
      const bool is_known = std::find(known.begin(), known.end(), name) != known.end();
      const Stage* stage = Find(name);
      if (stage == nullptr && !is_known) {
        return InvalidArgumentError(where + ": unknown stage '" + name +
                                    "' (known: rules, model, llm)");
      }
      if (stage == nullptr && build_missing && !Built(name)) {
        LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Stage> made, MakeStage(name, config));
        built_names_.push_back(name);
        if (made) stages_.push_back(std::move(made));
        stage = Find(name);
      }
      if (stage == nullptr) continue;  // configured off
      if (!stage->cacheable() && seen_cacheable) {
        return InvalidArgumentError(where + ": stage '" + name +
                                    "' sees raw lines and must come before " +
                                    "the cached stages (model, llm)");
      }
      seen_cacheable |= stage->cacheable();
      out->push_back(stage);
    }
    return OkStatus();
  }

  // Step 2: the llm.audit_* settings, and each route's auditor (its LLM
  // stage, when a model stage comes before it).
  void SetUpAudit(const Config& config) {
    audit_.floor = config.GetDouble("llm.audit_rate");
    audit_.new_rate = config.GetDouble("llm.audit_new_rate");
    audit_.trust = config.GetInt("llm.audit_trust");
    audit_.budget = config.GetDouble("llm.audit_budget");
    agreements_ = std::vector<std::atomic<int64_t>>((labels_.size() + 1) * kBands);
    auto find_auditor = [](Route& route) {
      bool model_seen = false;
      for (const Stage* s : route.stages) {
        if (s->name() == "model") model_seen = true;
        if (s->name() == "llm" && model_seen) route.auditor = s;
      }
    };
    for (Route& route : routes_) find_auditor(route);
    find_auditor(default_route_);
  }

  // Step 3: the metrics, looked up once; each line costs one atomic add.
  void RegisterMetrics() {
    auto& m = MetricsRegistry::Global();
    cache_hits_ =
        &m.GetCounter("logsieve_cache_hits_total", "Lines answered by the template cache");
    cache_misses_ = &m.GetCounter("logsieve_cache_misses_total",
                                  "Distinct templates sent to the costly stages");
    lines_ = &m.GetCounter("logsieve_lines_total", "Lines classified");
    audits_agree_ =
        &m.GetCounter("logsieve_audits_total",
                      "Model decisions the LLM also answered (llm.audit_rate), by outcome",
                      {{"outcome", "agree"}});
    audits_disagree_ =
        &m.GetCounter("logsieve_audits_total",
                      "Model decisions the LLM also answered (llm.audit_rate), by outcome",
                      {{"outcome", "disagree"}});
    for (size_t l = 0; l <= labels_.size(); ++l) {
      std::string label = l < labels_.size() ? labels_[l] : std::string(kUnclassified);
      for (Method method : kAllMethods) {
        decision_counters_[method_index(method)].push_back(
            &m.GetCounter("logsieve_decisions_total", "Decisions by method and label",
                          {{"method", std::string(MethodName(method))}, {"label", label}}));
      }
    }
    for (const auto& s : stages_) {
      stage_errors_[s.get()] =
          &m.GetCounter("logsieve_stage_errors_total", "Batches a stage failed on",
                        {{"stage", std::string(s->name())}});
    }
  }
  static size_t method_index(Method m) { return static_cast<size_t>(m); }

  const Stage* Find(std::string_view name) const {
    for (const auto& s : stages_) {
      if (s->name() == name) return s.get();
    }
    return nullptr;
  }
  bool Built(const std::string& name) const {
    return std::find(built_names_.begin(), built_names_.end(), name) != built_names_.end();
  }

  size_t RouteIndex(std::string_view source) const {
    for (size_t r = 0; r < routes_.size(); ++r) {
      for (const std::string& s : routes_[r].sources) {
        if (s == source) return r;
      }
    }
    return routes_.size();
  }

  void RunRoute(const Route& route, Batch& batch, std::vector<size_t> pending,
                std::vector<std::string>& failures) const {
    bool normalized = false;
    std::vector<size_t> reps;                     // one line per distinct template
    std::vector<std::pair<size_t, size_t>> dups;  // (line, its representative)
    for (const Stage* stage : route.stages) {
      if (pending.empty()) break;
      if (stage->cacheable() && !normalized) {
        normalized = true;
        std::unordered_map<uint64_t, size_t> rep_of;
        std::vector<size_t> misses;
        for (size_t i : pending) {
          if (batch.keys[i] == 0) Key(route, batch, i);  // else ApplyCorrections keyed it
          if (std::optional<Decision> hit =
                  cache_->Lookup(batch.keys[i], batch.templates[i], batch.want_detail)) {
            batch.decisions[i] = std::move(*hit);
            batch.decisions[i].cached = true;
            cache_hits_->Inc();
            continue;
          }
          auto [it, inserted] = rep_of.emplace(batch.keys[i], i);
          if (!inserted && batch.templates[it->second] == batch.templates[i]) {
            dups.emplace_back(i, it->second);
            continue;
          }
          reps.push_back(i);
        }
        cache_misses_->Inc(static_cast<double>(reps.size()));
        pending = reps;
      }
      Status s = stage->Decide(batch, pending);
      if (!s.ok()) {
        stage_errors_.at(stage)->Inc();
        for (size_t i : pending) {
          failures[i] += (failures[i].empty() ? "" : "; ") + std::string("stage '") +
                         std::string(stage->name()) + "' failed: " + s.message();
        }
      }
      std::erase_if(pending, [&](size_t i) { return batch.decisions[i].decided(); });
    }
    // Only an LLM that can be asked (Stage::may_wait: an endpoint, a key if
    // needed) audits; one that would degrade every line is not bothered.
    if (route.auditor != nullptr && audit_.floor > 0 && route.auditor->may_wait()) {
      Audit(*route.auditor, batch, reps);
    }
    for (size_t i : reps) {
      const Decision& d = batch.decisions[i];
      if (d.decided() && !d.degraded && d.method != Method::kRegex) {
        cache_->Insert(batch.keys[i], batch.templates[i], d, batch.want_detail);
      }
    }
    for (auto [line, rep] : dups) {
      batch.decisions[line] = batch.decisions[rep];
      batch.tentative[line] = batch.tentative[rep];
      failures[line] = failures[rep];
    }
  }

  void Key(const Route& route, Batch& batch, size_t i) const {
    normalizer_.Normalize(batch.records[i].message, &batch.templates[i]);
    batch.keys[i] = TemplateKey(route.name, batch.templates[i]);
  }

  // The corrections in force, brought up to the source's current log: the
  // lines it added since, or all of them again in a new epoch. Null when no
  // source was given.
  std::shared_ptr<const CorrectionIndex> Corrections() const EXCLUDES(corrections_mu_) {
    if (parts_.corrections == nullptr) return nullptr;
    std::shared_ptr<const CorrectionLog> log = parts_.corrections->Current();
    MutexLock lock(&corrections_mu_);
    if (corrections_ != nullptr && corrections_->log == log) return corrections_;
    auto next = std::make_shared<CorrectionIndex>();
    size_t from = 0;
    if (corrections_ != nullptr && corrections_->log != nullptr &&
        corrections_->log->epoch == log->epoch && corrections_->applied <= log->lines.size()) {
      next->by_key = corrections_->by_key;
      from = corrections_->applied;
    }
    std::string template_text;
    for (size_t k = from; k < log->lines.size(); ++k) {
      const CorrectedLine& c = log->lines[k];
      const size_t r = RouteIndex(c.source);
      normalizer_.Normalize(c.message, &template_text);
      const uint64_t key =
          TemplateKey(r < routes_.size() ? routes_[r].name : default_route_.name, template_text);
      next->by_key[key] = {template_text, c.label};
    }
    next->log = std::move(log);
    next->applied = next->log->lines.size();
    corrections_ = std::move(next);
    return corrections_;
  }

  // Decides the lines in `group` (all of `route`) whose template a person
  // corrected, removing them from `group`; keys every line it looks at.
  void ApplyCorrections(const CorrectionIndex& index, const Route& route, Batch& batch,
                        std::vector<size_t>& group) const {
    std::erase_if(group, [&](size_t i) {
      Key(route, batch, i);
      auto it = index.by_key.find(batch.keys[i]);
      if (it == index.by_key.end() || it->second.template_text != batch.templates[i]) return false;
      Decision& d = batch.decisions[i];
      d.label = it->second.label;
      d.method = Method::kCorrection;
      d.confidence = 1.0f;
      d.detail = "a person's correction of this template";
      return true;
    });
  }

  // The audit's confidence bands of a model decision: [threshold, 0.9),
  // [0.9, 0.97), [0.97, 1]. A model is rarely wrong the same way across bands,
  // so each (label, band) earns the LLM's trust on its own.
  static constexpr size_t kBands = 3;
  size_t AuditCell(const Decision& d) const {
    size_t l = 0;
    while (l < labels_.size() && labels_[l] != d.label) ++l;
    const float p = d.confidence.value_or(0);
    return l * kBands + (p < 0.9f ? 0 : p < 0.97f ? 1 : 2);
  }

  // The share of a cell's templates audited: llm.audit_new_rate until the LLM
  // agreed llm.audit_trust times (since the last disagreement), then falling
  // with the square of the agreements, down to llm.audit_rate.
  double AuditRate(size_t cell) const {
    const int64_t agreed = agreements_[cell].load(std::memory_order_relaxed);
    if (agreed < audit_.trust) return std::max(audit_.new_rate, audit_.floor);
    const double fall = static_cast<double>(audit_.trust) / static_cast<double>(agreed);
    return std::max(audit_.floor, audit_.new_rate * fall * fall);
  }

  // Whether the template `key` is among the `rate` share audited: chosen by
  // the key's bits, so a template is chosen the same way every time and in
  // every process (at the same rate).
  static bool Audited(uint64_t key, double rate) {
    return static_cast<double>((key >> 12) % 1000000) < rate * 1e6;
  }

  // Takes one audit from llm.audit_budget (a share of the lines classified);
  // false when it is spent.
  bool SpendAudit() const {
    const double allowed = std::max(
        1.0, audit_.budget * static_cast<double>(lines_seen_.load(std::memory_order_relaxed)));
    if (static_cast<double>(audits_spent_.load(std::memory_order_relaxed)) >= allowed) return false;
    audits_spent_.fetch_add(1, std::memory_order_relaxed);
    return true;
  }

  // The audit: the model's decisions on audited templates go to `llm` too. An
  // LLM answer that disagrees is served (method LLM, the model's decision
  // kept as the line's tentative guess, which the store records as the
  // model's error) and puts its cell back to llm.audit_new_rate; one that
  // agrees counts towards the cell's trust; no answer (LLM down, degraded)
  // leaves the model's decision and counts for nothing.
  void Audit(const Stage& llm, Batch& batch, const std::vector<size_t>& reps) const {
    std::vector<size_t> audit;
    for (size_t i : reps) {
      const Decision& d = batch.decisions[i];
      if (d.method == Method::kML && !d.degraded &&
          Audited(batch.keys[i], AuditRate(AuditCell(d))) && SpendAudit()) {
        audit.push_back(i);
      }
    }
    if (audit.empty()) return;
    std::vector<Decision> model(audit.size());
    for (size_t a = 0; a < audit.size(); ++a) {
      model[a] = std::move(batch.decisions[audit[a]]);
      batch.decisions[audit[a]] = Decision{};
      batch.tentative[audit[a]] = model[a];
    }
    const Status s = llm.Decide(batch, audit);
    for (size_t a = 0; a < audit.size(); ++a) {
      Decision& d = batch.decisions[audit[a]];
      const bool answered = s.ok() && d.method == Method::kLLM && !d.degraded;
      const size_t cell = AuditCell(model[a]);
      if (answered && d.label != model[a].label) {
        audits_disagree_->Inc();
        agreements_[cell].store(0, std::memory_order_relaxed);
        d.detail += "; audit: the model said " + model[a].label + " (" + model[a].detail + ")";
        continue;
      }
      if (answered) {
        audits_agree_->Inc();
        agreements_[cell].fetch_add(1, std::memory_order_relaxed);
      }
      d = std::move(model[a]);
      batch.tentative[audit[a]] = Decision{};
    }
  }

  // Makes an undecided line Unclassified. A detail a stage left (the LLM's
  // out-of-set answer, why it was unavailable) is kept; otherwise the detail
  // says why nothing decided (when the caller shows it: Batch::want_detail).
  void Finalize(Batch& batch, size_t i, const std::string& failure) const {
    Decision& d = batch.decisions[i];
    d.label = std::string(kUnclassified);
    d.method = Method::kNone;
    d.confidence.reset();
    if (!batch.want_detail) return;
    const Decision& guess = batch.tentative[i];
    std::string why = failure;
    if (!d.detail.empty()) why += (why.empty() ? "" : "; ") + d.detail;
    if (why.empty() && guess.method != Method::kNone) {
      why = "no stage was sure; best guess " + guess.label + " (" + guess.detail + ")";
    }
    d.detail = why.empty() ? "no stage decided" : why;
  }

  void Count(const Decision& d) const {
    size_t l = 0;
    while (l < labels_.size() && labels_[l] != d.label) ++l;
    decision_counters_[method_index(d.method)][l]->Inc();
  }

  const ClassifierParts parts_;
  mutable Mutex corrections_mu_;
  mutable std::shared_ptr<const CorrectionIndex> corrections_ GUARDED_BY(corrections_mu_);
  std::vector<std::string> labels_;
  std::string labels_version_;
  Normalizer normalizer_ = *Normalizer::Create({});
  std::unique_ptr<DecisionCache> cache_;
  std::vector<std::unique_ptr<Stage>> stages_;
  std::vector<std::string> built_names_;
  std::vector<Route> routes_;
  Route default_route_;

  Counter* cache_hits_ = nullptr;
  Counter* cache_misses_ = nullptr;
  Counter* lines_ = nullptr;
  Counter* audits_agree_ = nullptr;
  Counter* audits_disagree_ = nullptr;
  struct AuditOptions {
    double floor = 0;     // llm.audit_rate
    double new_rate = 0;  // llm.audit_new_rate
    int64_t trust = 1;    // llm.audit_trust
    double budget = 0;    // llm.audit_budget
  } audit_;
  // Per (label, band): the LLM's agreements since its last disagreement.
  mutable std::vector<std::atomic<int64_t>> agreements_;
  mutable std::atomic<int64_t> lines_seen_{0};
  mutable std::atomic<int64_t> audits_spent_{0};
  std::array<std::vector<Counter*>, std::size(kAllMethods)>
      decision_counters_;  // [method][label index, last = other]
  std::unordered_map<const Stage*, Counter*> stage_errors_;
};

}  // namespace

StatusOr<std::unique_ptr<Classifier>> Classifier::Create(const Config& config,
                                                         ClassifierParts parts) {
  auto p = std::make_unique<Pipeline>(std::move(parts));
  LOGSIEVE_RETURN_IF_ERROR(p->Init(config, {}, true));
  return std::unique_ptr<Classifier>(std::move(p));
}

StatusOr<std::unique_ptr<Classifier>> Classifier::CreateWithStages(
    const Config& config, std::vector<std::unique_ptr<Stage>> stages, ClassifierParts parts) {
  auto p = std::make_unique<Pipeline>(std::move(parts));
  LOGSIEVE_RETURN_IF_ERROR(p->Init(config, std::move(stages), false));
  return std::unique_ptr<Classifier>(std::move(p));
}

}  // namespace logsieve
