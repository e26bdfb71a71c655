#include "rules/rules_stage.h"

#include <algorithm>
#include <atomic>
#include <cstdio>

#include "common/metrics.h"
#include "common/paths.h"
#include "common/version_id.h"
#include "rules/rule_cache.h"

namespace logsieve {
namespace {

class RulesStage final : public Stage {
 public:
  RulesStage(std::shared_ptr<const RuleSet> rules, const LabelSet& labels)
      : rules_(std::move(rules)) {
    // One counter per rule (the rule file bounds the label set): the
    // dashboard's rule hit counts, and which rules never fire.
    MetricsRegistry& m = MetricsRegistry::Global();
    for (const Rule& rule : rules_->rules()) {
      hits_.push_back(&m.GetCounter("logsieve_rule_hits_total", "Lines decided by each rule",
                                    {{"rule", rule.id}}));
      std::optional<std::string_view> answer = labels.Map(rule.label);
      answers_.emplace_back(answer ? std::optional<std::string>(*answer) : std::nullopt);
    }
  }

  std::string_view name() const override { return "rules"; }
  bool cacheable() const override { return false; }
  std::string description() const override {
    return "rules: " + std::to_string(rules_->size()) + " rules from " + rules_->origin();
  }
  std::string version() const override { return VersionId(rules_->text_hash()); }

  Status Decide(Batch& batch, std::span<const size_t> pending) const override {
    for (size_t i : pending) {
      const LogRecord& record = batch.records[i];
      std::optional<RuleMatch> match = rules_->Match(record.source, record.message);
      if (!match) continue;
      const Rule& rule = rules_->rule(match->rule);
      const std::optional<std::string>& answer = answers_[match->rule];
      // A rule whose label the set leaves unmapped is unsure: the line goes
      // on, and no later rule gets it (file order is the rules' precedence).
      if (!answer) continue;
      Decision& d = batch.decisions[i];
      d.label = *answer;
      d.method = Method::kRegex;
      d.confidence = rule.confidence;
      d.detail.assign("rule ").append(rule.id);
      if (*answer != rule.label) d.detail.append(" (" + rule.label + " -> " + *answer + ")");
      hits_[match->rule]->Inc();
      d.rule_id = rule.id;
      d.rule_span.reset();
      if (match->span) {
        d.detail.append(" [").append(std::to_string(match->span->first)).append(",");
        d.detail.append(std::to_string(match->span->second)).append(")");
        d.rule_span.emplace(match->span->first, match->span->second);
      }
      d.degraded = false;
    }
    return OkStatus();
  }

 private:
  std::shared_ptr<const RuleSet> rules_;
  std::vector<Counter*> hits_;  // by rule index
  // By rule index: the label a match answers (labels.Map), nullopt: unsure.
  std::vector<std::optional<std::string>> answers_;
};

// One line on stderr per process: an unusable cache costs start-up time, never
// a failure, and a server that reloads its rules should not repeat itself.
void WarnOnce(const std::string& why) {
  static std::atomic<bool> warned{false};
  if (warned.exchange(true)) return;
  std::fprintf(stderr,
               "logsieve: warning: %s; rules are compiled at every start (set rules.cache_dir to "
               "another directory, or to off)\n",
               why.c_str());
}

}  // namespace

Status CheckRuleLabels(const RuleFile& file, const LabelSet& labels) {
  std::string message;
  for (const Rule& rule : file.rules) {
    if (!labels.Accepts(rule.label, BundledLabels().names())) {
      if (!message.empty()) message += "\n";
      message += RuleWhere(file.origin, rule) + ": label '" + rule.label +
                 "' is not in the label set [" + labels.JoinedNames() + "]";
      if (labels.uses_from()) message += " nor in any entry's `from`";
    }
  }
  return message.empty() ? OkStatus() : InvalidArgumentError(message);
}

Status CheckRuleLabels(const RuleSet& rules, const LabelSet& labels) {
  return CheckRuleLabels(RuleFile{rules.origin(), rules.rules()}, labels);
}

StatusOr<std::unique_ptr<Stage>> MakeRulesStage(std::shared_ptr<const RuleSet> rules,
                                                const LabelSet& labels) {
  LOGSIEVE_RETURN_IF_ERROR(CheckRuleLabels(*rules, labels));
  return std::unique_ptr<Stage>(std::make_unique<RulesStage>(std::move(rules), labels));
}

StatusOr<std::unique_ptr<Stage>> MakeRulesStage(const Config& config) {
  std::string path = config.GetString("rules.file");
  if (path == "none") return std::unique_ptr<Stage>();
  if (path.empty()) path = BundledPath("rules/default.yaml");
  LOGSIEVE_ASSIGN_OR_RETURN(RuleFile file, LoadRuleFile(path));
  LOGSIEVE_RETURN_IF_ERROR(CheckRuleLabels(file, config.labels()));  // before the costly compile
  RuleSetOptions options;
  options.spans = config.GetBool("rules.spans");
  options.cache_dir = ResolveRuleCacheDir(config.GetString("rules.cache_dir"));
  if (options.cache_dir.empty() && config.GetString("rules.cache_dir") != "off") {
    WarnOnce("rule cache: no cache directory ($XDG_CACHE_HOME and $HOME are unset or relative)");
  }
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<RuleSet> rules,
                            RuleSet::Compile(std::move(file), options));
  if (rules->cache_use() == RuleCacheUse::kUnavailable) WarnOnce(rules->cache_message());
  return std::unique_ptr<Stage>(std::make_unique<RulesStage>(
      std::shared_ptr<const RuleSet>(std::move(rules)), config.labels()));
}

}  // namespace logsieve
