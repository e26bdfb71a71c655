// Rule suggestions: regex rules proposed for frequent stored templates that
// carry one consistent label (`logsieve rules suggest`). Nothing is applied:
// the output is YAML for a person to read and for `rules check`.
//
//   StatusOr<std::vector<RuleSuggestion>> s = SuggestRules(config, store, {});
//   std::cout << SuggestionsYaml(*s, store.path());
//
// A candidate is a template the LLM decided (not degraded) seen at least
// min_support times. Its pattern is the template anchored at both ends, its
// text escaped, each placeholder `\S+` (<NUM>, <IP>, <PATH>, ...) or, for a
// timestamp (<TS>), `.+?`.
// Precision: over every stored line (one example per template, weighted by
// the template's count, and every correction), the share of the lines it
// matches that carry its label; kept when >= min_precision. A candidate whose
// example an existing rule (rules.file) already matches collides and is left
// out.
//
// Thread safety: a pure function of its inputs.
#ifndef LOGSIEVE_LEARN_RULE_SUGGEST_H_
#define LOGSIEVE_LEARN_RULE_SUGGEST_H_

#include <string>
#include <vector>

#include "common/config.h"
#include "common/status.h"
#include "rules/rule_file.h"
#include "store/store.h"

namespace logsieve {

struct SuggestOptions {
  int64_t min_support = 20;
  double min_precision = 0.95;
  size_t limit = 50;
};

struct RuleSuggestion {
  Rule rule;
  int64_t support = 0;  // lines of the template
  int64_t matched = 0;  // stored lines the pattern matches (weighted by count)
  double precision = 0;
  std::string example;
};

StatusOr<std::vector<RuleSuggestion>> SuggestRules(const Config& config, Store& store,
                                                   const SuggestOptions& options);

// `rules:` YAML with one commented entry per suggestion.
std::string SuggestionsYaml(const std::vector<RuleSuggestion>& suggestions,
                            const std::string& store_path);

}  // namespace logsieve

#endif  // LOGSIEVE_LEARN_RULE_SUGGEST_H_
