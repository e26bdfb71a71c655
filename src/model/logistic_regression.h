// Multinomial logistic regression: training (L2, deterministic L-BFGS) and
// prediction, over sparse or dense feature rows.
//
//   FeatureRows x = FeatureRows::Sparse(dim, vectors);
//   LogisticRegressionOptions o{.C = 10, .class_weight = ClassWeight::kBalanced};
//   StatusOr<TrainedLinearModel> t = TrainLogisticRegression(x, labels, num_classes, o);
//   std::vector<float> p(num_classes);
//   t->model.PredictProba(vectors[0], p.data());
//
// Objective (scikit-learn's LogisticRegression(C) up to a constant factor,
// so the same minimiser):
//   C * sum_i s_i * -log softmax(W x_i + b)[y_i]  +  0.5 * ||W||^2
// with s_i = 1, or n / (classes_present * count(y_i)) for balanced weights;
// the intercept b is not penalised. Training runs in double precision, in a
// fixed order, on one thread: the same input gives bit-identical weights.
//
// Thread safety: LinearModel is immutable once trained or loaded; Predict*
// are const and safe from any thread.
#ifndef LOGSIEVE_MODEL_LOGISTIC_REGRESSION_H_
#define LOGSIEVE_MODEL_LOGISTIC_REGRESSION_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "embed/encoder.h"

namespace logsieve {

// A view of n feature rows of one dimension, either sparse or dense
// (row-major n x dim). The rows must outlive the view.
struct FeatureRows {
  size_t dim = 0;
  const std::vector<SparseVector>* sparse = nullptr;
  const float* dense = nullptr;
  size_t dense_rows = 0;

  static FeatureRows Sparse(size_t dim, const std::vector<SparseVector>& rows) {
    return FeatureRows{dim, &rows, nullptr, 0};
  }
  static FeatureRows Dense(size_t dim, const float* data, size_t rows) {
    return FeatureRows{dim, nullptr, data, rows};
  }
  size_t rows() const { return sparse != nullptr ? sparse->size() : dense_rows; }
};

// The trained parameters: weights feature-major (dim x classes, so a sparse
// row adds a few contiguous class vectors) and one intercept per class.
// Copies share the (immutable) weights.
class LinearModel {
 public:
  LinearModel() = default;
  LinearModel(size_t dim, size_t classes, std::vector<float> weights, std::vector<float> bias);
  // Weights left where they are (a mapped model file: model_file.h), read in
  // place for as long as `owner` lives, which this model keeps.
  // REQUIRES: weights[0, dim * classes) readable and float-aligned while owner lives.
  LinearModel(size_t dim, size_t classes, std::shared_ptr<const void> owner, const float* weights,
              std::vector<float> bias);

  size_t dim() const { return dim_; }
  size_t num_classes() const { return classes_; }
  // weights()[j * num_classes() + k]: feature j, class k.
  std::span<const float> weights() const { return {weights_, dim_ * classes_}; }
  const std::vector<float>& bias() const { return bias_; }

  // Class scores W x + b into out[0..num_classes()).
  // REQUIRES: every index of `x` < dim().
  void Logits(const SparseVector& x, float* out) const;
  void Logits(const float* x, float* out) const;  // dense, dim() values
  // Softmax of the logits.
  void PredictProba(const SparseVector& x, float* out) const;
  void PredictProba(const float* x, float* out) const;

 private:
  size_t dim_ = 0;
  size_t classes_ = 0;
  std::shared_ptr<const void> owner_;  // what holds the weights
  const float* weights_ = nullptr;
  std::vector<float> bias_;
};

// In-place softmax of n scores (max-subtracted, so never overflows).
void Softmax(float* scores, size_t n);

enum class ClassWeight { kNone, kBalanced };

struct LogisticRegressionOptions {
  double C = 1.0;  // inverse regularisation strength, as in scikit-learn
  ClassWeight class_weight = ClassWeight::kNone;
  int max_iterations = 1000;
  // Stop when the largest gradient entry of the per-sample-averaged loss is
  // below this (scikit-learn's `tol` means the same; its default is 1e-4).
  double gradient_tolerance = 1e-6;
  int history = 10;  // L-BFGS memory (pairs kept)
};

struct TrainedLinearModel {
  LinearModel model;
  int iterations = 0;
  bool converged = false;
  double objective = 0.0;  // final value of the objective above
};

// Trains on `x` with labels in [0, num_classes). Errors: empty input,
// mismatched lengths, a label out of range, a sparse index >= dim, C <= 0.
StatusOr<TrainedLinearModel> TrainLogisticRegression(const FeatureRows& x,
                                                     std::span<const int> labels,
                                                     size_t num_classes,
                                                     const LogisticRegressionOptions& options);

}  // namespace logsieve

#endif  // LOGSIEVE_MODEL_LOGISTIC_REGRESSION_H_
