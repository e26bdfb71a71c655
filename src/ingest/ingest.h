// The ingest side of `logsieve worker` (doc/ingest.md): records that arrive
// from shippers (syslog over UDP and TCP, OTLP/HTTP) go through a bounded
// queue to one loop that classifies them in batches and writes them to each
// output (output.h: output.ndjson, output.otlp.endpoint).
//
//   IngestQueue queue(1024);
//   auto syslog = SyslogListener::Start(options, &queue);   // syslog_listener.h
//   IngestLoop loop(classifier, &queue, {ndjson.get(), otlp.get()}, {.batch_size = 256});
//   std::thread t([&] { loop.Run(); });
//   ...
//   (*syslog)->Stop();   // reads what the sockets hold, then closes them
//   (*otlp)->Stop();     // otlp_listener.h: answers the requests it took
//   queue.Close();       // the loop drains the queue, then Run returns
//   t.join();
//
// Every record received is classified and written once to every output: the
// queue blocks its producers when full (TCP senders wait; UDP datagrams wait
// in the kernel's buffer, which drops past its size, as UDP does), or refuses
// a whole OTLP request (TryPushAll: the sender retries on 429); an output
// that cannot take a batch holds the loop (and so fills the queue), and
// nothing taken is dropped between a socket and an output. An OTLP request's
// records carry an IngestAck that the loop settles once every output took
// them.
//
// Thread safety: IngestQueue is safe from any thread; an IngestLoop runs on
// one thread.
#ifndef LOGSIEVE_INGEST_INGEST_H_
#define LOGSIEVE_INGEST_INGEST_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/decision.h"
#include "common/metrics.h"
#include "common/status.h"
#include "common/thread_annotations.h"
#include "ingest/output.h"
#include "pipeline/classifier.h"

namespace logsieve {

// The acknowledgement of a group of records (one OTLP request): `done` runs
// once, on the IngestLoop's thread, when every record of the group was
// settled: with true when all were written to the output, false when any was
// lost (the output failed until the stop) or dropped (pushed after Close).
// An input that needs no answer leaves IngestRecord::ack null.
class IngestAck {
 public:
  // REQUIRES: records > 0.
  IngestAck(size_t records, std::function<void(bool written)> done)
      : pending_(records), done_(std::move(done)) {}
  // `n` records of the group were written (ok) or not.
  void Settle(size_t n, bool ok) {
    if (!ok) failed_.store(true, std::memory_order_relaxed);
    if (pending_.fetch_sub(n, std::memory_order_acq_rel) == n) {
      done_(!failed_.load(std::memory_order_relaxed));
    }
  }

 private:
  std::atomic<size_t> pending_;
  std::atomic<bool> failed_{false};
  std::function<void(bool)> done_;
};

// One record from an input, ready to classify and to write.
struct IngestRecord {
  std::string_view input;  // the metric label: "syslog_udp", "otlp_http", ... (static storage)
  LogRecord record;        // trimmed source and message, as classify trims them
  // Written after log_message and source, in order (hostname, facility, ...).
  std::vector<std::pair<std::string, std::string>> fields;
  std::shared_ptr<IngestAck> ack;  // settled by IngestLoop once written; may be null
};

// Counters shared by the inputs and outputs of the ingest side, in the
// process's metrics registry:
//   logsieve_ingest_records_total{input}          records received
//   logsieve_ingest_bad_records_total{input,reason}  unparsed, oversized, incomplete
//   logsieve_output_records_total{output}         records written
//   logsieve_output_errors_total{output}          failed writes (retried)
// and logs a bad record: the first 10 of each input and reason, then the
// 100th, 1000th, ... (one line each), so a flood of bad input is visible but
// does not flood the log.
void CountReceived(std::string_view input, size_t records = 1);
void CountBad(std::string_view input, std::string_view reason, std::string_view detail);
void CountWritten(std::string_view output, size_t records);
void CountOutputError(std::string_view output);
// Whether the nth bad thing of a kind deserves a log line: 1..10, then 100,
// 1000, ...
bool WorthLogging(uint64_t n);
// logsieve_ingest_connections{input} (open connections) and
// logsieve_ingest_connections_refused_total{input} (closed at once: the
// input's max_connections were open), for the inputs that take connections.
Gauge& IngestConnections(std::string_view input);
Counter& IngestConnectionsRefused(std::string_view input);

class IngestQueue {
 public:
  // REQUIRES: capacity > 0.
  explicit IngestQueue(size_t capacity) : capacity_(capacity) {}
  // Waits while the queue is full; after Close, the record is dropped.
  void Push(IngestRecord record) EXCLUDES(mu_);
  // Never waits: pushes every record of `*records` (and clears it) when the
  // queue holds fewer than `capacity` records, else pushes none and returns
  // false (the caller answers "retry later"). A batch may so take the queue
  // past its capacity, by at most one batch per pushing thread (the OTLP
  // listener's I/O threads): a request of any size is let in once there is
  // room, and is never split. False after Close.
  bool TryPushAll(std::vector<IngestRecord>* records) EXCLUDES(mu_);
  // Moves up to `max` records to *out, waiting up to `wait` for the first.
  // Returns false once the queue is closed and empty.
  bool Pop(size_t max, std::chrono::milliseconds wait, std::vector<IngestRecord>* out)
      EXCLUDES(mu_);
  // No more records will come.
  void Close() EXCLUDES(mu_);

