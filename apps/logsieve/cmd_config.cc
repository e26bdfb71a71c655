#include <iostream>
#include <memory>

#include "commands.h"
#include "common/config.h"

namespace logsieve::cli {

void AddConfigCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "config", "Print the configuration: the documented defaults, or the effective values");
  struct Opts {
    bool print_defaults = false;
    std::string file;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_flag("--print-defaults", opts->print_defaults,
                "Print every key with its default and doc (a valid config file)");
  cmd->add_option("--config", opts->file, "Show the effective values with this config file");
  cmd->callback([opts] {
    if (opts->print_defaults) {
      std::cout << Config::DefaultsYaml();
      return;
    }
    StatusOr<Environment> env = Environment::FromProcess(".env");
    if (!env.ok()) throw CLI::RuntimeError(env.status().message(), 2);
    StatusOr<Config> config = Config::Load(opts->file, *env);
    if (!config.ok()) throw CLI::RuntimeError(config.status().message(), 2);
    std::cout << config->ToYaml();
  });
}

}  // namespace logsieve::cli
