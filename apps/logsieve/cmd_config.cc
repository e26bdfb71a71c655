// `logsieve config`: the documented defaults, or the effective configuration.
#include <iostream>
#include <memory>

#include "commands.h"
#include "common/config.h"
#include "pipeline_flags.h"

namespace logsieve::cli {

void AddConfigCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "config", "Print the configuration: the documented defaults, or the effective values");
  struct Opts {
    bool print_defaults = false;
    PipelineFlags pipeline;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_flag("--print-defaults", opts->print_defaults,
                "Print every key with its default and doc (a valid config file)");
  AddPipelineFlags(cmd, &opts->pipeline);
  AddExamples(cmd, {"logsieve config --print-defaults > logsieve.yaml",
                    "logsieve config --config logsieve.yaml --set pipeline.threshold=0.9"});
  cmd->callback([opts] {
    if (opts->print_defaults) {
      std::cout << Config::DefaultsYaml();
      return;
    }
    StatusOr<Config> config = opts->pipeline.BuildConfig();
    if (!config.ok()) Fail(config.status());
    std::cout << config->ToYaml();
  });
}

}  // namespace logsieve::cli
