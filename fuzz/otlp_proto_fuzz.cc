// Fuzz target: the OTLP/HTTP logs decoder (ingest/otlp.h) on arbitrary bytes
// as a protobuf ExportLogsServiceRequest, and the same bytes as a gzip body,
// as a client of ingest.otlp.listen could send them.
// Invariants: those of otlp_fuzz_checks.h.
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "ingest/otlp.h"
#include "otlp_fuzz_checks.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  logsieve::fuzz::CheckDecode(logsieve::OtlpEncoding::kProtobuf, input);
  logsieve::fuzz::CheckGunzip(input);
  return 0;
}
