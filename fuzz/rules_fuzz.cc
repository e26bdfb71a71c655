// Fuzz target: the rule-file parser, and for small files that parse, the
// Vectorscan compile and a scan. Invariants: nothing crashes; every error has
// a message; a parsed file has unique ids, non-empty patterns and labels and
// confidences in (0, 1]; Match agrees with the first rule of MatchAll.
#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "rules/rule_file.h"
#include "rules/rule_set.h"

using logsieve::RuleFile;
using logsieve::RuleSet;
using logsieve::StatusOr;

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 8192) return 0;
  std::string_view text(reinterpret_cast<const char*>(data), size);
  StatusOr<RuleFile> file = logsieve::ParseRuleFile(text, "fuzz");
  if (!file.ok()) {
    if (file.status().message().empty()) std::abort();
    return 0;
  }
  std::set<std::string> ids;
  size_t pattern_bytes = 0;
  for (const logsieve::Rule& rule : file->rules) {
    if (!ids.insert(rule.id).second || rule.id.empty() || rule.pattern.empty() || rule.label.empty()) std::abort();
    if (!(rule.confidence > 0.0f && rule.confidence <= 1.0f)) std::abort();
    pattern_bytes += rule.pattern.size();
  }
  // Vectorscan compiles take milliseconds: only small rule sets go on.
  if (file->rules.size() > 4 || pattern_bytes > 128) return 0;
  StatusOr<std::unique_ptr<RuleSet>> set = RuleSet::Compile(*std::move(file));
  if (!set.ok()) {
    if (set.status().message().empty()) std::abort();
    return 0;
  }
  std::vector<uint32_t> all;
  for (std::string_view line : {text, std::string_view("user bob logged in"), std::string_view()}) {
    std::optional<logsieve::RuleMatch> first = (*set)->Match("S", line);
    (*set)->MatchAll("S", line, &all);
    if (first.has_value() != !all.empty()) std::abort();
    if (first && first->rule != all.front()) std::abort();
    if (first && first->span && (first->span->first > first->span->second || first->span->second > line.size())) {
      std::abort();
    }
  }
  return 0;
}
