#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "common/decision.h"
#include "llm/llm_stage.h"
#include "pipeline_flags.h"

namespace logsieve::cli {
namespace {

struct LlmOptions {
  PipelineFlags pipeline;  // --config and --set only
  std::string source = "cli";
  std::vector<std::string> messages;
  bool check = false;
};

// Sends the lines through the LLM stage alone; one NDJSON decision per line on
// stdout, the stage's description and summary on stderr.
Status RunLlm(const LlmOptions& o) {
  LOGSIEVE_ASSIGN_OR_RETURN(Config config, o.pipeline.BuildConfig());
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<Stage> stage, MakeLlmStage(config));
  Batch batch;
  std::vector<std::string> lines = o.messages;
  if (lines.empty()) {
    for (std::string line; std::getline(std::cin, line);) lines.push_back(line);
  }
  for (std::string& l : lines) batch.records.push_back({o.source, std::move(l)});
  batch.Reset();
  std::vector<size_t> pending(batch.size());
  for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
  std::cerr << stage->description() << "\n";
  LOGSIEVE_RETURN_IF_ERROR(stage->Decide(batch, pending));

  size_t degraded = 0;
  for (size_t i = 0; i < batch.size(); ++i) {
    const Decision& d = batch.decisions[i];
    nlohmann::json out = {
        {"source", batch.records[i].source},
        {"log_message", batch.records[i].message},
        {"target_label", d.label},
        {"method_used", MethodName(d.method)},
        {"confidence", d.confidence ? nlohmann::json(*d.confidence) : nlohmann::json()},
        {"degraded", d.degraded},
        {"detail", d.detail}};
    std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
    degraded += d.degraded;
  }
  std::cerr << GetLlmStats(*stage)->Summary() << "\n";
  if (o.check && degraded > 0) {
    return UnavailableError("llm check failed: " + std::to_string(degraded) + " of " +
                            std::to_string(batch.size()) + " lines got a degraded decision");
  }
  return OkStatus();
}

}  // namespace

void AddLlmCommand(CLI::App& app) {
  auto o = std::make_shared<LlmOptions>();
  CLI::App* cmd = app.add_subcommand("llm",
                                     "Ask the LLM stage alone about log lines (arguments, or "
                                     "stdin): checks endpoint, key and prompt");
  cmd->add_option("messages", o->messages, "Log lines; without any, one per line from stdin");
  cmd->add_option("--source", o->source, "Source system of the lines (default: cli)");
  cmd->add_flag("--check", o->check,
                "Exit 1 when any line got a degraded decision (endpoint, key, budget)");
  cmd->add_option("--config", o->pipeline.config_file,
                  "Config file (YAML); see `logsieve config --print-defaults`");
  cmd->add_option("--set", o->pipeline.sets, "Any config key: --set llm.model=NAME (repeatable)")
      ->allow_extra_args(false);  // one KEY=VALUE per --set; the rest are messages
  cmd->callback([o] {
    Status s = RunLlm(*o);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace logsieve::cli
