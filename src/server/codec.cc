#include "server/codec.h"

#include <algorithm>
#include <cmath>
#include <optional>
#include <utility>

#include "common/json.h"
#include "server/admission.h"

namespace logsieve {

using json = nlohmann::json;

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
              {"degraded", d.degraded},
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

namespace {

// Escaping makes a string at most this many times longer ("\u0001" for one
// byte), so text longer than this times the limit decodes to more than it.
constexpr size_t kMaxEscapeFactor = 6;

// The first string token of `text` whose text is over `max_text` bytes, found
// without decoding or copying anything, so that the parser never buffers it:
// its length, or 0 when there is none. *field: the key read just before it
// ("" when none). A scan of invalid JSON may misjudge; the parser refuses
// such text anyway (and a 413 for it says nothing false).
size_t LongStringToken(std::string_view text, size_t max_text, std::string* field) {
  std::string_view key;
  for (size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '"') continue;
    const size_t begin = ++i;
    while (i < text.size() && text[i] != '"') i += text[i] == '\\' ? 2 : 1;
    const size_t length = std::min(i, text.size()) - begin;
    if (length > max_text) {
      *field = std::string(key);
      return length;
    }
    size_t next = i + 1;
    while (next < text.size() &&
           (text[next] == ' ' || text[next] == '\t' || text[next] == '\n' || text[next] == '\r')) {
      ++next;
    }
    key = next < text.size() && text[next] == ':' ? text.substr(begin, length) : std::string_view();
  }
  return 0;
}

// The first string of `j` (a value or a key) over `max` bytes decoded: its
// size, or 0; *field: its key ("" in an array). Recursion is bounded by
// kMaxJsonDepth (ParseJson refused deeper text).
size_t LongString(const json& j, size_t max, std::string* field) {
  if (j.is_string())
    return j.get_ref<const std::string&>().size() > max ? j.get_ref<const std::string&>().size()
                                                        : 0;
  if (j.is_array()) {
    for (const json& v : j) {
      if (size_t n = LongString(v, max, field)) return n;
    }
  } else if (j.is_object()) {
    for (auto it = j.begin(); it != j.end(); ++it) {
      if (it.key().size() > max) {
        field->clear();
        return it.key().size();
      }
      if (it->is_string() && it->get_ref<const std::string&>().size() > max) {
        *field = it.key();
        return it->get_ref<const std::string&>().size();
      }
      if (size_t n = LongString(*it, max, field)) return n;
    }
  }
  return 0;
}

Status TooLong(const std::string& field, size_t bytes, size_t max) {
  return ResourceExhaustedError(
      (field.empty() ? std::string("a string") : "field '" + field + "'") + " of " +
      std::to_string(bytes) + " bytes is over " + std::to_string(max) + " bytes (" +
      std::string(kRecordLimitKey) + ")");
}

}  // namespace

StatusOr<json> ParseJsonBody(std::string_view text, size_t max_string_bytes) {
  std::string field;
  // Far over the limit: refused before the parser buffers the string.
  if (max_string_bytes != 0) {
    if (size_t n = LongStringToken(text, kMaxEscapeFactor * max_string_bytes, &field)) {
      return TooLong(field, n, max_string_bytes);
    }
  }
  JsonLimits limits;
  limits.max_depth = kMaxJsonDepth;
  StatusOr<json> j = ParseJson(text, "malformed JSON", limits);
  if (!j.ok()) return InvalidArgumentError(j.status().message());
  // Within 6x on the wire: measured decoded ("\u0041" is one byte).
  if (max_string_bytes != 0) {
    if (size_t n = LongString(*j, max_string_bytes, &field)) {
      return TooLong(field, n, max_string_bytes);
    }
  }
  return j;
}

ApiResponse BodyError(const Status& status) {
  return ErrorAnswer(status.code() == StatusCode::kResourceExhausted ? 413 : 400, status.message());
}

ApiResponse JsonAnswer(int status, const json& body) {
  ApiResponse res;
  res.status = status;
  res.content_type = "application/json";
  res.body = DumpJson(body);
  return res;
}

ApiResponse ErrorAnswer(int status, std::string_view detail) {
  return JsonAnswer(status, json{{"detail", std::string(detail)}});
}

}  // namespace logsieve
