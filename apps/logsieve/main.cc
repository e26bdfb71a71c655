// logsieve: labels every log line with the cheapest method that is sure.
#include <CLI/CLI.hpp>

#include <iostream>

#include "commands.h"

int main(int argc, char** argv) {
  CLI::App app{"logsieve: a hybrid log classifier (rules, then a model, then an LLM)", "logsieve"};
  app.set_version_flag("--version", std::string("logsieve ") + LOGSIEVE_VERSION);
  app.require_subcommand(1);
  logsieve::cli::AddClassifyCommand(app);
  logsieve::cli::AddConfigCommand(app);
  logsieve::cli::AddRulesCommand(app);
  logsieve::cli::AddServeCommand(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    if (*e.what() != '\0') std::cerr << e.what() << "\n";
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    return app.exit(e);
  }
  return 0;
}
