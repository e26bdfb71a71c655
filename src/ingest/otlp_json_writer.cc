#include "ingest/otlp_json_writer.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/json.h"

namespace logsieve {
namespace {

// `value` as a JSON string, through DumpJson (invalid UTF-8 as U+FFFD). The
// objects around the strings are written as text, which allocates far less
// than building them as json values.
void AppendString(std::string_view value, std::string* out) {
  *out += DumpJson(nlohmann::json(value));
}

// ,{"key":KEY,"value":{"KIND":
void OpenAttribute(std::string_view key, std::string_view kind, bool* first, std::string* out) {
  if (!*first) *out += ',';
  *first = false;
  *out += R"({"key":)";
  AppendString(key, out);
  *out += R"(,"value":{")";
  *out += kind;
  *out += R"(":)";
}

void StringAttribute(std::string_view key, std::string_view value, bool* first, std::string* out) {
  OpenAttribute(key, "stringValue", first, out);
  AppendString(value, out);
  *out += "}}";
}

// RFC 5424 severity names to OTel SeverityNumber (the collector's syslog
// parser maps them so); 0 for a name that is not one.
int SeverityNumber(std::string_view severity) {
  static constexpr std::pair<std::string_view, int> kNumbers[] = {
      {"emerg", 21},   {"alert", 19},  {"crit", 18}, {"err", 17},
      {"warning", 13}, {"notice", 10}, {"info", 9},  {"debug", 5},
  };
  for (const auto& [name, number] : kNumbers) {
    if (name == severity) return number;
  }
  return 0;
}

}  // namespace

EncodedOtlpRecord EncodeOtlpLogRecord(const IngestRecord& record, const Decision& decision,
                                      uint64_t observed_time_unix_nano) {
  std::string r = R"({"observedTimeUnixNano":")" + std::to_string(observed_time_unix_nano) + '"';
  for (const auto& [name, value] : record.fields) {
    if (name != "severity") continue;
    if (int number = SeverityNumber(value); number != 0) {
      r += R"(,"severityNumber":)" + std::to_string(number);
    }
    r += R"(,"severityText":)";
    AppendString(value, &r);
    break;
  }
  r += R"(,"body":{"stringValue":)";
  AppendString(record.record.message, &r);
  r += R"(},"attributes":[)";
  bool first = true;
  for (const auto& [name, value] : record.fields) StringAttribute(name, value, &first, &r);
  StringAttribute("logsieve.label", decision.label, &first, &r);
  StringAttribute("logsieve.method", MethodName(decision.method), &first, &r);
  if (decision.confidence) {
    // 4 decimals, as classify writes it.
    double c = std::round(static_cast<double>(*decision.confidence) * 1e4) / 1e4;
    OpenAttribute("logsieve.confidence", "doubleValue", &first, &r);
    r += DumpJson(nlohmann::json(c));
    r += "}}";
  }
  OpenAttribute("logsieve.degraded", "boolValue", &first, &r);
  r += decision.degraded ? "true}}" : "false}}";
  StringAttribute("logsieve.detail", decision.detail, &first, &r);
  r += "]}";
  return {record.record.source, std::move(r)};
}

std::string EncodeOtlpExportRequest(std::span<const EncodedOtlpRecord> records) {
  // Sources in the order they first appear, each with its records in order.
  std::vector<std::vector<const EncodedOtlpRecord*>> groups;
  std::unordered_map<std::string_view, size_t> group_of;
  for (const EncodedOtlpRecord& r : records) {
    auto [it, added] = group_of.try_emplace(r.service_name, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(&r);
  }
  // The records are JSON already: the request is put together as text.
  std::string out = R"({"resourceLogs":[)";
  for (size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) out += ',';
    out += R"({"resource":{"attributes":[)";
    bool first = true;
    StringAttribute("service.name", groups[g].front()->service_name, &first, &out);
    out += R"(]},"scopeLogs":[{"scope":{"name":"logsieve"},"logRecords":[)";
    for (size_t i = 0; i < groups[g].size(); ++i) {
      if (i > 0) out += ',';
      out += groups[g][i]->json;
    }
    out += "]}]}";
  }
  out += "]}";
  return out;
}

}  // namespace logsieve
