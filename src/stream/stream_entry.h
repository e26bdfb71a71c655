// Stream entries in and out of `logsieve worker`: what an input entry must
// hold, and the output and dead-letter entries made from it.
//
// Input: fields `log_message` (required) and `source` (optional; absent gives
// the worker's default source); any other field is copied through. Both are
// trimmed as classify trims CSV and NDJSON fields (TrimRecordField).
//
// An entry is malformed, and goes to the dead-letter stream with the reason,
// when `log_message` is missing, when `log_message` or `source` is given
// twice (which one was meant is not ours to guess; other fields are copied
// through as they come, repeats included), when `log_message` or
// `source` is not valid UTF-8, or when its fields and values together exceed
// the size limit. The check never fails any other way.
//
// Output: the input's fields in their order, then `target_label`,
// `method_used`, `confidence` (empty when absent, as in classify's CSV),
// `detail`, `source_stream` and `source_id` (the input entry's id, so that
// consumers can deduplicate: delivery is at least once). An input field with
// one of those names is replaced, not repeated.
//
// Dead letter: the input's fields, then `source_stream`, `source_id` and
// `reason`.
#ifndef LOGSIEVE_STREAM_STREAM_ENTRY_H_
#define LOGSIEVE_STREAM_STREAM_ENTRY_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/decision.h"
#include "common/status.h"

namespace logsieve {

using StreamFields = std::vector<std::pair<std::string, std::string>>;

struct StreamEntry {
  std::string stream;  // the input stream it was read from
  std::string id;      // "1700000000000-0"
  StreamFields fields;
};

// The record to classify, or InvalidArgument whose message is the reason
// written to the dead-letter stream ("no log_message field").
StatusOr<LogRecord> DecodeEntry(const StreamEntry& entry, std::string_view default_source,
                                size_t max_entry_bytes);

// XADD arguments for the output entry of `entry` decided as `decision`:
// "XADD" STREAM [MAXLEN ~ N] * FIELD VALUE ... (maxlen 0: no trimming).
std::vector<std::string> OutputCommand(const StreamEntry& entry, const Decision& decision,
                                       std::string_view output_stream, size_t maxlen);
// XADD arguments for the dead-letter entry of `entry`.
std::vector<std::string> DeadLetterCommand(const StreamEntry& entry, std::string_view reason,
                                           std::string_view dead_letter_stream, size_t maxlen);

// True when `text` is well-formed UTF-8 (no overlong forms, surrogates or
// code points past U+10FFFF).
bool IsValidUtf8(std::string_view text);

}  // namespace logsieve

#endif  // LOGSIEVE_STREAM_STREAM_ENTRY_H_
