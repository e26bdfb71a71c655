// Worker: one member of a Redis Streams consumer group that classifies what
// arrives on its input streams (`logsieve worker`).
//
//   StatusOr<WorkerOptions> options = WorkerOptions::FromConfig(config);
//   Worker worker(*classifier, *options);
//   std::thread t([&] { Status s = worker.Run(); });
//   ...
//   worker.RequestStop();  // finishes and acknowledges the batch in flight
//   t.join();
//
// The loop, one batch (at most worker.batch_size entries and, for entries
// within worker.max_entry_bytes, at most worker.max_batch_bytes of them) at a
// time:
//   1. read: first this consumer's own pending entries (left by a lost
//      connection or an earlier life under the same name), then, every
//      claim_idle_ms / 2, entries idle at other consumers for claim_idle_ms
//      (XAUTOCLAIM: a dead worker's), else new entries (XREADGROUP >,
//      waiting up to block_ms, then topped up without waiting while the
//      byte budget allows);
//   2. entries delivered more than max_deliveries times, and malformed ones
//      (stream_entry.h), become dead-letter entries with the reason;
//   3. the rest go through the Classifier as one Batch: the pipeline of
//      `classify` (rules, template cache, model, LLM with its degraded path);
//   4. output and dead-letter entries are written (one pipelined round trip);
//   5. only when every write succeeded are the inputs acknowledged (XACK).
// So delivery is at least once: a crash between 4 and 5 repeats the batch
// (consumers deduplicate by source_id), and nothing is acknowledged before
// its output is written.
//
// A write or acknowledgement that fails (WRONGTYPE or OOM on the output key,
// a lost connection) is the worker's fault, not the input's: the batch is
// kept in memory and only what failed is retried, with backoff, until it
// succeeds; nothing new is read meanwhile, and the input entries are not read
// again, so the failure never counts as a delivery (max_deliveries). Each
// failed try is counted (logsieve_worker_output_errors_total{reason}); after
// kUnreadyAfterOutputFailures tries in a row, ready() is false until a write
// succeeds. A write whose connection was lost may have been executed: it is
// repeated (a duplicate, never a loss).
//
// Redis going away is not an error: the worker reconnects with backoff
// (100 ms doubling to 5 s), re-creates its group if it vanished, delivers
// the batch it holds (if any), then reads its own pending entries first. Run returns an error only
// for what retrying cannot fix (AUTH refused, an input key that is not a stream), and only before
// its first successful connection; later every fault is logged once and retried.
//
// Every input entry becomes a LogRecord in DecodeEntry and every batch goes
// through Classifier::Classify: the seam where multi-line joining
// (input.multiline) would group consecutive entries into one record.
//
// Thread safety: Run on one thread; RequestStop, ready and stats from any.
#ifndef LOGSIEVE_STREAM_WORKER_H_
#define LOGSIEVE_STREAM_WORKER_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "ingest/ndjson_output.h"
#include "io/multiline.h"
#include "pipeline/classifier.h"
#include "store/autopilot.h"
#include "stream/redis.h"
#include "stream/stream_entry.h"

namespace logsieve {

struct WorkerOptions {
  RedisEndpoint redis;
  std::vector<std::string> streams;
  std::string group;
  std::string consumer;
  std::string default_source;
  std::string output_stream;
  std::string dead_letter_stream;
  size_t output_maxlen = 0;
  size_t batch_size = 0;
  size_t max_entry_bytes = 0;
  size_t max_batch_bytes = 0;
  int block_ms = 0;
  int claim_idle_ms = 0;
  int64_t max_deliveries = 0;
  int classify_timeout_ms = 0;  // 0: no deadline
  // input.multiline.*: consecutive entries of one stream and source that make
  // one event (a stack trace sent line by line) are classified as one line,
  // within one read batch; each entry still gets its own output entry.
  MultilineOptions multiline;
  std::string metrics_host;
  int metrics_port = 0;

