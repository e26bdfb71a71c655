#include "server/codec.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "common/json.h"
#include "server/admission.h"

namespace logsieve {

using json = nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

namespace {
json ConfidenceJson(const std::optional<float>& c) {
  if (!c) return nullptr;
  return std::round(static_cast<double>(*c) * 1e4) / 1e4;
}

}  // namespace

json DecisionJson(const Decision& d) {
  return json{{"target_label", d.label},
              {"method_used", std::string(MethodName(d.method))},
              {"confidence", ConfidenceJson(d.confidence)},
              {"detail", d.detail}};
}

json ExplainedDecisionJson(const Decision& d, std::string_view template_text) {
  json j = DecisionJson(d);
  j["explain"] =
      json{{"rule_id", d.rule_id.empty() ? json(nullptr) : json(d.rule_id)},
           {"rule_span",
            d.rule_span ? json::array({d.rule_span->first, d.rule_span->second}) : json(nullptr)},
           {"template", template_text.empty() ? json(nullptr) : json(std::string(template_text))},
           {"cached", d.cached}};
  return j;
}

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

StatusOr<json> ParseJsonBody(std::string_view text, size_t max_string_bytes) {
  JsonLimits limits;
  limits.max_depth = kMaxJsonDepth;
  limits.max_string_bytes = max_string_bytes;
  limits.string_limit_key = kRecordLimitKey;
  StatusOr<json> j = ParseJson(text, "malformed JSON", limits);
  if (j.ok()) return j;
  if (j.status().code() == StatusCode::kResourceExhausted) {
    // Well-formed so far, but too long: "malformed JSON: field ..." would mislead.
    std::string_view m = j.status().message();
    m.remove_prefix(std::min(m.size(), std::string_view("malformed JSON: ").size()));
    return ResourceExhaustedError(std::string(m));
  }
  return InvalidArgumentError(j.status().message());
}

ApiResponse BodyError(const Status& status) {
  return ErrorAnswer(status.code() == StatusCode::kResourceExhausted ? 413 : 400, status.message());
}

ApiResponse JsonAnswer(int status, const json& body) {
  ApiResponse res;
  res.status = status;
  res.content_type = "application/json";
  res.body = Dump(body);
  return res;
}

ApiResponse ErrorAnswer(int status, std::string_view detail) {
  return JsonAnswer(status, json{{"detail", std::string(detail)}});
}

}  // namespace logsieve
