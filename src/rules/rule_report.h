// Rule reports: what `logsieve rules check` and `logsieve rules test` print.
//
// Runs a rule set over sample lines and counts, per rule, the lines it matched
// and the lines it won (first in file order); finds lines matched by more than
// one rule, rules that never win on the sample although they match (an earlier
// rule matches everything they match: shadowed), and rules with identical
// patterns and flags.
//
//   RuleReport report = AnalyzeRules(*rules, records);
//   std::cout << FormatRuleReport(*rules, report);
//
// Thread safety: plain functions over const inputs.
#ifndef LOGSIEVE_RULES_RULE_REPORT_H_
#define LOGSIEVE_RULES_RULE_REPORT_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/decision.h"
#include "rules/rule_set.h"

namespace logsieve {

struct RuleReport {
  struct Overlap {
    size_t line = 0;              // index of the record in the sample
    std::vector<uint32_t> rules;  // every rule that matched it, file order
  };
  struct Shadowed {
    uint32_t rule = 0;
    std::vector<uint32_t> by;  // the earlier rules that won every line it matched
  };

  size_t lines = 0;
  size_t matched = 0;    // lines some rule decided
  size_t unmatched = 0;
  size_t overlapping = 0;           // lines matched by more than one rule
  std::vector<Overlap> overlaps;    // the first `max_examples` of them
  std::vector<size_t> matches;      // per rule: lines it matched
  std::vector<size_t> wins;         // per rule: lines it decided
  std::vector<Shadowed> shadowed;   // matched something, won nothing
};

// REQUIRES: nothing; an empty sample gives an all-zero report.
RuleReport AnalyzeRules(const RuleSet& rules, std::span<const LogRecord> sample, size_t max_examples = 20);

// Pairs (later, earlier) of rules with the same pattern and flags.
std::vector<std::pair<uint32_t, uint32_t>> DuplicatePatterns(const RuleSet& rules);

// Lint findings, one line each, "FILE:LINE: rule 'ID': why".
struct RuleLint {
  // Duplicate patterns; with a sample, rules that match lines but never win
  // them (shadowed by earlier rules, which are named).
  std::vector<std::string> warnings;
  // With a sample: rules that match none of its lines (a small sample says
  // little, so this is for information).
  std::vector<std::string> notes;
};
RuleLint LintRules(const RuleSet& rules, const RuleReport* sample);

// Human-readable table: hits per rule, overlaps, unmatched count.
std::string FormatRuleReport(const RuleSet& rules, const RuleReport& report);
// The same as JSON: {"lines", "matched", "unmatched", "overlapping",
// "rules": [{"id", "label", "matches", "wins"}], "overlaps": [{"line", "rules"}],
// "shadowed": [{"rule", "by"}]}.
nlohmann::json RuleReportJson(const RuleSet& rules, const RuleReport& report);

}  // namespace logsieve

#endif  // LOGSIEVE_RULES_RULE_REPORT_H_