  // From the worker.* keys; the consumer name defaults to HOST-PID.
  // InvalidArgument for a bad redis_url, no input stream, or an output or
  // dead-letter stream that is also an input.
  static StatusOr<WorkerOptions> FromConfig(const Config& config);
};

// Totals since the worker started.
struct WorkerStats {
  uint64_t consumed = 0;       // entries read and acknowledged
  uint64_t produced = 0;       // output entries written
  uint64_t dead_lettered = 0;  // dead-letter entries written
  uint64_t claimed = 0;        // entries taken over from other consumers
  uint64_t reconnects = 0;     // connections lost and made again
  uint64_t output_errors = 0;  // failed tries to write or acknowledge a batch
  uint64_t batches = 0;        // batches written and acknowledged
};

// Failed output tries in a row after which the worker reports not ready
// (with the backoff, about 1.5 s of failing).
inline constexpr int kUnreadyAfterOutputFailures = 5;

class Worker {
 public:
  // REQUIRES: `classifier` and `ndjson` outlive the worker. With `ndjson`
  // (output.ndjson), each output entry is also appended there as classify's
  // NDJSON (the entry's fields, source_stream, source_id, then the
  // decision), after the Redis writes and before the acknowledgement, with
  // the same retries.
  Worker(const Classifier& classifier, WorkerOptions options, NdjsonOutput* ndjson = nullptr);
  ~Worker();
  Worker(const Worker&) = delete;
  Worker& operator=(const Worker&) = delete;

  // Until RequestStop; see the file comment.
  Status Run();
  // Async-signal-safe (one atomic store).
  void RequestStop() { stop_.store(true, std::memory_order_relaxed); }
  // Connected, with the group in place, and the output not failing for
  // kUnreadyAfterOutputFailures tries in a row (for /readyz).
  bool ready() const {
    return ready_.load(std::memory_order_relaxed) &&
           !output_failing_.load(std::memory_order_relaxed);
  }
  WorkerStats stats() const;
  const WorkerOptions& options() const { return options_; }

 private:
  struct Read {
    std::vector<StreamEntry> entries;
    std::vector<std::string> poison;  // per entry: why it is dead-lettered, or empty
    std::vector<std::pair<std::string, std::string>> gone;  // (stream, id) deleted while pending
  };

  // A classified batch on its way out: what is left to write, then to
  // acknowledge. Kept across failed tries (see the file comment).
  struct Outbox {
    std::vector<std::vector<std::string>> writes;             // XADDs not yet done
    std::vector<std::pair<std::string, std::string>> to_ack;  // (stream, id)
    std::string ndjson;                                       // output.ndjson lines not yet written
    size_t entries = 0, produced = 0, dead = 0;
    std::chrono::steady_clock::time_point start;
    int failures = 0;  // failed tries in a row
  };

  Status Connect();
  StatusOr<Read> NextEntries();
  StatusOr<Read> ReadOwnPending();
  StatusOr<Read> ClaimIdle();
  StatusOr<Read> ReadNew();
  Status MarkPoison(Read* read);
  // Decodes, classifies and builds the writes of one read.
  Outbox Prepare(Read& read);
  // Writes what is left of `out`, then acknowledges. On failure `reason`
  // names it for the metric (the error reply's code, or "connection").
  Status Deliver(Outbox& out, std::string* reason);
  // Resets the idle time of the entries `out` holds (XCLAIM ... JUSTID, which
  // counts no delivery), so that other consumers do not claim them while
  // this one retries.
  void KeepClaimed(const Outbox& out);
  // Entries to ask one read for: what batch_size and the byte budget left allow.
  size_t ReadCount(size_t entries, size_t bytes) const;
  // `lines` (one record per entry; entry_of[k]: record k's entry) joined into
  // events by options_.multiline; (*event_of)[k]: the event of record k.
  Batch JoinEvents(Batch lines, const std::vector<size_t>& entry_of,
                   const std::vector<StreamEntry>& entries, std::vector<size_t>* event_of) const;
  void UpdateGauges();
  void SleepUnlessStopped(std::chrono::milliseconds ms) const;

  const Classifier& classifier_;
  const WorkerOptions options_;
  NdjsonOutput* const ndjson_;
  std::unique_ptr<RedisConnection> conn_;
  std::unique_ptr<Outbox> outbox_;  // a batch whose writes failed, being retried
  bool own_pending_first_ = true;
  bool claiming_ = true;
  size_t claim_stream_ = 0;
  std::vector<std::string> claim_cursor_;
  std::chrono::steady_clock::time_point next_claim_{};

  std::atomic<bool> stop_{false};
  std::atomic<bool> ready_{false};
  std::atomic<bool> output_failing_{false};
  std::atomic<uint64_t> consumed_{0}, produced_{0}, dead_lettered_{0}, claimed_{0}, reconnects_{0},
      output_errors_{0}, batches_{0};
};

// `logsieve worker`: loads the pipeline from `config`, runs a Worker until
// SIGTERM or SIGINT (then drains and returns OK), with the /metrics and
// /readyz listener when worker.metrics_port is set. With `learning` (and
// learn.auto, a store), the autopilot learns in the background and swaps a
// promoted model in between batches (store/autopilot.h).
Status RunWorker(const Config& config, const LearningHooks& learning = {});

}  // namespace logsieve

#endif  // LOGSIEVE_STREAM_WORKER_H_
