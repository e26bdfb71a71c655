#include "server/openapi.h"

#include <cassert>

#include "server/routes.h"

namespace logsieve {
namespace {

// The document, written as JSON so it reads like what clients get, less its
// `paths`: each route's operation lives beside its row of the route table
// (routes.cc). Error answers share components/responses; OpenApiDocument
// fills in the paths, the version and the label enum.
constexpr std::string_view kDocument = R"json({
  "openapi": "3.0.3",
  "info": {
    "title": "logsieve",
    "description": "Hybrid log classification: regex rules, then a model (logistic regression over hashed word and character n-grams by default, or a sentence-transformers embedding), then an LLM. Each log line gets a label, the method that decided (Regex, ML, LLM, or None when nothing decided: Unclassified) and a confidence. Errors have FastAPI's shape: {\"detail\": \"...\"}.",
    "version": ""
  },
  "paths": {},
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
  static const nlohmann::json kParsed = [] {
    nlohmann::json doc = nlohmann::json::parse(kDocument, nullptr, false);
    assert(!doc.is_discarded() && "kDocument is not valid JSON");
    for (const RouteSpec& r : Routes()) {
      if (r.openapi == kNotInOpenApi) continue;
      nlohmann::json op = nlohmann::json::parse(r.openapi, nullptr, false);
      assert(!op.is_discarded() && "a route's OpenAPI operation is not valid JSON");
      doc["paths"][std::string(r.path)][std::string(r.OpenApiMethod())] = std::move(op);
    }
    return doc;
  }();
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
