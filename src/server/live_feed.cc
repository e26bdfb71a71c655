#include "server/live_feed.h"

#include <algorithm>
#include <nlohmann/json.hpp>

#include "common/json.h"
#include "server/codec.h"

namespace logsieve {
namespace {

using json = nlohmann::json;

std::string Event(const LogRecord& record, const Decision& d) {
  json j = DecisionJson(d);
  j.erase("detail");
  j["source"] = record.source;
  const bool cut = record.message.size() > LiveFeed::kMaxEventLineBytes;
  j["log_message"] = cut ? record.message.substr(0, LiveFeed::kMaxEventLineBytes) : record.message;
  if (cut) j["cut"] = true;
  j["time_ms"] = std::chrono::duration_cast<std::chrono::milliseconds>(
                     std::chrono::system_clock::now().time_since_epoch())
                     .count();
  return "event: decision\ndata: " + DumpJson(j) + "\n\n";
}

}  // namespace

LiveFeed::LiveFeed(LiveFeedOptions options)
    : options_(options),
      dropped_total_(MetricsRegistry::Global().GetCounter(
          "logsieve_live_dropped_total",
          "Decisions a /v1/live subscriber missed (sampling, a full queue, or a busy feed)")) {}

std::unique_ptr<LiveFeed::Subscription> LiveFeed::Subscribe(std::string_view client) {
  MutexLock lock(&mu_);
  // A refused subscription is never made: its destructor would take mu_.
  if (options_.max_subscribers > 0 &&
      subs_.size() >= static_cast<size_t>(options_.max_subscribers)) {
    return nullptr;
  }
  if (options_.max_per_client > 0 &&
      std::count_if(subs_.begin(), subs_.end(), [&](const Subscription* s) {
        return s->client_ == client;
      }) >= options_.max_per_client) {
    return nullptr;
  }
  std::unique_ptr<Subscription> sub(new Subscription(*this, client));
  sub->tokens_ = options_.max_per_second;
  sub->refilled_ = Clock::now();
  sub->missed_seen_ = missed_.load(std::memory_order_relaxed);
  subs_.push_back(sub.get());
  subscribers_.fetch_add(1, std::memory_order_relaxed);
  return sub;
}

LiveFeed::Subscription::~Subscription() {
  MutexLock lock(&feed_.mu_);
  feed_.subs_.remove(this);
  feed_.subscribers_.fetch_sub(1, std::memory_order_relaxed);
}

void LiveFeed::Offer(const Batch& batch, Clock::time_point now) {
  if (subscribers_.load(std::memory_order_relaxed) == 0) return;
  const size_t lines = batch.decisions.size();
  if (!mu_.TryLock()) {
    missed_.fetch_add(lines, std::memory_order_relaxed);
    dropped_total_.Inc(static_cast<double>(lines) * subscribers());
    return;
  }
  uint64_t dropped = 0;
  for (Subscription* sub : subs_) {
    const double elapsed = std::chrono::duration<double>(now - sub->refilled_).count();
    if (elapsed > 0) {
      sub->tokens_ = std::min<double>(options_.max_per_second,
                                      sub->tokens_ + elapsed * options_.max_per_second);
      sub->refilled_ = now;
    }
    for (size_t i = 0; i < lines; ++i) {
      if (sub->tokens_ < 1 || sub->queue_.size() >= options_.capacity) {
        ++sub->dropped_;
        ++dropped;
        continue;
      }
      sub->tokens_ -= 1;
      sub->queue_.push_back(Event(batch.records[i], batch.decisions[i]));
    }
  }
  mu_.Unlock();
  if (dropped) dropped_total_.Inc(static_cast<double>(dropped));
}

std::string LiveFeed::Subscription::Take() {
  std::deque<std::string> events;
  uint64_t dropped = 0;
  {
    MutexLock lock(&feed_.mu_);
    events.swap(queue_);
    const uint64_t missed = feed_.missed_.load(std::memory_order_relaxed);
    dropped = dropped_ + (missed - missed_seen_);
    dropped_ = 0;
    missed_seen_ = missed;
  }
  std::string out;
  for (const std::string& e : events) out += e;
  if (dropped) out += "event: dropped\ndata: {\"dropped\": " + std::to_string(dropped) + "}\n\n";
  return out;
}

}  // namespace logsieve
