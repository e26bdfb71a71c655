// Prompt and answer: the chat request logsieve sends for a few log lines, and
// the strict reading of what comes back.
//
//   PromptSpec spec{.model = "llama-3.3-70b-versatile", .labels = labels, .examples = examples};
//   std::string body = BuildChatRequest(spec, {{{"ModernCRM", "Disk quota exceeded"}}});
//   ... POST it ...
//   StatusOr<ChatCompletion> c = ParseChatCompletion(http_body);
//   std::vector<LineAnswer> a = ParseAnswers(*c, spec.labels, 1);
//   // a[0].label == "Resource Usage", a[0].reason == "quota limit reached"
//
// Log text is data: each line travels as a JSON string inside a JSON object in
// the user message, never spliced into the instructions, and whatever the
// model answers is held to the label set by ParseAnswers, so a line that says
// "ignore previous instructions" can at most pick a wrong label *from the
// set*, never one outside it.
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_LLM_PROMPT_H_
#define LOGSIEVE_LLM_PROMPT_H_

#include <cstdint>
#include <nlohmann/json_fwd.hpp>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/label_set.h"
#include "common/status.h"

namespace logsieve {

struct PromptExample {
  std::string source;
  std::string log;
  std::string label;
};

struct PromptSpec {
  std::string model;
  std::vector<Label> labels;  // config.labels(), in order
  std::vector<PromptExample> examples;
  bool response_format = true;        // send response_format {type: json_object}
  bool logprobs = false;              // ask for token log probabilities
  int64_t max_tokens_per_line = 100;  // max_tokens = this * lines; 0: not sent
};

// One line as it leaves the machine (already cut and masked).
struct PromptLine {
  std::string source;
  std::string text;
};

// Reads `llm.examples`; every label must be one of `labels`.
StatusOr<std::vector<PromptExample>> ExamplesFromJson(const nlohmann::json& examples,
                                                      std::span<const Label> labels);

// A short hash of what shapes the LLM's answer besides the line: the label set
// (names and descriptions) and llm.examples (VersionId form). A changed prompt
// gives a new version: stored answers say which prompt made them, and the
// server shows the one it asks with.
std::string PromptVersion(const Config& config);

// The JSON body of POST /chat/completions for `lines`. One line asks for
// {"label", "reason"}; several ask for {"answers": [{"line", "label",
// "reason"}, ...]} with lines numbered from 1.
// REQUIRES: !lines.empty()
std::string BuildChatRequest(const PromptSpec& spec, std::span<const PromptLine> lines);

// The parts of a chat completion response logsieve uses.
struct ChatCompletion {
  std::string content;  // choices[0].message.content
  // Tokens of `content` with their log probabilities, when the server sent
  // choices[0].logprobs.content; empty otherwise.
  std::vector<std::pair<std::string, double>> token_logprobs = {};
  int64_t prompt_tokens = 0;
  int64_t completion_tokens = 0;
};

// Fails (kDataLoss) when `body` is not a chat completion with a string
// message content.
StatusOr<ChatCompletion> ParseChatCompletion(std::string_view body);

// What the model said about one line.
struct LineAnswer {
  // A label of the set, canonically spelled; absent when the answer had none
  // (unparseable, outside the set, ambiguous, or "Unclassified").
  std::optional<std::string> label;
  std::string reason;
  // Probability of the label's tokens, when token log probabilities came back
  // (single-line answers only).
  std::optional<float> probability;
  // Why there is no label, for the decision's detail (includes the raw answer).
  std::string problem;
  // No label because the model said none fits ("Unclassified"); false when
  // the answer could not be understood (not JSON, no label, outside the set).
  bool no_fit = false;
};

// The canonical label that `answer` names: exact, else the one label equal to
// it ignoring case, spaces and punctuation ("security-alert" → "Security
// Alert"). Absent when none or more than one match.
std::optional<std::string> MatchLabel(std::string_view answer, std::span<const Label> labels);

// One answer per line of the request, in order.
std::vector<LineAnswer> ParseAnswers(const ChatCompletion& completion,
                                     std::span<const Label> labels, size_t line_count);

}  // namespace logsieve

#endif  // LOGSIEVE_LLM_PROMPT_H_
