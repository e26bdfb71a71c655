#include "server/handlers.h"

#include <algorithm>
#include <cassert>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <nlohmann/json.hpp>
#include <utility>

#include "common/json.h"
#include "common/strings.h"
#include "io/input_stream.h"
#include "io/ndjson.h"
#include "io/records.h"
#include "server/admission.h"
#include "server/codec.h"
#include "server/multipart.h"
#include "server/openapi.h"
#include "server/routes.h"
#include "server/web_assets.h"
#include "store/feedback.h"

namespace logsieve {
namespace {

using json = nlohmann::json;

// The pages may load nothing from elsewhere: ReDoc's sidebar links a logo on
// a CDN, which this policy keeps the browser from fetching.
constexpr const char* kDocsPolicy =
    "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'";

std::string UtcNow() {
  auto now = std::chrono::system_clock::now();
  std::time_t t = std::chrono::system_clock::to_time_t(now);
  auto ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(now.time_since_epoch()).count() % 1000;
  std::tm tm{};
  gmtime_r(&t, &tm);
  char buf[64];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", tm.tm_year + 1900,
                tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec, static_cast<int>(ms));
  return buf;
}

// The dashboard (doc/ui.md): its own scripts only, no inline script; it talks
// to this origin alone.
constexpr const char* kUiPolicy =
    "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
    "img-src 'self' data: blob:; connect-src 'self'; frame-ancestors 'none'";

constexpr std::string_view kUiPrefix = "/ui/";

// /docs/assets/NAME and /ui/NAME: public, embedded (web_assets.h).
ApiResponse StaticFileAt(std::string_view path) {
  const bool ui = path.starts_with(kUiPrefix);
  if (path == kUiPrefix) path = "/ui/index.html";
  const WebAsset* asset = FindWebAsset(path);
  if (asset == nullptr) {
    return ErrorAnswer(404,
                       EmbeddedWebAssets().empty()
                           ? "Not Found (this build has no web assets: run `npm ci` and rebuild)"
                           : "Not Found");
  }
  ApiResponse res;
  res.content_type = std::string(asset->content_type);
  res.body = std::string(asset->body);
  // The dashboard's files change with the binary; the vendored ones do not.
  res.headers.emplace_back("Cache-Control", ui && !path.starts_with("/ui/vendor/")
                                                ? "no-cache"
                                                : "public, max-age=86400");
  if (ui) res.headers.emplace_back("Content-Security-Policy", kUiPolicy);
  return res;
}

ApiResponse NoModelService() { return ErrorAnswer(503, "no model registry in this server"); }

// A ModelService answer (model_service.h says how errors map).
ApiResponse ModelAnswer(const StatusOr<json>& r) {
  if (r.ok()) return JsonAnswer(200, *r);
  const StatusCode code = r.status().code();
  return ErrorAnswer(code == StatusCode::kNotFound             ? 422
                     : code == StatusCode::kFailedPrecondition ? 409
                                                               : 503,
                     r.status().message());
}

ApiResponse Page(std::string body) {
  ApiResponse res;
  res.content_type = "text/html; charset=utf-8";
  res.body = std::move(body);
  res.headers.emplace_back("Content-Security-Policy", kDocsPolicy);
  return res;
}

// An answer given before the body was read: the connection closes after it,
// so unread bytes are never taken for the next request.
Plan Unread(ApiResponse answer) {
  Plan p;
  p.kind = Plan::kAnswerUnread;
  p.answer = std::move(answer);
  p.answer.close = true;
  return p;
}

}  // namespace

// ---------------------------------------------------------------------------
// The stream.

NdjsonStream::NdjsonStream(std::shared_ptr<const Classifier> classifier, size_t batch_size,
                           size_t max_line, int classify_timeout_ms, bool explain, LiveFeed* live)
    : classifier_(std::move(classifier)),
      batch_size_(batch_size),
      max_line_(max_line),
      classify_timeout_ms_(classify_timeout_ms),
      explain_(explain),
      live_(live) {}

std::string NdjsonStream::Feed(std::string_view in) {
  std::string out;
  while (!in.empty()) {
    size_t nl = in.find('\n');
    std::string_view part = in.substr(0, nl);
    if (!skipping_) {
      if (partial_.size() + part.size() > max_line_) {
        skipping_ = true;
        partial_.clear();
        partial_.shrink_to_fit();
      } else {
        partial_.append(part);
      }
    }
    if (nl == std::string_view::npos) break;
    in.remove_prefix(nl + 1);
    EndLine(out);
  }
  return out;
}

