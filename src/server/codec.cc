#include "server/codec.h"

#include <cmath>
#include <optional>
#include <utility>

namespace logsieve {

using json = nlohmann::json;

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

namespace {
json ConfidenceJson(const std::optional<float>& c) {
  if (!c) return nullptr;
  return std::round(static_cast<double>(*c) * 1e4) / 1e4;
}

// Counts nesting while nlohmann's SAX parser (iterative) reads the text, and
// stops it at the first level past kMaxJsonDepth: no DOM is built here.
struct DepthCheck : json::json_sax_t {
  size_t depth = 0;
  bool too_deep = false;
  std::string error;
  bool Open() {
    if (++depth > kMaxJsonDepth) too_deep = true;
    return !too_deep;
  }
  bool null() override { return true; }
  bool boolean(bool) override { return true; }
  bool number_integer(number_integer_t) override { return true; }
  bool number_unsigned(number_unsigned_t) override { return true; }
  bool number_float(number_float_t, const string_t&) override { return true; }
  bool string(string_t&) override { return true; }
  bool binary(binary_t&) override { return true; }
  bool start_object(std::size_t) override { return Open(); }
  bool key(string_t&) override { return true; }
  bool end_object() override { return --depth, true; }
  bool start_array(std::size_t) override { return Open(); }
  bool end_array() override { return --depth, true; }
  bool parse_error(std::size_t, const std::string&, const nlohmann::detail::exception& e) override {
    error = e.what();
    return false;
  }
};
}  // namespace

json DecisionJson(const Decision& d) {
  return json{{"target_label", d.label},
              {"method_used", std::string(MethodName(d.method))},
              {"confidence", ConfidenceJson(d.confidence)},
              {"detail", d.detail}};
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

StatusOr<json> ParseJsonBody(std::string_view text) {
  DepthCheck check;
  bool ok = false;
  try {
    ok = json::sax_parse(text, &check);
  } catch (const std::exception& e) {  // out_of_range (1e400), bad_alloc
    check.error = e.what();
  }
  if (check.too_deep) {
    return InvalidArgumentError("malformed JSON: nested deeper than " +
                                std::to_string(kMaxJsonDepth) + " levels");
  }
  if (!ok) {
    // "[json.exception.parse_error.101] parse error at line 1, column 9: ..."
    size_t bracket = check.error.find("] ");
    return InvalidArgumentError("malformed JSON: " + (bracket == std::string::npos
                                                          ? check.error
                                                          : check.error.substr(bracket + 2)));
  }
  try {
    return json::parse(text);
  } catch (const std::exception& e) {
    return InvalidArgumentError(std::string("malformed JSON: ") + e.what());
  }
}

HttpResponse JsonAnswer(int status, const json& body) {
  HttpResponse res;
  res.status = status;
  res.content_type = "application/json";
  res.body = Dump(body);
  return res;
}

HttpResponse ErrorAnswer(int status, std::string_view detail) {
  return JsonAnswer(status, json{{"detail", std::string(detail)}});
}

}  // namespace logsieve
