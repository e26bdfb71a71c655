// The server's JSON codec: decisions to JSON, request bodies to records, and
// FastAPI-shaped error answers. No transport here (see api_message.h).
//
//   StatusOr<nlohmann::json> body = ParseJsonBody(req.body);   // depth-limited, never throws
//   if (!body.ok()) return ErrorAnswer(400, body.status().message());
//   StatusOr<LogRecord> r = RecordFromJson(*body, "logs[3]");  // 422 when !ok
//   ApiResponse res = JsonAnswer(200, DecisionJson(decision));
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_SERVER_CODEC_H_
#define LOGSIEVE_SERVER_CODEC_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/decision.h"
#include "common/status.h"
#include "server/api_message.h"

namespace logsieve {

// Nesting deeper than this is refused before any DOM is built (ParseJson,
// common/json.h), so a body of 32 MB of `[` costs no more than its own bytes.
inline constexpr size_t kMaxJsonDepth = 64;

// {"target_label", "method_used", "confidence" (4 decimals or null), "detail"}.
nlohmann::json DecisionJson(const Decision& d);
// DecisionJson plus "explain": {"rule_id", "rule_span" ([begin, end) bytes of
// the line, or null), "template" (the normalized line; null when no stage
// needed one, e.g. a rule decided on the raw line), "cached"}: what the
// classify endpoints add when asked with ?explain=1.
nlohmann::json ExplainedDecisionJson(const Decision& d, std::string_view template_text);

// A LogRecord from {"source": str, "log_message": str}; `where` ("logs[3]")
// prefixes the error. Errors are the 422 details FastAPI would give.
StatusOr<LogRecord> RecordFromJson(const nlohmann::json& j, std::string_view where);

// Parses a request body (or an NDJSON line) with ParseJson. Never throws;
// errors start "malformed JSON" and name the line and column, or the depth
// (InvalidArgument: a 400). With `max_string_bytes` (input.max_record_bytes),
// a string (a value or a key) longer than that once decoded is refused,
// naming the field and the key (ResourceExhausted: a 413): one whose text is
// over 6 times the limit (escaping cannot make a string longer) by a scan of
// the text before parsing, so the parser never buffers nor copies it; a
// shorter one after parsing. A huge line thus costs its body and nothing more.
StatusOr<nlohmann::json> ParseJsonBody(std::string_view text, size_t max_string_bytes = 0);
// The answer to a body ParseJsonBody refused: 413 for a limit, else 400.
ApiResponse BodyError(const Status& status);

ApiResponse JsonAnswer(int status, const nlohmann::json& body);
// {"detail": detail}.
ApiResponse ErrorAnswer(int status, std::string_view detail);

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_CODEC_H_