std::string NdjsonStream::Finish() {
  std::string out;
  if (!partial_.empty() || skipping_) EndLine(out);
  Flush(out);
  return out;
}

std::string NdjsonStream::Fail(std::string_view detail) {
  std::string out;
  Flush(out);
  out += DumpJson(json{{"line", line_ + 1}, {"detail", std::string(detail)}});
  out += '\n';
  return out;
}

void NdjsonStream::EndLine(std::string& out) {
  ++line_;
  if (skipping_) {
    slots_.push_back(
        {line_, true,
         "line over " + std::to_string(max_line_) + " bytes (input.max_record_bytes)"});
  } else if (!IsBlankNdjsonLine(partial_)) {
    // The CLI's decoder (io/ndjson.h): both accept exactly the same lines.
    NdjsonOptions options;
    options.max_line_bytes = max_line_;
    if (StatusOr<LogRecord> r = DecodeNdjsonLine(partial_, options); !r.ok()) {
      slots_.push_back({line_, true, r.status().message()});
    } else {
      slots_.push_back({line_, false, {}});
      batch_.records.push_back(*std::move(r));
    }
  }
  partial_.clear();
  skipping_ = false;
  if (slots_.size() >= batch_size_) Flush(out);
}

void NdjsonStream::Flush(std::string& out) {
  if (slots_.empty()) return;
  if (!batch_.records.empty()) {
    batch_.deadline = Batch::DeadlineAfter(classify_timeout_ms_);
    classifier_->Classify(batch_);  // never fails: a stage failure is in each line's detail
    if (live_ != nullptr) live_->Offer(batch_);
  }
  size_t next = 0;
  for (const Slot& slot : slots_) {
    json j;
    if (slot.is_error) {
      j = json{{"line", slot.line}, {"detail", slot.error}};
    } else {
      j = explain_ ? ExplainedDecisionJson(batch_.decisions[next], batch_.templates[next])
                   : DecisionJson(batch_.decisions[next]);
      ++next;
    }
    out += DumpJson(j);
    out += '\n';
  }
  slots_.clear();
  batch_.records.clear();
  batch_.decisions.clear();
}

// ---------------------------------------------------------------------------

Handlers::Handlers(ServerOptions options)
    : options_(std::move(options)),
      in_flight_(MetricsRegistry::Global().GetGauge("logsieve_http_requests_in_flight",
                                                    "HTTP requests being served now")) {}

void Handlers::Install(std::shared_ptr<const Classifier> classifier) const {
  assert(classifier != nullptr);
  std::vector<std::pair<std::string, std::string>> versions = classifier->versions();
  // The one replaced: freed outside the lock, after the last request holding it.
  std::shared_ptr<const Classifier> old;
  MutexLock lock(&classifier_mu_);
  old = std::exchange(classifier_, std::move(classifier));
  ready_.store(true, std::memory_order_release);
  // logsieve_loaded_version{part, version}: 1 for what serves now, 0 for what served before.
  MetricsRegistry& m = MetricsRegistry::Global();
  auto gauge = [&](const std::pair<std::string, std::string>& v) -> Gauge& {
    return m.GetGauge("logsieve_loaded_version",
                      "1 for the version of each part of the classifier in service (rules, model, "
                      "llm, labels), 0 for those it replaced",
                      {{"part", v.first}, {"version", v.second}});
  };
  for (const auto& v : published_) gauge(v).Set(0);
  for (const auto& v : versions) gauge(v).Set(1);
  published_ = std::move(versions);
  m.GetGauge("logsieve_loaded_timestamp_seconds",
             "When the classifier in service was loaded (Unix time)")
      .Set(static_cast<double>(std::chrono::duration_cast<std::chrono::seconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count()));
}

std::shared_ptr<const Classifier> Handlers::classifier() const {
  MutexLock lock(&classifier_mu_);
  return classifier_;
}

