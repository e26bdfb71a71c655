#include "model/logistic_regression.h"

#include <algorithm>
#include <cmath>
#include <deque>
#include <numeric>

namespace logsieve {

LinearModel::LinearModel(size_t dim, size_t classes, std::vector<float> weights,
                         std::vector<float> bias)
    : dim_(dim), classes_(classes), bias_(std::move(bias)) {
  assert(weights.size() == dim_ * classes_ && bias_.size() == classes_);
  auto owned = std::make_shared<const std::vector<float>>(std::move(weights));
  weights_ = owned->data();
  owner_ = std::move(owned);
}

LinearModel::LinearModel(size_t dim, size_t classes, std::shared_ptr<const void> owner,
                         const float* weights, std::vector<float> bias)
    : dim_(dim),
      classes_(classes),
      owner_(std::move(owner)),
      weights_(weights),
      bias_(std::move(bias)) {
  assert(bias_.size() == classes_);
}

void LinearModel::Logits(const SparseVector& x, float* out) const {
  const size_t K = classes_;
  std::copy(bias_.begin(), bias_.end(), out);
  for (size_t t = 0; t < x.indices.size(); ++t) {
    const float v = x.values[t];
    const float* w = weights_ + static_cast<size_t>(x.indices[t]) * K;
    for (size_t k = 0; k < K; ++k) out[k] += v * w[k];
  }
}

void LinearModel::Logits(const float* x, float* out) const {
  const size_t K = classes_;
  std::copy(bias_.begin(), bias_.end(), out);
  for (size_t j = 0; j < dim_; ++j) {
    const float v = x[j];
    if (v == 0.0f) continue;
    const float* w = weights_ + j * K;
    for (size_t k = 0; k < K; ++k) out[k] += v * w[k];
  }
}

void Softmax(float* s, size_t n) {
  if (n == 0) return;
  const float m = *std::max_element(s, s + n);
  float sum = 0.0f;
  for (size_t k = 0; k < n; ++k) sum += (s[k] = std::exp(s[k] - m));
  for (size_t k = 0; k < n; ++k) s[k] /= sum;
}

void LinearModel::PredictProba(const SparseVector& x, float* out) const {
  Logits(x, out);
  Softmax(out, classes_);
}

void LinearModel::PredictProba(const float* x, float* out) const {
  Logits(x, out);
  Softmax(out, classes_);
}

namespace {

// Rows as sparse (index, value) lists over a compact feature space: features
// that never occur in training keep weight exactly 0 under L2 (their gradient
// is W itself, starting at 0), so training works on the active ones only.
struct CompactRows {
  size_t dim = 0;                 // active features
  std::vector<uint32_t> global;   // compact -> original index
  std::vector<size_t> row_start;  // n + 1 offsets into idx/val
  std::vector<uint32_t> idx;
  std::vector<double> val;
};

StatusOr<CompactRows> Compact(const FeatureRows& x) {
  const size_t n = x.rows();
  std::vector<int64_t> local(x.dim, -1);
  CompactRows c;
  c.row_start.reserve(n + 1);
  c.row_start.push_back(0);
  auto add = [&](size_t row, uint32_t j, float v) -> Status {
    if (j >= x.dim) {
      return InvalidArgumentError("row " + std::to_string(row) + ": feature index " +
                                  std::to_string(j) + " >= dim " + std::to_string(x.dim));
    }
    if (!std::isfinite(v)) {
      return InvalidArgumentError("row " + std::to_string(row) + ": feature " + std::to_string(j) +
                                  " is not finite");
    }
    if (local[j] < 0) {
      local[j] = static_cast<int64_t>(c.global.size());
      c.global.push_back(j);
    }
    c.idx.push_back(static_cast<uint32_t>(local[j]));
    c.val.push_back(v);
    return OkStatus();
  };
  for (size_t i = 0; i < n; ++i) {
    if (x.sparse != nullptr) {
      const SparseVector& r = (*x.sparse)[i];
      if (r.indices.size() != r.values.size()) {
        return InvalidArgumentError("row " + std::to_string(i) +
                                    ": indices and values differ in length");
      }
      for (size_t t = 0; t < r.indices.size(); ++t)
        LOGSIEVE_RETURN_IF_ERROR(add(i, r.indices[t], r.values[t]));
    } else {
      for (size_t j = 0; j < x.dim; ++j) {
        const float v = x.dense[i * x.dim + j];
        if (v != 0.0f) LOGSIEVE_RETURN_IF_ERROR(add(i, static_cast<uint32_t>(j), v));
      }
    }
    c.row_start.push_back(c.idx.size());
  }
  c.dim = c.global.size();
  return c;
}

// The objective of logistic_regression.h and its gradient, over parameters
// theta = [W (dim x K, feature-major), b (K)].
class Objective {
 public:
  Objective(const CompactRows& x, std::span<const int> y, size_t K, double C, std::vector<double> s)
      : x_(x), y_(y), K_(K), C_(C), s_(std::move(s)), z_(K) {}

