// The `logsieve` subcommands. Each Add*Command registers one subcommand on the
// app; its callback parses nothing itself and calls one library function.
#ifndef LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_
#define LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace logsieve::cli {

// Exit codes: 0 ok, 1 runtime failure, 2 bad usage or bad input.
void AddConfigCommand(CLI::App& app);
// `tokenize` and `embed`: a transformer encoder's ids and vectors for stdin lines.
void AddEmbedCommand(CLI::App& app);

}  // namespace logsieve::cli

#endif  // LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_