Status Handlers::Reload() const {
  MutexLock lock(&reload_mu_);
  MetricsRegistry& m = MetricsRegistry::Global();
  auto count = [&](const char* result) {
    m.GetCounter("logsieve_reloads_total", "Reloads of the classifier (SIGHUP, POST /admin/reload)",
                 {{"result", result}})
        .Inc();
  };
  if (!loader_) {
    count("failed");
    return FailedPreconditionError("this server has no way to reload its classifier");
  }
  StatusOr<std::shared_ptr<const Classifier>> next = loader_();
  if (!next.ok()) {
    count("failed");
    Status refused = next.status().WithPrefix("reload refused, the classifier in service stays");
    std::fprintf(stderr, "logsieve: %s\n", refused.message().c_str());
    return refused;
  }
  Install(*std::move(next));
  count("ok");
  std::string text;
  for (const auto& [part, version] : classifier()->versions()) {
    text += (text.empty() ? "" : ", ") + part + " " + version;
  }
  std::fprintf(stderr, "logsieve: reloaded: %s\n", text.c_str());
  return OkStatus();
}

Plan Handlers::Admit(const ApiRequest& req) const {
  Plan plan;
  plan.limit = options_.max_upload_bytes;
  plan.limit_key = "max_upload_bytes";

  // Unknown paths and methods: 404 / 405 after the body is read away.
  const RouteSpec* route = FindRoute(req.path);
  if (route == nullptr) {
    plan.answer = ErrorAnswer(404, "Not Found");
    return plan;
  }
  if (!route->Accepts(req.method)) {
    plan.answer = ErrorAnswer(405, "Method Not Allowed");
    plan.answer.headers.emplace_back("Allow", std::string(route->method));
    return plan;
  }
  plan.route = route;
  if (route->execution == RouteExecution::kRedirect) {
    plan.answer = JsonAnswer(route->redirect_status,
                             json{{"detail", "moved to " + std::string(route->redirect_to)}});
    // An any-method redirect is repeated with its query; the dashboard's is not.
    const size_t query = req.target.find('?');
    plan.answer.headers.emplace_back(
        "Location",
        std::string(route->redirect_to) +
            (route->method.empty() && query != std::string::npos ? req.target.substr(query) : ""));
    return plan;
  }

  const bool takes_body = route->body != RouteBody::kNone;
  if (takes_body) {
    if (route->body == RouteBody::kNdjson) {
      plan.limit = options_.max_stream_bytes;
      plan.limit_key = "max_stream_bytes";
    }
    if (route->body == RouteBody::kRecordJson) {
      // One record: its body is bounded by the line limit, not the upload
      // limit, so a 30 MiB line is refused from its Content-Length, unread.
      const size_t one_record = kJsonEscapeFactor * options_.max_record_bytes + kRecordBodySlack;
      if (one_record < plan.limit) {
        plan.limit = one_record;
        plan.limit_key = kRecordLimitKey;
      }
    }
    // A declared length over the limit: answered now, without reading the body.
    if (std::string_view cl = req.Header("Content-Length"); !cl.empty() && plan.limit != 0) {
      if (cl.size() > 19 || std::stoull(std::string(cl)) > plan.limit) {
        return Unread(ErrorAnswer(413, BodyFailureDetail(413, plan.limit, plan.limit_key)));
      }
    }
  }

  // Auth, once, from the table.
  if (route->auth == RouteAuth::kAdminLoopback && !AdminAuthorized(req, options_.api_keys)) {
    plan.answer = options_.api_keys.empty() ? AdminForbidden() : Unauthorized(req);
    return plan;
  }
  if (route->auth == RouteAuth::kKey && !Authorized(req, options_.api_keys)) {
    plan.answer = Unauthorized(req);
    return plan;
  }

  if (!takes_body) {  // a GET
    switch (route->execution) {
      case RouteExecution::kEvents:
        return LivePlan(req);
      case RouteExecution::kWorker:
        // Store and registry reads may wait on a lock or a disk: a worker's job.
        plan.kind = Plan::kBuffer;  // a GET body is read away, not kept
        return plan;
      default:  // kAnswerNow (routes.cc checks that a GET row is one of these three)
        plan.answer = (this->*route->handle)(req);
        return plan;
    }
  }

  if (stopping_ || !ready()) {
    plan.answer =
        ErrorAnswer(503, stopping_ ? "shutting down" : "not ready: the classifier is loading");
    plan.answer.headers.emplace_back("Retry-After", "1");
    return plan;
  }
  const std::string type = MediaType(req);
  switch (route->body) {
    case RouteBody::kIgnored:  // any body is read away; it says nothing
      plan.limit = 4096;
      plan.limit_key = "";  // a fixed limit, no key
      break;
    case RouteBody::kNdjson:
      if (!type.empty() && type != "application/x-ndjson" && type != "application/ndjson" &&
          type != "application/jsonl" && type != "application/json-lines" && type != "text/plain") {
        return Unread(
            ErrorAnswer(415, "Content-Type must be application/x-ndjson, not '" + type + "'"));
      }
      plan.kind = Plan::kStream;
      return plan;
    case RouteBody::kMultipart:
      if (type != "multipart/form-data") {
        return Unread(ErrorAnswer(
            415, "Content-Type must be multipart/form-data with the file in field 'file'"));
      }
      break;
    case RouteBody::kJson:
    case RouteBody::kRecordJson:
      if (!type.empty() && type != "application/json") {
        return Unread(
            ErrorAnswer(415, "Content-Type must be application/json, not '" + type + "'"));
      }
      break;
    case RouteBody::kNone:
      break;
  }
  plan.kind = Plan::kBuffer;
  return plan;
}

