// OTLP logs over HTTP, the bytes side (doc/ingest.md, "OTLP"): an
// ExportLogsServiceRequest body, as protobuf or as OTLP's JSON encoding, gzip
// or not, into the records logsieve classifies; and the answers the OTLP/HTTP
// spec asks for. No sockets here (otlp_listener.h has them), so the decoders
// are unit-tested and fuzzed on bytes alone.
//
//   StatusOr<std::string> plain = Gunzip(body, 4 << 20);        // Content-Encoding: gzip
//   StatusOr<OtlpLogs> logs = DecodeOtlpLogs(OtlpEncoding::kJson, *plain, "unknown");
//   if (!logs.ok()) answer 400 with OtlpStatusBody(kJson, logs.status());
//   for (OtlpLogRecord& r : logs->records) ...;                 // r.source, r.message, r.fields
//   answer 200 with OtlpExportResponse(kJson, logs->rejected, logs->rejected_reason);
//
// The mapping of one LogRecord (the names are stable; doc/ingest.md lists
// them):
//   log_message  the body: a string as is; any other AnyValue as JSON text
//                ({"kvlistValue":...} as {"k":v}, bytes as base64), trimmed
//   source       the resource attribute service.name, else default_source
//   fields, in this order, each only when set:
//     severity, severity_number, time_unix_nano, observed_time_unix_nano
//     (decimal strings), trace_id, span_id (lowercase hex), flags,
//     event_name, scope.name, scope.version, resource.<key> (the resource's
//     attributes but service.name), attributes.<key> (the record's); an
//     attribute's string value as is, any other kind as JSON text.
// A record whose body is absent or blank is rejected: not returned, counted
// in `rejected`, and named in `rejected_reason` (OTLP's partial success).
//
// JSON follows the OTLP/JSON rules: lowerCamelCase keys (the proto names are
// accepted too), 64-bit integers as strings or numbers, enums as numbers,
// traceId/spanId as hex, bytesValue as base64, unknown keys ignored. An
// error names the JSON path of the value at fault, e.g.
//   resourceLogs[0].scopeLogs[0].logRecords[2].timeUnixNano: expected an
//   unsigned integer (a number or a decimal string), got "soon"
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_INGEST_OTLP_H_
#define LOGSIEVE_INGEST_OTLP_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/status.h"

namespace logsieve {

enum class OtlpEncoding { kJson, kProtobuf };

// One LogRecord, mapped as above.
struct OtlpLogRecord {
  std::string source;
  std::string message;
  std::vector<std::pair<std::string, std::string>> fields;
};

struct OtlpLogs {
  std::vector<OtlpLogRecord> records;
  uint64_t rejected = 0;        // records without a body
  std::string rejected_reason;  // empty when none; else names the first one
};

// Decodes a whole request body. InvalidArgument (answered 400) when the body
// is not an ExportLogsServiceRequest in `encoding`, naming what is wrong.
StatusOr<OtlpLogs> DecodeOtlpLogs(OtlpEncoding encoding, std::string_view body,
                                  std::string_view default_source);

// Inflates a gzip (or zlib) body. ResourceExhausted when it inflates past
// `max_bytes` (found after at most max_bytes + 64 KiB were produced, so a
// gzip bomb costs no more memory than that); InvalidArgument when the bytes
// are not gzip or end early.
StatusOr<std::string> Gunzip(std::string_view body, size_t max_bytes);

// The body of a 200: an ExportLogsServiceResponse, with partial_success when
// rejected > 0.
std::string OtlpExportResponse(OtlpEncoding encoding, uint64_t rejected,
                               std::string_view error_message);
// The body of a 4xx/5xx: a google.rpc.Status with the gRPC code of `status`
// and its message (as protobuf: field 1 code, field 2 message).
std::string OtlpStatusBody(OtlpEncoding encoding, const Status& status);

// The encoding a Content-Type names (parameters ignored, case-insensitive):
// application/json, application/x-protobuf (also application/protobuf).
// InvalidArgument otherwise (answered 415).
StatusOr<OtlpEncoding> OtlpEncodingOf(std::string_view content_type);

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_OTLP_H_
