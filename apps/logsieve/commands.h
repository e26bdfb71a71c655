// The `logsieve` subcommands. Each Add*Command registers one subcommand on the
// app; its callback parses nothing itself and calls one library function.
// Failures throw CLI::RuntimeError (see pipeline_flags.h: Fail) with exit code
// 2 for bad input or usage, 1 for runtime failures; main prints the message.
#ifndef LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_
#define LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace logsieve::cli {

void AddClassifyCommand(CLI::App& app);
void AddConfigCommand(CLI::App& app);
// `logsieve rules check|test`: validate, lint and try out a rule file.
void AddRulesCommand(CLI::App& app);
void AddServeCommand(CLI::App& app);

}  // namespace logsieve::cli

#endif  // LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_
