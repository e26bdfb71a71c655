// LiveFeed: the decisions the server makes, offered to the subscribers of
// GET /v1/live (Server-Sent Events; the dashboard's Live view), sampled.
//
//   LiveFeed feed({.max_per_second = 50, .capacity = 1000});
//   std::unique_ptr<LiveFeed::Subscription> sub = feed.Subscribe();
//   feed.Offer(batch);                 // on any classify thread
//   std::string events = sub->Take();  // "event: decision\ndata: {...}\n\n"...
//
// Classification never waits on a subscriber: Offer returns at once when
// nobody subscribes (one atomic load), and otherwise only tries the feed's
// lock — a batch offered while another holds it is dropped for everyone. Each
// subscriber takes at most `max_per_second` events (a token bucket, bursts up
// to one second's worth) and holds at most `capacity` untaken; every event it
// misses is counted, and Take reports the count in an `event: dropped` line.
// An event carries the line cut to kMaxEventLineBytes.
//
// Thread safety: every method may be called from any thread; a Subscription
// must not outlive its feed.
#ifndef LOGSIEVE_SERVER_LIVE_FEED_H_
#define LOGSIEVE_SERVER_LIVE_FEED_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <list>
#include <memory>
#include <string>
#include <string_view>

#include "common/decision.h"
#include "common/metrics.h"
#include "common/thread_annotations.h"

namespace logsieve {

struct LiveFeedOptions {
  int max_per_second = 50;  // events per subscriber per second
  size_t capacity = 1000;   // untaken events per subscriber
  int max_subscribers = 0;  // in all; 0: no limit
  int max_per_client = 0;   // with the same client address; 0: no limit
};

class LiveFeed {
 public:
  using Clock = std::chrono::steady_clock;
  static constexpr size_t kMaxEventLineBytes = 512;

  class Subscription {
   public:
    ~Subscription();
    Subscription(const Subscription&) = delete;
    Subscription& operator=(const Subscription&) = delete;
    // The events queued since the last call, as SSE text, then an
    // `event: dropped` with the count missed since then (when any). "" when
    // there is nothing.
    std::string Take();

   private:
    friend class LiveFeed;
    Subscription(LiveFeed& feed, std::string_view client) : feed_(feed), client_(client) {}
    LiveFeed& feed_;
    const std::string client_;
    // Guarded by feed_.mu_. Not annotated: the feed reaches them as
    // sub->queue_ under its own mu_, which clang cannot tie to sub->feed_.
    std::deque<std::string> queue_;
    double tokens_ = 0;
    Clock::time_point refilled_{};
    uint64_t dropped_ = 0;
    uint64_t missed_seen_ = 0;  // feed_.missed_ when last taken
  };

  explicit LiveFeed(LiveFeedOptions options);
  LiveFeed(const LiveFeed&) = delete;
  LiveFeed& operator=(const LiveFeed&) = delete;

  // A subscription for `client` (an address: what the per-client limit
  // counts), or null when the feed holds max_subscribers already, or
  // max_per_client for `client`.
  std::unique_ptr<Subscription> Subscribe(std::string_view client = {});
  // Offers every line of `batch` (records and decisions) at `now`.
  void Offer(const Batch& batch, Clock::time_point now = Clock::now());
  int subscribers() const { return subscribers_.load(std::memory_order_relaxed); }

 private:
  const LiveFeedOptions options_;
  std::atomic<int> subscribers_{0};
  std::atomic<uint64_t> missed_{0};  // lines no subscriber was offered (lock busy)
  // Guards subs_ and every Subscription's state; Offer only tries it.
  Mutex mu_;
  std::list<Subscription*> subs_ GUARDED_BY(mu_);
  Counter& dropped_total_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_LIVE_FEED_H_
