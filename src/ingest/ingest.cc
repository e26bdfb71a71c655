#include "ingest/ingest.h"

#include <algorithm>
#include <cstdio>
#include <thread>

#include "common/metrics.h"

namespace logsieve {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
// How long one Pop waits for a first record: also how often a held batch
// notices the queue was closed.
constexpr std::chrono::milliseconds kPopWait{200};
// How often a retry's wait looks for a stop.
constexpr std::chrono::milliseconds kStopPoll{20};

}  // namespace

bool WorthLogging(uint64_t n) {
  if (n <= 10) return true;
  while (n % 10 == 0) n /= 10;
  return n == 1;
}

namespace {

// Settles the acks of a batch's records: one call per group (a request's
// records are pushed together, so they sit side by side).
void SettleAcks(const std::vector<IngestRecord>& records, bool written) {
  for (size_t i = 0; i < records.size();) {
    size_t j = i + 1;
    while (j < records.size() && records[j].ack == records[i].ack) ++j;
    if (records[i].ack != nullptr) records[i].ack->Settle(j - i, written);
    i = j;
  }
}

}  // namespace

void CountReceived(std::string_view input, size_t records) {
  MetricsRegistry::Global()
      .GetCounter("logsieve_ingest_records_total", "Records received by an ingest input",
                  {{"input", std::string(input)}})
      .Inc(static_cast<double>(records));
}

void CountBad(std::string_view input, std::string_view reason, std::string_view detail) {
  Counter& c = MetricsRegistry::Global().GetCounter(
      "logsieve_ingest_bad_records_total",
      "Records received that were unparsed (classified as raw text), oversized (cut to "
      "input.max_record_bytes) or incomplete (the connection ended inside a frame)",
      {{"input", std::string(input)}, {"reason", std::string(reason)}});
  c.Inc();
  auto n = static_cast<uint64_t>(c.value());
  if (WorthLogging(n)) {
    std::fprintf(stderr, "logsieve worker: %.*s: %.*s record (%llu so far): %.*s\n",
                 static_cast<int>(input.size()), input.data(), static_cast<int>(reason.size()),
                 reason.data(), static_cast<unsigned long long>(n),
                 static_cast<int>(std::min<size_t>(detail.size(), 200)), detail.data());
  }
}

void CountWritten(std::string_view output, size_t records) {
  MetricsRegistry::Global()
      .GetCounter("logsieve_output_records_total", "Classified records written by an output",
                  {{"output", std::string(output)}})
      .Inc(static_cast<double>(records));
}

void CountOutputError(std::string_view output) {
  MetricsRegistry::Global()
      .GetCounter("logsieve_output_errors_total", "Failed writes of an output (retried)",
                  {{"output", std::string(output)}})
      .Inc();
}

Gauge& IngestConnections(std::string_view input) {
  return MetricsRegistry::Global().GetGauge("logsieve_ingest_connections",
                                            "Open connections of an ingest input",
                                            {{"input", std::string(input)}});
}

Counter& IngestConnectionsRefused(std::string_view input) {
  return MetricsRegistry::Global().GetCounter(
      "logsieve_ingest_connections_refused_total",
      "Connections closed at once because the input's max_connections were open",
      {{"input", std::string(input)}});
}

void IngestQueue::Push(IngestRecord record) {
  MutexLock lock(&mu_);
  while (records_.size() >= capacity_ && !closed_) not_full_.Wait(&mu_);
  if (closed_) return;
  records_.push_back(std::move(record));
  not_empty_.Signal();
}

bool IngestQueue::Pop(size_t max, std::chrono::milliseconds wait, std::vector<IngestRecord>* out) {
  const auto deadline = std::chrono::steady_clock::now() + wait;
  MutexLock lock(&mu_);
  while (records_.empty() && !closed_ && not_empty_.WaitUntil(&mu_, deadline)) {
  }
  size_t n = std::min(max, records_.size());
  for (size_t i = 0; i < n; ++i) {
    out->push_back(std::move(records_.front()));
    records_.pop_front();
  }
  if (n > 0) not_full_.SignalAll();
  return !(closed_ && records_.empty() && n == 0);
}