  size_t size() const { return x_.dim * K_ + K_; }

  double Eval(const std::vector<double>& theta, std::vector<double>* grad) {
    const size_t K = K_, nw = x_.dim * K;
    grad->assign(size(), 0.0);
    const double* W = theta.data();
    const double* b = W + nw;
    double* gW = grad->data();
    double* gb = gW + nw;
    double f = 0.0;
    for (size_t i = 0; i + 1 < x_.row_start.size(); ++i) {
      const size_t begin = x_.row_start[i], end = x_.row_start[i + 1];
      std::copy(b, b + K, z_.begin());
      for (size_t t = begin; t < end; ++t) {
        const double v = x_.val[t];
        const double* w = W + static_cast<size_t>(x_.idx[t]) * K;
        for (size_t k = 0; k < K; ++k) z_[k] += v * w[k];
      }
      const double m = *std::max_element(z_.begin(), z_.end());
      double sum = 0.0;
      for (size_t k = 0; k < K; ++k) sum += std::exp(z_[k] - m);
      const double lse = m + std::log(sum);
      const double cs = C_ * s_[i];
      const int y = y_[i];
      f += cs * (lse - z_[y]);
      for (size_t k = 0; k < K; ++k)
        z_[k] = cs * (std::exp(z_[k] - lse) - (static_cast<int>(k) == y ? 1.0 : 0.0));
      for (size_t k = 0; k < K; ++k) gb[k] += z_[k];
      for (size_t t = begin; t < end; ++t) {
        const double v = x_.val[t];
        double* g = gW + static_cast<size_t>(x_.idx[t]) * K;
        for (size_t k = 0; k < K; ++k) g[k] += v * z_[k];
      }
    }
    double reg = 0.0;
    for (size_t j = 0; j < nw; ++j) {
      reg += W[j] * W[j];
      gW[j] += W[j];
    }
    return f + 0.5 * reg;
  }

