#include "pipeline/stage_factories.h"

#include "rules/rules_stage.h"

namespace logsieve {

const std::vector<std::string_view>& KnownStageNames() {
  static const std::vector<std::string_view> names = {"rules", "model", "llm"};
  return names;
}

StatusOr<std::unique_ptr<Stage>> MakeStage(std::string_view name, const Config& config) {
  if (name == "rules") return MakeRulesStage(config);
  // Stages land here as their modules are built.
  return std::unique_ptr<Stage>();
}

}  // namespace logsieve
