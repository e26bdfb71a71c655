// Handlers: one per endpoint (decode, call the Classifier, encode), plus the
// admission decision the edge acts on before it reads a body (read from the
// route table, routes.h), and the access log / HTTP metrics. Knows nothing of sockets: http_edge.cc
// reads and writes, this file decides.
//
//   Handlers h(options);
//   h.SetClassifier(classifier);         // ready; again later: a reload
//   Plan plan = h.Admit(req);            // on the I/O thread, from the head only
//   switch (plan.kind) {
//     case Plan::kBuffer: read at most plan.limit bytes into req.body, then
//       ApiResponse res = h.Run(plan, req);   // on a worker thread
//     ...
//   }
//   h.Log(req, res.status, res.body.size(), seconds);
//
// Thread safety: after construction every method may be called from any
// thread. A request holds the classifier it started with (a shared_ptr) to
// its end, so a swap never changes or frees one under a request in flight.
#ifndef LOGSIEVE_SERVER_HANDLERS_H_
#define LOGSIEVE_SERVER_HANDLERS_H_

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/decision.h"
#include "common/metrics.h"
#include "common/thread_annotations.h"
#include "pipeline/classifier.h"
#include "server/api_message.h"
#include "server/live_feed.h"
#include "server/model_service.h"
#include "server/options.h"
#include "server/routes.h"
#include "store/recorder.h"

namespace logsieve {

class Handlers;

// What the edge does with a request once its head is read.
struct Plan {
  enum Kind {
    kAnswer,        // read the body away (bounded by `limit`), then send `answer`
    kAnswerUnread,  // send `answer` without reading the body, then close
    kBuffer,        // read the body (at most `limit`), then Run() it on a worker
    kStream,        // the NDJSON stream: NewStream(), fed as the body arrives
    kEvents,        // GET /v1/live: Server-Sent Events from `events`
  };
  Kind kind = kAnswer;
  ApiResponse answer;  // kAnswer, kAnswerUnread
  size_t limit = 0;    // body bytes allowed; 0: no limit
  // "max_upload_bytes" (server.*) or kRecordLimitKey: named in the 413; ""
  // for a fixed limit.
  std::string_view limit_key;
  // The request's row of the route table (routes.h); null for 404 / 405. A
  // kBuffer plan runs its `handle`.
  const RouteSpec* route = nullptr;
  // kEvents: the subscription, made when the request was admitted (so the
  // subscriber limits hold however many arrive at once).
  std::shared_ptr<LiveFeed::Subscription> events;
};

// The NDJSON stream of one request: bytes in, answer lines out, one batch
// (pipeline.batch_size lines) classified at a time. Memory: one batch and one
// partial line (at most input.max_record_bytes).
class NdjsonStream {
 public:
  // The stream keeps `classifier` to its end, even if the server reloads.
  // `live`: where each classified batch is offered (may be null).
  NdjsonStream(std::shared_ptr<const Classifier> classifier, size_t batch_size, size_t max_line,
               int classify_timeout_ms, bool explain = false, LiveFeed* live = nullptr);
  // Takes a piece of the body; returns the answer lines of every batch it
  // completed ("" when none). Classifies: call it on a worker.
  std::string Feed(std::string_view piece);
  // After the last byte: the answers of the last (partial) line and batch.
  std::string Finish();
  // For a body cut short: what is pending, then {"line": N, "detail": ...}.
  std::string Fail(std::string_view detail);

 private:
  struct Slot {
    size_t line;
    bool is_error;
    std::string error;  // when is_error
  };
  void EndLine(std::string& out);
  void Flush(std::string& out);

  const std::shared_ptr<const Classifier> classifier_;
  const size_t batch_size_;
  const size_t max_line_;
  const int classify_timeout_ms_;
  const bool explain_;  // ?explain=1: each answer carries its explanation
  LiveFeed* const live_;
  std::string partial_;
  bool skipping_ = false;
  size_t line_ = 0;
  std::vector<Slot> slots_;
  Batch batch_;
};

class Handlers {
 public:
  explicit Handlers(ServerOptions options);

  const ServerOptions& options() const { return options_; }
  // Makes the server ready, or swaps in a new classifier: requests already
  // running finish with the one they hold, later ones get the new one (its
  // decision cache starts empty). Publishes its versions (GET /, /metrics).
  // REQUIRES: classifier != nullptr.
  void SetClassifier(std::shared_ptr<const Classifier> classifier) EXCLUDES(classifier_mu_) {
    Install(std::move(classifier));
  }
  // The classifier serving now; null while the first one loads. Callers hold
  // the pointer for the whole request.
  std::shared_ptr<const Classifier> classifier() const EXCLUDES(classifier_mu_);
  // The learning loop's store (null: store off or not opened; /v1/feedback and
  // /v1/review answer 503). REQUIRES: called before SetClassifier, at most once.
  void SetStore(std::shared_ptr<StoreRecorder> recorder) { store_ = std::move(recorder); }
  // How Reload builds the next classifier. REQUIRES: called before the first
  // SetClassifier (which publishes it to other threads), at most once.
  void SetLoader(ClassifierLoader loader) { loader_ = std::move(loader); }
  // Builds a classifier with the loader and swaps it in. On failure the error
  // (naming the file) is returned and logged, and the classifier in service
  // stays. One reload at a time; a second caller waits for the first.
  // Counted in logsieve_reloads_total{result}.
  // (const: the classifier in service is the handlers' one mutable state,
  // swapped under its mutex, so that the endpoint table can call it.)
  Status Reload() const EXCLUDES(reload_mu_);
  // The model registry endpoints (null: they answer 503). REQUIRES: called
  // before SetClassifier, at most once.
  void SetModelService(std::shared_ptr<const ModelService> models) { models_ = std::move(models); }
  void SetStopping() { stopping_ = true; }
  bool stopping() const { return stopping_; }

