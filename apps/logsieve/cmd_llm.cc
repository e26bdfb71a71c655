#include <iostream>
#include <memory>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "commands.h"
#include "common/config.h"
#include "common/decision.h"
#include "llm/llm_stage.h"

namespace logsieve::cli {

void AddLlmCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "llm", "Ask the LLM stage alone about log lines (arguments, or stdin): checks endpoint, key and prompt");
  struct Opts {
    std::string config_file;
    std::string source = "cli";
    std::vector<std::string> messages;
    bool check = false;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("--config", opts->config_file, "Config file (YAML)");
  cmd->add_option("--source", opts->source, "Source system of the lines");
  cmd->add_flag("--check", opts->check, "Exit 1 when any line got a degraded decision (endpoint, key, budget)");
  cmd->add_option("messages", opts->messages, "Log lines; without any, one per line from stdin");
  cmd->callback([opts] {
    StatusOr<Environment> env = Environment::FromProcess(".env");
    if (!env.ok()) throw CLI::RuntimeError(env.status().message(), 2);
    StatusOr<Config> config = Config::Load(opts->config_file, *env);
    if (!config.ok()) throw CLI::RuntimeError(config.status().message(), 2);
    StatusOr<std::unique_ptr<Stage>> stage = MakeLlmStage(*config);
    if (!stage.ok()) throw CLI::RuntimeError(stage.status().message(), 2);

    Batch batch;
    std::vector<std::string> lines = opts->messages;
    if (lines.empty()) {
      for (std::string line; std::getline(std::cin, line);) lines.push_back(line);
    }
    for (std::string& l : lines) batch.records.push_back({opts->source, std::move(l)});
    batch.Reset();
    std::vector<size_t> pending(batch.size());
    for (size_t i = 0; i < pending.size(); ++i) pending[i] = i;
    std::cerr << (*stage)->description() << "\n";
    if (Status s = (*stage)->Decide(batch, pending); !s.ok()) throw CLI::RuntimeError(s.ToString(), 1);

    bool degraded = false;
    for (size_t i = 0; i < batch.size(); ++i) {
      const Decision& d = batch.decisions[i];
      nlohmann::json out = {{"source", batch.records[i].source}, {"log_message", batch.records[i].message},
                            {"target_label", d.label}, {"method_used", MethodName(d.method)},
                            {"confidence", d.confidence ? nlohmann::json(*d.confidence) : nlohmann::json()},
                            {"degraded", d.degraded}, {"detail", d.detail}};
      std::cout << out.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) << "\n";
      degraded = degraded || d.degraded;
    }
    std::cerr << GetLlmStats(**stage)->Summary() << "\n";
    if (opts->check && degraded) throw CLI::RuntimeError("llm check failed: some lines were degraded", 1);
  });
}

}  // namespace logsieve::cli
