#include "store/correction_feed.h"

#include <chrono>
#include <cstdio>
#include <utility>

namespace logsieve {

StatusOr<std::shared_ptr<CorrectionFeed>> CorrectionFeed::Start(std::shared_ptr<Store> store,
                                                                int64_t poll_ms) {
  std::shared_ptr<CorrectionFeed> feed(new CorrectionFeed(std::move(store), poll_ms));
  LOGSIEVE_RETURN_IF_ERROR(feed->Refresh());
  if (poll_ms > 0) feed->poller_ = std::thread([f = feed.get()] { f->Run(); });
  return feed;
}

CorrectionFeed::CorrectionFeed(std::shared_ptr<Store> store, int64_t poll_ms)
    : store_(std::move(store)), poll_ms_(poll_ms), log_(std::make_shared<CorrectionLog>()) {}

CorrectionFeed::~CorrectionFeed() {
  {
    MutexLock lock(&mu_);
    stopping_ = true;
  }
  wake_.SignalAll();
  if (poller_.joinable()) poller_.join();
}

std::shared_ptr<const CorrectionLog> CorrectionFeed::Current() const {
  MutexLock lock(&mu_);
  return log_;
}

Status CorrectionFeed::Refresh() {
  MutexLock refresh(&refresh_mu_);
  LOGSIEVE_ASSIGN_OR_RETURN(auto extent, store_->CorrectionsExtent());
  const std::shared_ptr<const CorrectionLog> now = Current();
  const auto [count, max_id] = extent;
  if (max_id == last_id_ && static_cast<size_t>(count) == now->lines.size()) return OkStatus();
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<CorrectionRow> added, store_->CorrectionsAfter(last_id_));
  auto next = std::make_shared<CorrectionLog>();
  if (now->lines.size() + added.size() == static_cast<size_t>(count)) {
    next->epoch = now->epoch;  // only appended: readers index the new lines alone
    next->lines = now->lines;
  } else {
    next->epoch = now->epoch + 1;  // rows went away: everything again
    LOGSIEVE_ASSIGN_OR_RETURN(added, store_->CorrectionsAfter(0));
  }
  for (CorrectionRow& r : added) {
    last_id_ = r.id;
    next->lines.push_back(
        {std::move(r.source), std::move(r.log_message), std::move(r.target_label)});
  }
  MutexLock lock(&mu_);
  log_ = std::move(next);
  return OkStatus();
}

void CorrectionFeed::Run() {
  bool failing = false;
  while (true) {
    {
      MutexLock lock(&mu_);
      const auto deadline = std::chrono::steady_clock::now() + std::chrono::milliseconds(poll_ms_);
      while (!stopping_ && wake_.WaitUntil(&mu_, deadline)) {
      }
      if (stopping_) return;
    }
    const Status s = Refresh();
    if (!s.ok() && !failing) {
      std::fprintf(stderr, "logsieve: corrections not refreshed, the last ones read stay: %s\n",
                   s.message().c_str());
    }
    failing = !s.ok();
  }
}

}  // namespace logsieve