 private:
  const size_t capacity_;
  Mutex mu_;
  CondVar not_empty_, not_full_;
  std::deque<IngestRecord> records_ GUARDED_BY(mu_);
  bool closed_ GUARDED_BY(mu_) = false;
};

struct IngestLoopOptions {
  size_t batch_size = 256;      // worker.batch_size
  int classify_timeout_ms = 0;  // worker.classify_timeout_ms; 0: none
  // output.drain_timeout_ms: from the stop request, how long a failing
  // output is still retried and the outputs' Finish may take (the OTLP
  // output's queue goes out). Without a stop request, Finish gets as long
  // from the end of the queue.
  std::chrono::milliseconds drain_timeout{10000};
};

// Totals since the loop started.
struct IngestStats {
  uint64_t records = 0;  // classified and taken by every output
  // Records an output failed to take until the stop, or held and could not
  // deliver by the drain deadline, summed over the outputs.
  uint64_t lost = 0;
};

class IngestLoop {
 public:
  // `outputs` may be empty (records are classified and counted, written
  // nowhere). REQUIRES: classifier, queue and outputs outlive the loop.
  IngestLoop(const Classifier& classifier, IngestQueue* queue, std::vector<RecordOutput*> outputs,
             IngestLoopOptions options)
      : classifier_(classifier), queue_(queue), outputs_(std::move(outputs)), options_(options) {}

  // Until the queue is closed and drained, then each output's Finish. A
  // failed write is retried, for that output only (backoff 100 ms doubling to
  // 5 s), with the batch kept (so the queue fills and the senders are held
  // back) until it succeeds, or until the drain deadline once a stop is
  // requested. An output that missed the deadline gets no more batches:
  // they, and what Finish could not deliver, are counted as lost, and Run
  // returns Unavailable at the end, naming each output and its count.
  Status Run();
  // The worker is stopping: failing outputs are retried until
  // options.drain_timeout from now, then given up, so that the inputs' last
  // records (their producers may wait on a full queue) still flow. Run goes
  // on until the queue is closed. Any thread; call once.
  void RequestStop();
  // After Run returned.
  IngestStats stats() const { return stats_; }

 private:
  // False when `output` did not take the batch by the drain deadline.
  bool WriteUntilTaken(RecordOutput& output, const ClassifiedBatch& batch);
  // The drain deadline once a stop is requested; the max time point before.
  std::chrono::steady_clock::time_point StopDeadline() const;

  const Classifier& classifier_;
  IngestQueue* queue_;
  const std::vector<RecordOutput*> outputs_;
  const IngestLoopOptions options_;
  // StopDeadline's time since the clock's epoch; max before a stop request.
  std::atomic<std::chrono::steady_clock::rep> stop_deadline_{
      std::chrono::steady_clock::time_point::max().time_since_epoch().count()};
  IngestStats stats_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_INGEST_H_
