// `logsieve serve`: the HTTP API (see doc/server.md).
#include <memory>
#include <optional>
#include <string>

#include "commands.h"
#include "pipeline_flags.h"
#include "serve_models.h"
#include "server/server.h"

namespace logsieve::cli {

void AddServeCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "serve", "Serve the HTTP API: /classify/, /classify-single/, /v1/classify, /docs, /metrics");
  struct Opts {
    PipelineFlags pipeline;
    std::string host;
    int port = -1;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("--host", opts->host, "Address to listen on (server.host; default 127.0.0.1)");
  cmd->add_option("--port", opts->port,
                  "Port to listen on, 0 for any free one (server.port; default 8000)");
  AddPipelineFlags(cmd, &opts->pipeline);
  cmd->callback([opts] {
    StatusOr<Config> config = opts->pipeline.BuildConfig();
    if (!config.ok()) Fail(config.status());
    if (!opts->host.empty()) {
      if (Status s = config->Set("server.host", opts->host, "flag --host"); !s.ok()) Fail(s);
    }
    if (opts->port >= 0) {
      if (Status s = config->Set("server.port", std::to_string(opts->port), "flag --port"); !s.ok())
        Fail(s);
    }
    if (Status s = RunServer(*config, LOGSIEVE_VERSION, MakeModelService(*config)); !s.ok())
      Fail(s);
  });
}

}  // namespace logsieve::cli