Plan Handlers::LivePlan(const ApiRequest& req) const {
  Plan plan;
  if (stopping_) {
    plan.answer = ErrorAnswer(503, "shutting down");
  } else if (plan.events = live_.Subscribe(ClientAddress(req.remote)); plan.events == nullptr) {
    plan.answer =
        ErrorAnswer(503, "too many live subscribers: at most " +
                             std::to_string(kMaxLiveSubscribers) + " in all and " +
                             std::to_string(kMaxLiveSubscribersPerClient) + " per client address");
    plan.answer.headers.emplace_back("Retry-After", "5");
  } else {
    plan.kind = Plan::kEvents;
  }
  return plan;
}

ApiResponse Handlers::Liveness(const ApiRequest&) const {
  return JsonAnswer(200, json{{"status", "ok"}});
}

ApiResponse Handlers::Readiness(const ApiRequest&) const {
  if (stopping_) return ErrorAnswer(503, "shutting down");
  if (!ready()) return ErrorAnswer(503, "not ready: the classifier is loading");
  return JsonAnswer(200, json{{"status", "ready"}});
}

ApiResponse Handlers::Metrics(const ApiRequest&) const {
  ApiResponse res;
  res.content_type = "text/plain; version=0.0.4";
  res.body = MetricsRegistry::Global().RenderPrometheus();
  return res;
}

ApiResponse Handlers::OpenApi(const ApiRequest&) const {
  std::shared_ptr<const Classifier> c = classifier();
  return JsonAnswer(
      200, OpenApiDocument(options_.version, c ? c->labels() : std::vector<std::string>{}));
}

ApiResponse Handlers::SwaggerUi(const ApiRequest&) const { return Page(SwaggerUiPage()); }
ApiResponse Handlers::Redoc(const ApiRequest&) const { return Page(RedocPage()); }
ApiResponse Handlers::StaticFile(const ApiRequest& req) const { return StaticFileAt(req.path); }

ApiResponse Handlers::Health(const ApiRequest& req) const {
  std::shared_ptr<const Classifier> c = classifier();
  json body = {{"status", stopping_ ? "stopping" : (c ? "ok" : "loading")},
               {"version", options_.version},
               {"stages", json::array()},
               {"stage_details", json::array()},
               {"labels", json::array()},
               {"loaded", json::object()},
               {"auth_required", !options_.api_keys.empty()}};  // the dashboard asks for a key
  if (c != nullptr) {
    body["stages"] = c->stage_names();
    body["stage_details"] = c->stage_descriptions();
    body["labels"] = c->labels();
    for (const auto& [part, version] : c->versions()) body["loaded"][part] = version;
  }
  // They name files and the LLM's URL: with keys set, only for a caller with one.
  if (!Authorized(req, options_.api_keys)) body.erase("stage_details");
  return JsonAnswer(200, body);
}

ApiResponse Handlers::Run(const Plan& plan, const ApiRequest& req) const {
  return (this->*plan.route->handle)(req);
}

bool Handlers::RunsInline(const Plan& plan, const ApiRequest& req) const {
  if (plan.kind != Plan::kBuffer || plan.route == nullptr ||
      plan.route->execution != RouteExecution::kInlineWhenQuick ||
      req.body.size() > kInlineBodyBytes) {
    return false;
  }
  std::shared_ptr<const Classifier> c = classifier();
  return c != nullptr && !c->may_wait();
}

ApiResponse Handlers::BodyFailure(const Plan& plan, int status) const {
  return ErrorAnswer(status, BodyFailureDetail(status, plan.limit, plan.limit_key));
}

