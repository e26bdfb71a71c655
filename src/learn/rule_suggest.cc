#include "learn/rule_suggest.h"

#include <algorithm>
#include <cctype>
#include <cstdio>
#include <map>
#include <memory>

#include "common/paths.h"
#include "rules/rule_set.h"
#include "text/normalizer.h"

namespace logsieve {
namespace {

// The template as a pattern: literal text escaped, a <TS> `.+?`, any other
// placeholder `\S+` (numbers, addresses, paths hold no spaces).
std::string PatternOf(std::string_view tmpl) {
  static constexpr std::string_view kPlaceholders[] = {"<TS>", "<UUID>", "<EMAIL>", "<URL>",
                                                       "<IP>", "<PATH>", "<HEX>",   "<NUM>"};
  std::string out = "^";
  for (size_t i = 0; i < tmpl.size();) {
    bool placeholder = false;
    for (std::string_view p : kPlaceholders) {
      if (tmpl.substr(i, p.size()) == p) {
        out += p == "<TS>" ? ".+?" : "\\S+";  // only a timestamp may hold spaces
        i += p.size();
        placeholder = true;
        break;
      }
    }
    if (placeholder) continue;
    const char c = tmpl[i++];
    if (std::string_view("\\^$.|?*+()[]{}/#-").find(c) != std::string_view::npos) out += '\\';
    out += c;
  }
  return out + "$";
}

std::string Slug(std::string_view label) {
  std::string out;
  for (char c : label) {
    if (std::isalnum(static_cast<unsigned char>(c))) {
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    } else if (!out.empty() && out.back() != '-') {
      out += '-';
    }
  }
  return out;
}

std::string Quoted(std::string_view s) {  // YAML single-quoted
  std::string out = "'";
  for (char c : s) out += c == '\'' ? std::string("''") : std::string(1, c);
  return out + "'";
}

}  // namespace

StatusOr<std::vector<RuleSuggestion>> SuggestRules(const Config& config, Store& store,
                                                   const SuggestOptions& options) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<StoredLabel> rows, store.Labels(0));
  LOGSIEVE_ASSIGN_OR_RETURN(Normalizer normalizer, Normalizer::FromConfig(config));

  // The existing rules, to leave out what they already decide.
  std::unique_ptr<RuleSet> existing;
  std::string rules_path = config.GetString("rules.file");
  if (rules_path.empty()) rules_path = BundledPath("rules/default.yaml");
  if (rules_path != "none") {
    LOGSIEVE_ASSIGN_OR_RETURN(RuleFile file, LoadRuleFile(rules_path));
    LOGSIEVE_ASSIGN_OR_RETURN(existing, RuleSet::Compile(std::move(file), {.spans = false}));
  }

  // Candidates: frequent LLM templates, one per template text.
  std::vector<RuleSuggestion> candidates;
  std::map<std::string, bool> seen;
  for (const StoredLabel& r : rows) {
    if (r.origin != "llm" || r.count < options.min_support) continue;
    std::string tmpl;
    normalizer.Normalize(r.text, &tmpl);
    if (!seen.emplace(tmpl, true).second) continue;
    if (existing && existing->Match(r.source, r.text)) continue;  // collides
    RuleSuggestion s;
    s.rule.id = "suggested-" + Slug(r.label) + "-" + std::to_string(candidates.size() + 1);
    s.rule.pattern = PatternOf(tmpl);
    s.rule.label = r.label;
    s.support = r.count;
    s.example = r.text;
    candidates.push_back(std::move(s));
  }
  if (candidates.empty()) return candidates;

  // Precision on the store: every candidate against every stored line at once.
  RuleFile file;
  file.origin = "suggestions";
  for (const RuleSuggestion& s : candidates) file.rules.push_back(s.rule);
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<RuleSet> set,
                            RuleSet::Compile(std::move(file), {.spans = false}));
  std::vector<int64_t> right(candidates.size(), 0);
  std::vector<uint32_t> hits;
  for (const StoredLabel& r : rows) {
    hits.clear();
    set->MatchAll(r.source, r.text, &hits);
    for (uint32_t h : hits) {
      candidates[h].matched += r.count;
      if (r.label == candidates[h].rule.label) right[h] += r.count;
    }
  }
  std::vector<RuleSuggestion> out;
  for (size_t i = 0; i < candidates.size(); ++i) {
    RuleSuggestion& s = candidates[i];
    if (s.matched == 0) continue;  // the pattern misses its own example: not proposed
    s.precision = static_cast<double>(right[i]) / static_cast<double>(s.matched);
    if (s.precision < options.min_precision) continue;
    char description[200];
    std::snprintf(description, sizeof description,
                  "suggested: support %lld lines, precision %.3f on the store (%lld lines matched)",
                  static_cast<long long>(s.support), s.precision,
                  static_cast<long long>(s.matched));
    s.rule.description = description;
    out.push_back(std::move(s));
  }
  std::stable_sort(out.begin(), out.end(), [](const RuleSuggestion& a, const RuleSuggestion& b) {
    return a.support > b.support;
  });
  if (out.size() > options.limit) out.resize(options.limit);
  return out;
}

std::string SuggestionsYaml(const std::vector<RuleSuggestion>& suggestions,
                            const std::string& store_path) {
  std::string out = "# logsieve rules suggest: proposals from the store " + store_path +
                    "\n# Nothing is applied. Read each one, copy what is right into your rule "
                    "file (before\n# broader rules), then run `logsieve rules check FILE`.\n";
  if (suggestions.empty()) return out + "rules: []\n";
  out += "rules:\n";
  for (const RuleSuggestion& s : suggestions) {
    std::string example = s.example;
    for (char& c : example) c = (c == '\n' || c == '\r') ? ' ' : c;
    out += "  # e.g. " + Quoted(example) + "\n";
    out += "  - id: " + s.rule.id + "\n";
    out += "    pattern: " + Quoted(s.rule.pattern) + "\n";
    out += "    label: " + Quoted(s.rule.label) + "\n";
    out += "    description: " + Quoted(s.rule.description) + "\n";
  }
  return out;
}

}  // namespace logsieve
