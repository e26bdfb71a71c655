#include "stream/stream_entry.h"

#include <algorithm>
#include <array>
#include <span>

#include "io/ndjson.h"
#include "io/records.h"

namespace logsieve {
namespace {

constexpr std::string_view kMessageField = "log_message";
constexpr std::string_view kSourceField = "source";
// The fields each kind of entry adds; an input field of the same name is dropped.
constexpr std::array<std::string_view, 6> kOutputFields = {
    kLabelColumn, kMethodColumn, kConfidenceColumn, kDetailColumn, "source_stream", "source_id"};
constexpr std::array<std::string_view, 3> kDeadLetterFields = {"source_stream", "source_id",
                                                               "reason"};

std::vector<std::string> XaddHead(std::string_view stream, size_t maxlen, size_t fields) {
  std::vector<std::string> argv;
  argv.reserve(6 + 2 * fields);
  argv.emplace_back("XADD");
  argv.emplace_back(stream);
  if (maxlen > 0) {
    argv.emplace_back("MAXLEN");
    argv.emplace_back("~");
    argv.push_back(std::to_string(maxlen));
  }
  argv.emplace_back("*");
  return argv;
}

void AppendInputFields(const StreamEntry& entry, std::span<const std::string_view> added,
                       std::vector<std::string>* argv) {
  for (const auto& [name, value] : entry.fields) {
    if (std::find(added.begin(), added.end(), name) != added.end()) continue;
    argv->push_back(name);
    argv->push_back(value);
  }
}

void AppendField(std::string_view name, std::string_view value, std::vector<std::string>* argv) {
  argv->emplace_back(name);
  argv->emplace_back(value);
}

}  // namespace

bool IsValidUtf8(std::string_view text) {
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  const unsigned char* end = p + text.size();
  while (p < end) {
    unsigned char c = *p;
    if (c < 0x80) {
      ++p;
      continue;
    }
    int n = 0;
    unsigned char lo = 0x80, hi = 0xBF;  // bounds of the second byte
    if (c >= 0xC2 && c <= 0xDF) {
      n = 1;
    } else if (c >= 0xE0 && c <= 0xEF) {
      n = 2;
      if (c == 0xE0) lo = 0xA0;  // overlong
      if (c == 0xED) hi = 0x9F;  // surrogates
    } else if (c >= 0xF0 && c <= 0xF4) {
      n = 3;
      if (c == 0xF0) lo = 0x90;  // overlong
      if (c == 0xF4) hi = 0x8F;  // past U+10FFFF
    } else {
      return false;
    }
    if (end - p <= n) return false;
    if (p[1] < lo || p[1] > hi) return false;
    for (int k = 2; k <= n; ++k) {
      if ((p[k] & 0xC0) != 0x80) return false;
    }
    p += n + 1;
  }
  return true;
}

StatusOr<LogRecord> DecodeEntry(const StreamEntry& entry, std::string_view default_source,
                                size_t max_entry_bytes) {
  size_t bytes = 0;
  const std::string* message = nullptr;
  const std::string* source = nullptr;
  for (const auto& [name, value] : entry.fields) {
    bytes += name.size() + value.size();
    if (name == kMessageField) {
      if (message != nullptr) return InvalidArgumentError("log_message field given twice");
      message = &value;
    } else if (name == kSourceField) {
      if (source != nullptr) return InvalidArgumentError("source field given twice");
      source = &value;
    }
  }
  if (bytes > max_entry_bytes) {
    return InvalidArgumentError("entry of " + std::to_string(bytes) +
                                " bytes is over worker.max_entry_bytes (" +
                                std::to_string(max_entry_bytes) + ")");
  }
  if (message == nullptr) return InvalidArgumentError("no log_message field");
  if (!IsValidUtf8(*message)) return InvalidArgumentError("log_message is not valid UTF-8");
  if (source != nullptr && !IsValidUtf8(*source)) {
    return InvalidArgumentError("source is not valid UTF-8");
  }
  LogRecord record;
  record.message = std::string(TrimRecordField(*message));
  std::string_view s = source != nullptr ? TrimRecordField(*source) : std::string_view();
  record.source = std::string(s.empty() ? default_source : s);
  return record;
}

std::vector<std::string> OutputCommand(const StreamEntry& entry, const Decision& decision,
                                       std::string_view output_stream, size_t maxlen) {
  std::vector<std::string> argv = XaddHead(output_stream, maxlen, entry.fields.size() + 6);
  AppendInputFields(entry, kOutputFields, &argv);
  AppendField(kLabelColumn, decision.label, &argv);
  AppendField(kMethodColumn, MethodName(decision.method), &argv);
  AppendField(kConfidenceColumn, FormatConfidence(decision.confidence), &argv);
  AppendField(kDetailColumn, decision.detail, &argv);
  AppendField("source_stream", entry.stream, &argv);
  AppendField("source_id", entry.id, &argv);
  return argv;
}

std::vector<std::string> DeadLetterCommand(const StreamEntry& entry, std::string_view reason,
                                           std::string_view dead_letter_stream, size_t maxlen) {
  std::vector<std::string> argv = XaddHead(dead_letter_stream, maxlen, entry.fields.size() + 3);
  AppendInputFields(entry, kDeadLetterFields, &argv);
  AppendField("source_stream", entry.stream, &argv);
  AppendField("source_id", entry.id, &argv);
  AppendField("reason", reason, &argv);
  return argv;
}

}  // namespace logsieve
