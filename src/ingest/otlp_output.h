// OtlpOutput: output.otlp.endpoint, a RecordOutput that forwards every
// classified record to the next collector as OTLP/HTTP JSON
// (otlp_json_writer.h), from a bounded queue, in batches, with retries
// (doc/ingest.md).
//
//   OtlpOutputOptions o;
//   o.endpoint = "http://collector:4318";   // POSTs to http://collector:4318/v1/logs
//   StatusOr<std::unique_ptr<OtlpOutput>> otlp = OtlpOutput::Start(o);
//   IngestLoop loop(classifier, &queue, {otlp->get()}, {});
//   ...                       // Run ends with Finish: the queue goes out, up to a deadline
//
// Delivery:
//   - Write copies the batch's records and decisions into the queue
//     (queue_records at most); a sender thread encodes and POSTs up to
//     batch_size records a request, as soon as it has that many or the
//     oldest has waited flush_interval. (Encoding there, not in Write, keeps
//     it off the classifying loop's thread.)
//   - A connection error, a timeout, 429, 502, 503 or 504 (the OTLP spec's
//     retryable answers) is counted (logsieve_output_errors_total{output=
//     "otlp"}), logged when the error changes, and retried with the same
//     records: after Retry-After when the receiver sent one in seconds, else
//     after a backoff from 100 ms doubling to max_backoff. Never dropped.
//   - Any other answer that is not 2xx (400, 401, 413, 500, ...) is final: the
//     receiver refused those records and a resend would be refused again.
//     They are counted in logsieve_output_rejected_records_total{output=
//     "otlp"} and logged with the status and the receiver's message (the
//     first 10, then the 100th, 1000th, ...), and the next batch goes.
//     A 2xx with partialSuccess.rejectedLogRecords counts those the same way.
//   - Full queue: Write waits up to write_wait for room, then returns
//     Unavailable naming the receiver and its last error; the loop keeps the
//     batch and retries, so the ingest queue fills and the inputs are held
//     back. Nothing is dropped while the worker runs.
//   - logsieve_output_records_total{output="otlp"} counts records the
//     receiver accepted; logsieve_output_queued_records{output="otlp"} (a
//     gauge) the records queued or in flight.
//
// Thread safety: Write, Abandon and Finish from one thread (the loop's); the
// accessors from any.
#ifndef LOGSIEVE_INGEST_OTLP_OUTPUT_H_
#define LOGSIEVE_INGEST_OTLP_OUTPUT_H_

#include <atomic>
#include <chrono>
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "common/status.h"
#include "common/thread_annotations.h"
#include "ingest/otlp_json_writer.h"
#include "ingest/output.h"
#include "llm/http_transport.h"

namespace logsieve {

struct OtlpOutputOptions {
  // output.otlp.endpoint: an http:// or https:// URL. Without a path (or
  // with "/" alone) "/v1/logs" is appended, as OTel exporters do with
  // OTEL_EXPORTER_OTLP_ENDPOINT; with a path it is used as it is.
  std::string endpoint;
  std::vector<std::string> headers;  // output.otlp.headers: each "Name: value"
  size_t batch_size = 1000;          // output.otlp.batch_size: records a request at most
  std::chrono::milliseconds flush_interval{200};  // output.otlp.flush_interval_ms
  size_t queue_records = 10000;                   // output.otlp.queue_records
  std::chrono::milliseconds timeout{10000};       // output.otlp.timeout_ms: one request
  std::chrono::milliseconds max_backoff{5000};    // the longest wait between retries
  std::chrono::milliseconds write_wait{1000};     // Write's wait for room in a full queue
};

// The URL requests go to, or InvalidArgument naming output.otlp.endpoint.
StatusOr<std::string> OtlpLogsUrl(const std::string& endpoint);

class OtlpOutput : public RecordOutput {
 public:
  // Checks the endpoint and headers (InvalidArgument naming the key) and
  // starts the sender thread. `http`: the transport (tests); null: libcurl.
  static StatusOr<std::unique_ptr<OtlpOutput>> Start(OtlpOutputOptions options,
                                                     std::unique_ptr<HttpTransport> http = nullptr);
  // Stops the sender; records still queued are lost (Finish delivers them).
  ~OtlpOutput() override;
  OtlpOutput(const OtlpOutput&) = delete;
  OtlpOutput& operator=(const OtlpOutput&) = delete;

  std::string_view name() const override { return "otlp"; }
  Status Write(const ClassifiedBatch& batch) override EXCLUDES(mu_);
  void Abandon() override;
  // Sends what is queued, retrying as usual until `deadline` (a request is
  // given at most the time left), then stops the sender. Returns the records
  // not delivered, and logs them with the last error.
  uint64_t Finish(std::chrono::steady_clock::time_point deadline) override EXCLUDES(mu_);

  const std::string& url() const { return url_; }
  uint64_t delivered() const { return delivered_.load(std::memory_order_relaxed); }
  uint64_t rejected() const { return rejected_.load(std::memory_order_relaxed); }

 private:
  OtlpOutput(OtlpOutputOptions options, std::string url, std::unique_ptr<HttpTransport> http);
  void SendLoop() EXCLUDES(mu_);
  // POSTs `records` until they are delivered or refused, or the sender stops
  // (false: they are still the sender's).
  bool Deliver(const std::vector<EncodedOtlpRecord>& records) EXCLUDES(mu_);
  // Waits until `until`, or less when the sender stops. False when it stopped.
  bool Sleep(std::chrono::steady_clock::time_point until) EXCLUDES(mu_);
  void SetQueuedGauge() REQUIRES(mu_);

  const OtlpOutputOptions options_;
  const std::string url_;
  const std::unique_ptr<HttpTransport> http_;

  // A record as the queue holds it, encoded by the sender.
  struct Queued {
    IngestRecord record;
    Decision decision;
    uint64_t observed_time_unix_nano = 0;
  };

  // Write's progress through the loop's current batch (loop thread only).
  size_t taken_ = 0;

  Mutex mu_;
  CondVar changed_;  // records queued or taken, finishing, stopping
  std::deque<Queued> queue_ GUARDED_BY(mu_);
  size_t in_flight_ GUARDED_BY(mu_) = 0;
  std::chrono::steady_clock::time_point oldest_ GUARDED_BY(mu_);  // queue_.front()'s arrival
  bool finishing_ GUARDED_BY(mu_) = false;
  std::chrono::steady_clock::time_point deadline_ GUARDED_BY(mu_) =
      std::chrono::steady_clock::time_point::max();
  bool stop_ GUARDED_BY(mu_) = false;
  std::string last_error_ GUARDED_BY(mu_);

  std::atomic<uint64_t> delivered_{0}, rejected_{0};
  std::thread sender_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_OTLP_OUTPUT_H_
