#include "model/model_stage.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "common/json.h"
#include "common/paths.h"
#include "common/version_id.h"
#include "embed/hashing_encoder.h"
#include "model/evidence.h"
#include "model/model_file.h"
#include "model/registry.h"
#include "text/normalizer.h"

namespace logsieve {
namespace {

std::string FormatP(float p) {
  char b[16];
  std::snprintf(b, sizeof b, "%.2f", p);
  return b;
}

class ModelStage final : public Stage {
 public:
  ModelStage(std::string path, std::string origin, LoadedModel loaded, double threshold,
             bool use_batch_templates, std::unique_ptr<Normalizer> own_normalizer,
             std::vector<Exemplar> exemplars, const LabelSet& labels)
      : path_(std::move(path)),
        origin_(std::move(origin)),
        model_(std::move(loaded.model)),
        encoder_(std::move(loaded.encoder)),
        hashing_(dynamic_cast<const HashingEncoder*>(encoder_.get())),
        threshold_(threshold),
        use_batch_templates_(use_batch_templates),
        own_normalizer_(std::move(own_normalizer)) {
    if (hashing_ != nullptr && !exemplars.empty())
      evidence_ = std::make_unique<LazyExemplarIndex>(std::move(exemplars), *hashing_);
    for (const std::string& l : model_.labels) {
      std::optional<std::string_view> answer = labels.Map(l);
      answer_.emplace_back(answer ? std::optional<std::string>(*answer) : std::nullopt);
      mapped_ = mapped_ || answer != l;
    }
    for (size_t k = 0; k < answer_.size(); ++k) {
      for (size_t j = 0; j < k; ++j) mapped_ = mapped_ || (answer_[j] && answer_[j] == answer_[k]);
    }
  }

  std::string_view name() const override { return "model"; }
  std::string version() const override { return VersionId(model_.checksum); }

  std::string description() const override {
    std::string enc;
    if (hashing_ != nullptr) {
      enc = "hashing 2^" + std::to_string(std::countr_zero(hashing_->options().dims));
    } else {
      enc = std::string(encoder_->kind()) + " " + std::to_string(encoder_->dim()) + "d";
    }
    return "model: " + origin_ + ", " + path_ + " (" + enc + ", " +
           std::to_string(model_.labels.size()) + " labels)";
  }

  Status Decide(Batch& batch, std::span<const size_t> pending) const override {
    if (pending.empty()) return OkStatus();
    thread_local std::string normalized;
    auto text_of = [&](size_t i) -> std::string_view {
      if (!encoder_->wants_template_text()) return batch.records[i].message;
      if (use_batch_templates_ && i < batch.templates.size() &&
          !(batch.templates[i].empty() && !batch.records[i].message.empty())) {
        return batch.templates[i];
      }
      own_normalizer_->Normalize(batch.records[i].message, &normalized);
      return normalized;
    };
    const size_t K = model_.labels.size();
    thread_local std::vector<float> p;
    p.resize(K);
    if (hashing_ != nullptr) {
      thread_local HashingEncoder::Workspace ws;
      thread_local SparseVector x;
      for (size_t i : pending) {
        std::string_view text = text_of(i);
        hashing_->Encode(text, &ws, &x);
        model_.linear.PredictProba(x, p.data());
        const Top top = TopOf(p);
        const float familiar = model_.familiarity.Score(ws);
        const float conf = model_.calibration.Apply(top.p, familiar);
        if (top.answer != nullptr && conf >= threshold_) {
          batch.decisions[i] = Decision{
              *top.answer, Method::kML, conf,
              batch.want_detail ? Mapping(top, p) + Explain(text, x, top.k, conf, familiar, &ws)
                                : std::string()};
        } else {
          Tentative(batch, i, top, p, conf, familiar);
        }
      }
      return OkStatus();
    }
    // Other encoders: one call for the whole batch (transformers want batches).
    std::vector<std::string> texts;
    texts.reserve(pending.size());
    for (size_t i : pending) texts.emplace_back(text_of(i));
    std::vector<std::string_view> views(texts.begin(), texts.end());
    std::vector<float> dense(views.size() * encoder_->dim());
    LOGSIEVE_RETURN_IF_ERROR(encoder_->EncodeDense(views, dense.data()));
    for (size_t r = 0; r < pending.size(); ++r) {
      const size_t i = pending[r];
      model_.linear.PredictProba(dense.data() + r * encoder_->dim(), p.data());
      const Top top = TopOf(p);
      const float conf = model_.calibration.Apply(top.p, 1.0f);
      if (top.answer != nullptr && conf >= threshold_) {
        batch.decisions[i] =
            Decision{*top.answer, Method::kML, conf,
                     batch.want_detail ? Mapping(top, p) + "p=" + FormatP(conf) : std::string()};
      } else {
        Tentative(batch, i, top, p, conf, -1.0f);
      }
    }
    return OkStatus();
  }

