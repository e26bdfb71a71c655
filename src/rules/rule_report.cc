#include "rules/rule_report.h"

#include <algorithm>
#include <cstdio>
#include <map>
#include <set>
#include <tuple>

#include <nlohmann/json.hpp>

namespace logsieve {

RuleReport AnalyzeRules(const RuleSet& rules, std::span<const LogRecord> sample, size_t max_examples) {
  RuleReport report;
  report.lines = sample.size();
  report.matches.assign(rules.size(), 0);
  report.wins.assign(rules.size(), 0);
  std::vector<std::set<uint32_t>> winners_over(rules.size());  // who won the lines rule j matched
  std::vector<uint32_t> hits;
  for (size_t i = 0; i < sample.size(); ++i) {
    rules.MatchAll(sample[i].source, sample[i].message, &hits);
    if (hits.empty()) {
      ++report.unmatched;
      continue;
    }
    ++report.matched;
    ++report.wins[hits.front()];
    for (uint32_t r : hits) {
      ++report.matches[r];
      winners_over[r].insert(hits.front());
    }
    if (hits.size() > 1) {
      ++report.overlapping;
      if (report.overlaps.size() < max_examples) report.overlaps.push_back({i, hits});
    }
  }
  for (uint32_t r = 0; r < rules.size(); ++r) {
    if (report.matches[r] > 0 && report.wins[r] == 0) {
      report.shadowed.push_back({r, std::vector<uint32_t>(winners_over[r].begin(), winners_over[r].end())});
    }
  }
  return report;
}

std::vector<std::pair<uint32_t, uint32_t>> DuplicatePatterns(const RuleSet& rules) {
  std::map<std::tuple<std::string, bool, bool, bool>, uint32_t> first;
  std::vector<std::pair<uint32_t, uint32_t>> out;
  for (uint32_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules.rule(i);
    auto [it, inserted] = first.emplace(std::make_tuple(r.pattern, r.case_insensitive, r.dot_all, r.multi_line), i);
    if (!inserted) out.emplace_back(i, it->second);
  }
  return out;
}

RuleLint LintRules(const RuleSet& rules, const RuleReport* sample) {
  RuleLint lint;
  std::vector<std::string>& warnings = lint.warnings;
  for (const auto& [later, earlier] : DuplicatePatterns(rules)) {
    warnings.push_back(RuleWhere(rules.origin(), rules.rule(later)) + ": same pattern and flags as rule '" +
                       rules.rule(earlier).id + "' (line " + std::to_string(rules.rule(earlier).line) + ")");
  }
  if (sample == nullptr) return lint;
  for (const RuleReport::Shadowed& s : sample->shadowed) {
    std::string by;
    for (uint32_t r : s.by) by += (by.empty() ? "'" : ", '") + rules.rule(r).id + "'";
    warnings.push_back(RuleWhere(rules.origin(), rules.rule(s.rule)) + ": never wins on the sample: every line it matches (" +
                       std::to_string(sample->matches[s.rule]) + ") is won by earlier rule " + by);
  }
  for (uint32_t r = 0; r < rules.size(); ++r) {
    if (sample->matches[r] == 0) {
      lint.notes.push_back(RuleWhere(rules.origin(), rules.rule(r)) + ": matches no line of the sample");
    }
  }
  return lint;
}

std::string FormatRuleReport(const RuleSet& rules, const RuleReport& report) {
  std::string out;
  char buf[512];
  size_t width = 4;
  for (const Rule& r : rules.rules()) width = std::max(width, r.id.size());
  width = std::min<size_t>(width, 48);
  std::snprintf(buf, sizeof buf, "%-*s  %8s  %8s  %s\n", static_cast<int>(width), "rule", "wins", "matches", "label");
  out += buf;
  for (uint32_t i = 0; i < rules.size(); ++i) {
    const Rule& r = rules.rule(i);
    std::snprintf(buf, sizeof buf, "%-*s  %8zu  %8zu  %s\n", static_cast<int>(width), r.id.c_str(), report.wins[i],
                  report.matches[i], r.label.c_str());
    out += buf;
  }
  out += "\nlines: " + std::to_string(report.lines) + ", matched: " + std::to_string(report.matched) +
         ", unmatched: " + std::to_string(report.unmatched) +
         ", matched by more than one rule: " + std::to_string(report.overlapping) + "\n";
  for (const RuleReport::Overlap& o : report.overlaps) {
    out += "  line " + std::to_string(o.line + 1) + ":";
    for (uint32_t r : o.rules) out += " " + rules.rule(r).id;
    out += "\n";
  }
  if (report.overlapping > report.overlaps.size()) {
    out += "  ... and " + std::to_string(report.overlapping - report.overlaps.size()) + " more\n";
  }
  return out;
}

nlohmann::json RuleReportJson(const RuleSet& rules, const RuleReport& report) {
  using json = nlohmann::json;
  json j = {{"file", rules.origin()},
            {"lines", report.lines},
            {"matched", report.matched},
            {"unmatched", report.unmatched},
            {"overlapping", report.overlapping}};
  json per_rule = json::array();
  for (uint32_t i = 0; i < rules.size(); ++i) {
    per_rule.push_back({{"id", rules.rule(i).id},
                        {"label", rules.rule(i).label},
                        {"matches", report.matches[i]},
                        {"wins", report.wins[i]}});
  }
  j["rules"] = std::move(per_rule);
  json overlaps = json::array();
  for (const RuleReport::Overlap& o : report.overlaps) {
    json ids = json::array();
    for (uint32_t r : o.rules) ids.push_back(rules.rule(r).id);
    overlaps.push_back({{"line", o.line + 1}, {"rules", ids}});
  }
  j["overlaps"] = std::move(overlaps);
  json shadowed = json::array();
  for (const RuleReport::Shadowed& s : report.shadowed) {
    json by = json::array();
    for (uint32_t r : s.by) by.push_back(rules.rule(r).id);
    shadowed.push_back({{"rule", rules.rule(s.rule).id}, {"by", by}});
  }
  j["shadowed"] = std::move(shadowed);
  return j;
}

}  // namespace logsieve
