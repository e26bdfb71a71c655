#include "io/ndjson.h"

#include <nlohmann/json.hpp>

#include "common/json.h"
#include "common/strings.h"

namespace logsieve {

std::string_view TrimRecordField(std::string_view s) { return TrimSpace(s); }

bool IsBlankNdjsonLine(std::string_view line) {
  return line.find_first_not_of(" \t\r") == std::string_view::npos;
}

StatusOr<LogRecord> DecodeNdjsonLine(std::string_view line, const NdjsonOptions& options) {
  if (line.size() > options.max_line_bytes) {
    return InvalidArgumentError("line is longer than " + std::to_string(options.max_line_bytes) +
                                " bytes (input.max_record_bytes)");
  }
  if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
  if (line.substr(0, 3) == "\xEF\xBB\xBF") line.remove_prefix(3);
  // ParseJson never throws and refuses nesting past 64 levels. Its messages
  // start with the name given, here none: the caller says where.
  StatusOr<nlohmann::json> parsed = ParseJson(line, "");
  if (!parsed.ok()) {
    Status error = parsed.status();
    std::string message = error.message();
    if (message.rfind(": ", 0) == 0) message.erase(0, 2);
    return Status(error.code(), std::move(message));
  }
  const nlohmann::json& obj = *parsed;
  if (!obj.is_object()) return InvalidArgumentError("expected a JSON object");
  auto msg = obj.find(options.message_field);
  if (msg == obj.end() || !msg->is_string()) {
    return InvalidArgumentError("the object has no \"" + options.message_field + "\" string");
  }
  LogRecord record;
  record.message = TrimRecordField(msg->get_ref<const std::string&>());
  auto src = obj.find(options.source_field);
  if (src == obj.end() || src->is_null()) {
    record.source = options.default_source;
  } else if (src->is_string()) {
    record.source = TrimRecordField(src->get_ref<const std::string&>());
  } else {
    return InvalidArgumentError("\"" + options.source_field + "\" must be a string");
  }
  return record;
}

}  // namespace logsieve