 private:
  // The model's answer for the probabilities `p`: k, its top model label (the
  // one explained); p, the probability of the answer; answer, the set's label
  // (null: k is unmapped, the model is unsure). Under a set that maps model
  // labels (labels[].from) the model labels answering the same label count
  // together: P(Failure) = P(Error) + P(Critical Error) + P(Workflow Error)
  // (doc/labels.md has the measurement); an unmapped label counts alone.
  struct Top {
    size_t k;
    float p;
    const std::string* answer;
  };
  Top TopOf(std::span<const float> p) const {
    const size_t k = std::max_element(p.begin(), p.end()) - p.begin();
    if (!mapped_) return Top{k, p[k], &model_.labels[k]};
    thread_local std::vector<float> sum;  // per model label: its answer's total
    sum.assign(p.size(), 0.0f);
    for (size_t a = 0; a < p.size(); ++a) {
      for (size_t b = 0; b < p.size(); ++b) {
        if (a == b || (answer_[a] && answer_[a] == answer_[b])) sum[a] += p[b];
      }
    }
    size_t best = 0;
    for (size_t a = 1; a < p.size(); ++a) {
      if (sum[a] > sum[best] || (sum[a] == sum[best] && p[a] > p[best])) best = a;
    }
    return Top{best, sum[best], answer_[best] ? &*answer_[best] : nullptr};
  }

  // "Error 0.60 + Workflow Error 0.35 -> Failure; " when the answer is not
  // the model's own label (the model labels answering it with p >= 0.01,
  // most likely first); "" otherwise.
  std::string Mapping(const Top& top, std::span<const float> p) const {
    if (!mapped_ || top.answer == nullptr) return "";
    std::vector<size_t> members;
    for (size_t k = 0; k < p.size(); ++k) {
      if (answer_[k] == *top.answer && (k == top.k || p[k] >= 0.01f)) members.push_back(k);
    }
    if (members.size() == 1 && model_.labels[top.k] == *top.answer) return "";
    std::stable_sort(members.begin(), members.end(),
                     [&](size_t a, size_t b) { return p[a] > p[b]; });
    std::string out;
    for (size_t k : members) {
      out += (out.empty() ? "" : " + ") + model_.labels[k];
      if (members.size() > 1) out += " " + FormatP(p[k]);
    }
    return out + " -> " + *top.answer + "; ";
  }

  // `familiar` < 0: the model has no familiarity (not shown). An unmapped top
  // label leaves the guess Unclassified (no fallback answers it), saying why.
  void Tentative(Batch& batch, size_t i, const Top& top, std::span<const float> p, float conf,
                 float familiar) const {
    if (i >= batch.tentative.size()) return;
    if (top.answer == nullptr) {
      batch.tentative[i] = Decision{
          std::string(kUnclassified), Method::kML, conf,
          batch.want_detail ? "the model's top label " + model_.labels[top.k] +
                                  " (p=" + FormatP(conf) + ") is unmapped in config `labels`"
                            : std::string()};
      return;
    }
    if (!batch.want_detail) {
      batch.tentative[i] = Decision{*top.answer, Method::kML, conf, std::string()};
      return;
    }
    std::string detail = Mapping(top, p) + "p=" + FormatP(conf) + " below threshold " +
                         FormatP(static_cast<float>(threshold_));
    if (familiar >= 0 && !model_.familiarity.empty()) detail += "; familiar " + FormatP(familiar);
    batch.tentative[i] = Decision{*top.answer, Method::kML, conf, std::move(detail)};
  }

