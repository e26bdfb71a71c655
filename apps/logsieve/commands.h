// The `logsieve` subcommands. Each Add*Command registers one subcommand on the
// app; its callback parses nothing itself and calls one library function.
// Failures throw CLI::RuntimeError (see pipeline_flags.h: Fail) with exit code
// 2 for bad input or usage, 1 for runtime failures; main prints the message.
#ifndef LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_
#define LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_

#include <CLI/CLI.hpp>

namespace logsieve::cli {

// `logsieve classify INPUT`: label every record of a CSV, NDJSON or text input.
void AddClassifyCommand(CLI::App& app);
// `logsieve patterns INPUT`: the mined template of every record, or --summary.
void AddPatternsCommand(CLI::App& app);
// `logsieve config`: the documented defaults or the effective configuration.
void AddConfigCommand(CLI::App& app);
// `logsieve rules check|test`: validate, lint and try out a rule file.
void AddRulesCommand(CLI::App& app);
// `logsieve train`, `eval` and `gen-data` (cmd_train.cc).
void AddTrainCommand(CLI::App& app);
// `logsieve llm [--check] LINE...`: ask the LLM stage alone (endpoint, key, prompt).
void AddLlmCommand(CLI::App& app);
// `tokenize` and `embed`: a transformer encoder's ids and vectors for stdin lines.
void AddEmbedCommand(CLI::App& app);
// `logsieve serve`: the HTTP API.
void AddServeCommand(CLI::App& app);
// `logsieve worker`: a Redis Streams consumer-group member (src/stream).
void AddWorkerCommand(CLI::App& app);
// `logsieve review`, `feedback import`, `store stats|purge`: the learning loop (cmd_store.cc).
void AddStoreCommands(CLI::App& app);
// `logsieve learn`, `models list|activate|rollback`, `rules suggest` (cmd_learn.cc;
// after AddRulesCommand).
void AddLearnCommands(CLI::App& app);

}  // namespace logsieve::cli

#endif  // LOGSIEVE_APPS_LOGSIEVE_COMMANDS_H_
