// The HTTP edge: decode a request, call the Classifier, encode the answer.
// Everything httplib-specific stays in this file.
#include "server/server.h"

#include <httplib.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <exception>
#include <limits>
#include <mutex>
#include <nlohmann/json.hpp>
#include <optional>
#include <string_view>
#include <thread>

#include "common/metrics.h"
#include "io/input_stream.h"
#include "io/records.h"
#include "server/openapi.h"
#include "server/web_assets.h"

namespace logsieve {
namespace {

using json = nlohmann::json;
using Clock = std::chrono::steady_clock;

// ---------------------------------------------------------------------------
// Routes: the table decides 404 / 405 before httplib reads any body.

struct Route {
  std::string_view path;
  std::string_view method;  // "GET" (HEAD too) or "POST"
};

// Every endpoint: the 405 answers (and their Allow header) come from here.
constexpr Route kRoutes[] = {
    {"/", "GET"},
    {"/healthz", "GET"},
    {"/readyz", "GET"},
    {"/openapi.json", "GET"},
    {"/docs", "GET"},
    {"/redoc", "GET"},
    {"/metrics", "GET"},
    {"/classify/", "POST"},
    {"/classify-single/", "POST"},
    {"/v1/classify", "POST"},
    {"/v1/classify/stream", "POST"},
};

// "GET" or "POST" when `path` is an endpoint (for another method), else "".
std::string AllowedMethods(std::string_view path) {
  std::string allow;
  for (const Route& r : kRoutes) {
    if (r.path != path) continue;
    if (!allow.empty()) allow += ", ";
    allow += r.method;
  }
  return allow;
}
constexpr std::string_view kAssetPrefix = "/docs/assets/";
constexpr std::string_view kStreamPath = "/v1/classify/stream";

// The `endpoint` label of the HTTP metrics: a known path, or "other" (so
// hostile paths cannot grow the metric set).
std::string_view EndpointLabel(std::string_view path) {
  for (const Route& r : kRoutes) {
    if (r.path == path) return r.path;
  }
  if (path.starts_with(kAssetPrefix)) return "/docs/assets/";
  return "other";
}

// ---------------------------------------------------------------------------
// Small encoders.

std::string Dump(const json& j) {
  // Log lines are bytes as read; invalid UTF-8 becomes U+FFFD, never an exception.
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

void SetJson(httplib::Response& res, int status, const json& body) {
  res.status = status;
  res.set_content(Dump(body), "application/json");
}

void SetError(httplib::Response& res, int status, std::string_view detail) {
  SetJson(res, status, json{{"detail", std::string(detail)}});
}

// For answers given before the body was read: the unread body must not be
// taken for the next request on this connection.
void SetErrorAndClose(httplib::Response& res, int status, std::string_view detail) {
  SetError(res, status, detail);
  res.set_header("Connection", "close");
}

json ConfidenceJson(const std::optional<float>& c) {
  if (!c) return nullptr;
  return std::round(static_cast<double>(*c) * 1e4) / 1e4;
}

json DecisionJson(const Decision& d) {
  return json{{"target_label", d.label},
              {"method_used", std::string(MethodName(d.method))},
              {"confidence", ConfidenceJson(d.confidence)},
              {"detail", d.detail}};
}

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

// The media type of a Content-Type header: "application/json" for
// "Application/JSON; charset=utf-8".
std::string MediaType(const httplib::Request& req) {
  std::string v = Lower(req.get_header_value("Content-Type"));
  v = v.substr(0, v.find(';'));
  while (!v.empty() && (v.back() == ' ' || v.back() == '\t')) v.pop_back();
  while (!v.empty() && (v.front() == ' ' || v.front() == '\t')) v.erase(v.begin());
  return v;
}

// Details of the errors httplib answers itself (bad request line, URI too long...).
std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Request Entity Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 416:
      return "Range Not Satisfiable";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

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

// A LogRecord from a JSON value; `where` names it in errors ("logs[3]").
StatusOr<LogRecord> RecordFromJson(const json& j, std::string_view where) {
  std::string prefix = where.empty() ? "" : std::string(where) + ": ";
  if (!j.is_object())
    return InvalidArgumentError(prefix + "expected an object with source and log_message");
  LogRecord r;
  for (auto [field, out] : {std::pair{"source", &r.source}, std::pair{"log_message", &r.message}}) {
    auto it = j.find(field);
    if (it == j.end()) return InvalidArgumentError(prefix + "field '" + field + "' is required");
    if (!it->is_string())
      return InvalidArgumentError(prefix + "field '" + field + "' must be a string");
    *out = it->get<std::string>();
  }
  return r;
}

// Request threads record when their current request began (set in the
// pre-routing handler, read by the logger on the same thread).
thread_local Clock::time_point t_request_start;
thread_local bool t_request_started = false;

// The byte and time budget of one request body. Bytes past the limit are
// read away (up to kDrainBytes more) so that the 413 reaches the client on a
// connection it can reuse; beyond that, or past the deadline, reading stops
// and the connection is closed after the answer.
class BodyBudget {
 public:
  static constexpr size_t kDrainBytes = size_t{1} << 20;

  BodyBudget(size_t limit, int timeout_ms)
      : limit_(limit), deadline_(Clock::now() + std::chrono::milliseconds(timeout_ms)) {}

  // For each piece read: whether to keep reading. `keep` says whether the
  // piece is wanted (false once over the limit).
  bool Take(size_t n, bool& keep) {
    total_ += n;
    keep = false;
    if (Clock::now() > deadline_) {
      failure_ = 408;
      return false;
    }
    if (limit_ != 0 && total_ > limit_) {
      failure_ = 413;
      return total_ - limit_ <= kDrainBytes;
    }
    keep = true;
    return true;
  }

  // 0, or the status to answer: 413, 408, or 400 when reading failed
  // (`read_ok` false) for another reason (bad framing, connection lost).
  int Failure(bool read_ok) const { return failure_ != 0 ? failure_ : (read_ok ? 0 : 400); }
  size_t limit() const { return limit_; }

 private:
  size_t limit_;
  Clock::time_point deadline_;
  size_t total_ = 0;
  int failure_ = 0;
};

std::string BodyFailureDetail(int status, size_t limit, std::string_view key) {
  if (status == 413) {
    return "request body over " + std::to_string(limit) + " bytes (server." + std::string(key) +
           ")";
  }
  if (status == 408) return "request body not received within server.request_timeout_ms";
  return "could not read the request body (malformed framing or connection lost)";
}

// ---------------------------------------------------------------------------
// The NDJSON stream: input is read in chunks while output is written, one
// batch at a time, so memory holds one batch and one partial line.
class NdjsonStream {
 public:
  NdjsonStream(const Classifier& classifier, size_t batch_size, size_t max_line,
               httplib::DataSink& sink)
      : classifier_(classifier), batch_size_(batch_size), max_line_(max_line), sink_(sink) {}

  // Feeds bytes of the body; false when the client is gone.
  bool Feed(const char* data, size_t n) {
    std::string_view in(data, n);
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
      if (!EndLine()) return false;
    }
    return true;
  }

  // After the last byte: the last line (if unterminated) and the last batch.
  bool Finish() {
    if (!partial_.empty() || skipping_) {
      if (!EndLine()) return false;
    }
    return Flush();
  }

  // For a body cut short (limit): an error line after what was answered.
  bool Fail(std::string_view detail) {
    if (!Flush()) return false;
    std::string out = Dump(json{{"line", line_ + 1}, {"detail", std::string(detail)}}) + "\n";
    return sink_.write(out.data(), out.size());
  }

 private:
  struct Slot {
    size_t line;
    bool is_error;
    std::string error;  // when is_error
  };

  bool EndLine() {
    ++line_;
    std::string_view text = partial_;
    if (!text.empty() && text.back() == '\r') text.remove_suffix(1);
    bool blank = text.find_first_not_of(" \t") == std::string_view::npos;
    if (skipping_) {
      slots_.push_back(
          {line_, true,
           "line over " + std::to_string(max_line_) + " bytes (input.max_record_bytes)"});
    } else if (!blank) {
      json j = json::parse(text, nullptr, /*allow_exceptions=*/false);
      if (j.is_discarded()) {
        slots_.push_back({line_, true, "malformed JSON"});
      } else if (StatusOr<LogRecord> r = RecordFromJson(j, ""); !r.ok()) {
        slots_.push_back({line_, true, r.status().message()});
      } else {
        slots_.push_back({line_, false, {}});
        batch_.records.push_back(*std::move(r));
      }
    }
    partial_.clear();
    skipping_ = false;
    if (slots_.size() >= batch_size_) return Flush();
    return true;
  }

  bool Flush() {
    if (slots_.empty()) return true;
    if (!batch_.records.empty()) classifier_.Classify(batch_);
    std::string out;
    size_t next = 0;
    for (const Slot& slot : slots_) {
      json j;
      if (slot.is_error) {
        j = json{{"line", slot.line}, {"detail", slot.error}};
      } else {
        j = DecisionJson(batch_.decisions[next++]);
      }
      out += Dump(j);
      out += '\n';
    }
    slots_.clear();
    batch_.records.clear();
    batch_.decisions.clear();
    return sink_.write(out.data(), out.size());
  }

  const Classifier& classifier_;
  const size_t batch_size_;
  const size_t max_line_;
  httplib::DataSink& sink_;
  std::string partial_;
  bool skipping_ = false;
  size_t line_ = 0;
  std::vector<Slot> slots_;
  Batch batch_;
};

}  // namespace

// ---------------------------------------------------------------------------

StatusOr<ServerOptions> ServerOptions::FromConfig(const Config& config) {
  ServerOptions o;
  auto in_range = [&](std::string_view key, int64_t lo, int64_t hi) -> StatusOr<int64_t> {
    int64_t v = config.GetInt(key);
    if (v < lo || v > hi) {
      return InvalidArgumentError(std::string(key) + " = " + std::to_string(v) + " (from " +
                                  config.Origin(key) + "): expected " + std::to_string(lo) + ".." +
                                  std::to_string(hi));
    }
    return v;
  };
  constexpr int64_t kMaxBytes = int64_t{1} << 40;
  constexpr int64_t kDay = 86400000;
  o.host = config.GetString("server.host");
  if (o.host.empty()) return InvalidArgumentError("server.host is empty");
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t port, in_range("server.port", 0, 65535));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t threads, in_range("server.threads", 0, 4096));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t upload, in_range("server.max_upload_bytes", 1, kMaxBytes));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t stream, in_range("server.max_stream_bytes", 0, kMaxBytes));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t batch, in_range("server.max_batch", 1, 100000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t rows, in_range("server.max_rows", 1, 1000000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t req_t, in_range("server.request_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t read_t, in_range("server.read_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t write_t, in_range("server.write_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t ka_t, in_range("server.keep_alive_timeout_ms", 1, kDay));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t ka_n,
                            in_range("server.keep_alive_max_requests", 1, 1000000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t batch_size, in_range("pipeline.batch_size", 1, 1000000));
  LOGSIEVE_ASSIGN_OR_RETURN(int64_t record, in_range("input.max_record_bytes", 1, kMaxBytes));
  o.port = static_cast<int>(port);
  o.threads = static_cast<int>(threads);
  o.max_upload_bytes = static_cast<size_t>(upload);
  o.max_stream_bytes = static_cast<size_t>(stream);
  o.max_batch = static_cast<size_t>(batch);
  o.max_rows = static_cast<size_t>(rows);
  o.request_timeout_ms = static_cast<int>(req_t);
  o.read_timeout_ms = static_cast<int>(read_t);
  o.write_timeout_ms = static_cast<int>(write_t);
  o.keep_alive = config.GetBool("server.keep_alive");
  o.keep_alive_timeout_ms = static_cast<int>(ka_t);
  o.keep_alive_max_requests = static_cast<int>(ka_n);
  o.batch_size = static_cast<size_t>(batch_size);
  o.max_record_bytes = static_cast<size_t>(record);
  o.access_log = config.GetBool("server.access_log");
  std::string_view keys = config.GetString("server.api_keys");
  while (!keys.empty()) {
    size_t comma = keys.find(',');
    std::string_view k = keys.substr(0, comma);
    while (!k.empty() && k.front() == ' ') k.remove_prefix(1);
    while (!k.empty() && k.back() == ' ') k.remove_suffix(1);
    if (!k.empty()) o.api_keys.emplace_back(k);
    if (comma == std::string_view::npos) break;
    keys.remove_prefix(comma + 1);
  }
  return o;
}

struct Server::Impl {
  explicit Impl(ServerOptions o) : options(std::move(o)) {}

  ServerOptions options;
  httplib::Server http;
  int port = -1;

  std::mutex classifier_mu;
  std::shared_ptr<const Classifier> classifier;   // GUARDED_BY(classifier_mu); set once
  std::atomic<const Classifier*> ready{nullptr};  // published after `classifier`
  std::atomic<bool> stopping{false};
  std::atomic<bool> serve_entered{false};
  std::atomic<bool> serve_done{false};

  std::mutex log_mu;

  Gauge& in_flight = MetricsRegistry::Global().GetGauge("logsieve_http_requests_in_flight",
                                                        "HTTP requests being served now");

  void Configure();
  void Log(const httplib::Request& req, const httplib::Response& res);

  // Pre-routing: refuses what must not be read at all (declared lengths over
  // the limits, chunked bodies where httplib would buffer them unbounded).
  httplib::Server::HandlerResponse Admit(const httplib::Request& req, httplib::Response& res);
  bool Authorized(const httplib::Request& req) const;
  static void SetUnauthorized(const httplib::Request& req, httplib::Response& res);
  // Reads and discards a body (up to the upload limit).
  void Drain(const httplib::Request& req, const httplib::ContentReader& reader,
             httplib::Response& res);
  // Auth and readiness of a POST endpoint; false (and `res` set, the body
  // drained) when the request must not go on.
  bool Admitted(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader);

  BodyBudget Budget() const {
    return BodyBudget(options.max_upload_bytes, options.request_timeout_ms);
  }
  // Answers a body that could not be read whole (413, 408, 400).
  void SetBodyFailure(httplib::Response& res, int status, bool read_ok) const {
    SetError(res, status, BodyFailureDetail(status, options.max_upload_bytes, "max_upload_bytes"));
    if (!read_ok) res.set_header("Connection", "close");
  }

  void Health(httplib::Response& res);
  void ClassifyCsv(const httplib::Request& req, httplib::Response& res,
                   const httplib::ContentReader& reader);
  void ClassifySingle(const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader& reader);
  void ClassifyBatch(const httplib::Request& req, httplib::Response& res,
                     const httplib::ContentReader& reader);
  void ClassifyStream(const httplib::Request& req, httplib::Response& res,
                      const httplib::ContentReader& reader);
  // Reads a JSON body; false (and `res` set) on failure.
  bool ReadJson(const httplib::Request& req, httplib::Response& res,
                const httplib::ContentReader& reader, json& out);
};

httplib::Server::HandlerResponse Server::Impl::Admit(const httplib::Request& req,
                                                     httplib::Response& res) {
  using HR = httplib::Server::HandlerResponse;
  t_request_start = Clock::now();
  if (!t_request_started) in_flight.Add(1);  // still set: the last request was never logged
  t_request_started = true;

  // httplib 0.11 reads a chunked body of a GET (any method without a content
  // reader here) whole, with no limit: refuse it unread.
  const bool reads_body = req.method == "POST" || req.method == "PUT" || req.method == "PATCH" ||
                          req.method == "DELETE";
  if (!reads_body && req.has_header("Transfer-Encoding")) {
    SetErrorAndClose(res, 400, "a chunked request body is only accepted on POST endpoints");
    return HR::Handled;
  }
  // A declared length over the limit: answer now, without reading the body.
  if (req.has_header("Content-Length")) {
    std::string v = req.get_header_value("Content-Length");
    bool numeric = !v.empty() && v.size() < 20 &&
                   std::all_of(v.begin(), v.end(), [](char c) { return c >= '0' && c <= '9'; });
    if (numeric) {  // a malformed length is left to httplib (it answers 400)
      bool stream = req.method == "POST" && req.path == kStreamPath;
      size_t limit = stream ? options.max_stream_bytes : options.max_upload_bytes;
      if (limit != 0 && std::stoull(v) > limit) {
        SetErrorAndClose(
            res, 413,
            BodyFailureDetail(413, limit, stream ? "max_stream_bytes" : "max_upload_bytes"));
        return HR::Handled;
      }
    }
  }
  return HR::Unhandled;
}

bool Server::Impl::Authorized(const httplib::Request& req) const {
  if (options.api_keys.empty()) return true;
  std::string auth = req.get_header_value("Authorization");
  if (Lower(auth.substr(0, 7)) != "bearer ") return false;
  std::string_view token = std::string_view(auth).substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  bool good = false;
  for (const std::string& key : options.api_keys) good |= ConstantTimeEquals(token, key);
  return good;
}

void Server::Impl::SetUnauthorized(const httplib::Request& req, httplib::Response& res) {
  SetError(
      res, 401,
      req.has_header("Authorization") ? "Invalid authentication credentials" : "Not authenticated");
  res.set_header("WWW-Authenticate", "Bearer");
}

void Server::Impl::Drain(const httplib::Request& req, const httplib::ContentReader& reader,
                         httplib::Response& res) {
  BodyBudget budget = Budget();
  auto discard = [&](const char*, size_t n) {
    bool keep;
    return budget.Take(n, keep);
  };
  // A multipart body must be read with the multipart form of the reader.
  bool read_ok = req.is_multipart_form_data()
                     ? reader([](const httplib::MultipartFormData&) { return true; }, discard)
                     : reader(discard);
  if (!read_ok) res.set_header("Connection", "close");
}

bool Server::Impl::Admitted(const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader) {
  if (!Authorized(req)) {
    SetUnauthorized(req, res);
  } else if (stopping || ready.load(std::memory_order_acquire) == nullptr) {
    SetError(res, 503, stopping ? "shutting down" : "not ready: the classifier is loading");
    res.set_header("Retry-After", "1");
  } else {
    return true;
  }
  // Read the body away so the connection can serve the next request (closing
  // with unread bytes would reset it and could lose this answer).
  Drain(req, reader, res);
  return false;
}

void Server::Impl::Log(const httplib::Request& req, const httplib::Response& res) {
  double seconds = 0;
  if (t_request_started) {
    seconds = std::chrono::duration<double>(Clock::now() - t_request_start).count();
    t_request_started = false;
    in_flight.Add(-1);
  }
  std::string endpoint(EndpointLabel(req.path));
  MetricsRegistry& m = MetricsRegistry::Global();
  m.GetCounter("logsieve_http_requests_total", "HTTP requests by endpoint and status code",
               {{"endpoint", endpoint}, {"code", std::to_string(res.status)}})
      .Inc();
  m.GetHistogram("logsieve_http_request_duration_seconds",
                 "HTTP request latency, from the end of the headers to the last byte written",
                 DefaultLatencyBuckets(), {{"endpoint", endpoint}})
      .Observe(seconds);
  if (!options.access_log) return;
  json line = {{"time", UtcNow()},
               {"remote", req.remote_addr},
               {"method", req.method},
               {"path", req.path},
               {"status", res.status},
               {"bytes_in", req.has_header("Content-Length")
                                ? json(req.get_header_value<uint64_t>("Content-Length"))
                                : json(nullptr)},
               {"bytes_out", res.body.size()},
               {"ms", std::round(seconds * 1e6) / 1e3}};
  std::string text = Dump(line) + "\n";
  std::lock_guard<std::mutex> lock(log_mu);
  std::fwrite(text.data(), 1, text.size(), stderr);
}

void Server::Impl::Health(httplib::Response& res) {
  const Classifier* c = ready.load(std::memory_order_acquire);
  json body = {{"status", stopping ? "stopping" : (c ? "ok" : "loading")},
               {"version", options.version},
               {"stages", json::array()},
               {"stage_details", json::array()},
               {"labels", json::array()}};
  if (c != nullptr) {
    body["stages"] = c->stage_names();
    body["stage_details"] = c->stage_descriptions();
    body["labels"] = c->labels();
  }
  SetJson(res, 200, body);
}

bool Server::Impl::ReadJson(const httplib::Request& req, httplib::Response& res,
                            const httplib::ContentReader& reader, json& out) {
  std::string type = MediaType(req);
  if (!type.empty() && type != "application/json") {
    SetErrorAndClose(res, 415, "Content-Type must be application/json, not '" + type + "'");
    return false;
  }
  std::string body;
  BodyBudget budget = Budget();
  bool read_ok = reader([&](const char* data, size_t n) {
    bool keep;
    bool more = budget.Take(n, keep);
    if (keep) body.append(data, n);
    return more;
  });
  if (int status = budget.Failure(read_ok); status != 0) {
    SetBodyFailure(res, status, read_ok);
    return false;
  }
  try {
    out = json::parse(body);
  } catch (const json::exception& e) {
    // e.what(): "[json.exception.parse_error.101] parse error at line 1, column 9: ..."
    std::string what = e.what();
    size_t bracket = what.find("] ");
    SetError(res, 400,
             "malformed JSON: " + (bracket == std::string::npos ? what : what.substr(bracket + 2)));
    return false;
  }
  return true;
}

void Server::Impl::ClassifySingle(const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& reader) {
  json body;
  if (!ReadJson(req, res, reader, body)) return;
  StatusOr<LogRecord> record = RecordFromJson(body, "");
  if (!record.ok()) return SetError(res, 422, record.status().message());
  const Classifier& c = *ready.load(std::memory_order_acquire);
  SetJson(res, 200, DecisionJson(c.ClassifyOne(record->source, record->message)));
}

void Server::Impl::ClassifyBatch(const httplib::Request& req, httplib::Response& res,
                                 const httplib::ContentReader& reader) {
  json body;
  if (!ReadJson(req, res, reader, body)) return;
  if (!body.is_object() || !body.contains("logs") || !body["logs"].is_array()) {
    return SetError(
        res, 422, "expected an object {\"logs\": [{\"source\": ..., \"log_message\": ...}, ...]}");
  }
  const json& logs = body["logs"];
  if (logs.size() > options.max_batch) {
    return SetError(res, 413,
                    std::to_string(logs.size()) + " logs, more than " +
                        std::to_string(options.max_batch) + " (server.max_batch)");
  }
  Batch batch;
  batch.records.reserve(logs.size());
  for (size_t i = 0; i < logs.size(); ++i) {
    StatusOr<LogRecord> r = RecordFromJson(logs[i], "logs[" + std::to_string(i) + "]");
    if (!r.ok()) return SetError(res, 422, r.status().message());
    batch.records.push_back(*std::move(r));
  }
  body = nullptr;  // free the parsed input before classifying
  const Classifier& c = *ready.load(std::memory_order_acquire);
  c.Classify(batch);
  json results = json::array();
  for (const Decision& d : batch.decisions) results.push_back(DecisionJson(d));
  SetJson(res, 200, json{{"results", std::move(results)}});
}

void Server::Impl::ClassifyCsv(const httplib::Request& req, httplib::Response& res,
                               const httplib::ContentReader& reader) {
  if (MediaType(req) != "multipart/form-data") {
    return SetErrorAndClose(
        res, 415, "Content-Type must be multipart/form-data with the CSV in field 'file'");
  }
  // Read the multipart body: keep the `file` field, count every byte.
  BodyBudget budget = Budget();
  bool in_file = false, have_file = false;
  std::string filename, content;
  bool read_ok = reader(
      [&](const httplib::MultipartFormData& part) {
        in_file = part.name == "file" && !have_file;
        if (in_file) {
          have_file = true;
          filename = part.filename;
        }
        return true;
      },
      [&](const char* data, size_t n) {
        bool keep;
        bool more = budget.Take(n, keep);
        if (keep && in_file) content.append(data, n);
        return more;
      });
  if (int status = budget.Failure(read_ok); status != 0) {
    if (status == 400) return SetErrorAndClose(res, 400, "malformed multipart/form-data body");
    return SetBodyFailure(res, status, read_ok);
  }
  if (!have_file) return SetError(res, 422, "form field 'file' is required");
  if (filename.size() < 4 || Lower(filename.substr(filename.size() - 4)) != ".csv") {
    return SetError(res, 400,
                    "not a CSV file: '" + filename + "' (the file name must end in .csv)");
  }
  if (content.find('\0') != std::string::npos) {
    return SetError(res, 400, "not a CSV file: '" + filename + "' holds NUL bytes (binary data)");
  }

  // Read, classify and write back in slices (the io module's CSV reader and
  // writer, as `logsieve classify` uses them).
  io::ReadOptions read_options;
  read_options.format = io::Format::kCsv;
  read_options.max_record_bytes = options.max_record_bytes;
  StatusOr<std::unique_ptr<io::RecordReader>> csv = io::RecordReader::Open(
      io::InputStream::FromString(std::move(content), filename), read_options);
  if (!csv.ok()) return SetError(res, 400, csv.status().message());
  std::string out;
  std::unique_ptr<io::RecordWriter> writer = io::RecordWriter::ToString(
      &out, io::WriteOptions{.format = io::Format::kCsv}, io::Format::kCsv, (*csv)->columns());
  const Classifier& c = *ready.load(std::memory_order_acquire);
  const size_t slice = std::max<size_t>(options.batch_size, 4096);
  io::RecordBatch batch;
  size_t rows = 0;
  while (true) {
    batch.Clear();
    StatusOr<size_t> n = (*csv)->Read(slice, &batch);
    if (!n.ok()) return SetError(res, 400, n.status().message());
    if (*n == 0) break;
    rows += *n;
    if (rows > options.max_rows) {
      return SetError(res, 413,
                      "more than " + std::to_string(options.max_rows) + " rows (server.max_rows)");
    }
    c.Classify(batch.batch);
    if (Status s = writer->Write(batch); !s.ok()) return SetError(res, 500, s.message());
  }
  if (Status s = writer->Commit(); !s.ok()) return SetError(res, 500, s.message());
  res.status = 200;
  res.set_content(std::move(out), "text/csv; charset=utf-8");
  res.set_header("Content-Disposition", "attachment; filename=\"classified.csv\"");
}

void Server::Impl::ClassifyStream(const httplib::Request& req, httplib::Response& res,
                                  const httplib::ContentReader& reader) {
  std::string type = MediaType(req);
  if (!type.empty() && type != "application/x-ndjson" && type != "application/ndjson" &&
      type != "application/jsonl" && type != "application/json-lines" && type != "text/plain") {
    return SetErrorAndClose(res, 415,
                            "Content-Type must be application/x-ndjson, not '" + type + "'");
  }
  // The body is read inside the content provider, which httplib calls while
  // writing the response, still within this request's processing (so
  // `reader` and the connection it reads are alive): input batches go out as
  // soon as they are classified.
  const Classifier* c = ready.load(std::memory_order_acquire);
  size_t batch_size = options.batch_size;
  size_t max_line = options.max_record_bytes;
  size_t limit = options.max_stream_bytes;
  res.status = 200;
  res.set_chunked_content_provider(
      "application/x-ndjson",
      [c, batch_size, max_line, limit, reader](size_t /*offset*/, httplib::DataSink& sink) {
        NdjsonStream stream(*c, batch_size, max_line, sink);
        size_t total = 0;
        bool over = false, client_gone = false;
        // Past the limit the rest of the body is read and dropped (up to 1 MiB
        // more), so a client still sending gets its answer instead of a reset.
        const size_t drain_cap = limit + (size_t{1} << 20);
        bool read_all = reader([&](const char* data, size_t n) {
          total += n;
          if (limit != 0 && total > limit) {
            over = true;
            return total <= drain_cap;
          }
          if (!stream.Feed(data, n)) {
            client_gone = true;
            return false;
          }
          return true;
        });
        if (client_gone) return false;
        if (over) {
          (void)read_all;  // false only when the drain cap was hit
          stream.Fail("stream over " + std::to_string(limit) + " bytes (server.max_stream_bytes)");
        } else if (!read_all) {
          stream.Fail("could not read the request body (malformed framing or connection lost)");
        } else {
          stream.Finish();
        }
        sink.done();
        return true;
      });
  res.set_header("Connection", "close");  // the body may not have been read to its end
}

void Server::Impl::Configure() {
  const ServerOptions& o = options;
  int threads = o.threads > 0
                    ? o.threads
                    : static_cast<int>(std::max(8u, 4 * std::thread::hardware_concurrency()));
  http.new_task_queue = [threads] { return new httplib::ThreadPool(static_cast<size_t>(threads)); };
  http.set_tcp_nodelay(true);
  http.set_read_timeout(o.read_timeout_ms / 1000, (o.read_timeout_ms % 1000) * 1000);
  http.set_write_timeout(o.write_timeout_ms / 1000, (o.write_timeout_ms % 1000) * 1000);
  http.set_keep_alive_max_count(o.keep_alive ? static_cast<size_t>(o.keep_alive_max_requests) : 1);
  http.set_keep_alive_timeout(std::max<time_t>(1, (o.keep_alive_timeout_ms + 999) / 1000));
  // Bodies of POST routes are read by our handlers with their own limits;
  // this caps what httplib itself would ever buffer.
  http.set_payload_max_length(std::max(o.max_upload_bytes, o.max_stream_bytes == 0
                                                               ? std::numeric_limits<size_t>::max()
                                                               : o.max_stream_bytes));

  http.set_pre_routing_handler(
      [this](const httplib::Request& req, httplib::Response& res) { return Admit(req, res); });
  // "Expect: 100-continue" with a declared length over the limit: the 413
  // goes out instead of the 100, and the client never sends the body.
  http.set_expect_100_continue_handler([this](const httplib::Request& req, httplib::Response& res) {
    if (Admit(req, res) == httplib::Server::HandlerResponse::Handled) return res.status;
    return 100;
  });
  http.set_logger(
      [this](const httplib::Request& req, const httplib::Response& res) { Log(req, res); });
  http.set_error_handler([](const httplib::Request& req, httplib::Response& res) {
    if (!res.body.empty()) return;  // our own answer
    if (res.status == 404) {
      if (std::string allow = AllowedMethods(req.path); !allow.empty()) {
        res.status = 405;
        res.set_header("Allow", allow);
      }
    }
    SetError(res, res.status, ReasonPhrase(res.status));
  });
  http.set_exception_handler(
      [](const httplib::Request&, httplib::Response& res, std::exception_ptr ep) {
        std::string what = "unknown exception";
        try {
          std::rethrow_exception(ep);
        } catch (const std::exception& e) {
          what = e.what();
        } catch (...) {
        }
        SetError(res, 500, "Internal Server Error: " + what);
      });

  http.Get("/", [this](const httplib::Request&, httplib::Response& res) { Health(res); });
  http.Get("/healthz", [](const httplib::Request&, httplib::Response& res) {
    SetJson(res, 200, json{{"status", "ok"}});
  });
  http.Get("/readyz", [this](const httplib::Request&, httplib::Response& res) {
    if (stopping) return SetError(res, 503, "shutting down");
    if (ready.load(std::memory_order_acquire) == nullptr) {
      return SetError(res, 503, "not ready: the classifier is loading");
    }
    SetJson(res, 200, json{{"status", "ready"}});
  });
  http.Get("/metrics", [this](const httplib::Request& req, httplib::Response& res) {
    if (!Authorized(req)) return SetUnauthorized(req, res);
    res.set_content(MetricsRegistry::Global().RenderPrometheus(), "text/plain; version=0.0.4");
  });
  http.Get("/openapi.json", [this](const httplib::Request&, httplib::Response& res) {
    const Classifier* c = ready.load(std::memory_order_acquire);
    SetJson(res, 200,
            OpenApiDocument(options.version, c ? c->labels() : std::vector<std::string>{}));
  });
  // The pages may load nothing from elsewhere: ReDoc's sidebar links a logo
  // on a CDN, which this policy keeps the browser from fetching.
  static constexpr const char* kDocsPolicy =
      "default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; "
      "img-src 'self' data:; font-src 'self' data:; worker-src 'self' blob:; connect-src 'self'";
  http.Get("/docs", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(SwaggerUiPage(), "text/html; charset=utf-8");
    res.set_header("Content-Security-Policy", kDocsPolicy);
  });
  http.Get("/redoc", [](const httplib::Request&, httplib::Response& res) {
    res.set_content(RedocPage(), "text/html; charset=utf-8");
    res.set_header("Content-Security-Policy", kDocsPolicy);
  });
  http.Get("/docs/assets/(.+)", [](const httplib::Request& req, httplib::Response& res) {
    const WebAsset* asset = FindWebAsset(req.matches[1].str());
    if (asset == nullptr) {
      return SetError(res, 404,
                      EmbeddedWebAssets().empty()
                          ? "Not Found (this build has no docs assets: run `npm ci` and rebuild)"
                          : "Not Found");
    }
    res.set_content(asset->body.data(), asset->body.size(), std::string(asset->content_type));
    res.set_header("Cache-Control", "public, max-age=86400");
  });

  using Handler = void (Server::Impl::*)(const httplib::Request&, httplib::Response&,
                                         const httplib::ContentReader&);
  for (auto [path, handler] : {std::pair<const char*, Handler>{"/classify/", &Impl::ClassifyCsv},
                               {"/classify-single/", &Impl::ClassifySingle},
                               {"/v1/classify", &Impl::ClassifyBatch},
                               {"/v1/classify/stream", &Impl::ClassifyStream}}) {
    http.Post(path, [this, handler = handler](const httplib::Request& req, httplib::Response& res,
                                              const httplib::ContentReader& reader) {
      if (Admitted(req, res, reader)) (this->*handler)(req, res, reader);
    });
  }
  // Bodies sent to other paths or methods are read away (bounded) before the
  // 404 / 405, so the connection stays usable.
  auto not_found = [this](const httplib::Request& req, httplib::Response& res,
                          const httplib::ContentReader& reader) {
    Drain(req, reader, res);
    res.status = 404;  // the error handler turns it into 405 where the path exists
  };
  http.Post(".*", not_found);
  http.Put(".*", not_found);
  http.Patch(".*", not_found);
  http.Delete(".*", not_found);
}

// ---------------------------------------------------------------------------

Server::Server(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
Server::~Server() { Stop(); }

StatusOr<std::unique_ptr<Server>> Server::Create(ServerOptions options) {
  auto impl = std::make_unique<Impl>(std::move(options));
  impl->Configure();
  return std::unique_ptr<Server>(new Server(std::move(impl)));
}

Status Server::Bind() {
  const ServerOptions& o = impl_->options;
  int port = o.port;
  if (port == 0) {
    port = impl_->http.bind_to_any_port(o.host);
    if (port < 0) return UnavailableError("cannot listen on " + o.host + " (any port)");
  } else if (!impl_->http.bind_to_port(o.host, port)) {
    return UnavailableError("cannot listen on " + o.host + ":" + std::to_string(port) +
                            " (address in use, or not an address of this machine)");
  }
  impl_->port = port;
  return OkStatus();
}

int Server::port() const { return impl_->port; }

void Server::SetClassifier(std::shared_ptr<const Classifier> classifier) {
  std::lock_guard<std::mutex> lock(impl_->classifier_mu);
  assert(classifier != nullptr && impl_->classifier == nullptr);
  impl_->classifier = std::move(classifier);
  impl_->ready.store(impl_->classifier.get(), std::memory_order_release);
}

bool Server::ready() const {
  return impl_->ready.load(std::memory_order_acquire) != nullptr && !impl_->stopping;
}

Status Server::Serve() {
  impl_->serve_entered = true;
  Status status;
  if (!impl_->stopping && !impl_->http.listen_after_bind() && !impl_->stopping) {
    status = UnavailableError("the listening socket failed");
  }
  impl_->serve_done = true;
  return status;
}

void Server::Stop() {
  impl_->stopping = true;
  // httplib's stop() only acts on a running loop: wait (briefly) for Serve to
  // start it when Serve was entered but is not listening yet.
  for (int i = 0; i < 400; ++i) {
    if (impl_->http.is_running()) {
      impl_->http.stop();
      return;
    }
    if (!impl_->serve_entered || impl_->serve_done) return;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
}

}  // namespace logsieve
