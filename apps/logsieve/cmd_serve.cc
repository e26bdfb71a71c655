// `logsieve serve`: the HTTP API (see doc/server.md).
#include <memory>
#include <optional>
#include <string>

#include "commands.h"
#include "learn/learn.h"
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
  AddExamples(cmd,
              {"logsieve serve --port 8000   # then http://127.0.0.1:8000/ui/ and /docs",
               "LOGSIEVE_LLM_API_KEY=... logsieve serve --host 0.0.0.0 --set store.enabled=on"});
  cmd->callback([opts] {
    // Called at start and again at each reload (SIGHUP, POST /admin/reload):
    // the config file and environment are read anew, the flags applied again.
    auto load_config = [opts]() -> StatusOr<Config> {
      LOGSIEVE_ASSIGN_OR_RETURN(Config config, opts->pipeline.BuildConfig());
      if (!opts->host.empty()) {
        LOGSIEVE_RETURN_IF_ERROR(config.Set("server.host", opts->host, "flag --host"));
      }
      if (opts->port >= 0) {
        LOGSIEVE_RETURN_IF_ERROR(
            config.Set("server.port", std::to_string(opts->port), "flag --port"));
      }
      return config;
    };
    StatusOr<Config> config = load_config();
    if (!config.ok()) Fail(config.status());
    if (Status s = RunServer(load_config, LOGSIEVE_VERSION, MakeModelService(*config),
                             MakeLearningHooks(*config));
        !s.ok())
      Fail(s);
  });
}

}  // namespace logsieve::cli
