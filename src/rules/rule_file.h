// Rule file: the ordered list of regular-expression rules people write by hand.
//
// A rule file is YAML: either a list of rules, or a mapping whose only key is
// `rules:` holding that list. Each rule is a mapping:
//
//   rules:
//     - id: user-login                       # required, unique, no spaces
//       pattern: '\buser\s+\S+\s+logged\s+in\b'   # required (Vectorscan syntax)
//       label: User Action                   # required; checked against `labels`
//       sources: [ModernCRM, WebPortal]      # optional: only lines from these sources
//       confidence: 1.0                      # optional, in (0, 1], default 1.0
//       case_insensitive: true               # optional, default false
//       flags: [dot_all]                     # optional: case_insensitive|i, dot_all|s,
//       multi_line|m description: A user signed in.       # optional, for people
//
// Order matters: the first rule in file order that matches a line wins.
//
//   StatusOr<RuleFile> file = LoadRuleFile("rules/default.yaml");
//   if (!file.ok()) return file.status();  // "rules/default.yaml:12: rule 'x': ..."
//
// Parsing checks only the file's shape (types, unknown keys, duplicate ids,
// required keys). Pattern syntax is checked when the rules are compiled
// (RuleSet::Compile), labels when the stage is built (MakeRulesStage): both
// report the rule's id and file:line, taken from Rule::line.
//
// Thread safety: plain values.
#ifndef LOGSIEVE_RULES_RULE_FILE_H_
#define LOGSIEVE_RULES_RULE_FILE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace logsieve {

struct Rule {
  std::string id;
  std::string pattern;
  std::string label;
  std::vector<std::string> sources =
      {};  // empty: every source; otherwise exact, case-sensitive names
  float confidence = 1.0f;
  bool case_insensitive = false;
  bool dot_all = false;     // `.` also matches '\n'
  bool multi_line = false;  // `^`/`$` also match at inner line breaks
  std::string description = {};
  int line = 0;  // 1-based line of the rule in its file (0 when built in code)
};

struct RuleFile {
  std::string origin;  // the file name used in messages
  std::vector<Rule> rules;
  uint64_t text_hash = 0;  // XXH3-64 of the text it was parsed from (its version)
};

// Parses rule-file text. `origin` names the text in messages ("rules.yaml").
// Every error is InvalidArgument and reads "ORIGIN:LINE: rule 'ID': why" (or
// "ORIGIN:LINE: why" when no id is known yet). Never throws.
StatusOr<RuleFile> ParseRuleFile(std::string_view text, std::string_view origin);

// Reads and parses `path`; NotFound when it cannot be read.
StatusOr<RuleFile> LoadRuleFile(const std::string& path);

// "ORIGIN:LINE: rule 'ID'" — the prefix every message about `rule` starts with.
std::string RuleWhere(std::string_view origin, const Rule& rule);

}  // namespace logsieve

#endif  // LOGSIEVE_RULES_RULE_FILE_H_
