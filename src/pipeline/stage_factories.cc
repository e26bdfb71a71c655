#include "pipeline/stage_factories.h"

#include "llm/llm_stage.h"
#include "model/model_stage.h"
#include "rules/rules_stage.h"

namespace logsieve {

const std::vector<std::string_view>& KnownStageNames() {
  static const std::vector<std::string_view> names = {"rules", "model", "llm"};
  return names;
}

StatusOr<std::unique_ptr<Stage>> MakeStage(std::string_view name, const Config& config) {
  if (name == "rules") return MakeRulesStage(config);
  if (name == "model") return MakeModelStage(config);
  if (name == "llm") return MakeLlmStage(config);
  return InternalError("no factory for stage '" + std::string(name) + "'");
}

}  // namespace logsieve