ApiResponse Handlers::Busy() const {
  ApiResponse res = ErrorAnswer(
      503, "busy: every worker is classifying and the queue is full (server.max_queued)");
  res.headers.emplace_back("Retry-After", "1");
  return res;
}

std::unique_ptr<NdjsonStream> Handlers::NewStream(const ApiRequest& req) const {
  return std::make_unique<NdjsonStream>(classifier(), options_.batch_size,
                                        options_.max_record_bytes, options_.classify_timeout_ms,
                                        WantsExplain(req.target), &live_);
}

void Handlers::Classify(const Classifier& c, Batch& batch) const {
  batch.deadline = Batch::DeadlineAfter(options_.classify_timeout_ms);
  c.Classify(batch);
  live_.Offer(batch);
}

ApiResponse Handlers::ClassifySingle(const ApiRequest& req) const {
  StatusOr<json> body = ParseJsonBody(req.body, options_.max_record_bytes);
  if (!body.ok()) return BodyError(body.status());
  StatusOr<LogRecord> record = RecordFromJson(*body, "");
  if (!record.ok()) return ErrorAnswer(422, record.status().message());
  std::shared_ptr<const Classifier> c = classifier();
  const bool explain = WantsExplain(req.target);
  if (options_.classify_timeout_ms == 0 && !explain && live_.subscribers() == 0) {
    return JsonAnswer(200, DecisionJson(c->ClassifyOne(record->source, record->message)));
  }
  Batch batch;
  batch.records.push_back(*std::move(record));
  Classify(*c, batch);
  return JsonAnswer(200, explain ? ExplainedDecisionJson(batch.decisions[0], batch.templates[0])
                                 : DecisionJson(batch.decisions[0]));
}

ApiResponse Handlers::ClassifyBatch(const ApiRequest& req) const {
  StatusOr<json> body = ParseJsonBody(req.body, options_.max_record_bytes);
  if (!body.ok()) return BodyError(body.status());
  if (!body->is_object() || !body->contains("logs") || !(*body)["logs"].is_array()) {
    return ErrorAnswer(
        422, "expected an object {\"logs\": [{\"source\": ..., \"log_message\": ...}, ...]}");
  }
  const json& logs = (*body)["logs"];
  if (logs.size() > options_.max_batch) {
    return ErrorAnswer(413, std::to_string(logs.size()) + " logs, more than " +
                                std::to_string(options_.max_batch) + " (server.max_batch)");
  }
  Batch batch;
  batch.records.reserve(logs.size());
  for (size_t i = 0; i < logs.size(); ++i) {
    StatusOr<LogRecord> r = RecordFromJson(logs[i], "logs[" + std::to_string(i) + "]");
    if (!r.ok()) return ErrorAnswer(422, r.status().message());
    batch.records.push_back(*std::move(r));
  }
  *body = nullptr;  // free the parsed input before classifying
  Classify(*classifier(), batch);
  const bool explain = WantsExplain(req.target);
  json results = json::array();
  for (size_t i = 0; i < batch.size(); ++i) {
    results.push_back(explain ? ExplainedDecisionJson(batch.decisions[i], batch.templates[i])
                              : DecisionJson(batch.decisions[i]));
  }
  return JsonAnswer(200, json{{"results", std::move(results)}});
}

// ---------------------------------------------------------------------------
// The learning loop (doc/learning.md).

namespace {

ApiResponse NoStore() {
  return ErrorAnswer(503,
                     "no store: store.enabled is off or the store could not be opened (see the "
                     "server log)");
}

constexpr size_t kMaxReviewLimit = 1000;

// ?limit=N&min_confidence=X from the target (defaults 50 and 0.7); a value
// out of its bound, or not a number, is an error naming the parameter and the
// bound (a 422), never silently clamped or ignored. Other parameters are ignored.
Status ReviewQuery(std::string_view target, size_t* limit, double* min_confidence) {
  if (const std::optional<std::string_view> p = QueryParam(target, "limit")) {
    const std::string value(*p);
    const bool digits = !value.empty() && value.size() <= 9 &&
                        value.find_first_not_of("0123456789") == std::string::npos;
    const unsigned long long v = digits ? std::strtoull(value.c_str(), nullptr, 10) : 0;
    if (v < 1 || v > kMaxReviewLimit) {
      return InvalidArgumentError("query parameter 'limit' must be an integer in [1, " +
                                  std::to_string(kMaxReviewLimit) + "], got '" + value + "'");
    }
    *limit = v;
  }
  if (const std::optional<std::string_view> p = QueryParam(target, "min_confidence")) {
    const std::string value(*p);
    char* end = nullptr;
    const double v = value.empty() ? NAN : std::strtod(value.c_str(), &end);
    if (value.empty() || *end != '\0' || !(v >= 0 && v <= 1)) {  // NaN fails the comparison
      return InvalidArgumentError(
          "query parameter 'min_confidence' must be a number in [0, 1], got '" + value + "'");
    }
    *min_confidence = v;
  }
  return OkStatus();
}

}  // namespace

