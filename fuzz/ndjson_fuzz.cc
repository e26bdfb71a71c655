// Fuzz target: the NDJSON line decoder (io/ndjson.h) on arbitrary bytes, one
// line per '\n'-separated piece. Invariants: nothing crashes; a decoded
// record's fields are trimmed; encoding the record as an object and decoding
// it again gives the same record (the decoder is a fixed point on its output).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "io/ndjson.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "ndjson_fuzz: %s\n", what);
    std::abort();
  }
}

void DecodeOne(std::string_view line) {
  logsieve::NdjsonOptions options;
  options.max_line_bytes = 512;
  logsieve::StatusOr<logsieve::LogRecord> r = logsieve::DecodeNdjsonLine(line, options);
  if (!r.ok()) {
    Check(r.status().code() == logsieve::StatusCode::kInvalidArgument,
          "an error that is not kInvalidArgument");
    return;
  }
  Check(logsieve::TrimRecordField(r->message) == r->message, "message not trimmed");
  Check(logsieve::TrimRecordField(r->source) == r->source, "source not trimmed");
  std::string again;
  try {
    again = nlohmann::json{{"source", r->source}, {"log_message", r->message}}.dump();
  } catch (const nlohmann::json::exception&) {
    Check(false, "a decoded field is not valid UTF-8");
  }
  options.max_line_bytes = again.size();
  logsieve::StatusOr<logsieve::LogRecord> back = logsieve::DecodeNdjsonLine(again, options);
  Check(back.ok(), "the re-encoded record does not decode");
  Check(back->source == r->source && back->message == r->message,
        "the re-encoded record decodes differently");
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  DecodeOne(input);
  while (!input.empty()) {
    size_t nl = input.find('\n');
    DecodeOne(input.substr(0, nl));
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  return 0;
}
