// logsieve: labels every log line with the cheapest method that is sure.
#include <CLI/CLI.hpp>
#include <iostream>

#include "commands.h"

// Every exception is caught below (CLI11 reports usage errors by throwing);
// the handlers only print.
int main(int argc, char** argv) {  // NOLINT(bugprone-exception-escape)
  CLI::App app{"logsieve: a hybrid log classifier (rules, then a model, then an LLM)", "logsieve"};
  app.set_version_flag("--version", std::string("logsieve ") + LOGSIEVE_VERSION);
  app.require_subcommand(1);
  logsieve::cli::AddClassifyCommand(app);
  logsieve::cli::AddPatternsCommand(app);
  logsieve::cli::AddServeCommand(app);
  logsieve::cli::AddTrainCommand(app);
  logsieve::cli::AddRulesCommand(app);
  logsieve::cli::AddLlmCommand(app);
  logsieve::cli::AddEmbedCommand(app);
  logsieve::cli::AddConfigCommand(app);
  logsieve::cli::AddWorkerCommand(app);
  logsieve::cli::AddStoreCommands(app);
  logsieve::cli::AddLearnCommands(app);
  try {
    app.parse(argc, argv);
  } catch (const CLI::RuntimeError& e) {
    if (*e.what() != '\0') std::cerr << e.what() << "\n";
    return e.get_exit_code();
  } catch (const CLI::ParseError& e) {
    // --help and --version exit 0; every usage error exits 2, like bad input.
    int code = app.exit(e);
    return code == 0 ? 0 : 2;
  } catch (const std::exception& e) {
    // The library never throws; this is the last edge for the standard
    // library's own (bad_alloc) and any bug, reported instead of an abort.
    std::cerr << "logsieve: internal error: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