  // `p=0.93; top: "failed password" +1.20, "<ip>" +0.80`: each bucket's
  // contribution to (logit_k - mean logit), split evenly among the feature
  // occurrences hashed into it, summed per word n-gram (a character n-gram
  // counts for its word).
  std::string Explain(std::string_view text, const SparseVector& x, size_t k, float p,
                      float familiar, HashingEncoder::Workspace* ws) const {
    thread_local std::vector<NamedFeature> feats;
    thread_local std::vector<float> contribution;   // per bucket of x
    thread_local std::vector<float> by_words;       // per (first word, length) slot
    thread_local std::vector<uint32_t> slot_owner;  // an occurrence naming the slot
    thread_local std::vector<std::pair<float, uint32_t>> ranked;
    thread_local std::vector<uint32_t> position;
    thread_local std::vector<std::pair<float, std::string>> named;
    // Encode left every feature occurrence's bucket, sorted, in ws->buckets.
    const std::vector<uint32_t>& occurrences = ws->buckets;
    const size_t K = model_.labels.size();
    const std::span<const float> W = model_.linear.weights();
    // Contribution of each bucket of x, split over its occurrences (both
    // lists are sorted: one merge pass counts them).
    contribution.resize(x.indices.size());
    size_t o = 0;
    for (size_t t = 0; t < x.indices.size(); ++t) {
      const uint32_t b = x.indices[t];
      while (o < occurrences.size() && occurrences[o] < b) ++o;
      size_t count = 0;
      while (o < occurrences.size() && occurrences[o] == b) ++o, ++count;
      const float* w = W.data() + static_cast<size_t>(b) * K;
      float mean = 0;
      for (size_t c = 0; c < K; ++c) mean += w[c];
      mean /= static_cast<float>(K);
      contribution[t] =
          x.values[t] * (w[k] - mean) / static_cast<float>(std::max<size_t>(1, count));
    }
    // bucket -> position in x, open addressing (power-of-two table > 2n).
    size_t cap = 16;
    while (cap < 2 * x.indices.size()) cap <<= 1;
    position.assign(cap, UINT32_MAX);
    for (uint32_t t = 0; t < x.indices.size(); ++t) {
      size_t h = static_cast<uint32_t>(x.indices[t] * 0x9E3779B1u) & (cap - 1);
      while (position[h] != UINT32_MAX) h = (h + 1) & (cap - 1);
      position[h] = t;
    }
    auto find = [&](uint32_t b) -> uint32_t {
      size_t h = static_cast<uint32_t>(b * 0x9E3779B1u) & (cap - 1);
      while (position[h] != UINT32_MAX && x.indices[position[h]] != b) h = (h + 1) & (cap - 1);
      return position[h];
    };
    hashing_->Features(text, ws, &feats);
    const size_t span = static_cast<size_t>(std::max(1, hashing_->options().word_max));
    const size_t slots = ws->words.size() * span;
    by_words.assign(slots, 0.0f);
    slot_owner.assign(slots, UINT32_MAX);
    for (uint32_t f = 0; f < feats.size(); ++f) {
      const auto& feat = feats[f];
      const uint32_t t = find(feat.index);
      if (t == UINT32_MAX) continue;
      const size_t slot =
          feat.first_word * span + std::min<size_t>(span - 1, feat.end_word - feat.first_word - 1);
      by_words[slot] += contribution[t];
      if (slot_owner[slot] == UINT32_MAX) slot_owner[slot] = f;
    }
    ranked.clear();
    for (size_t s = 0; s < slots; ++s) {
      if (slot_owner[s] != UINT32_MAX && by_words[s] > 0)
        ranked.emplace_back(by_words[s], slot_owner[s]);
    }
    // Names of the strongest few, merging repeats of the same words ("User
    // User<NUM>" has the word "user" twice), then the top three.
    const size_t head = std::min<size_t>(8, ranked.size());
    std::partial_sort(ranked.begin(), ranked.begin() + head, ranked.end(),
                      [](const auto& a, const auto& b) { return a.first > b.first; });
    named.clear();
    for (size_t t = 0; t < head; ++t) {
      std::string name = HashingEncoder::FeatureName(*ws, feats[ranked[t].second]);
      auto same =
          std::find_if(named.begin(), named.end(), [&](const auto& n) { return n.second == name; });
      if (same != named.end()) {
        same->first += ranked[t].first;
      } else {
        named.emplace_back(ranked[t].first, std::move(name));
      }
    }
    std::stable_sort(named.begin(), named.end(),
                     [](const auto& a, const auto& b) { return a.first > b.first; });
    std::string detail = "p=" + FormatP(p);
    if (!model_.familiarity.empty()) detail += "; familiar " + FormatP(familiar);
    for (size_t t = 0; t < std::min<size_t>(3, named.size()); ++t) {
      char v[24];
      std::snprintf(v, sizeof v, " +%.2f", named[t].first);
      detail += t == 0 ? "; top: \"" : ", \"";
      detail += named[t].second + "\"" + v;
    }
    if (const ExemplarIndex* index = evidence_ ? evidence_->Get() : nullptr)
      AppendNear(*index, *ws, x, &detail);
    return detail;
  }

