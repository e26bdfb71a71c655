#include "ingest/ingest.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <thread>

#include "common/metrics.h"
#include "io/records.h"

namespace logsieve {
namespace {

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
// How long one Pop waits for a first record: also how often a held batch
// notices the queue was closed.
constexpr std::chrono::milliseconds kPopWait{200};
// How often a retry's wait looks for a stop.
constexpr std::chrono::milliseconds kStopPoll{20};

// 1..10, then 100, 1000, ...
bool WorthLogging(uint64_t n) {
  if (n <= 10) return true;
  while (n % 10 == 0) n /= 10;
  return n == 1;
}

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

Status IngestLoop::Run() {
  std::vector<IngestRecord> records;
  std::string lines;
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
    if (output_ == nullptr) {
      stats_.records += records.size();
      SettleAcks(records, true);
      continue;
    }
    lines.clear();
    std::vector<std::pair<std::string, std::string>> fields;
    for (size_t i = 0; i < records.size(); ++i) {
      fields.clear();
      fields.emplace_back("log_message", std::move(batch.records[i].message));
      fields.emplace_back("source", std::move(batch.records[i].source));
      for (auto& f : records[i].fields) fields.push_back(std::move(f));
      AppendNdjsonDecision(fields, batch.decisions[i], &lines);
    }
    // A failing output keeps the batch (and so, through the full queue, holds
    // the senders back) until it writes again or the worker stops.
    std::chrono::milliseconds backoff = kFirstBackoff;
    std::string last_error;
    for (;;) {
      Status s = output_->Write(&lines);
      if (s.ok()) break;
      CountOutputError("ndjson");
      if (s.message() != last_error) {
        std::fprintf(stderr, "logsieve worker: %s; keeping the batch of %zu records and retrying\n",
                     s.message().c_str(), records.size());
        last_error = s.message();
      }
      for (auto until = std::chrono::steady_clock::now() + backoff;
           !stop_.load(std::memory_order_relaxed) && std::chrono::steady_clock::now() < until;) {
        std::this_thread::sleep_for(kStopPoll);
      }
      if (stop_.load(std::memory_order_relaxed)) {
        stats_.lost += records.size();
        break;
      }
      backoff = std::min(backoff * 2, kMaxBackoff);
    }
    if (lines.empty()) {
      stats_.records += records.size();
      CountWritten("ndjson", records.size());
    }
    SettleAcks(records, lines.empty());
  }
  if (stats_.lost > 0) {
    return UnavailableError("output.ndjson: " + std::to_string(stats_.lost) +
                            " records not written before the stop");
  }
  return OkStatus();
}

}  // namespace logsieve
