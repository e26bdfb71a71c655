// NDJSON records: the one decoder of a JSON log line, shared by the CLI
// (`--format ndjson`, through RecordReader) and the server
// (`POST /v1/classify/stream`), so both accept exactly the same lines.
//
// The rules, one set for every caller:
//   - A line is one JSON object (RFC 8259), UTF-8. A trailing '\r' and a
//     leading UTF-8 byte-order mark are ignored. A line of only spaces, tabs
//     and '\r' is blank: callers skip it (IsBlankNdjsonLine), it is no record.
//   - `log_message` (NdjsonOptions::message_field) is required and must be a
//     string. `source` (source_field) is optional: absent or null gives
//     `default_source`; any other non-string is an error.
//   - Both are trimmed of ASCII spaces, tabs, '\r' and '\n' at either end, as
//     the CSV reader does; the caller keeps the line as read for echoing.
//   - Other fields are allowed and ignored here (the CLI echoes them back).
//   - Not valid JSON (including invalid UTF-8 inside or outside strings,
//     nesting past 64 levels, numbers out of range: common/json.h), not an
//     object, or longer than max_line_bytes: an error. Bad input is an
//     error for that line only; the caller decides whether to stop or skip.
//
// Error messages name what is wrong but not where: the caller prefixes
// "NAME:LINE: " (CLI) or answers {"line": N, "detail": ...} (server).
//
// Example:
//   NdjsonOptions options;
//   options.default_source = "app";
//   StatusOr<LogRecord> record = DecodeNdjsonLine(line, options);
//   if (!record.ok()) return Where(line_no, record.status());
//
// Thread safety: the functions are pure; call them from any thread.
#ifndef LOGSIEVE_IO_NDJSON_H_
#define LOGSIEVE_IO_NDJSON_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "common/decision.h"
#include "common/status.h"

namespace logsieve {

struct NdjsonOptions {
  std::string message_field = "log_message";
  std::string source_field = "source";
  // The source of objects without one (the CLI's --source).
  std::string default_source = "unknown";
  // Longer lines are refused (input.max_record_bytes).
  size_t max_line_bytes = size_t{1} << 20;
};

// True for a line of only spaces, tabs and '\r' (and the empty line).
bool IsBlankNdjsonLine(std::string_view line);

// Decodes one line (without its '\n'). Errors are kInvalidArgument.
StatusOr<LogRecord> DecodeNdjsonLine(std::string_view line, const NdjsonOptions& options);

// ASCII spaces, tabs, '\r' and '\n' removed from both ends (the trim rule of
// every record reader).
std::string_view TrimRecordField(std::string_view s);

}  // namespace logsieve

#endif  // LOGSIEVE_IO_NDJSON_H_