  // `; near: "Disk quota exceeded for user <NUM>" (Resource Usage, sim 0.93)`:
  // the nearest training exemplar (model/evidence.h), its text cut at 100
  // bytes (on a UTF-8 boundary).
  void AppendNear(const ExemplarIndex& index, const HashingEncoder::Workspace& ws,
                  const SparseVector& x, std::string* detail) const {
    const ExemplarIndex::Match m = index.Nearest(ws, x);
    if (m.exemplar < 0) return;
    const Exemplar& e = index.exemplars()[m.exemplar];
    constexpr size_t kShown = 100;
    std::string_view text = e.text;
    bool cut = false;
    if (text.size() > kShown) {
      size_t end = kShown;
      while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) --end;
      text = text.substr(0, end);
      cut = true;
    }
    *detail += "; near: \"";
    detail->append(text);
    *detail += cut ? "...\" (" : "\" (";
    *detail += model_.labels[e.label] + ", sim " + FormatP(m.similarity) + ")";
  }

  std::string path_;
  std::string origin_;  // ModelChoice::origin: "registry v0003", "bundled", "model.file"
  Model model_;
  std::unique_ptr<Encoder> encoder_;
  const HashingEncoder* hashing_;  // encoder_ when it is one; else null
  double threshold_;
  bool use_batch_templates_;
  std::unique_ptr<Normalizer> own_normalizer_;
  // Built when a detail first asks (most runs show none); null: the model
  // has no exemplars or its encoder is not the hashing one.
  std::unique_ptr<LazyExemplarIndex> evidence_;
  // By model label: the set's label it answers (LabelSet::Map); nullopt: unmapped.
  std::vector<std::optional<std::string>> answer_;
  bool mapped_ = false;  // some model label answers another name, or none
};

// The Normalizer a model was trained with, from its spec {"masks":[...]}.
StatusOr<std::unique_ptr<Normalizer>> NormalizerFromSpec(const std::string& spec,
                                                         const std::string& path) {
  StatusOr<nlohmann::json> parsed = ParseJson(spec, path + ": normalizer spec");
  if (!parsed.ok()) return DataLossError(path + ": corrupt: " + parsed.status().message());
  nlohmann::json& j = *parsed;
  if (!j.is_object() || !j.contains("masks") || !j["masks"].is_array()) {
    return DataLossError(path + ": corrupt: normalizer spec " + spec + " has no \"masks\" list");
  }
  std::vector<std::string> masks;
  for (const auto& m : j["masks"]) {
    if (!m.is_string())
      return DataLossError(path + ": corrupt: normalizer mask " + m.dump() + " is not a string");
    masks.push_back(m.get<std::string>());
  }
  StatusOr<Normalizer> n = Normalizer::Create(masks);
  if (!n.ok()) return n.status().WithPrefix(path + ": the model's normalizer");
  return std::make_unique<Normalizer>(std::move(n).value());
}

}  // namespace

StatusOr<std::unique_ptr<Stage>> MakeModelStage(const Config& config) {
  LOGSIEVE_ASSIGN_OR_RETURN(ModelChoice choice, ResolveModelFile(config));
  if (choice.path.empty()) return std::unique_ptr<Stage>();
  std::string path = std::move(choice.path);
  const double threshold = config.GetDouble("pipeline.threshold");
  LOGSIEVE_ASSIGN_OR_RETURN(LoadedModel loaded, LoadModel(path));

  for (const std::string& l : loaded.model.labels) {
    if (!config.labels().Accepts(l, BundledLabels().names())) {
      return FailedPreconditionError(
          path + ": the model's label \"" + l +
          "\" is not in config `labels` (nor in a `from`); add it there or retrain without it");
    }
  }

  bool use_batch_templates = true;
  std::unique_ptr<Normalizer> own;
  if (loaded.encoder->wants_template_text()) {
    if (loaded.model.normalizer_spec.empty()) {
      return DataLossError(
          path + ": corrupt: the encoder wants template text but the model has no normalizer spec");
    }
    LOGSIEVE_ASSIGN_OR_RETURN(own, NormalizerFromSpec(loaded.model.normalizer_spec, path));
    StatusOr<Normalizer> configured = Normalizer::FromConfig(config);
    use_batch_templates =
        configured.ok() && nlohmann::json::parse(configured->spec_json(), nullptr, false) ==
                               nlohmann::json::parse(loaded.model.normalizer_spec, nullptr, false);
  }
  // The exemplar index is built on first use (LazyExemplarIndex); ParseModel
  // holds the exemplars to kMaxExemplars, Build's one refusal.
  std::vector<Exemplar> exemplars = std::move(loaded.model.exemplars);
  return std::unique_ptr<Stage>(
      new ModelStage(std::move(path), std::move(choice.origin), std::move(loaded), threshold,
                     use_batch_templates, std::move(own), std::move(exemplars), config.labels()));
}

}  // namespace logsieve
