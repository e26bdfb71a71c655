#include "server/routes.h"

#include "server/handlers.h"

namespace logsieve {
namespace {

// The OpenAPI operation of each documented route, written as JSON so it reads
// like what clients get; openapi.cc puts them under `paths` and holds the
// shared components (schemas, error answers) they refer to.

constexpr std::string_view kOpenApiHealth = R"json({
  "operationId": "health",
  "summary": "Health: version, loaded stages, label set",
  "tags": ["operations"],
  "responses": {
    "200": {"description": "Server status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
  }
})json";

constexpr std::string_view kOpenApiClassifyCsv = R"json({
  "operationId": "classifyCsv",
  "summary": "Classify an uploaded CSV",
  "description": "Multipart upload, field `file`: a .csv with at least the columns `source` and `log_message`, or a plain-text log (a name ending in .log or .txt, or the part sent as text/plain): one record per line, source `upload`. Returns CSV: the input columns (`source,log_message` for a text log) with `target_label`, `method_used` and `confidence` appended (confidence empty when nothing decided). `POST /classify` (no slash) answers 307 to here, as FastAPI does.",
  "tags": ["classify"],
  "security": [{}, {"bearer": []}],
  "requestBody": {
    "required": true,
    "content": {"multipart/form-data": {"schema": {"type": "object", "required": ["file"], "properties": {"file": {"type": "string", "format": "binary", "description": "CSV file (name ending in .csv) or plain-text log (.log, .txt, text/plain)"}}}}}
  },
  "responses": {
    "200": {"description": "The CSV with target_label, method_used, confidence and degraded appended", "content": {"text/csv": {"schema": {"type": "string"}, "example": "source,log_message,target_label,method_used,confidence,degraded\nModernCRM,User User123 logged in.,User Action,Regex,1.0,false\n"}}},
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "408": {"$ref": "#/components/responses/Timeout"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiClassifySingle = R"json({
  "operationId": "classifySingle",
  "summary": "Classify one log line",
  "tags": ["classify"],
  "security": [{}, {"bearer": []}],
  "parameters": [{"$ref": "#/components/parameters/Explain"}],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/LogRecord"}}}},
  "responses": {
    "200": {"description": "The decision", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Decision"}}}},
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
    "422": {"$ref": "#/components/responses/Unprocessable"},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiClassifyBatch = R"json({
  "operationId": "classifyBatch",
  "summary": "Classify a batch of log lines",
  "description": "Results come back in the order of `logs`. At most server.max_batch logs per request.",
  "tags": ["classify"],
  "security": [{}, {"bearer": []}],
  "parameters": [{"$ref": "#/components/parameters/Explain"}],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchRequest"}}}},
  "responses": {
    "200": {"description": "One decision per log, in order", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/BatchResponse"}}}},
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
    "422": {"$ref": "#/components/responses/Unprocessable"},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiClassifyStream = R"json({
  "operationId": "classifyStream",
  "summary": "Classify an NDJSON stream",
  "description": "One LogRecord object per line in; one StreamResult per non-blank input line out, in order, streamed (chunked) in batches while the body is still arriving, so memory stays bounded whatever the size. A malformed line answers {\"line\": N, \"detail\": \"...\"} in its place and the stream goes on. Clients should read the response while they send.",
  "tags": ["classify"],
  "security": [{}, {"bearer": []}],
  "parameters": [{"$ref": "#/components/parameters/Explain"}],
  "requestBody": {"required": true, "content": {"application/x-ndjson": {"schema": {"type": "string", "description": "LogRecord objects, one per line"}}}},
  "responses": {
    "200": {"description": "StreamResult objects, one per line", "content": {"application/x-ndjson": {"schema": {"$ref": "#/components/schemas/StreamResult"}}}},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiFeedback = R"json({
  "operationId": "feedback",
  "summary": "Store a person's correction for one log line",
  "description": "The learning loop (doc/learning.md): the line is classified once so the correction records what it corrects; `logsieve learn` trains on corrections before LLM answers. 503 when the server runs without a store (store.enabled off, or the store could not be opened or written).",
  "tags": ["learning"],
  "security": [{}, {"bearer": []}],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Feedback"}}}},
  "responses": {
    "200": {"description": "Stored", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/FeedbackStored"}}}},
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "413": {"$ref": "#/components/responses/TooLarge"},
    "415": {"$ref": "#/components/responses/UnsupportedMediaType"},
    "422": {"description": "A field missing or not a string, or target_label not in the label set (the detail names it)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiReview = R"json({
  "operationId": "review",
  "summary": "The stored templates most worth a person's look",
  "description": "Unclassified, degraded, below min_confidence, or model and LLM disagreeing; templates with more of these reasons first, then the most frequent. 503 when the server runs without a store.",
  "tags": ["learning"],
  "security": [{}, {"bearer": []}],
  "parameters": [
    {"name": "limit", "in": "query", "schema": {"type": "integer", "minimum": 1, "maximum": 1000, "default": 50}},
    {"name": "min_confidence", "in": "query", "schema": {"type": "number", "minimum": 0, "maximum": 1, "default": 0.7}, "description": "Answers below this are 'low confidence'"}
  ],
  "responses": {
    "200": {"description": "The review queue", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ReviewQueue"}}}},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/LoopbackOnly"},
    "422": {"description": "limit not an integer in [1, 1000], or min_confidence not a number in [0, 1] (the detail names the parameter and its bound)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiModels = R"json({
  "operationId": "listModels",
  "summary": "The model registry: every version with its metadata, and the active one",
  "description": "The registry of `logsieve learn` (learn.registry): each version's parent, time, gate verdict, data hashes and metrics (both models on the store holdout and the out-of-distribution dev set). 503 when the server has no model registry.",
  "tags": ["learning"],
  "security": [{}, {"bearer": []}],
  "responses": {
    "200": {"description": "The registry", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/ModelRegistry"}}}},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/LoopbackOnly"},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiLearn = R"json({
  "operationId": "learn",
  "summary": "Train a candidate model on the store, gate it and register it (never activated)",
  "description": "What `logsieve learn --json` does, except that a candidate that passes the gate is not activated: a person looks at the report and calls /v1/models/activate. Takes seconds to minutes; one at a time (409 while one runs). The body is ignored.",
  "tags": ["learning"],
  "security": [{}, {"bearer": []}],
  "responses": {
    "200": {"description": "The learn report: both models per label, the gate's verdict and reasons", "content": {"application/json": {"schema": {"type": "object", "required": ["version", "parent", "promoted", "activated", "reasons", "sets"], "properties": {"version": {"type": "string"}, "parent": {"type": "string"}, "promoted": {"type": "boolean", "description": "Passed the gate"}, "activated": {"type": "boolean", "description": "Always false here"}, "reasons": {"type": "array", "items": {"type": "string"}}, "sets": {"type": "array", "items": {"type": "object"}}}}}}},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/LoopbackOnly"},
    "409": {"description": "A candidate is being trained already", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiActivate = R"json({
  "operationId": "activateModel",
  "summary": "Make a registered version the active model",
  "description": "The registry's active.lsm then names it. The running server keeps the model it loaded until it is reloaded (POST /admin/reload, where the server has it) or restarted.",
  "tags": ["learning"],
  "security": [{}, {"bearer": []}],
  "requestBody": {"required": true, "content": {"application/json": {"schema": {"type": "object", "required": ["version"], "properties": {"version": {"type": "string", "example": "v0003"}}}}}},
  "responses": {
    "200": {"description": "Activated", "content": {"application/json": {"schema": {"type": "object", "required": ["version", "active_model"], "properties": {"version": {"type": "string"}, "active_model": {"type": "string"}}}}}},
    "400": {"$ref": "#/components/responses/BadRequest"},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/LoopbackOnly"},
    "422": {"description": "No such version in the registry (named), or a body without `version`", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiLive = R"json({
  "operationId": "live",
  "summary": "Live decisions as Server-Sent Events",
  "description": "Every classify endpoint's decisions, from every client, as they are made: `event: decision` with a LiveDecision as data. Sampled: each subscriber gets at most 50 a second and holds at most 1,000 unread; what it misses is counted in `event: dropped` (data {\"dropped\": N}). Classification never waits for a subscriber. A comment line is sent after 10 s of quiet. At most 16 subscribers in all and 4 per client address (503 beyond); one that closes is freed within 250 ms. Send the key in the Authorization header (EventSource cannot: read it with fetch).",
  "tags": ["operations"],
  "security": [{}, {"bearer": []}],
  "responses": {
    "200": {"description": "An endless event stream", "content": {"text/event-stream": {"schema": {"type": "string"}, "example": "event: decision\ndata: {\"target_label\":\"User Action\",\"method_used\":\"Regex\",\"confidence\":1.0,\"source\":\"ModernCRM\",\"log_message\":\"User User1 logged in.\",\"time_ms\":1764460800000}\n\n"}}},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/LoopbackOnly"},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiReload = R"json({
  "operationId": "reload",
  "summary": "Reload the config, rules and model, and swap the classifier in service",
  "description": "What SIGHUP does. Requests in flight finish on the classifier they started with; the new one starts with an empty decision cache. A file that does not load is refused (500, the detail names the file and line) and the classifier in service stays. With server.api_keys empty, only loopback clients may call it (403).",
  "tags": ["operations"],
  "security": [{}, {"bearer": []}],
  "responses": {
    "200": {"description": "Reloaded", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Reloaded"}}}},
    "401": {"$ref": "#/components/responses/Unauthorized"},
    "403": {"$ref": "#/components/responses/LoopbackOnly"},
    "500": {"description": "A new file did not load; the classifier in service stays", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
    "501": {"description": "This server has no way to reload (an embedded server without a loader)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiDashboard = R"json({
  "operationId": "dashboard",
  "summary": "The dashboard (served locally; its files under /ui/)",
  "description": "Classify files with streamed results, charts, explanations and corrections; the review queue; live decisions. Public like /docs: the page asks for the API key when server.api_keys is set.",
  "tags": ["documentation"],
  "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}
})json";

constexpr std::string_view kOpenApiMetrics = R"json({
  "operationId": "metrics",
  "summary": "Prometheus metrics (text format 0.0.4)",
  "tags": ["operations"],
  "security": [{}, {"bearer": []}],
  "responses": {
    "200": {"description": "Counters, gauges and histograms", "content": {"text/plain": {"schema": {"type": "string"}}}},
    "401": {"$ref": "#/components/responses/Unauthorized"}
  }
})json";

constexpr std::string_view kOpenApiHealthz = R"json({
  "operationId": "liveness",
  "summary": "Liveness: the process serves HTTP",
  "tags": ["operations"],
  "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Probe"}}}}}
})json";

constexpr std::string_view kOpenApiReadyz = R"json({
  "operationId": "readiness",
  "summary": "Readiness: the classifier is loaded and the server is not shutting down",
  "tags": ["operations"],
  "responses": {
    "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Probe"}}}},
    "503": {"$ref": "#/components/responses/NotReady"}
  }
})json";

constexpr std::string_view kOpenApiOpenApi = R"json({
  "operationId": "openapi",
  "summary": "This document",
  "tags": ["documentation"],
  "responses": {"200": {"description": "OpenAPI 3.0 document", "content": {"application/json": {"schema": {"type": "object"}}}}}
})json";

constexpr std::string_view kOpenApiSwaggerUi = R"json({
  "operationId": "swaggerUi",
  "summary": "Swagger UI (served locally)",
  "tags": ["documentation"],
  "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}
})json";

constexpr std::string_view kOpenApiRedoc = R"json({
  "operationId": "redoc",
  "summary": "ReDoc (served locally)",
  "tags": ["documentation"],
  "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}
})json";

using H = Handlers;
using A = RouteAuth;
using E = RouteExecution;
using B = RouteBody;

// One row per route, kept as a table.
// clang-format off
constexpr RouteSpec kRoutes[] = {
    // Operations and documentation: answered at admission, on the I/O thread.
    {.path = "/", .method = "GET", .auth = A::kPublic, .handle = &H::Health,
     .openapi = kOpenApiHealth},
    {.path = "/healthz", .method = "GET", .auth = A::kPublic, .handle = &H::Liveness,
     .openapi = kOpenApiHealthz},
    {.path = "/readyz", .method = "GET", .auth = A::kPublic, .handle = &H::Readiness,
     .openapi = kOpenApiReadyz},
    {.path = "/metrics", .method = "GET", .auth = A::kKey, .handle = &H::Metrics,
     .openapi = kOpenApiMetrics},
    {.path = "/openapi.json", .method = "GET", .auth = A::kPublic, .handle = &H::OpenApi,
     .openapi = kOpenApiOpenApi},
    {.path = "/docs", .method = "GET", .auth = A::kPublic, .handle = &H::SwaggerUi,
     .openapi = kOpenApiSwaggerUi},
    {.path = "/redoc", .method = "GET", .auth = A::kPublic, .handle = &H::Redoc,
     .openapi = kOpenApiRedoc},
    {.path = "/docs/assets/", .method = "GET", .prefix = true, .auth = A::kPublic,
     .handle = &H::StaticFile, .openapi = kNotInOpenApi},
    // The dashboard (doc/ui.md): public like /docs; it asks for the key.
    {.path = "/ui/", .method = "GET", .prefix = true, .auth = A::kPublic, .handle = &H::StaticFile,
     .openapi = kOpenApiDashboard},
    {.path = "/ui", .method = "GET", .auth = A::kPublic, .execution = E::kRedirect,
     .redirect_to = "/ui/", .redirect_status = 308, .openapi = kNotInOpenApi},
    // What a browser asks every site for: the dashboard's icon.
    {.path = "/favicon.ico", .method = "GET", .auth = A::kPublic, .execution = E::kRedirect,
     .redirect_to = "/ui/favicon.svg", .redirect_status = 308, .openapi = kNotInOpenApi},

    // Classification.
    {.path = "/classify/", .method = "POST", .execution = E::kInlineWhenQuick,
     .body = B::kMultipart, .handle = &H::ClassifyCsv, .openapi = kOpenApiClassifyCsv},
    {.path = "/classify-single/", .method = "POST", .execution = E::kInlineWhenQuick,
     .body = B::kRecordJson, .handle = &H::ClassifySingle, .openapi = kOpenApiClassifySingle},
    // FastAPI's habit: the slash-less paths answer 307 (any method), which a
    // client repeats with the same method and body.
    {.path = "/classify", .method = "", .auth = A::kPublic, .execution = E::kRedirect,
     .redirect_to = "/classify/", .redirect_status = 307, .metrics_label = "other",
     .openapi = kNotInOpenApi},
    {.path = "/classify-single", .method = "", .auth = A::kPublic, .execution = E::kRedirect,
     .redirect_to = "/classify-single/", .redirect_status = 307, .metrics_label = "other",
     .openapi = kNotInOpenApi},
    {.path = "/v1/classify", .method = "POST", .execution = E::kInlineWhenQuick, .body = B::kJson,
     .handle = &H::ClassifyBatch, .openapi = kOpenApiClassifyBatch},
    {.path = "/v1/classify/stream", .method = "POST", .execution = E::kStream,
     .body = B::kNdjson, .openapi = kOpenApiClassifyStream},

    // The learning loop (doc/learning.md): the store's endpoints may wait on its lock.
    {.path = "/v1/feedback", .method = "POST", .execution = E::kWorker, .body = B::kRecordJson,
     .handle = &H::AddFeedback, .openapi = kOpenApiFeedback},
    {.path = "/v1/review", .method = "GET", .auth = A::kAdminLoopback, .execution = E::kWorker,
     .handle = &H::Review, .openapi = kOpenApiReview},

    // Hot reload and the model registry (doc/learning.md, doc/ui.md).
    {.path = "/admin/reload", .method = "POST", .auth = A::kAdminLoopback,
     .execution = E::kWorker, .body = B::kIgnored, .handle = &H::ReloadEndpoint,
     .openapi = kOpenApiReload},
    {.path = "/v1/models", .method = "GET", .auth = A::kAdminLoopback, .execution = E::kWorker,
     .handle = &H::ListModels, .openapi = kOpenApiModels},
    {.path = "/v1/learn", .method = "POST", .auth = A::kAdminLoopback, .execution = E::kWorker,
     .body = B::kJson, .handle = &H::LearnModel, .openapi = kOpenApiLearn},
    {.path = "/v1/models/activate", .method = "POST", .auth = A::kAdminLoopback,
     .execution = E::kWorker, .body = B::kJson, .handle = &H::ActivateModel,
     .openapi = kOpenApiActivate},
    // Every decision as it is made (doc/ui.md).
    {.path = "/v1/live", .method = "GET", .auth = A::kAdminLoopback, .execution = E::kEvents,
     .openapi = kOpenApiLive},
};
// clang-format on

// What a row must say, checked when this file compiles.
consteval bool EveryRowIsComplete() {
  for (const RouteSpec& r : kRoutes) {
    if (r.path.empty() || !r.path.starts_with('/')) return false;
    if (r.openapi.empty()) return false;  // an operation, or kNotInOpenApi on purpose
    // Whether a row has its handler is checked by routes_test
    // (EveryRowThatRunsAHandlerHasOneAndNoOtherDoes): GCC does not treat a
    // member-function pointer compared with nullptr as a constant expression
    // in sanitizer builds.
    if (r.execution == RouteExecution::kStream && r.body != RouteBody::kNdjson) return false;
    if (r.execution == RouteExecution::kRedirect &&
        (r.redirect_to.empty() || r.redirect_status == 0)) {
      return false;
    }
    if (r.method.empty() && r.execution != RouteExecution::kRedirect) return false;
    if ((r.method == "GET") != (r.body == RouteBody::kNone) && !r.method.empty()) return false;
    // A GET is answered now, on a worker, as events, or redirected; a POST
    // runs inline when quick, on a worker, or as the stream.
    const bool get_execution = r.execution == RouteExecution::kAnswerNow ||
                               r.execution == RouteExecution::kWorker ||
                               r.execution == RouteExecution::kEvents;
    const bool post_execution = r.execution == RouteExecution::kInlineWhenQuick ||
                                r.execution == RouteExecution::kWorker ||
                                r.execution == RouteExecution::kStream;
    if (r.method == "GET" && !get_execution && r.execution != RouteExecution::kRedirect) {
      return false;
    }
    if (r.method == "POST" && !post_execution) return false;
    for (const RouteSpec& other : kRoutes) {  // one row per path
      if (&other != &r && other.path == r.path) return false;
    }
  }
  return true;
}
static_assert(EveryRowIsComplete(),
              "a route row lacks its OpenAPI operation (or kNotInOpenApi) or its redirect, runs "
              "where its method cannot, or repeats a path");

}  // namespace

std::span<const RouteSpec> Routes() { return kRoutes; }

const RouteSpec* FindRoute(std::string_view path) {
  for (const RouteSpec& r : kRoutes) {
    if (!r.prefix && r.path == path) return &r;
  }
  for (const RouteSpec& r : kRoutes) {
    if (r.prefix && path.starts_with(r.path)) return &r;
  }
  return nullptr;
}

std::string_view EndpointLabel(std::string_view path) {
  const RouteSpec* r = FindRoute(path);
  return r == nullptr ? std::string_view("other") : r->MetricsLabel();
}

}  // namespace logsieve