ApiResponse Handlers::Review(const ApiRequest& req) const {
  size_t limit = 50;
  double min_confidence = 0.7;
  if (Status s = ReviewQuery(req.target, &limit, &min_confidence); !s.ok()) {
    return ErrorAnswer(422, s.message());
  }
  if (!ready()) return ErrorAnswer(503, "not ready: the classifier is loading");
  if (store_ == nullptr) return NoStore();
  StatusOr<std::vector<ReviewItem>> items = store_->store().Review(limit, min_confidence);
  if (!items.ok()) return ErrorAnswer(503, items.status().message());
  json out = json::array();
  for (const ReviewItem& item : *items) out.push_back(ReviewItemJson(item));
  return JsonAnswer(200, json{{"items", std::move(out)}});
}

ApiResponse Handlers::ListModels(const ApiRequest&) const {
  if (models_ == nullptr) return NoModelService();
  return ModelAnswer(models_->List());
}

ApiResponse Handlers::LearnModel(const ApiRequest&) const {
  if (models_ == nullptr) return NoModelService();
  return ModelAnswer(models_->Learn());
}

ApiResponse Handlers::ActivateModel(const ApiRequest& req) const {
  if (models_ == nullptr) return NoModelService();
  StatusOr<json> body = ParseJsonBody(req.body, options_.max_record_bytes);
  if (!body.ok()) return BodyError(body.status());
  if (!body->is_object() || !body->contains("version") || !(*body)["version"].is_string()) {
    return ErrorAnswer(422, "expected {\"version\": \"v0003\"}");
  }
  return ModelAnswer(models_->Activate((*body)["version"].get<std::string>()));
}

ApiResponse Handlers::AddFeedback(const ApiRequest& req) const {
  if (store_ == nullptr) return NoStore();
  StatusOr<json> body = ParseJsonBody(req.body, options_.max_record_bytes);
  if (!body.ok()) return BodyError(body.status());
  StatusOr<Feedback> feedback = FeedbackFromJson(*body);
  if (!feedback.ok()) return ErrorAnswer(422, feedback.status().message());
  StatusOr<Correction> correction = MakeCorrection(*classifier(), *std::move(feedback), "api");
  if (!correction.ok()) return ErrorAnswer(422, correction.status().message());
  if (Status s = store_->store().AddCorrections(std::span(&*correction, 1)); !s.ok()) {
    return ErrorAnswer(503, s.message());
  }
  return JsonAnswer(200, json{{"status", "stored"},
                              {"previous_label", correction->previous_label},
                              {"previous_method", correction->previous_method}});
}

ApiResponse Handlers::ReloadEndpoint(const ApiRequest&) const {
  std::vector<std::pair<std::string, std::string>> before = classifier()->versions();
  if (Status s = Reload(); !s.ok()) {
    return ErrorAnswer(s.code() == StatusCode::kFailedPrecondition ? 501 : 500, s.message());
  }
  json previous = json::object(), loaded = json::object();
  for (const auto& [part, version] : before) previous[part] = version;
  for (const auto& [part, version] : classifier()->versions()) loaded[part] = version;
  return JsonAnswer(200, json{{"status", "reloaded"}, {"loaded", loaded}, {"previous", previous}});
}

