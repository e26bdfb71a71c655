// The flags every command that runs the pipeline shares (classify, eval,
// serve): --config, --rules, --model, --threshold, --set KEY=VALUE; and the
// examples at the end of each subcommand's --help.
// A flag beats the environment, which beats the config file, which beats the
// defaults.
#ifndef LOGSIEVE_APPS_LOGSIEVE_PIPELINE_FLAGS_H_
#define LOGSIEVE_APPS_LOGSIEVE_PIPELINE_FLAGS_H_

#include <CLI/CLI.hpp>
#include <initializer_list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace logsieve::cli {

struct PipelineFlags {
  std::string config_file;
  std::string rules;
  std::string model;
  std::optional<double> threshold;
  std::vector<std::string> sets;  // KEY=VALUE

  // Defaults < --config < environment (+ .env) < flags.
  StatusOr<Config> BuildConfig() const;
  // BuildConfig(), or Fail() with its error.
  Config BuildConfigOrFail() const;
};

// Registers the shared flags on `cmd`, bound to *flags (which must outlive it).
void AddPipelineFlags(CLI::App* cmd, PipelineFlags* flags);
// --config and --set only, for commands that load no rules or model (store,
// models, review, llm): their --help lists no flag they would ignore.
void AddConfigFlags(CLI::App* cmd, PipelineFlags* flags);

// Ends `cmd --help` with "Examples:" and one command a user would type per line.
void AddExamples(CLI::App* cmd, std::initializer_list<std::string_view> examples);

// Prints "logsieve: <message>" to stderr and throws CLI::RuntimeError with the
// exit code for the status (2 for bad input or usage, 1 otherwise).
[[noreturn]] void Fail(const Status& status);

}  // namespace logsieve::cli

#endif  // LOGSIEVE_APPS_LOGSIEVE_PIPELINE_FLAGS_H_
