// Fuzz target: what the JSON endpoints do with a body before they classify
// it (handlers.cc): ParseJsonBody with the line limit (input.max_record_bytes,
// here kLimit bytes), then RecordFromJson as /classify-single/ and each entry
// of /v1/classify's `logs` take it, and FeedbackFromJson as /v1/feedback does.
//
// Large and deep bodies: the first byte is a repeat count, the rest is
// repeated 1 + (byte % 64) * 256 times (at most 16,129 copies, 4 MiB), so a short
// input such as `[` or `{"a":` reaches a body nested thousands deep, and `"x`
// one long string, without a corpus of megabytes.
//
// Invariants: nothing throws or crashes; a refusal is InvalidArgument (a 400)
// or, for a string over the limit, ResourceExhausted (a 413) naming
// input.max_record_bytes; an accepted body holds no string over the limit
// and no nesting past kMaxJsonDepth, so every record decoded from it fits.
#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "server/codec.h"
#include "store/feedback.h"

namespace {

constexpr size_t kLimit = 64;

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "request_body_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

// Every string (keys too) within kLimit, nesting within kMaxJsonDepth.
void CheckAccepted(const nlohmann::json& j, size_t depth) {
  if (j.is_string() && j.get_ref<const std::string&>().size() > kLimit) {
    Fail("a string over the limit was accepted", j.get_ref<const std::string&>().substr(0, 100));
  }
  if (!j.is_structured()) return;
  if (depth + 1 > logsieve::kMaxJsonDepth) Fail("nesting past the limit accepted", "");
  for (auto it = j.begin(); it != j.end(); ++it) {
    if (j.is_object() && it.key().size() > kLimit) Fail("a key over the limit accepted", it.key());
    CheckAccepted(*it, depth + 1);
  }
}

void CheckRecord(const nlohmann::json& j) {
  logsieve::StatusOr<logsieve::LogRecord> r = logsieve::RecordFromJson(j, "logs[0]");
  if (r.ok() && (r->message.size() > kLimit || r->source.size() > kLimit)) {
    Fail("a record over the limit decoded", r->message.substr(0, 100));
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  const std::string_view unit(reinterpret_cast<const char*>(data + 1), size - 1);
  // At most 4 MiB of body, so that each run stays quick under the sanitizers.
  const size_t copies = std::min<size_t>(
      1 + (data[0] % 64) * 256, std::max<size_t>(1, (4 << 20) / std::max<size_t>(1, unit.size())));
  std::string body;
  body.reserve(unit.size() * copies);
  for (size_t i = 0; i < copies; ++i) body.append(unit);

  logsieve::StatusOr<nlohmann::json> parsed = logsieve::ParseJsonBody(body, kLimit);
  if (!parsed.ok()) {
    const logsieve::Status& s = parsed.status();
    if (s.code() == logsieve::StatusCode::kResourceExhausted) {
      if (s.message().find("input.max_record_bytes") == std::string::npos &&
          s.message().find("out of memory") == std::string::npos) {
        Fail("a 413 that does not name the key", s.message());
      }
    } else if (s.code() != logsieve::StatusCode::kInvalidArgument) {
      Fail("a refusal that is neither 400 nor 413", s.ToString());
    }
    return 0;
  }
  CheckAccepted(*parsed, 0);
  CheckRecord(*parsed);  // /classify-single/
  if (parsed->is_object()) {
    auto logs = parsed->find("logs");  // /v1/classify
    if (logs != parsed->end() && logs->is_array()) {
      for (const nlohmann::json& entry : *logs) CheckRecord(entry);
    }
  }
  logsieve::StatusOr<logsieve::Feedback> feedback = logsieve::FeedbackFromJson(*parsed);
  if (feedback.ok() && feedback->log_message.size() > kLimit) {
    Fail("feedback over the limit decoded", feedback->log_message.substr(0, 100));
  }
  return 0;
}