ApiResponse Handlers::ClassifyCsv(const ApiRequest& req) const {
  StatusOr<std::string> boundary = MultipartBoundary(req.Header("Content-Type"));
  if (!boundary.ok()) return ErrorAnswer(400, boundary.status().message());
  bool in_file = false, have_file = false;
  std::string filename, part_type, content;
  MultipartParser parser(
      *boundary,
      [&](const MultipartPart& part) {
        in_file = part.name == "file" && !have_file;
        if (in_file) {
          have_file = true;
          filename = part.filename;
          part_type = part.content_type;
        }
      },
      [&](std::string_view data) {
        if (in_file) content.append(data);
      });
  Status parsed = parser.Feed(req.body);
  if (parsed.ok()) parsed = parser.Finish();
  if (!parsed.ok()) return ErrorAnswer(400, parsed.message());
  if (!have_file) return ErrorAnswer(422, "form field 'file' is required");
  // A .csv is CSV; a plain-text log (.log, .txt, or sent as text/plain) is
  // one record per line, from source "upload".
  const std::optional<Format> format = FormatFromPath(filename);
  std::string media = part_type.substr(0, part_type.find(';'));
  for (char& ch : media) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  const bool text = format == Format::kLines || (!format && media == "text/plain");
  if (format != Format::kCsv && !text) {
    return ErrorAnswer(400, "not a CSV or plain-text file: '" + filename +
                                "' (the file name must end in .csv, .log or .txt)");
  }
  if (content.find('\0') != std::string::npos) {
    return ErrorAnswer(400, "not a text file: '" + filename + "' holds NUL bytes (binary data)");
  }

  // Read, classify and write back in slices (the io module's reader and CSV
  // writer, as `logsieve classify` uses them).
  ReadOptions read_options;
  read_options.format = text ? Format::kLines : Format::kCsv;
  read_options.default_source = "upload";
  read_options.max_record_bytes = options_.max_record_bytes;
  // A text log's stack traces become one event each, as in `classify`; a
  // CSV row is a record already (input.multiline does not apply).
  if (text) read_options.multiline = options_.multiline;
  StatusOr<std::unique_ptr<RecordReader>> csv =
      RecordReader::Open(InputStream::FromString(std::move(content), filename), read_options);
  if (!csv.ok()) return ErrorAnswer(400, csv.status().message());
  ApiResponse res;
  std::unique_ptr<RecordWriter> writer = RecordWriter::ToString(
      &res.body, WriteOptions{.format = Format::kCsv}, read_options.format, (*csv)->columns());
  const size_t slice = std::max<size_t>(options_.batch_size, 4096);
  const std::shared_ptr<const Classifier> c = classifier();  // one for the whole file
  RecordBatch batch;
  size_t rows = 0;
  while (true) {
    batch.Clear();
    StatusOr<size_t> n = (*csv)->Read(slice, &batch);
    if (!n.ok()) return ErrorAnswer(400, n.status().message());
    if (*n == 0) break;
    rows += *n;
    if (rows > options_.max_rows) {
      return ErrorAnswer(
          413, "more than " + std::to_string(options_.max_rows) + " rows (server.max_rows)");
    }
    Classify(*c, batch.batch);
    if (Status s = writer->Write(batch); !s.ok()) return ErrorAnswer(500, s.message());
  }
  if (Status s = writer->Commit(); !s.ok()) return ErrorAnswer(500, s.message());
  res.status = 200;
  res.content_type = "text/csv; charset=utf-8";
  res.headers.emplace_back("Content-Disposition", "attachment; filename=\"classified.csv\"");
  return res;
}

void Handlers::Log(const ApiRequest& req, int status, size_t bytes_out, double seconds) const {
  std::string endpoint(EndpointLabel(req.path));
  MetricsRegistry& m = MetricsRegistry::Global();
  m.GetCounter("logsieve_http_requests_total", "HTTP requests by endpoint and status code",
               {{"endpoint", endpoint}, {"code", std::to_string(status)}})
      .Inc();
  m.GetHistogram("logsieve_http_request_duration_seconds",
                 "HTTP request latency, from the end of the headers to the last byte written",
                 DefaultLatencyBuckets(), {{"endpoint", endpoint}})
      .Observe(seconds);
  if (!options_.access_log) return;
  json bytes_in = nullptr;
  if (std::string_view cl = req.Header("Content-Length");
      !cl.empty() && cl.size() <= 19 &&
      cl.find_first_not_of("0123456789") == std::string_view::npos) {
    bytes_in = std::stoull(std::string(cl));
  }
  json line = {{"time", UtcNow()},       {"remote", req.remote},
               {"method", req.method},   {"path", req.path},
               {"status", status},       {"bytes_in", bytes_in},
               {"bytes_out", bytes_out}, {"ms", std::round(seconds * 1e6) / 1e3}};
  std::string text = DumpJson(line) + "\n";
  MutexLock lock(&log_mu_);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

}  // namespace logsieve
