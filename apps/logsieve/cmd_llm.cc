#include <iostream>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "commands.h"
#include "common/decision.h"
#include "common/json.h"
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
    std::cout << DumpJson(out) << "\n";
    degraded += d.degraded;
  }
  const LlmStats stats = *GetLlmStats(*stage);
  std::cerr << stats.Summary() << "\n";
  if (o.check && degraded > 0) {
    return UnavailableError("llm check failed: " + std::to_string(degraded) + " of " +
                            std::to_string(batch.size()) + " lines got a degraded decision");
  }
  // The endpoint answered, but not as the prompt asks (prose, no label, a
  // label outside the set): the model or prompt is wrong for logsieve.
  if (o.check && stats.lines_unparsed > 0) {
    std::string example;
    for (const Decision& d : batch.decisions) {
      if (d.method == Method::kNone && !d.degraded) {
        example = d.detail;
        break;
      }
    }
    return UnavailableError("llm check failed: " + std::to_string(stats.lines_unparsed) + " of " +
                            std::to_string(batch.size()) +
                            " answers could not be read as a label (" + example + ")");
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
                "Exit 1 when any line got a degraded decision (endpoint, key, budget) or an "
                "answer that is not a label of the set (prose, bad JSON)");
  AddConfigFlags(cmd, &o->pipeline);  // one KEY=VALUE per --set; the rest are messages
  AddExamples(cmd, {"logsieve llm --check \"disk /dev/sda1 at 97%\"",
                    "logsieve llm --set llm.base_url=http://localhost:11434/v1 --set "
                    "llm.require_key=false < lines.txt"});
  cmd->callback([o] {
    Status s = RunLlm(*o);
    if (!s.ok()) Fail(s);
  });
}

}  // namespace logsieve::cli
