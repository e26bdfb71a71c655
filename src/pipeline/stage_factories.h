// The stages logsieve knows, by the names used in config (pipeline.stages,
// pipeline.routes): "rules", "model", "llm".
#ifndef LOGSIEVE_PIPELINE_STAGE_FACTORIES_H_
#define LOGSIEVE_PIPELINE_STAGE_FACTORIES_H_

#include <memory>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/stage.h"
#include "common/status.h"

namespace logsieve {

// Every stage name, in pipeline order.
const std::vector<std::string_view>& KnownStageNames();

// Builds the named stage from config. Returns a null pointer when the stage
// is configured off (e.g. rules.file: none). REQUIRES: name is known.
StatusOr<std::unique_ptr<Stage>> MakeStage(std::string_view name, const Config& config);

}  // namespace logsieve

#endif  // LOGSIEVE_PIPELINE_STAGE_FACTORIES_H_
