// Feedback: a person's answers into the store, and the review queue out of it,
// shared by `POST /v1/feedback`, `GET /v1/review` and the `logsieve feedback`
// and `logsieve review` commands, so both speak the same JSON.
//
//   StatusOr<Correction> c = MakeCorrection(classifier, {"ModernCRM", "disk 4 full",
//                                                         "Resource Usage", ""}, "api");
//   // InvalidArgument "unknown label 'Disk'" when the label is not in the set
//   store.AddCorrections({*c});
//
// The line is classified once (by the caller's classifier) so the correction
// records what it corrects: a model ("ML") decision that differs becomes a
// disagreement.
//
// Thread safety: functions are reentrant; the classifier and store are shared.
#ifndef LOGSIEVE_STORE_FEEDBACK_H_
#define LOGSIEVE_STORE_FEEDBACK_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/status.h"
#include "pipeline/classifier.h"
#include "store/store.h"

namespace logsieve {

struct Feedback {
  std::string source;
  std::string log_message;
  std::string target_label;
  std::string note;
};

// Checks `feedback` (a known label, a non-empty line) and classifies its line.
// Errors are InvalidArgument naming the field: "target_label: unknown label
// 'Disk' (known: ...)".
StatusOr<Correction> MakeCorrection(const Classifier& classifier, Feedback feedback,
                                    std::string_view origin);

// {source, log_message, target_label, note?} as POST /v1/feedback takes it;
// InvalidArgument naming the field otherwise.
StatusOr<Feedback> FeedbackFromJson(const nlohmann::json& body);

// What an import did. store.max_corrections bounds the corrections kept, the
// oldest going first: a file larger than the bound keeps only its last rows,
// and older corrections make room for the new ones.
struct FeedbackImport {
  size_t rows = 0;              // rows read and written
  size_t kept = 0;              // of those, still in the store
  size_t evicted_imported = 0;  // rows - kept
  size_t evicted_older = 0;     // corrections stored before that the bound dropped
};

// Loads a CSV of corrections (header with log_message and target_label;
// source and note optional) into `store` in one transaction. Every row is
// checked before anything is written: a bad row fails the whole file with
// "FILE:LINE: field: why" and stores nothing.
StatusOr<FeedbackImport> ImportFeedbackCsv(const Classifier& classifier, Store& store,
                                           const std::string& path, size_t max_record_bytes);

// One review entry as GET /v1/review and `logsieve review --json` show it:
// {key, source, template, label, method, confidence, degraded, model_label,
//  count, first_seen, last_seen, reasons, examples}. Times are unix seconds;
// key is the template key as 16 hex digits.
nlohmann::json ReviewItemJson(const ReviewItem& item);

}  // namespace logsieve

#endif  // LOGSIEVE_STORE_FEEDBACK_H_
