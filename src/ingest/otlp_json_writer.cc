#include "ingest/otlp_json_writer.h"

#include <cmath>
#include <nlohmann/json.hpp>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/json.h"

namespace logsieve {
namespace {

using ojson = nlohmann::ordered_json;

ojson Attribute(std::string_view key, ojson value) {
  return ojson{{"key", key}, {"value", std::move(value)}};
}

ojson StringAttribute(std::string_view key, std::string_view value) {
  return Attribute(key, ojson{{"stringValue", value}});
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

OtlpLogRecord EncodeOtlpLogRecord(const IngestRecord& record, const Decision& decision,
                                  uint64_t observed_time_unix_nano) {
  ojson r = ojson::object();
  r["observedTimeUnixNano"] = std::to_string(observed_time_unix_nano);
  for (const auto& [name, value] : record.fields) {
    if (name != "severity") continue;
    if (int number = SeverityNumber(value); number != 0) r["severityNumber"] = number;
    r["severityText"] = value;
  }
  r["body"] = ojson{{"stringValue", record.record.message}};
  ojson attributes = ojson::array();
  for (const auto& [name, value] : record.fields)
    attributes.push_back(StringAttribute(name, value));
  attributes.push_back(StringAttribute("logsieve.label", decision.label));
  attributes.push_back(StringAttribute("logsieve.method", MethodName(decision.method)));
  if (decision.confidence) {
    // 4 decimals, as classify writes it.
    double c = std::round(static_cast<double>(*decision.confidence) * 1e4) / 1e4;
    attributes.push_back(Attribute("logsieve.confidence", ojson{{"doubleValue", c}}));
  }
  attributes.push_back(Attribute("logsieve.degraded", ojson{{"boolValue", decision.degraded}}));
  attributes.push_back(StringAttribute("logsieve.detail", decision.detail));
  r["attributes"] = std::move(attributes);
  return {record.record.source, DumpJson(r)};
}

std::string EncodeOtlpExportRequest(std::span<const OtlpLogRecord> records) {
  // Sources in the order they first appear, each with its records in order.
  std::vector<std::vector<const OtlpLogRecord*>> groups;
  std::unordered_map<std::string_view, size_t> group_of;
  for (const OtlpLogRecord& r : records) {
    auto [it, added] = group_of.try_emplace(r.service_name, groups.size());
    if (added) groups.emplace_back();
    groups[it->second].push_back(&r);
  }
  // The records are JSON already: the request is put together as text.
  std::string out = R"({"resourceLogs":[)";
  for (size_t g = 0; g < groups.size(); ++g) {
    if (g > 0) out += ',';
    ojson resource = {{"attributes", ojson::array({StringAttribute(
                                         "service.name", groups[g].front()->service_name)})}};
    out += R"({"resource":)";
    out += DumpJson(resource);
    out += R"(,"scopeLogs":[{"scope":{"name":"logsieve"},"logRecords":[)";
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
