#include "pipeline_flags.h"

#include <iostream>

namespace logsieve::cli {

namespace {

void AddConfigFileFlag(CLI::App* cmd, PipelineFlags* flags) {
  cmd->add_option("--config", flags->config_file,
                  "Config file (YAML); see `logsieve config --print-defaults`");
}

void AddSetFlag(CLI::App* cmd, PipelineFlags* flags) {
  // One KEY=VALUE per --set: what follows is a positional argument.
  cmd->add_option("--set", flags->sets, "Any config key: --set llm.model=NAME (repeatable)")
      ->allow_extra_args(false);
}

}  // namespace

void AddConfigFlags(CLI::App* cmd, PipelineFlags* flags) {
  AddConfigFileFlag(cmd, flags);
  AddSetFlag(cmd, flags);
}

void AddExamples(CLI::App* cmd, std::initializer_list<std::string_view> examples) {
  std::string text = "\nExamples:\n";
  for (std::string_view e : examples) text += "  " + std::string(e) + "\n";
  cmd->footer(text);
}

void AddPipelineFlags(CLI::App* cmd, PipelineFlags* flags) {
  AddConfigFileFlag(cmd, flags);
  cmd->add_option("--rules", flags->rules,
                  "Rule file (rules.file); \"none\" turns the rules stage off");
  cmd->add_option("--model", flags->model,
                  "Model file (model.file); \"none\" turns the model stage off");
  cmd->add_option("--threshold", flags->threshold,
                  "Model confidence needed to decide (pipeline.threshold)")
      ->check(CLI::Range(0.0, 1.0));
  AddSetFlag(cmd, flags);
}

Config PipelineFlags::BuildConfigOrFail() const {
  StatusOr<Config> config = BuildConfig();
  if (!config.ok()) Fail(config.status());
  return *std::move(config);
}

StatusOr<Config> PipelineFlags::BuildConfig() const {
  LOGSIEVE_ASSIGN_OR_RETURN(Environment env, Environment::FromProcess(".env"));
  LOGSIEVE_ASSIGN_OR_RETURN(Config config, Config::Load(config_file, env));
  if (!rules.empty()) LOGSIEVE_RETURN_IF_ERROR(config.Set("rules.file", rules, "flag --rules"));
  if (!model.empty()) LOGSIEVE_RETURN_IF_ERROR(config.Set("model.file", model, "flag --model"));
  if (threshold) {
    LOGSIEVE_RETURN_IF_ERROR(
        config.Set("pipeline.threshold", std::to_string(*threshold), "flag --threshold"));
  }
  for (const std::string& kv : sets) {
    size_t eq = kv.find('=');
    if (eq == std::string::npos)
      return InvalidArgumentError("--set '" + kv + "': expected KEY=VALUE");
    LOGSIEVE_RETURN_IF_ERROR(
        config.Set(kv.substr(0, eq), kv.substr(eq + 1), "flag --set " + kv.substr(0, eq)));
  }
  return config;
}

void Fail(const Status& status) {
  const bool bad_input =
      status.code() == StatusCode::kInvalidArgument || status.code() == StatusCode::kNotFound ||
      status.code() == StatusCode::kFailedPrecondition || status.code() == StatusCode::kDataLoss ||
      status.code() == StatusCode::kUnimplemented;
  throw CLI::RuntimeError("logsieve: " + status.message(), bad_input ? 2 : 1);
}

}  // namespace logsieve::cli