bool IngestQueue::TryPushAll(std::vector<IngestRecord>* records) {
  MutexLock lock(&mu_);
  if (closed_) return false;
  if (records_.size() >= capacity_) return false;
  for (IngestRecord& r : *records) records_.push_back(std::move(r));
  records->clear();
  not_empty_.SignalAll();
  return true;
}

void IngestQueue::Close() {
  MutexLock lock(&mu_);
  closed_ = true;
  not_empty_.SignalAll();
  not_full_.SignalAll();
}

void IngestLoop::RequestStop() {
  stop_deadline_.store(
      (std::chrono::steady_clock::now() + options_.drain_timeout).time_since_epoch().count(),
      std::memory_order_relaxed);
}

std::chrono::steady_clock::time_point IngestLoop::StopDeadline() const {
  return std::chrono::steady_clock::time_point(
      std::chrono::steady_clock::duration(stop_deadline_.load(std::memory_order_relaxed)));
}

bool IngestLoop::WriteUntilTaken(RecordOutput& output, const ClassifiedBatch& batch) {
  std::chrono::milliseconds backoff = kFirstBackoff;
  std::string last_error;
  for (;;) {
    Status s = output.Write(batch);
    if (s.ok()) return true;
    if (s.message() != last_error) {
      std::fprintf(stderr, "logsieve worker: %s; keeping the batch of %zu records and retrying\n",
                   s.message().c_str(), batch.records.size());
      last_error = s.message();
    }
    // Sleeps in steps, so that a stop request's deadline cuts the wait short.
    for (auto until = std::chrono::steady_clock::now() + backoff;
         std::chrono::steady_clock::now() < std::min(until, StopDeadline());) {
      std::this_thread::sleep_for(kStopPoll);
    }
    if (std::chrono::steady_clock::now() >= StopDeadline()) {
      output.Abandon();
      return false;
    }
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
}

Status IngestLoop::Run() {
  std::vector<IngestRecord> records;
  std::vector<uint64_t> lost(outputs_.size(), 0);
  std::vector<bool> given_up(outputs_.size(), false);
  bool closed = false;
  while (!closed) {
    records.clear();
    closed = !queue_->Pop(options_.batch_size, kPopWait, &records);
    if (records.empty()) continue;
    Batch batch;
    batch.records.reserve(records.size());
    for (IngestRecord& r : records) batch.records.push_back(std::move(r.record));
    batch.Reset();
    batch.deadline = Batch::DeadlineAfter(options_.classify_timeout_ms);
    classifier_.Classify(batch);
    for (size_t i = 0; i < records.size(); ++i) records[i].record = std::move(batch.records[i]);
    // Each output takes the batch once: a failing one is retried alone (and,
    // through the full queue, holds the senders back) until it takes it or
    // the worker stops.
    const ClassifiedBatch classified{records, batch.decisions};
    bool taken = true;
    for (size_t o = 0; o < outputs_.size(); ++o) {
      if (given_up[o] || !WriteUntilTaken(*outputs_[o], classified)) {
        given_up[o] = true;  // past the drain deadline: no more waiting on it
        lost[o] += records.size();
        taken = false;
      }
    }
    if (taken) stats_.records += records.size();
    SettleAcks(records, taken);
  }
  const auto deadline =
      std::min(StopDeadline(), std::chrono::steady_clock::now() + options_.drain_timeout);
  std::string failed;
  for (size_t o = 0; o < outputs_.size(); ++o) {
    lost[o] += outputs_[o]->Finish(deadline);
    if (lost[o] == 0) continue;
    stats_.lost += lost[o];
    failed += (failed.empty() ? "" : "; ") + std::string("output.") +
              std::string(outputs_[o]->name()) + ": " + std::to_string(lost[o]) +
              " records not written before the stop";
  }
  if (!failed.empty()) return UnavailableError(failed);
  return OkStatus();
}

}  // namespace logsieve
