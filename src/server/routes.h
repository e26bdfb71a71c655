// The route table: every endpoint of the HTTP API, once. One row says where a
// request goes (path, method, handler), who may call it (auth), where it runs
// (the I/O thread or a worker), what body it takes (media type and limit),
// its metrics label and its OpenAPI operation. Admission (404 / 405 with
// Allow, 307 / 308 redirects, auth), dispatch, inline-vs-worker execution,
// the `endpoint` metric label and the paths of /openapi.json all read it;
// nothing else lists endpoints.
//
//   const RouteSpec* r = FindRoute("/v1/classify");   // exact path, else a prefix row
//   if (r == nullptr) -> 404
//   if (!r->Accepts(req.method)) -> 405, Allow: r->method
//
// Adding an endpoint is adding one row to kRoutes in routes.cc (and its
// handler, and its line in doc/server.md): a row without an OpenAPI operation
// (or an explicit kNotInOpenApi) does not compile; routes_test.cc checks the
// document and doc/server.md against the table.
//
// Thread safety: a constant table; pure functions.
#ifndef LOGSIEVE_SERVER_ROUTES_H_
#define LOGSIEVE_SERVER_ROUTES_H_

#include <span>
#include <string_view>

namespace logsieve {

class Handlers;
struct ApiRequest;
struct ApiResponse;

// Who may call a route.
enum class RouteAuth {
  kPublic,  // anyone (probes, docs, the dashboard's files, redirects)
  kKey,     // with server.api_keys set, "Authorization: Bearer KEY" (401 without)
  // The admin-like routes (change what serves, or show what was classified):
  // with keys, as kKey; without keys, loopback clients only (403 otherwise),
  // so a server opened to the network without keys cannot be made to reload,
  // learn or activate, nor show its stored lines (AdminAuthorized).
  kAdminLoopback,
};

// Where a route's handler runs.
enum class RouteExecution {
  kAnswerNow,        // at admission, on the I/O thread: reads only memory (GET)
  kInlineWhenQuick,  // classify: on the I/O thread when short and the pipeline cannot wait
  kWorker,           // always on the worker pool (store, registry, reload: may wait)
  kStream,           // the NDJSON stream, classified on the pool as it arrives
  kEvents,           // Server-Sent Events from the live feed
  kRedirect,         // answers `redirect_status` to `redirect_to`; no handler
};

// What body a route takes, which decides its limit and its media type.
enum class RouteBody {
  kNone,        // GET: a body is read away (server.max_upload_bytes) and ignored
  kIgnored,     // POST, any type, read away (4096 bytes once admitted)
  kJson,        // application/json (or no type), at most server.max_upload_bytes
  kRecordJson,  // one record in JSON: at most kJsonEscapeFactor x input.max_record_bytes + slack
  kMultipart,   // multipart/form-data, the file in field 'file'
  kNdjson,      // NDJSON, streamed, at most server.max_stream_bytes
};

// The `openapi` of a row that /openapi.json leaves out: the redirects (their
// targets' descriptions mention them) and the embedded script files of /docs.
inline constexpr std::string_view kNotInOpenApi = "-";

struct RouteSpec {
  std::string_view path;    // exact, or a prefix when `prefix` ("/ui/")
  std::string_view method;  // "GET" (HEAD too), "POST", or "" for any (redirects only)
  bool prefix = false;      // every path under `path` (static files)
  RouteAuth auth = RouteAuth::kKey;
  RouteExecution execution = RouteExecution::kAnswerNow;
  RouteBody body = RouteBody::kNone;
  // The handler (null for kStream, kEvents and kRedirect, which the edge and
  // Admit serve themselves).
  ApiResponse (Handlers::*handle)(const ApiRequest&) const = nullptr;
  std::string_view redirect_to{};  // kRedirect: the Location (any-method rows add the query)
  int redirect_status = 0;         // kRedirect: 307 (method and body repeated) or 308
  // The `endpoint` label of the HTTP metrics; "" means `path`.
  std::string_view metrics_label{};
  // The OpenAPI operation object of this path and method (JSON), or kNotInOpenApi.
  std::string_view openapi{};

  // Whether `method` calls this route ("HEAD" calls a GET route).
  bool Accepts(std::string_view m) const {
    return method.empty() || m == method || (method == "GET" && m == "HEAD");
  }
  std::string_view MetricsLabel() const { return metrics_label.empty() ? path : metrics_label; }
  // "get", "post": the key of its operation in the OpenAPI path item.
  std::string_view OpenApiMethod() const { return method == "GET" ? "get" : "post"; }
};

// Every route, in the table's order.
std::span<const RouteSpec> Routes();

// The route at `path`: the exact row, else the prefix row `path` is under,
// else null (404). Each path has one row (one method).
const RouteSpec* FindRoute(std::string_view path);

// The `endpoint` label of the HTTP metrics for `path`: its route's, or "other"
// (hostile paths cannot grow the metric set).
std::string_view EndpointLabel(std::string_view path);

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_ROUTES_H_
