// CorrectionFeed: the store's corrections as classifiers consult them
// (src/pipeline/corrections.h), kept current by polling the store file.
//
//   StatusOr<std::shared_ptr<CorrectionFeed>> feed = CorrectionFeed::Start(store, 500);
//   auto classifier = Classifier::Create(config, {.corrections = *feed});
//   // a correction stored by any process on the same file answers within
//   // about poll_ms
//
// Each refresh asks the store for the number of corrections and the largest
// id; when only new rows were added it appends them (the classifiers index
// only those), and when rows went away (a purge, store.max_corrections) it
// reads them all again as a new epoch. A refresh that fails keeps the log in
// force and is retried at the next poll.
//
// Thread safety: Current and Refresh may be called from any thread.
#ifndef LOGSIEVE_STORE_CORRECTION_FEED_H_
#define LOGSIEVE_STORE_CORRECTION_FEED_H_

#include <cstdint>
#include <memory>
#include <thread>

#include "common/status.h"
#include "common/thread_annotations.h"
#include "pipeline/corrections.h"
#include "store/store.h"

namespace logsieve {

class CorrectionFeed final : public CorrectionSource {
 public:
  // Reads every stored correction now (an error is returned), then, when
  // poll_ms > 0, again every poll_ms on a thread of its own.
  static StatusOr<std::shared_ptr<CorrectionFeed>> Start(std::shared_ptr<Store> store,
                                                         int64_t poll_ms);
  ~CorrectionFeed() override;
  CorrectionFeed(const CorrectionFeed&) = delete;
  CorrectionFeed& operator=(const CorrectionFeed&) = delete;

  std::shared_ptr<const CorrectionLog> Current() const override EXCLUDES(mu_);
  // Reads what changed in the store since the last refresh.
  Status Refresh() EXCLUDES(refresh_mu_, mu_);

 private:
  CorrectionFeed(std::shared_ptr<Store> store, int64_t poll_ms);
  void Run() EXCLUDES(mu_);

  const std::shared_ptr<Store> store_;
  const int64_t poll_ms_;
  Mutex refresh_mu_;  // one refresh at a time
  int64_t last_id_ GUARDED_BY(refresh_mu_) = 0;
  mutable Mutex mu_;
  CondVar wake_;
  std::shared_ptr<const CorrectionLog> log_ GUARDED_BY(mu_);
  bool stopping_ GUARDED_BY(mu_) = false;
  std::thread poller_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_STORE_CORRECTION_FEED_H_
