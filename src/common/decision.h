// Decision: what logsieve answers for one log line, and the Batch of lines a
// stage works on.
//
// A Decision is {label, method, confidence, detail}. `method` names the stage
// that decided, in the seed project's terms ("Regex", "ML", "LLM"), or
// "Correction" when a person's correction of the line's template answered;
// "None" means no stage decided and the label is "Unclassified".
#ifndef LOGSIEVE_COMMON_DECISION_H_
#define LOGSIEVE_COMMON_DECISION_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logsieve {

inline constexpr std::string_view kUnclassified = "Unclassified";

enum class Method : uint8_t { kNone = 0, kRegex, kML, kLLM, kCorrection };

// Every method, in pipeline order (a correction comes first), then kNone.
inline constexpr Method kAllMethods[] = {Method::kCorrection, Method::kRegex, Method::kML,
                                         Method::kLLM, Method::kNone};

// "None", "Regex", "ML", "LLM", "Correction": the values of the `method_used`
// column.
std::string_view MethodName(Method method);

struct Decision {
  std::string label{kUnclassified};
  Method method = Method::kNone;
  // In [0, 1]; absent when nothing decided (or a stage has no honest number).
  std::optional<float> confidence;
  // Why, for people: the rule id, the model's top features, the LLM's reason,
  // or why the line stayed unclassified / took a degraded path.
  std::string detail;
  // True when a stage decided by a fallback path (LLM down, over budget, no
  // key). Degraded decisions are never cached.
  bool degraded = false;
  // For explanations (the API's `explain`, doc/ui.md): the rule that decided
  // (Regex) and the bytes [begin, end) of the line it matched, when the rule
  // supports spans (rules.spans); whether the decision cache answered.
  std::string rule_id{};
  std::optional<std::pair<uint32_t, uint32_t>> rule_span{};
  bool cached = false;

  bool decided() const { return method != Method::kNone; }
};

// One input line. `source` is the system it came from (the CSV `source`
// column); `message` is the raw log text, bytes as read (not necessarily
// valid UTF-8).
struct LogRecord {
  std::string source;
  std::string message;
};

// The source of a line whose input names none (plain lines, NDJSON without
// `source`) unless the caller says otherwise (--source).
inline constexpr std::string_view kDefaultSource = "unknown";

// A batch of lines moving through the pipeline. The pipeline fills
// `templates` and `keys` (normalizer) before the costly stages run; stages
// write `decisions[i]` for the lines they decide and may leave a `tentative`
// guess (e.g. the model's label below threshold) for later stages to use as a
// documented fallback.
//
// Thread safety: a Batch belongs to one thread at a time.
struct Batch {
  std::vector<LogRecord> records;
  std::vector<std::string> templates;  // normalized text; empty until normalized
  std::vector<uint64_t> keys;          // template keys; 0 until normalized
  std::vector<Decision> decisions;
  std::vector<Decision> tentative;  // best undecided guesses (method set, not final)
  // When the caller needs the answer by (server.classify_timeout_ms,
  // worker.classify_timeout_ms): a stage that waits (the LLM) gives the lines
  // it has not answered by then its degraded decision. The max time point: no
  // deadline.
  std::chrono::steady_clock::time_point deadline = std::chrono::steady_clock::time_point::max();
  // Whether the caller shows Decision::detail (classify --detail or NDJSON
  // output, the HTTP API, the worker's entries). false lets stages leave the
  // detail empty and skip what only explains: the model's top features and
  // its nearest exemplar, the classifier's "why unclassified". Labels,
  // methods, confidences and the explain fields (rule_id, rule_span, cached)
  // do not depend on it.
  bool want_detail = true;

  size_t size() const { return records.size(); }
  // The deadline of a batch classified from now with `timeout_ms` (a
  // *.classify_timeout_ms key); 0: none.
  static std::chrono::steady_clock::time_point DeadlineAfter(int64_t timeout_ms);
  // Sizes the per-line vectors to records.size() and clears earlier results
  // (deadline and want_detail stay as the caller set them).
  void Reset();
};

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_DECISION_H_
