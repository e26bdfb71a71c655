// `logsieve worker`: a Redis Streams consumer-group member (see doc/scaling.md).
#include <memory>
#include <string>

#include "commands.h"
#include "learn/learn.h"
#include "pipeline_flags.h"
#include "stream/worker.h"

namespace logsieve::cli {

void AddWorkerCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "worker", "Classify the entries of Redis streams as a consumer-group member (worker.* keys)");
  struct Opts {
    PipelineFlags pipeline;
    std::string redis_url;
  };
  auto opts = std::make_shared<Opts>();
  cmd->add_option("--redis", opts->redis_url,
                  "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB] (worker.redis_url)");
  AddPipelineFlags(cmd, &opts->pipeline);
  AddExamples(cmd, {"logsieve worker --redis redis://localhost:6379 --set worker.streams=[logs]"});
  cmd->callback([opts] {
    StatusOr<Config> config = opts->pipeline.BuildConfig();
    if (!config.ok()) Fail(config.status());
    if (!opts->redis_url.empty()) {
      if (Status s = config->Set("worker.redis_url", opts->redis_url, "flag --redis"); !s.ok())
        Fail(s);
    }
    if (Status s = RunWorker(*config, MakeLearningHooks(*config)); !s.ok()) Fail(s);
  });
}

}  // namespace logsieve::cli
