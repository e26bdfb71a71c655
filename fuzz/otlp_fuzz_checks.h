// The invariants both OTLP fuzz targets check (otlp_json_fuzz.cc,
// otlp_proto_fuzz.cc): nothing crashes; a decoded record has a non-empty,
// trimmed message and named fields; a failure is InvalidArgument with a
// message; the answers encode; inflating never returns more than its limit.
#ifndef LOGSIEVE_FUZZ_OTLP_FUZZ_CHECKS_H_
#define LOGSIEVE_FUZZ_OTLP_FUZZ_CHECKS_H_

#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "ingest/otlp.h"

namespace logsieve::fuzz {

inline void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "otlp_fuzz: %s\n", what);
    std::abort();
  }
}

inline bool Trimmed(std::string_view s) {
  auto space = [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; };
  return !s.empty() && !space(s.front()) && !space(s.back());
}

inline void CheckDecode(OtlpEncoding encoding, std::string_view input) {
  StatusOr<OtlpLogs> logs = DecodeOtlpLogs(encoding, input, "fallback");
  if (!logs.ok()) {
    Check(logs.status().code() == StatusCode::kInvalidArgument, "a failure that is not 400");
    Check(!logs.status().message().empty(), "a failure without a message");
    Check(!OtlpStatusBody(encoding, logs.status()).empty(), "an empty error body");
    return;
  }
  for (const OtlpLogRecord& r : logs->records) {
    Check(Trimmed(r.message), "a record whose message is blank or untrimmed");
    Check(!r.source.empty(), "a record without a source");
    for (const auto& [name, value] : r.fields) Check(!name.empty(), "a field without a name");
  }
  Check((logs->rejected == 0) == logs->rejected_reason.empty(),
        "rejected records without a reason, or a reason without them");
  std::string answer = OtlpExportResponse(encoding, logs->rejected, logs->rejected_reason);
  Check(encoding == OtlpEncoding::kProtobuf || !answer.empty(), "an empty JSON answer");
}

inline void CheckGunzip(std::string_view input) {
  constexpr size_t kLimit = 1 << 16;
  StatusOr<std::string> plain = Gunzip(input, kLimit);
  if (plain.ok()) Check(plain->size() <= kLimit, "inflated past the limit");
}

}  // namespace logsieve::fuzz

#endif  // LOGSIEVE_FUZZ_OTLP_FUZZ_CHECKS_H_
