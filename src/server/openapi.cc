#include "server/openapi.h"

#include <cassert>

namespace logsieve {
namespace {

// The document, written as JSON so it reads like what clients get. Error
// answers share components/responses; OpenApiDocument fills in the version
// and the label enum.
constexpr std::string_view kDocument = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "logsieve",
    "description": "Hybrid log classification: regex rules, then a model (logistic regression over hashed word and character n-grams by default, or a sentence-transformers embedding), then an LLM. Each log line gets a label, the method that decided (Regex, ML, LLM, or None when nothing decided: Unclassified) and a confidence. Errors have FastAPI's shape: {\"detail\": \"...\"}.",
    "version": ""
  },
  "paths": {
    "/": {
      "get": {
        "operationId": "health",
        "summary": "Health: version, loaded stages, label set",
        "tags": ["operations"],
        "responses": {
          "200": {"description": "Server status", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Health"}}}}
        }
      }
    },
    "/classify/": {
      "post": {
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
      }
    },
    "/classify-single/": {
      "post": {
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
      }
    },
    "/v1/classify": {
      "post": {
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
      }
    },
    "/v1/classify/stream": {
      "post": {
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
      }
    },
    "/v1/feedback": {
      "post": {
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
      }
    },
    "/v1/review": {
      "get": {
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
      }
    },
    "/v1/models": {
      "get": {
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
      }
    },
    "/v1/learn": {
      "post": {
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
      }
    },
    "/v1/models/activate": {
      "post": {
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
      }
    },
    "/v1/live": {
      "get": {
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
      }
    },
    "/admin/reload": {
      "post": {
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
      }
    },
    "/ui/": {
      "get": {
        "operationId": "dashboard",
        "summary": "The dashboard (served locally; its files under /ui/)",
        "description": "Classify files with streamed results, charts, explanations and corrections; the review queue; live decisions. Public like /docs: the page asks for the API key when server.api_keys is set.",
        "tags": ["documentation"],
        "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}
      }
    },
    "/metrics": {
      "get": {
        "operationId": "metrics",
        "summary": "Prometheus metrics (text format 0.0.4)",
        "tags": ["operations"],
        "security": [{}, {"bearer": []}],
        "responses": {
          "200": {"description": "Counters, gauges and histograms", "content": {"text/plain": {"schema": {"type": "string"}}}},
          "401": {"$ref": "#/components/responses/Unauthorized"}
        }
      }
    },
    "/healthz": {
      "get": {
        "operationId": "liveness",
        "summary": "Liveness: the process serves HTTP",
        "tags": ["operations"],
        "responses": {"200": {"description": "Alive", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Probe"}}}}}
      }
    },
    "/readyz": {
      "get": {
        "operationId": "readiness",
        "summary": "Readiness: the classifier is loaded and the server is not shutting down",
        "tags": ["operations"],
        "responses": {
          "200": {"description": "Ready", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Probe"}}}},
          "503": {"$ref": "#/components/responses/NotReady"}
        }
      }
    },
    "/openapi.json": {
      "get": {
        "operationId": "openapi",
        "summary": "This document",
        "tags": ["documentation"],
        "responses": {"200": {"description": "OpenAPI 3.0 document", "content": {"application/json": {"schema": {"type": "object"}}}}}
      }
    },
    "/docs": {
      "get": {
        "operationId": "swaggerUi",
        "summary": "Swagger UI (served locally)",
        "tags": ["documentation"],
        "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}
      }
    },
    "/redoc": {
      "get": {
        "operationId": "redoc",
        "summary": "ReDoc (served locally)",
        "tags": ["documentation"],
        "responses": {"200": {"description": "HTML page", "content": {"text/html": {"schema": {"type": "string"}}}}}
      }
    }
  },
  "components": {
    "securitySchemes": {
      "bearer": {"type": "http", "scheme": "bearer", "description": "Required only when server.api_keys is set."}
    },
    "schemas": {
      "LogRecord": {
        "type": "object",
        "required": ["source", "log_message"],
        "properties": {
          "source": {"type": "string", "description": "The system the line came from", "example": "ModernCRM"},
          "log_message": {"type": "string", "description": "The raw log line", "example": "User User123 logged in."}
        }
      },
      "Decision": {
        "type": "object",
        "required": ["target_label", "method_used", "confidence", "degraded", "detail"],
        "properties": {
          "target_label": {"type": "string", "description": "A label of the label set, or Unclassified"},
          "method_used": {"type": "string", "enum": ["Correction", "Regex", "ML", "LLM", "None"], "description": "Correction: a person's correction of the line's template answered"},
          "confidence": {"type": "number", "format": "float", "minimum": 0, "maximum": 1, "nullable": true, "description": "null when nothing decided or the stage has no honest number"},
          "degraded": {"type": "boolean", "description": "true when a stage answered by a fallback path (LLM down, over budget, no key): a guess, not a confident answer"},
          "detail": {"type": "string", "description": "Why: the rule id, the model's evidence, the LLM's reason, or why the line stayed unclassified"},
          "explain": {"$ref": "#/components/schemas/Explanation"}
        }
      },
      "Explanation": {
        "type": "object",
        "description": "Only with ?explain=1.",
        "required": ["rule_id", "rule_span", "template", "cached"],
        "properties": {
          "rule_id": {"type": "string", "nullable": true, "description": "The rule that decided (Regex)"},
          "rule_span": {"type": "array", "nullable": true, "items": {"type": "integer"}, "minItems": 2, "maxItems": 2, "description": "The bytes [begin, end) of log_message the rule matched (rules.spans)"},
          "template": {"type": "string", "nullable": true, "description": "The normalized line the cache and the model saw; null when a rule decided on the raw line"},
          "cached": {"type": "boolean", "description": "The decision cache answered"}
        }
      },
      "ModelRegistry": {
        "type": "object",
        "required": ["registry", "active", "active_model", "versions"],
        "properties": {
          "registry": {"type": "string", "description": "The registry folder"},
          "active": {"type": "string", "nullable": true},
          "active_model": {"type": "string", "description": "What model.file should name"},
          "versions": {"type": "array", "items": {"type": "object", "required": ["version", "active", "metadata"], "properties": {"version": {"type": "string"}, "active": {"type": "boolean"}, "metadata": {"type": "object"}}}}
        }
      },
      "LiveDecision": {
        "type": "object",
        "required": ["target_label", "method_used", "confidence", "source", "log_message", "time_ms"],
        "properties": {
          "target_label": {"type": "string"},
          "method_used": {"type": "string", "enum": ["Correction", "Regex", "ML", "LLM", "None"]},
          "confidence": {"type": "number", "nullable": true},
          "source": {"type": "string"},
          "log_message": {"type": "string", "description": "Cut to 512 bytes (then cut is true)"},
          "cut": {"type": "boolean"},
          "time_ms": {"type": "integer", "description": "Unix milliseconds"}
        }
      },
      "BatchRequest": {
        "type": "object",
        "required": ["logs"],
        "properties": {"logs": {"type": "array", "items": {"$ref": "#/components/schemas/LogRecord"}}}
      },
      "BatchResponse": {
        "type": "object",
        "required": ["results"],
        "properties": {"results": {"type": "array", "items": {"$ref": "#/components/schemas/Decision"}}}
      },
      "StreamResult": {
        "oneOf": [
          {"$ref": "#/components/schemas/Decision"},
          {"type": "object", "required": ["line", "detail"], "properties": {"line": {"type": "integer", "description": "Input line number (1-based)"}, "detail": {"type": "string"}}}
        ]
      },
      "Health": {
        "type": "object",
        "required": ["status", "version", "stages", "labels"],
        "properties": {
          "status": {"type": "string", "enum": ["ok", "loading", "stopping"]},
          "version": {"type": "string"},
          "stages": {"type": "array", "items": {"type": "string"}, "description": "Loaded stages in order (rules, model, llm)"},
          "stage_details": {"type": "array", "items": {"type": "string"}, "description": "One line per loaded stage (names files and the LLM's URL: left out without a key when server.api_keys is set)"},
          "labels": {"type": "array", "items": {"type": "string"}},
          "loaded": {"$ref": "#/components/schemas/LoadedVersions"},
          "auth_required": {"type": "boolean", "description": "server.api_keys is set: the API needs a bearer token"}
        }
      },
      "LoadedVersions": {
        "type": "object",
        "description": "The version of each part of the classifier in service: rules (hash of the rule file's text), model (the model file's checksum), llm (MODEL/PROMPT_VERSION), labels (hash of the label set)",
        "additionalProperties": {"type": "string"}
      },
      "Reloaded": {
        "type": "object",
        "required": ["status", "loaded", "previous"],
        "properties": {
          "status": {"type": "string", "enum": ["reloaded"]},
          "loaded": {"$ref": "#/components/schemas/LoadedVersions"},
          "previous": {"$ref": "#/components/schemas/LoadedVersions"}
        }
      },
      "Feedback": {
        "type": "object",
        "required": ["source", "log_message", "target_label"],
        "properties": {
          "source": {"type": "string", "example": "ModernCRM"},
          "log_message": {"type": "string", "example": "Nightly export finished with 3 warnings"},
          "target_label": {"type": "string", "description": "The right label: one of the label set", "example": "Error"},
          "note": {"type": "string", "description": "Optional, for people"}
        }
      },
      "FeedbackStored": {
        "type": "object",
        "required": ["status", "previous_label", "previous_method"],
        "properties": {
          "status": {"type": "string", "enum": ["stored"]},
          "previous_label": {"type": "string", "description": "What logsieve answered for the line before", "example": "System Notification"},
          "previous_method": {"type": "string", "enum": ["Correction", "Regex", "ML", "LLM", "None"], "example": "ML"}
        }
      },
      "ReviewItem": {
        "type": "object",
        "required": ["key", "source", "template", "label", "method", "confidence", "degraded", "model_label", "count", "first_seen", "last_seen", "reasons", "examples"],
        "properties": {
          "key": {"type": "string", "description": "The template key, 16 hex digits"},
          "source": {"type": "string"},
          "template": {"type": "string", "description": "The normalized line (variable parts masked)"},
          "label": {"type": "string"},
          "method": {"type": "string", "enum": ["ML", "LLM", "None"]},
          "confidence": {"type": "number", "nullable": true},
          "degraded": {"type": "boolean"},
          "model_label": {"type": "string", "nullable": true, "description": "The model's guess when it disagreed with the LLM"},
          "count": {"type": "integer", "description": "Lines seen"},
          "first_seen": {"type": "integer", "description": "Unix seconds"},
          "last_seen": {"type": "integer", "description": "Unix seconds"},
          "reasons": {"type": "array", "items": {"type": "string", "enum": ["unclassified", "degraded", "low confidence", "disagreement"]}},
          "examples": {"type": "array", "items": {"type": "string"}, "description": "A few raw lines (store.examples)"}
        }
      },
      "ReviewQueue": {
        "type": "object",
        "required": ["items"],
        "properties": {"items": {"type": "array", "items": {"$ref": "#/components/schemas/ReviewItem"}}}
      },
      "Probe": {"type": "object", "required": ["status"], "properties": {"status": {"type": "string"}}},
      "HTTPError": {"type": "object", "required": ["detail"], "properties": {"detail": {"type": "string"}}}
    },
    "parameters": {
      "Explain": {"name": "explain", "in": "query", "required": false, "schema": {"type": "integer", "enum": [0, 1], "default": 0}, "description": "1: each decision carries an Explanation (rule id and matched span, template, cache)"}
    },
    "responses": {
      "BadRequest": {"description": "Not a CSV, missing columns, a malformed row (with its line) or malformed JSON", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
      "Unauthorized": {"description": "API keys are configured and the Bearer token is missing or wrong", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
      "Timeout": {"description": "The body did not arrive within server.request_timeout_ms", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
      "TooLarge": {"description": "Over server.max_upload_bytes, max_stream_bytes, max_batch or max_rows, or a string of the JSON body (a log_message) over input.max_record_bytes", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
      "UnsupportedMediaType": {"description": "Wrong Content-Type", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
      "Unprocessable": {"description": "Valid JSON of the wrong shape (a field missing or not a string)", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
      "LoopbackOnly": {"description": "An admin endpoint (reload, learn, models, activate, review, live): no API keys are set and the client is not on loopback", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}},
      "NotReady": {"description": "The classifier is still loading or the server is shutting down", "content": {"application/json": {"schema": {"$ref": "#/components/schemas/HTTPError"}}}}
    }
  }
})json";

constexpr std::string_view kSwaggerPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>logsieve - Swagger UI</title>
<link rel="stylesheet" href="/docs/assets/swagger-ui.css">
</head>
<body>
<div id="swagger-ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script>
window.ui = SwaggerUIBundle({
  url: "/openapi.json",
  dom_id: "#swagger-ui",
  layout: "BaseLayout",
  deepLinking: true,
  validatorUrl: null,
  presets: [SwaggerUIBundle.presets.apis]
});
</script>
</body>
</html>
)html";

constexpr std::string_view kRedocPage = R"html(<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>logsieve - ReDoc</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<style>body { margin: 0; padding: 0; }</style>
</head>
<body>
<div id="redoc-container"></div>
<script src="/docs/assets/redoc.standalone.js"></script>
<script>
Redoc.init("/openapi.json", {}, document.getElementById("redoc-container"));
</script>
</body>
</html>
)html";

}  // namespace

nlohmann::json OpenApiDocument(std::string_view version, const std::vector<std::string>& labels) {
  static const nlohmann::json kParsed = nlohmann::json::parse(kDocument, nullptr, false);
  assert(!kParsed.is_discarded() && "kDocument is not valid JSON");
  nlohmann::json doc = kParsed;
  doc["info"]["version"] = std::string(version);
  if (!labels.empty()) {
    nlohmann::json values = labels;
    values.push_back("Unclassified");
    doc["components"]["schemas"]["Decision"]["properties"]["target_label"]["enum"] = values;
  }
  return doc;
}

std::string SwaggerUiPage() { return std::string(kSwaggerPage); }
std::string RedocPage() { return std::string(kRedocPage); }

}  // namespace logsieve