  // Decides from the head alone, by the route table (routes.h): 404 / 405
  // (Allow) and redirects, a declared length over the route's limit (413),
  // the route's auth (401 / 403), readiness (503), its media type (415).
  // Cheap; answers the kAnswerNow routes directly, and sends the kWorker ones
  // (store and registry reads among them) to a worker.
  Plan Admit(const ApiRequest& req) const;
  // Runs a kBuffer plan: req.body holds the whole body.
  ApiResponse Run(const Plan& plan, const ApiRequest& req) const;
  // True when Run(plan, req) cannot wait on I/O and is short: a route the
  // table marks kInlineWhenQuick (classify; never the store's, which may wait
  // on SQLite's lock), a
  // pipeline with no stage that may wait (no reachable LLM), and a body of
  // at most kInlineBodyBytes. The edge then runs it on the I/O thread, saving the
  // two thread hand-offs to and from a worker (most of a one-line request's
  // time); everything else goes to the worker pool.
  bool RunsInline(const Plan& plan, const ApiRequest& req) const;
  static constexpr size_t kInlineBodyBytes = 4096;
  // The answer to a body that could not be read whole (413, 408, 400).
  ApiResponse BodyFailure(const Plan& plan, int status) const;
  // 503 with Retry-After: every worker is busy and the queue is full.
  ApiResponse Busy() const;
  // The stream of `req` (?explain=1 honoured).
  std::unique_ptr<NdjsonStream> NewStream(const ApiRequest& req) const;

  // Counts a request (HTTP metrics) and writes its access-log line.
  // `bytes_in`: the Content-Length, or -1.
  void Log(const ApiRequest& req, int status, size_t bytes_out, double seconds) const;
  Gauge& in_flight() const { return in_flight_; }
  // Every classify endpoint's decisions, offered to GET /v1/live.
  LiveFeed& live() const { return live_; }
  // Subscribers beyond these get 503 (each holds a connection): in all, and
  // from one client address, so that one client's idle subscribers cannot
  // lock everyone else out.
  static constexpr int kMaxLiveSubscribers = 16;
  static constexpr int kMaxLiveSubscribersPerClient = 4;

  // The endpoints: the route table (routes.cc) points at these. Each one
  // runs after admission checked its route's auth, limit and media type.
  ApiResponse Health(const ApiRequest& req) const;
  ApiResponse Liveness(const ApiRequest& req) const;
  ApiResponse Readiness(const ApiRequest& req) const;
  ApiResponse Metrics(const ApiRequest& req) const;
  ApiResponse OpenApi(const ApiRequest& req) const;
  ApiResponse SwaggerUi(const ApiRequest& req) const;
  ApiResponse Redoc(const ApiRequest& req) const;
  ApiResponse StaticFile(const ApiRequest& req) const;  // /docs/assets/, /ui/
  ApiResponse Review(const ApiRequest& req) const;
  ApiResponse ClassifySingle(const ApiRequest& req) const;
  ApiResponse ClassifyBatch(const ApiRequest& req) const;
  ApiResponse ClassifyCsv(const ApiRequest& req) const;
  ApiResponse AddFeedback(const ApiRequest& req) const;
  ApiResponse LearnModel(const ApiRequest& req) const;
  ApiResponse ActivateModel(const ApiRequest& req) const;
  ApiResponse ListModels(const ApiRequest& req) const;
  ApiResponse ReloadEndpoint(const ApiRequest& req) const;

 private:
  Plan LivePlan(const ApiRequest& req) const;
  // The batch as `c` answers it within classify_timeout_ms.
  void Classify(const Classifier& c, Batch& batch) const;
  bool ready() const { return ready_.load(std::memory_order_acquire); }
  void Install(std::shared_ptr<const Classifier> classifier) const EXCLUDES(classifier_mu_);

  const ServerOptions options_;
  mutable Mutex classifier_mu_;
  mutable std::shared_ptr<const Classifier> classifier_ GUARDED_BY(classifier_mu_);
  mutable std::atomic<bool> ready_{false};  // classifier_ is set (a lock-free check)
  std::shared_ptr<StoreRecorder> store_;    // set before the first classifier
  ClassifierLoader loader_;                 // set before the first classifier
  mutable Mutex reload_mu_;                 // one Reload at a time
  // The versions published as logsieve_loaded_version{part,version} = 1.
  mutable std::vector<std::pair<std::string, std::string>> published_ GUARDED_BY(classifier_mu_);
  std::shared_ptr<const ModelService> models_;  // set before the first classifier
  std::atomic<bool> stopping_{false};
  mutable LiveFeed live_{LiveFeedOptions{.max_subscribers = kMaxLiveSubscribers,
                                         .max_per_client = kMaxLiveSubscribersPerClient}};
  mutable Mutex log_mu_;  // one access-log line at a time on stderr
  Gauge& in_flight_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_HANDLERS_H_
