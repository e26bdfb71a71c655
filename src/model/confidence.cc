#include "model/confidence.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

namespace logsieve {
namespace {

constexpr uint64_t kUnigramSalt = 0x756e696772616d31ull;
constexpr uint64_t kBigramSalt = 0x62696772616d3232ull;

inline uint32_t Mix32(uint64_t h) {  // the XXH64 avalanche, low half
  h ^= h >> 33;
  h *= 0xC2B2AE3D27D4EB4Full;
  h ^= h >> 29;
  h *= 0x165667B19E3779F9ull;
  h ^= h >> 32;
  return static_cast<uint32_t>(h);
}

inline bool IsMask(const HashingEncoder::Workspace& ws, size_t w) {
  return ws.lowered[ws.words[w].first] == '<';
}

// Calls emit(hash) for each term of the line: every non-mask word, every
// adjacent pair that is not two masks.
template <typename Emit>
void ForEachTerm(const HashingEncoder::Workspace& ws, Emit&& emit) {
  const size_t n = ws.words.size();
  for (size_t w = 0; w < n; ++w) {
    const bool mask = IsMask(ws, w);
    if (!mask) emit(Mix32(ws.word_hashes[w] ^ kUnigramSalt));
    if (w + 1 < n && !(mask && IsMask(ws, w + 1))) {
      emit(
          Mix32((ws.word_hashes[w] * 0x9E3779B185EBCA87ull + ws.word_hashes[w + 1]) ^ kBigramSalt));
    }
  }
}

inline double Sigmoid(double z) { return 1.0 / (1.0 + std::exp(-z)); }

inline double Logit(double p) {
  p = std::clamp(p, 1e-9, 1.0 - 1e-9);
  return std::clamp(std::log(p / (1.0 - p)), -20.0, 20.0);
}

}  // namespace

TermTable::TermTable(std::span<const uint32_t> keys) {
  size_t cap = 16;
  while (cap < 2 * keys.size()) cap <<= 1;
  slots_.assign(cap, kEmpty);
  mask_ = cap - 1;
  for (size_t i = 0; i < keys.size(); ++i) {
    size_t h = keys[i] & mask_;
    while (slots_[h] != kEmpty) h = (h + 1) & mask_;
    slots_[h] = (static_cast<uint64_t>(keys[i]) << 32) | static_cast<uint32_t>(i);
  }
}

StatusOr<Familiarity> Familiarity::FromHashes(std::vector<uint32_t> hashes) {
  for (size_t i = 1; i < hashes.size(); ++i) {
    if (hashes[i - 1] >= hashes[i])
      return DataLossError("familiarity hashes are not sorted and unique at entry " +
                           std::to_string(i));
  }
  Familiarity f;
  f.hashes_ = std::move(hashes);
  f.table_ = TermTable(f.hashes_);
  return f;
}

Familiarity Familiarity::FromTexts(const HashingEncoder& encoder,
                                   std::span<const std::string_view> texts) {
  HashingEncoder::Workspace ws;
  std::vector<NamedFeature> scratch;
  Familiarity f;
  for (std::string_view t : texts) {
    encoder.Features(t, &ws, &scratch);
    Terms(ws, &f.hashes_);
  }
  std::sort(f.hashes_.begin(), f.hashes_.end());
  f.hashes_.erase(std::unique(f.hashes_.begin(), f.hashes_.end()), f.hashes_.end());
  f.table_ = TermTable(f.hashes_);
  return f;
}

void Familiarity::Terms(const HashingEncoder::Workspace& ws, std::vector<uint32_t>* out) {
  ForEachTerm(ws, [&](uint32_t h) { out->push_back(h); });
}

float Familiarity::Score(const HashingEncoder::Workspace& ws) const {
  if (hashes_.empty()) return 1.0f;
  size_t terms = 0, seen = 0;
  ForEachTerm(ws, [&](uint32_t h) {
    ++terms;
    seen += table_.Find(h) != TermTable::kAbsent ? 1 : 0;
  });
  return terms == 0 ? 0.0f : static_cast<float>(seen) / static_cast<float>(terms);
}

float Calibration::Apply(float p_top, float familiarity) const {
  if (identity()) return p_top;
  return static_cast<float>(Sigmoid(a * Logit(p_top) + b * familiarity + c));
}

StatusOr<Calibration> Calibration::Fit(std::span<const float> p_top,
                                       std::span<const float> familiarity,
                                       std::span<const uint8_t> correct) {
  const size_t n = p_top.size();
  if (familiarity.size() != n || correct.size() != n)
    return InvalidArgumentError("calibration: p_top, familiarity and correct differ in length");
  if (n == 0) return InvalidArgumentError("calibration: no held-out rows to fit on");
  // Features (logit p, familiarity, 1); minimise the mean log loss plus
  // 0.5 * ridge * (a^2 + b^2), starting from the identity.
  constexpr double kRidge = 1e-4;
  double w[3] = {1.0, 0.0, 0.0};
  auto loss = [&](const double* v) {
    double l = 0;
    for (size_t i = 0; i < n; ++i) {
      const double z = v[0] * Logit(p_top[i]) + v[1] * familiarity[i] + v[2];
      // log(1 + e^-z) for a correct row, log(1 + e^z) for a wrong one, stably.
      const double s = correct[i] ? -z : z;
      l += s > 0 ? s + std::log1p(std::exp(-s)) : std::log1p(std::exp(s));
    }
    return l / double(n) + 0.5 * kRidge * (v[0] * v[0] + v[1] * v[1]);
  };
  double current = loss(w);
  for (int iter = 0; iter < 100; ++iter) {
    double g[3] = {kRidge * w[0], kRidge * w[1], 0.0};
    double h[3][3] = {{kRidge, 0, 0}, {0, kRidge, 0}, {0, 0, 1e-9}};
    for (size_t i = 0; i < n; ++i) {
      const double x[3] = {Logit(p_top[i]), familiarity[i], 1.0};
      const double q = Sigmoid(w[0] * x[0] + w[1] * x[1] + w[2]);
      const double r = (q - (correct[i] ? 1.0 : 0.0)) / double(n);
      const double s = q * (1.0 - q) / double(n);
      for (int u = 0; u < 3; ++u) {
        g[u] += r * x[u];
        for (int v = 0; v < 3; ++v) h[u][v] += s * x[u] * x[v];
      }
    }
    // Solve h d = g (3x3, Gaussian elimination with partial pivoting).
    double m[3][4];
    for (int u = 0; u < 3; ++u) {
      for (int v = 0; v < 3; ++v) m[u][v] = h[u][v];
      m[u][3] = g[u];
    }
    for (int col = 0; col < 3; ++col) {
      int piv = col;
      for (int r = col + 1; r < 3; ++r)
        if (std::fabs(m[r][col]) > std::fabs(m[piv][col])) piv = r;
      for (int v = 0; v < 4; ++v) std::swap(m[col][v], m[piv][v]);
      if (std::fabs(m[col][col]) < 1e-300) return Calibration{w[0], w[1], w[2]};
      for (int r = 0; r < 3; ++r) {
        if (r == col) continue;
        const double f = m[r][col] / m[col][col];
        for (int v = col; v < 4; ++v) m[r][v] -= f * m[col][v];
      }
    }
    double d[3];
    for (int u = 0; u < 3; ++u) d[u] = m[u][3] / m[u][u];
    // Damped step: halve until the loss does not rise.
    double step = 1.0, next[3];
    double next_loss = current;
    for (int half = 0; half < 30; ++half, step *= 0.5) {
      for (int u = 0; u < 3; ++u) next[u] = w[u] - step * d[u];
      next_loss = loss(next);
      if (next_loss <= current) break;
    }
    if (!(next_loss <= current)) break;
    const double moved =
        std::max({std::fabs(next[0] - w[0]), std::fabs(next[1] - w[1]), std::fabs(next[2] - w[2])});
    std::copy(next, next + 3, w);
    current = next_loss;
    if (moved < 1e-10) break;
  }
  return Calibration{w[0], w[1], w[2]};
}

nlohmann::json Calibration::ToJson() const {
  return {{"kind", "platt-familiarity"}, {"a", a}, {"b", b}, {"c", c}};
}

StatusOr<Calibration> Calibration::FromJson(const nlohmann::json& j) {
  if (!j.is_object() || j.value("kind", "") != "platt-familiarity") {
    return UnimplementedError("calibration " + j.dump() +
                              " is not of kind \"platt-familiarity\" (the only one known)");
  }
  Calibration c;
  for (auto [key, out] : {std::pair{"a", &c.a}, {"b", &c.b}, {"c", &c.c}}) {
    const auto it = j.find(key);
    if (it == j.end() || !it->is_number() || !std::isfinite(it->get<double>()))
      return DataLossError(std::string("calibration field \"") + key + "\" missing or not finite");
    *out = it->get<double>();
  }
  return c;
}

Reliability MeasureReliability(std::span<const float> confidence, std::span<const uint8_t> correct,
                               int bins) {
  Reliability r;
  r.lines = confidence.size();
  r.bins.resize(static_cast<size_t>(std::max(1, bins)));
  const size_t nb = r.bins.size();
  for (size_t b = 0; b < nb; ++b) {
    r.bins[b].lo = double(b) / double(nb);
    r.bins[b].hi = double(b + 1) / double(nb);
  }
  for (size_t i = 0; i < confidence.size(); ++i) {
    const double c = std::clamp(double(confidence[i]), 0.0, 1.0);
    ReliabilityBin& bin = r.bins[std::min(nb - 1, static_cast<size_t>(c * double(nb)))];
    ++bin.lines;
    bin.mean_confidence += c;
    bin.accuracy += correct[i] ? 1.0 : 0.0;
  }
  for (ReliabilityBin& bin : r.bins) {
    if (bin.lines == 0) continue;
    bin.mean_confidence /= double(bin.lines);
    bin.accuracy /= double(bin.lines);
    r.ece += double(bin.lines) / double(r.lines) * std::fabs(bin.accuracy - bin.mean_confidence);
  }
  return r;
}

std::string FormatReliability(const Reliability& r) {
  char line[128];
  std::snprintf(line, sizeof line, "ECE %.3f over %zu lines\n", r.ece, r.lines);
  std::string out = line;
  out += "confidence     lines  mean conf  accuracy\n";
  for (const ReliabilityBin& b : r.bins) {
    if (b.lines == 0) continue;
    std::snprintf(line, sizeof line, "[%.2f, %.2f%c %7zu  %9.3f  %8.3f\n", b.lo, b.hi,
                  b.hi >= 1.0 ? ']' : ')', b.lines, b.mean_confidence, b.accuracy);
    out += line;
  }
  return out;
}

nlohmann::json ReliabilityToJson(const Reliability& r) {
  nlohmann::json bins = nlohmann::json::array();
  for (const ReliabilityBin& b : r.bins) {
    bins.push_back({{"lo", b.lo},
                    {"hi", b.hi},
                    {"lines", b.lines},
                    {"mean_confidence", b.mean_confidence},
                    {"accuracy", b.accuracy}});
  }
  return {{"lines", r.lines}, {"ece", r.ece}, {"bins", std::move(bins)}};
}

StatusOr<CalibrationFit> FitCalibrationOnHeldOut(const LinearModel& probe,
                                                 const Familiarity& probe_familiarity,
                                                 const Encoder& encoder,
                                                 std::span<const std::string> texts,
                                                 std::span<const int> truth) {
  if (texts.size() != truth.size())
    return InvalidArgumentError("calibration: texts and truth differ in length");
  const size_t K = probe.num_classes();
  std::vector<float> p(K), p_top, familiarity;
  std::vector<uint8_t> correct;
  auto record = [&](int label) {
    const size_t k = std::max_element(p.begin(), p.end()) - p.begin();
    p_top.push_back(p[k]);
    correct.push_back(static_cast<int>(k) == label ? 1 : 0);
  };
  if (const auto* hashing = dynamic_cast<const HashingEncoder*>(&encoder)) {
    HashingEncoder::Workspace ws;
    SparseVector x;
    for (size_t i = 0; i < texts.size(); ++i) {
      hashing->Encode(texts[i], &ws, &x);
      probe.PredictProba(x, p.data());
      record(truth[i]);
      familiarity.push_back(probe_familiarity.Score(ws));
    }
  } else {
    std::vector<std::string_view> views(texts.begin(), texts.end());
    std::vector<float> dense(views.size() * encoder.dim());
    LOGSIEVE_RETURN_IF_ERROR(encoder.EncodeDense(views, dense.data()));
    for (size_t i = 0; i < texts.size(); ++i) {
      probe.PredictProba(dense.data() + i * encoder.dim(), p.data());
      record(truth[i]);
      familiarity.push_back(1.0f);
    }
  }
  CalibrationFit fit;
  LOGSIEVE_ASSIGN_OR_RETURN(fit.calibration, Calibration::Fit(p_top, familiarity, correct));
  std::vector<float> calibrated(p_top.size());
  for (size_t i = 0; i < p_top.size(); ++i)
    calibrated[i] = fit.calibration.Apply(p_top[i], familiarity[i]);
  fit.before = MeasureReliability(p_top, correct);
  fit.after = MeasureReliability(calibrated, correct);
  return fit;
}

}  // namespace logsieve
