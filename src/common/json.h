// ParseJson: the one way logsieve parses JSON it did not write itself (request
// bodies, NDJSON records, config values, tokenizer.json, model and safetensors
// headers, LLM answers).
//
// nlohmann::json::parse throws (parse_error, and out_of_range for `1e400`) and
// builds the whole DOM before anything can look at its depth, so a 32 MB
// `[[[[...` costs gigabytes before it is refused. ParseJson runs nlohmann's
// SAX parser (iterative, no recursion) feeding its DOM builder, counts nesting
// on the way and stops at the first level past `limits.max_depth`, so the
// memory it uses is bounded by the body: at most the DOM of a document that is
// accepted. Every failure is a Status naming `what` and the position:
//
//   StatusOr<nlohmann::json> j = ParseJson(body, "request body");
//   if (!j.ok()) return j.status();
//   // "request body: invalid JSON at line 1, column 41: number overflow parsing '1e400'"
//
//   auto o = ParseJson<nlohmann::ordered_json>(line, "input.ndjson:7");  // keeps key order
//
// Thread safety: a pure function.
#ifndef LOGSIEVE_COMMON_JSON_H_
#define LOGSIEVE_COMMON_JSON_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"

namespace logsieve {

struct JsonLimits {
  // Arrays and objects may nest this deep; the top-level value is depth 1, so
  // `[[1]]` has depth 2 and a scalar depth 0. 64 is far beyond any document
  // logsieve reads (tokenizer.json nests 5 deep) and keeps recursive consumers
  // (dump, destructors, `==`) shallow.
  size_t max_depth = 64;
  // The text may be at most this many bytes; 0 means no limit here (callers
  // that read from a file or socket usually cap earlier).
  size_t max_bytes = 0;
};

// Parses `text` as exactly one JSON value (surrounding whitespace allowed,
// nothing else). Errors (InvalidArgument; ResourceExhausted for a size limit
// or an allocation failure) start with `what` and give the line and column
// of the last byte read. Never throws.
// Instantiated for nlohmann::json and nlohmann::ordered_json.
template <typename Json = nlohmann::json>
StatusOr<Json> ParseJson(std::string_view text, std::string_view what,
                         const JsonLimits& limits = {});

extern template StatusOr<nlohmann::json> ParseJson<nlohmann::json>(std::string_view,
                                                                   std::string_view,
                                                                   const JsonLimits&);
extern template StatusOr<nlohmann::ordered_json> ParseJson<nlohmann::ordered_json>(
    std::string_view, std::string_view, const JsonLimits&);

// Serializes `j` on one line (indent -1, the default) or indented: the one
// way logsieve writes JSON that may hold bytes it did not check (log lines,
// file names). Invalid UTF-8 becomes U+FFFD where nlohmann's plain dump()
// would throw. Never throws for that reason.
template <typename Json>
std::string DumpJson(const Json& j, int indent = -1) {
  return j.dump(indent, ' ', false, Json::error_handler_t::replace);
}

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_JSON_H_
