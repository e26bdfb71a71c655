#include "store/feedback.h"

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <utility>
#include <vector>

#include "common/strings.h"
#include "io/csv.h"
#include "io/input_stream.h"

namespace logsieve {
namespace {

using json = nlohmann::json;

int64_t NowSeconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

Status CheckFeedback(const Feedback& f, const std::vector<std::string>& labels) {
  if (f.log_message.empty()) return InvalidArgumentError("log_message: must not be empty");
  if (std::find(labels.begin(), labels.end(), f.target_label) == labels.end()) {
    std::string known;
    for (const std::string& l : labels) known += (known.empty() ? "" : ", ") + l;
    return InvalidArgumentError("target_label: unknown label '" + f.target_label +
                                "' (known: " + known + ")");
  }
  return OkStatus();
}

Correction FromDecision(Feedback f, std::string_view origin, const Batch& batch, size_t i) {
  Correction c;
  c.source = std::move(f.source);
  c.log_message = std::move(f.log_message);
  c.target_label = std::move(f.target_label);
  c.note = std::move(f.note);
  c.origin = std::string(origin);
  c.key = batch.keys[i];
  c.template_text = batch.templates[i];
  c.previous_label = batch.decisions[i].label;
  c.previous_method = std::string(MethodName(batch.decisions[i].method));
  c.time = NowSeconds();
  return c;
}

}  // namespace

StatusOr<Correction> MakeCorrection(const Classifier& classifier, Feedback feedback,
                                    std::string_view origin) {
  LOGSIEVE_RETURN_IF_ERROR(CheckFeedback(feedback, classifier.labels()));
  Batch batch;
  batch.records.push_back({feedback.source, feedback.log_message});
  classifier.Classify(batch);
  return FromDecision(std::move(feedback), origin, batch, 0);
}

StatusOr<Feedback> FeedbackFromJson(const json& body) {
  if (!body.is_object()) {
    return InvalidArgumentError(
        "expected an object {\"source\", \"log_message\", \"target_label\", \"note\"?}");
  }
  Feedback f;
  auto field = [&](const char* name, bool required, std::string* out) -> Status {
    auto it = body.find(name);
    if (it == body.end() || it->is_null()) {
      return required ? InvalidArgumentError(std::string(name) + ": is required") : OkStatus();
    }
    if (!it->is_string()) return InvalidArgumentError(std::string(name) + ": must be a string");
    *out = TrimSpace(it->get<std::string>());
    return OkStatus();
  };
  LOGSIEVE_RETURN_IF_ERROR(field("source", true, &f.source));
  LOGSIEVE_RETURN_IF_ERROR(field("log_message", true, &f.log_message));
  LOGSIEVE_RETURN_IF_ERROR(field("target_label", true, &f.target_label));
  LOGSIEVE_RETURN_IF_ERROR(field("note", false, &f.note));
  for (const auto& [k, v] : body.items()) {
    if (k != "source" && k != "log_message" && k != "target_label" && k != "note") {
      return InvalidArgumentError(k +
                                  ": unknown field (known: source, log_message, "
                                  "target_label, note)");
    }
  }
  return f;
}

StatusOr<FeedbackImport> ImportFeedbackCsv(const Classifier& classifier, Store& store,
                                           const std::string& path, size_t max_record_bytes) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<InputStream> in, InputStream::Open(path));
  CsvReader csv(std::move(in), CsvOptions{.max_record_bytes = max_record_bytes});
  CsvRow row;
  LOGSIEVE_ASSIGN_OR_RETURN(bool has_header, csv.Next(&row));
  if (!has_header) return InvalidArgumentError(path + ": empty, expected a header row");
  int source = -1, message = -1, label = -1, note = -1;
  for (size_t c = 0; c < row.fields.size(); ++c) {
    const std::string name(TrimSpace(row.fields[c]));
    int* slot = name == "source"         ? &source
                : name == "log_message"  ? &message
                : name == "target_label" ? &label
                : name == "note"         ? &note
                                         : nullptr;
    if (slot == nullptr) {
      return InvalidArgumentError(path + ":" + std::to_string(row.line) + ": unknown column '" +
                                  name + "' (known: source, log_message, target_label, note)");
    }
    *slot = static_cast<int>(c);
  }
  if (message < 0 || label < 0) {
    return InvalidArgumentError(path + ":" + std::to_string(row.line) +
                                ": the header needs log_message and target_label columns");
  }
  const size_t needed = static_cast<size_t>(std::max({source, message, label, note})) + 1;
  // Every row is read and checked before anything is classified or stored.
  std::vector<Feedback> rows;
  for (;;) {
    LOGSIEVE_ASSIGN_OR_RETURN(bool more, csv.Next(&row));
    if (!more) break;
    if (row.fields.size() < needed) {
      return InvalidArgumentError(path + ":" + std::to_string(row.line) + ": " +
                                  std::to_string(row.fields.size()) +
                                  " fields, the header has more");
    }
    Feedback f;
    f.source = source >= 0 ? TrimSpace(row.fields[source]) : "unknown";
    f.log_message = TrimSpace(row.fields[message]);
    f.target_label = TrimSpace(row.fields[label]);
    if (note >= 0) f.note = TrimSpace(row.fields[note]);
    if (Status s = CheckFeedback(f, classifier.labels()); !s.ok()) {
      return InvalidArgumentError(path + ":" + std::to_string(row.line) + ": " + s.message());
    }
    rows.push_back(std::move(f));
  }
  std::vector<Correction> corrections;
  corrections.reserve(rows.size());
  constexpr size_t kSlice = 1024;
  for (size_t start = 0; start < rows.size(); start += kSlice) {
    const size_t end = std::min(rows.size(), start + kSlice);
    Batch batch;
    for (size_t i = start; i < end; ++i) {
      batch.records.push_back({rows[i].source, rows[i].log_message});
    }
    classifier.Classify(batch);
    for (size_t i = start; i < end; ++i) {
      corrections.push_back(FromDecision(std::move(rows[i]), "import", batch, i - start));
    }
  }
  int64_t evicted = 0;
  LOGSIEVE_RETURN_IF_ERROR(store.AddCorrections(corrections, &evicted));
  // The newest stay: this file's rows go only once every older one has.
  FeedbackImport result;
  result.rows = corrections.size();
  result.kept = std::min(result.rows, static_cast<size_t>(store.max_corrections()));
  result.evicted_imported = result.rows - result.kept;
  result.evicted_older = static_cast<size_t>(
      std::max<int64_t>(0, evicted - static_cast<int64_t>(result.evicted_imported)));
  return result;
}

json ReviewItemJson(const ReviewItem& item) {
  char key[17];
  std::snprintf(key, sizeof key, "%016llx", static_cast<unsigned long long>(item.key));
  json j = {{"key", key},
            {"source", item.source},
            {"template", item.template_text},
            {"label", item.label},
            {"method", item.method},
            {"confidence", nullptr},
            {"degraded", item.degraded},
            {"model_label", item.model_label.empty() ? json(nullptr) : json(item.model_label)},
            {"count", item.count},
            {"first_seen", item.first_seen},
            {"last_seen", item.last_seen},
            {"reasons", item.reasons},
            {"examples", json::array()}};
  if (item.confidence) j["confidence"] = *item.confidence;
  // Raw lines are bytes as read: callers write them with DumpJson (common/json.h).
  for (const std::string& e : item.examples) j["examples"].push_back(e);
  return j;
}

}  // namespace logsieve
