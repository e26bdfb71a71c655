#include "train/trainer.h"

#include <algorithm>
#include <cstdlib>
#include <ctime>
#include <map>
#include <nlohmann/json.hpp>
#include <numeric>

namespace logsieve {
namespace {

// The encoder input of each line.
StatusOr<std::vector<std::string>> EncoderTexts(const Encoder& encoder,
                                                const Normalizer* normalizer,
                                                const std::vector<const LabelledLine*>& lines) {
  std::vector<std::string> texts(lines.size());
  if (encoder.wants_template_text()) {
    if (normalizer == nullptr)
      return InvalidArgumentError("the encoder wants template text but no normalizer is set");
    for (size_t i = 0; i < lines.size(); ++i) normalizer->Normalize(lines[i]->message, &texts[i]);
  } else {
    for (size_t i = 0; i < lines.size(); ++i) texts[i] = lines[i]->message;
  }
  return texts;
}

// Encodes into sparse rows (hashing) or dense rows (transformers).
struct Encoded {
  std::vector<SparseVector> sparse;
  std::vector<float> dense;
  FeatureRows rows() const {
    return dense.empty() && !sparse.empty() ? FeatureRows::Sparse(dim, sparse)
                                            : FeatureRows::Dense(dim, dense.data(), n);
  }
  size_t dim = 0, n = 0;
};

StatusOr<Encoded> Encode(const Encoder& encoder, const std::vector<std::string>& texts) {
  std::vector<std::string_view> views(texts.begin(), texts.end());
  Encoded e;
  e.dim = encoder.dim();
  e.n = texts.size();
  if (encoder.sparse()) {
    LOGSIEVE_RETURN_IF_ERROR(encoder.EncodeSparse(views, &e.sparse));
  } else {
    e.dense.resize(texts.size() * encoder.dim());
    LOGSIEVE_RETURN_IF_ERROR(encoder.EncodeDense(views, e.dense.data()));
  }
  return e;
}

std::vector<std::string> ArgmaxLabels(const Model& model, const Encoded& e) {
  std::vector<float> p(model.labels.size());
  std::vector<std::string> out;
  out.reserve(e.n);
  for (size_t i = 0; i < e.n; ++i) {
    if (!e.sparse.empty()) {
      model.linear.Logits(e.sparse[i], p.data());
    } else {
      model.linear.Logits(e.dense.data() + i * e.dim, p.data());
    }
    out.push_back(model.labels[std::max_element(p.begin(), p.end()) - p.begin()]);
  }
  return out;
}

}  // namespace

std::string CreatedAtFromEnvironment() {
  std::time_t t = std::time(nullptr);
  if (const char* e = std::getenv("SOURCE_DATE_EPOCH"); e != nullptr && *e != '\0')
    t = std::strtoll(e, nullptr, 10);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[32];
  std::strftime(buf, sizeof buf, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return buf;
}

StatusOr<TrainResult> TrainModel(const std::vector<LabelledLine>& rows, const TrainOptions& o,
                                 const std::vector<LabelledLine>* evaluation) {
  if (o.encoder == nullptr) return InvalidArgumentError("no encoder");
  if (rows.empty()) return InvalidArgumentError("no training rows");
  if (!(o.holdout >= 0.0 && o.holdout <= 0.9)) {
    return InvalidArgumentError("holdout " + std::to_string(o.holdout) + " is outside [0, 0.9]");
  }
  std::vector<std::string> labels = o.labels;
  if (labels.empty()) {
    for (const auto& r : rows) labels.push_back(r.label);
    std::sort(labels.begin(), labels.end());
    labels.erase(std::unique(labels.begin(), labels.end()), labels.end());
  }
  std::map<std::string, int, std::less<>> label_id;
  for (size_t k = 0; k < labels.size(); ++k) label_id.emplace(labels[k], static_cast<int>(k));
  if (label_id.size() < 2) return InvalidArgumentError("need rows of at least two labels");

  // Split: a seeded Fisher-Yates shuffle (own generator: same on every platform).
  std::vector<size_t> order(rows.size());
  std::iota(order.begin(), order.end(), 0);
  uint64_t state = o.seed * 0x9E3779B97F4A7C15ull + 1;
  auto next = [&state] {
    state ^= state << 13;
    state ^= state >> 7;
    state ^= state << 17;
    return state;
  };
  size_t n_hold = 0;
  if (evaluation == nullptr && o.holdout > 0.0) {
    for (size_t i = rows.size(); i > 1; --i) std::swap(order[i - 1], order[next() % i]);
    n_hold = static_cast<size_t>(o.holdout * double(rows.size()));
  }
  std::vector<const LabelledLine*> train, hold;
  for (size_t i = 0; i < rows.size(); ++i) (i < n_hold ? hold : train).push_back(&rows[order[i]]);
  if (n_hold > 0) std::sort(train.begin(), train.end());  // file order within the training part
  if (evaluation != nullptr) {
    for (const auto& r : *evaluation) hold.push_back(&r);
  }

  std::vector<int> y;
  y.reserve(train.size());
  for (const LabelledLine* r : train) {
    auto it = label_id.find(r->label);
    if (it == label_id.end())
      return InvalidArgumentError("label \"" + r->label + "\" is not in the label set");
    y.push_back(it->second);
  }
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<std::string> texts,
                            EncoderTexts(*o.encoder, o.normalizer.get(), train));
  LOGSIEVE_ASSIGN_OR_RETURN(Encoded x, Encode(*o.encoder, texts));
  texts.clear();
  LOGSIEVE_ASSIGN_OR_RETURN(TrainedLinearModel fit,
                            TrainLogisticRegression(x.rows(), y, labels.size(), o.lr));

  TrainResult result;
  result.train_rows = train.size();
  result.holdout_rows = hold.size();
  result.iterations = fit.iterations;
  result.converged = fit.converged;
  Model& m = result.model;
  m.labels = labels;
  m.encoder_spec = o.encoder->spec_json();
  m.encoder_fingerprint = o.encoder->fingerprint();
  m.normalizer_spec =
      o.encoder->wants_template_text() && o.normalizer ? o.normalizer->spec_json() : "";
  m.linear = std::move(fit.model);

  if (!hold.empty()) {
    LOGSIEVE_ASSIGN_OR_RETURN(std::vector<std::string> htexts,
                              EncoderTexts(*o.encoder, o.normalizer.get(), hold));
    LOGSIEVE_ASSIGN_OR_RETURN(Encoded hx, Encode(*o.encoder, htexts));
    std::vector<std::string> truth;
    truth.reserve(hold.size());
    for (const LabelledLine* r : hold) truth.push_back(r->label);
    result.holdout = Score(truth, ArgmaxLabels(m, hx), labels);
  }

  nlohmann::json meta = nlohmann::json::parse(o.extra_metadata_json, nullptr, false);
  if (!meta.is_object()) meta = nlohmann::json::object();
  meta["rows"] = rows.size();
  meta["train_rows"] = result.train_rows;
  meta["holdout_rows"] = result.holdout_rows;
  meta["holdout_kind"] = evaluation != nullptr ? "given" : (n_hold > 0 ? "random" : "none");
  meta["seed"] = o.seed;
  meta["created_at"] = o.created_at;
  meta["C"] = o.lr.C;
  meta["class_weight"] = o.lr.class_weight == ClassWeight::kBalanced ? "balanced" : "none";
  meta["solver"] = "lbfgs";
  meta["iterations"] = fit.iterations;
  meta["converged"] = fit.converged;
  if (!hold.empty()) {
    meta["holdout"] = {{"accuracy", result.holdout.accuracy},
                       {"macro_f1", result.holdout.macro_f1}};
  }
  m.training_json = meta.dump();
  return result;
}

StatusOr<std::vector<std::string>> PredictLabels(const Model& model, const Encoder& encoder,
                                                 const Normalizer* normalizer,
                                                 const std::vector<LabelledLine>& lines) {
  std::vector<const LabelledLine*> ptrs;
  ptrs.reserve(lines.size());
  for (const auto& l : lines) ptrs.push_back(&l);
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<std::string> texts,
                            EncoderTexts(encoder, normalizer, ptrs));
  LOGSIEVE_ASSIGN_OR_RETURN(Encoded x, Encode(encoder, texts));
  return ArgmaxLabels(model, x);
}

}  // namespace logsieve
