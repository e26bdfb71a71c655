// The rules stage: the pipeline's first and cheapest stage.
//
// Decides a line when a rule of the rule file matches its raw message (first
// rule in file order wins, see rule_set.h): label = the rule's label, method =
// Regex, confidence = the rule's, detail = "rule ID [BEGIN,END)" (the span is
// left out when the rule's pattern cannot report one). Lines no rule matches
// stay undecided for the next stage. Not cacheable: rules see the raw line.
//
//   StatusOr<std::unique_ptr<Stage>> stage = MakeRulesStage(config);
//   if (!stage.ok()) return stage.status();
//   if (*stage) pipeline.push_back(std::move(*stage));   // null: `rules.file: none`
//
// Thread safety: immutable once made; Decide runs concurrently on different
// batches.
#ifndef LOGSIEVE_RULES_RULES_STAGE_H_
#define LOGSIEVE_RULES_RULES_STAGE_H_

#include <memory>
#include <string>
#include <vector>

#include "common/config.h"
#include "common/stage.h"
#include "common/status.h"
#include "rules/rule_set.h"

namespace logsieve {

// Reads `rules.file` ("" → the bundled rules/default.yaml; "none" → returns a
// null pointer: no rules stage), parses and compiles it (with spans when
// `rules.spans`), and checks every
// rule's label against the configured `labels`. Errors name the rule, its
// file:line, and (for labels) the label set.
StatusOr<std::unique_ptr<Stage>> MakeRulesStage(const Config& config);

// The same from an already compiled rule set and a label set (tests, tools).
StatusOr<std::unique_ptr<Stage>> MakeRulesStage(std::shared_ptr<const RuleSet> rules,
                                                const std::vector<std::string>& labels);

// Checks that every rule's label is in `labels` (config.labels().names());
// InvalidArgument naming each rule whose label is not, and the label set.
Status CheckRuleLabels(const RuleFile& file, const std::vector<std::string>& labels);
Status CheckRuleLabels(const RuleSet& rules, const std::vector<std::string>& labels);

}  // namespace logsieve

#endif  // LOGSIEVE_RULES_RULES_STAGE_H_
