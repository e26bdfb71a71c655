// The OTLP/HTTP JSON encoding of classified records, as output.otlp.endpoint
// forwards them (doc/ingest.md): an ExportLogsServiceRequest
// (opentelemetry/proto/collector/logs/v1, JSON mapping of OTLP 1.x) with one
// resourceLogs per source (`service.name`), in the order sources first
// appear, each with one scopeLogs (scope `logsieve`).
//
//   std::vector<EncodedOtlpRecord> records;
//   records.push_back(EncodeOtlpLogRecord(record, decision, now_unix_nano));
//   std::string body = EncodeOtlpExportRequest(records);   // POST /v1/logs
//
// A log record carries:
//   body                   {"stringValue": log_message}
//   observedTimeUnixNano   when the output took it (timeUnixNano stays 0,
//                          "unknown": the sender's time is the `timestamp`
//                          attribute, as sent)
//   severityText/Number    from a syslog `severity` field (err -> 17 ERROR, ...)
//   attributes             the record's fields, in order, as strings; then
//                          logsieve.label, logsieve.method (strings),
//                          logsieve.confidence (double; absent when none),
//                          logsieve.degraded (bool), logsieve.detail (string)
// Invalid UTF-8 in any string is written as U+FFFD; 64-bit integers are JSON
// strings, as the protobuf JSON mapping writes them. The decoder of the OTLP
// input is elsewhere; this file only writes.
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_INGEST_OTLP_JSON_WRITER_H_
#define LOGSIEVE_INGEST_OTLP_JSON_WRITER_H_

#include <cstdint>
#include <span>
#include <string>

#include "common/decision.h"
#include "ingest/ingest.h"

namespace logsieve {

// One record, encoded, waiting to be grouped into a request.
struct EncodedOtlpRecord {
  std::string service_name;  // the record's source
  std::string json;          // one logRecord object
};

EncodedOtlpRecord EncodeOtlpLogRecord(const IngestRecord& record, const Decision& decision,
                                      uint64_t observed_time_unix_nano);

// The request body of `records` (none: an empty resourceLogs).
std::string EncodeOtlpExportRequest(std::span<const EncodedOtlpRecord> records);

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_OTLP_JSON_WRITER_H_
