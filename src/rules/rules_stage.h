// The rules stage: the pipeline's first and cheapest stage.
//
// Decides a line when a rule of the rule file matches its raw message (first
// rule in file order wins, see rule_set.h): label = the rule's label, method =
// Regex, confidence = the rule's, detail = "rule ID [BEGIN,END)" (the span is
// left out when the rule's pattern cannot report one). Lines no rule matches
// stay undecided for the next stage. Not cacheable: rules see the raw line.
//
// With a label set that maps stage labels (`labels[].from`, label_set.h) the
// label is the rule label's mapping (LabelSet::Map) and the detail names both:
// "rule login (User Action -> Account Activity) [9,27)". The first matching
// rule whose label is unmapped leaves the line undecided ("unsure"): later
// rules do not get it, since file order is the rules' precedence (an access
// line with "error" in it is HTTP Status, not Error).
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
// `rules.spans`; through the cache of `rules.cache_dir`, see rule_cache.h),
// and checks every rule's label against the configured `labels`
// (CheckRuleLabels). Errors name the rule, its file:line, and (for labels) the
// label set. A cache that cannot
// be used is one warning line on stderr per process, never an error.
StatusOr<std::unique_ptr<Stage>> MakeRulesStage(const Config& config);

// The same from an already compiled rule set and a label set (tests, tools).
StatusOr<std::unique_ptr<Stage>> MakeRulesStage(std::shared_ptr<const RuleSet> rules,
                                                const LabelSet& labels);

// Checks that `labels` accepts every rule's label (LabelSet::Accepts: in the
// set or mapped by a `from`; with `from` in use, also a bundled label left
// unmapped); InvalidArgument naming each rule whose label it does not, and the
// label set. Without `from`, a label outside the set is an error as before.
Status CheckRuleLabels(const RuleFile& file, const LabelSet& labels);
Status CheckRuleLabels(const RuleSet& rules, const LabelSet& labels);

}  // namespace logsieve

#endif  // LOGSIEVE_RULES_RULES_STAGE_H_
