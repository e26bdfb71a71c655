// `logsieve rules check FILE [--sample CSV]` and `logsieve rules test FILE --input CSV [--json]`.
#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/config.h"
#include "common/json.h"
#include "io/records.h"
#include "pipeline_flags.h"
#include "rules/rule_report.h"
#include "rules/rule_set.h"
#include "rules/rules_stage.h"

namespace logsieve::cli {
namespace {

// Every record (source, log_message) of a CSV file; "-" reads stdin.
StatusOr<std::vector<LogRecord>> ReadRecords(const std::string& path) {
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<InputStream> in, InputStream::Open(path));
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<RecordReader> reader,
                            RecordReader::Open(std::move(in), ReadOptions{}));
  std::vector<LogRecord> records;
  RecordBatch batch;
  while (true) {
    batch.Clear();
    LOGSIEVE_ASSIGN_OR_RETURN(size_t n, reader->Read(4096, &batch));
    if (n == 0) break;
    for (LogRecord& r : batch.batch.records) records.push_back(std::move(r));
  }
  return records;
}

// Parses, compiles and checks labels against the configured label set.
std::unique_ptr<RuleSet> LoadChecked(const std::string& file, const std::string& config_file) {
  StatusOr<Environment> env = Environment::FromProcess(".env");
  if (!env.ok()) Fail(env.status());
  StatusOr<Config> config = Config::Load(config_file, *env);
  if (!config.ok()) Fail(config.status());
  StatusOr<RuleFile> parsed = LoadRuleFile(file);
  if (!parsed.ok()) Fail(parsed.status());
  // Every error at once: bad patterns and bad labels.
  Status labels = CheckRuleLabels(*parsed, config->labels());
  StatusOr<std::unique_ptr<RuleSet>> rules = RuleSet::Compile(*std::move(parsed), {.spans = false});
  if (!rules.ok() && !labels.ok())
    Fail(InvalidArgumentError(rules.status().message() + "\n" + labels.message()));
  if (!rules.ok()) Fail(rules.status());
  if (!labels.ok()) Fail(labels);
  return *std::move(rules);
}

std::vector<LogRecord> ReadOrFail(const std::string& path) {
  StatusOr<std::vector<LogRecord>> records = ReadRecords(path);
  if (!records.ok()) Fail(records.status());
  return *std::move(records);
}

}  // namespace

void AddRulesCommand(CLI::App& app) {
  CLI::App* rules = app.add_subcommand("rules", "Check and try out a rule file");
  rules->require_subcommand(1);

  struct CheckOpts {
    std::string file, sample, config;
    bool strict = false;
  };
  auto check = std::make_shared<CheckOpts>();
  CLI::App* cmd = rules->add_subcommand(
      "check",
      "Validate a rule file (syntax, patterns, labels) and lint it: duplicate patterns, and with "
      "--sample, rules that never win on it");
  cmd->add_option("file", check->file, "Rule file (YAML)")->required();
  cmd->add_option("--sample", check->sample, "CSV with source,log_message columns to lint against");
  cmd->add_option("--config", check->config, "Config file whose `labels` the rules must use");
  cmd->add_flag("--strict", check->strict, "Exit 2 when there are warnings, too");
  AddExamples(cmd, {"logsieve rules check rules/default.yaml",
                    "logsieve rules check my-rules.yaml --sample data/sample.csv --strict"});
  cmd->callback([check] {
    std::unique_ptr<RuleSet> set = LoadChecked(check->file, check->config);
    std::optional<RuleReport> report;
    if (!check->sample.empty()) report = AnalyzeRules(*set, ReadOrFail(check->sample));
    RuleLint lint = LintRules(*set, report ? &*report : nullptr);
    const std::vector<std::string>& warnings = lint.warnings;
    for (const std::string& n : lint.notes) std::cout << "note: " << n << "\n";
    for (const std::string& w : warnings) std::cout << "warning: " << w << "\n";
    std::cout << set->origin() << ": " << set->size() << " rules OK, " << warnings.size()
              << " warning" << (warnings.size() == 1 ? "" : "s");
    if (report)
      std::cout << " (sample: " << report->lines << " lines, " << report->unmatched
                << " unmatched)";
    std::cout << "\n";
    if (check->strict && !warnings.empty()) throw CLI::RuntimeError("", 2);
  });

  struct TestOpts {
    std::string file, input, config;
    bool json = false;
  };
  auto test = std::make_shared<TestOpts>();
  cmd = rules->add_subcommand(
      "test",
      "Run a rule file over a CSV: hits per rule, lines matched by more than one rule, unmatched");
  cmd->add_option("file", test->file, "Rule file (YAML)")->required();
  cmd->add_option("--input", test->input, "CSV with source,log_message columns (- for stdin)")
      ->required();
  cmd->add_option("--config", test->config, "Config file whose `labels` the rules must use");
  cmd->add_flag("--json", test->json, "Print the report as JSON");
  AddExamples(cmd, {"logsieve rules test my-rules.yaml --input data/sample.csv",
                    "logsieve rules test my-rules.yaml --input - --json < logs.csv"});
  AddExamples(rules, {"logsieve rules check my-rules.yaml",
                      "logsieve rules test my-rules.yaml --input data/sample.csv",
                      "logsieve rules suggest > proposed.yaml"});
  cmd->callback([test] {
    std::unique_ptr<RuleSet> set = LoadChecked(test->file, test->config);
    RuleReport report = AnalyzeRules(*set, ReadOrFail(test->input));
    if (test->json) {
      std::cout << DumpJson(RuleReportJson(*set, report), 2) << "\n";
    } else {
      std::cout << FormatRuleReport(*set, report);
    }
  });
}

}  // namespace logsieve::cli