 private:
  const CompactRows& x_;
  std::span<const int> y_;
  size_t K_;
  double C_;
  std::vector<double> s_;
  std::vector<double> z_;
};

double Dot(const std::vector<double>& a, const std::vector<double>& b) {
  double s = 0.0;
  for (size_t i = 0; i < a.size(); ++i) s += a[i] * b[i];
  return s;
}

double MaxAbs(const std::vector<double>& a) {
  double m = 0.0;
  for (double v : a) m = std::max(m, std::abs(v));
  return m;
}

}  // namespace

StatusOr<TrainedLinearModel> TrainLogisticRegression(const FeatureRows& x,
                                                     std::span<const int> labels,
                                                     size_t num_classes,
                                                     const LogisticRegressionOptions& options) {
  const size_t n = x.rows();
  if (n == 0) return InvalidArgumentError("no training rows");
  if (labels.size() != n) {
    return InvalidArgumentError(std::to_string(n) + " feature rows but " +
                                std::to_string(labels.size()) + " labels");
  }
  if (num_classes < 2)
    return InvalidArgumentError("need at least 2 classes, got " + std::to_string(num_classes));
  if (!(options.C > 0.0) || !std::isfinite(options.C)) {
    return InvalidArgumentError("C must be a positive number, got " + std::to_string(options.C));
  }
  std::vector<size_t> count(num_classes, 0);
  for (size_t i = 0; i < n; ++i) {
    if (labels[i] < 0 || static_cast<size_t>(labels[i]) >= num_classes) {
      return InvalidArgumentError("row " + std::to_string(i) + ": label " +
                                  std::to_string(labels[i]) + " outside [0, " +
                                  std::to_string(num_classes) + ")");
    }
    ++count[labels[i]];
  }
  LOGSIEVE_ASSIGN_OR_RETURN(CompactRows rows, Compact(x));

  // Sample weights: scikit-learn's class_weight="balanced" is
  // n / (classes present * count of the row's class).
  std::vector<double> s(n, 1.0);
  if (options.class_weight == ClassWeight::kBalanced) {
    const size_t present =
        std::count_if(count.begin(), count.end(), [](size_t c) { return c > 0; });
    for (size_t i = 0; i < n; ++i) s[i] = double(n) / (double(present) * double(count[labels[i]]));
  }
  const double scale = options.C * std::accumulate(s.begin(), s.end(), 0.0);

  const size_t K = num_classes;
  Objective objective(rows, labels, K, options.C, s);
  const size_t P = objective.size();
  std::vector<double> theta(P, 0.0), g(P), theta_new(P), g_new(P), d(P);
  double f = objective.Eval(theta, &g);

  // L-BFGS (Nocedal & Wright, alg. 7.4) with a backtracking Armijo line search.
  struct Pair {
    std::vector<double> s, y;
    double rho;
  };
  std::deque<Pair> memory;
  std::vector<double> alpha(std::max(options.history, 1));
  TrainedLinearModel out;
  int it = 0;
  for (; it < options.max_iterations; ++it) {
    if (MaxAbs(g) / scale <= options.gradient_tolerance) {
      out.converged = true;
      break;
    }
    // d = -H g by the two-loop recursion.
    for (size_t i = 0; i < P; ++i) d[i] = -g[i];
    for (int m = static_cast<int>(memory.size()) - 1; m >= 0; --m) {
      const Pair& p = memory[m];
      alpha[m] = p.rho * Dot(p.s, d);
      for (size_t i = 0; i < P; ++i) d[i] -= alpha[m] * p.y[i];
    }
    if (!memory.empty()) {
      const Pair& last = memory.back();
      const double gamma = 1.0 / (last.rho * Dot(last.y, last.y));
      for (double& v : d) v *= gamma;
    }
    for (size_t m = 0; m < memory.size(); ++m) {
      const Pair& p = memory[m];
      const double beta = p.rho * Dot(p.y, d);
      for (size_t i = 0; i < P; ++i) d[i] += (alpha[m] - beta) * p.s[i];
    }
    double gd = Dot(g, d);
    if (!(gd < 0.0)) {  // not a descent direction: forget the curvature pairs
      memory.clear();
      for (size_t i = 0; i < P; ++i) d[i] = -g[i];
      gd = Dot(g, d);
    }
    double step = memory.empty() ? std::min(1.0, 1.0 / std::sqrt(-gd)) : 1.0;
    double f_new = 0.0;
    bool accepted = false;
    for (int tries = 0; tries < 60; ++tries, step *= 0.5) {
      for (size_t i = 0; i < P; ++i) theta_new[i] = theta[i] + step * d[i];
      f_new = objective.Eval(theta_new, &g_new);
      if (std::isfinite(f_new) && f_new <= f + 1e-4 * step * gd) {
        accepted = true;
        break;
      }
    }
    if (!accepted) break;  // no progress possible at double precision
    Pair p{std::vector<double>(P), std::vector<double>(P), 0.0};
    for (size_t i = 0; i < P; ++i) {
      p.s[i] = theta_new[i] - theta[i];
      p.y[i] = g_new[i] - g[i];
    }
    const double sy = Dot(p.s, p.y);
    if (sy > 1e-12 * Dot(p.y, p.y)) {
      p.rho = 1.0 / sy;
      if (memory.size() == static_cast<size_t>(std::max(options.history, 1))) memory.pop_front();
      memory.push_back(std::move(p));
    }
    const double f_old = f;
    theta.swap(theta_new);
    g.swap(g_new);
    f = f_new;
    if (f_old - f <= 1e-15 * std::max(1.0, std::abs(f))) {
      out.converged = MaxAbs(g) / scale <= options.gradient_tolerance;
      ++it;
      break;
    }
  }
  out.iterations = it;
  out.objective = f;

  std::vector<float> weights(x.dim * K, 0.0f), bias(K);
  for (size_t c = 0; c < rows.dim; ++c)
    for (size_t k = 0; k < K; ++k)
      weights[static_cast<size_t>(rows.global[c]) * K + k] = static_cast<float>(theta[c * K + k]);
  for (size_t k = 0; k < K; ++k) bias[k] = static_cast<float>(theta[rows.dim * K + k]);
  out.model = LinearModel(x.dim, K, std::move(weights), std::move(bias));
  return out;
}

}  // namespace logsieve
