// HotSwapClassifier: a Classifier whose pipeline is replaced while it serves,
// for the stream worker's autopilot (the server has its own reload slot).
//
//   auto slot = std::make_shared<HotSwapClassifier>(std::move(first));
//   Worker worker(*slot, options);
//   slot->Swap(std::move(next));  // later batches use `next`
//
// Each call takes the pipeline in force when it starts and keeps it to its
// end, so a batch is classified by one pipeline throughout; the old one is
// freed after its last call.
//
// Thread safety: every method may be called from any thread.
#ifndef LOGSIEVE_PIPELINE_HOT_SWAP_H_
#define LOGSIEVE_PIPELINE_HOT_SWAP_H_

#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/thread_annotations.h"
#include "pipeline/classifier.h"

namespace logsieve {

class HotSwapClassifier final : public Classifier {
 public:
  // REQUIRES: initial is not null.
  explicit HotSwapClassifier(std::shared_ptr<const Classifier> initial)
      : labels_(initial->labels()), current_(std::move(initial)) {}

  // REQUIRES: next is not null and has the same label set (a new model or
  // rule file, not a new `labels` config).
  void Swap(std::shared_ptr<const Classifier> next) EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    current_ = std::move(next);
  }
  std::shared_ptr<const Classifier> current() const EXCLUDES(mu_) {
    MutexLock lock(&mu_);
    return current_;
  }

  void Classify(Batch& batch) const override { current()->Classify(batch); }
  Decision ClassifyOne(std::string_view source, std::string_view message) const override {
    return current()->ClassifyOne(source, message);
  }
  bool may_wait() const override { return current()->may_wait(); }
  const std::vector<std::string>& labels() const override { return labels_; }
  std::vector<std::string> stage_names() const override { return current()->stage_names(); }
  std::vector<std::string> stage_descriptions() const override {
    return current()->stage_descriptions();
  }
  std::vector<std::pair<std::string, std::string>> versions() const override {
    return current()->versions();
  }
  std::vector<std::string> stage_reports() const override { return current()->stage_reports(); }
  std::vector<std::string> route_stages(std::string_view source) const override {
    return current()->route_stages(source);
  }

 private:
  const std::vector<std::string> labels_;
  mutable Mutex mu_;
  std::shared_ptr<const Classifier> current_ GUARDED_BY(mu_);
};

}  // namespace logsieve

#endif  // LOGSIEVE_PIPELINE_HOT_SWAP_H_
