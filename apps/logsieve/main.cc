// logsieve: labels every log line with the cheapest method that is sure.
#include <CLI/CLI.hpp>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"logsieve: a hybrid log classifier (rules, then a model, then an LLM)", "logsieve"};
  app.set_version_flag("--version", std::string("logsieve ") + LOGSIEVE_VERSION);
  app.require_subcommand(1);
  logsieve::cli::AddConfigCommand(app);
  logsieve::cli::AddEmbedCommand(app);
  CLI11_PARSE(app, argc, argv);
  return 0;
}
