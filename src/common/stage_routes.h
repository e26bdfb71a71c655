// StageRoute: one entry of `pipeline.routes`, the per-source stage lists
// (README, the config table; doc/architecture.md, "Flow"). The config table checks the value with
// ParseStageRoutes whenever the key is set, so a bad route is an error at
// load time naming the file and line; the pipeline reads the same parse.
//
// The one rule: a list (or null: no routes) of mappings with exactly the keys
// `sources` and `stages`; each is a string or a list of strings; `sources`
// names at least one source, `stages` is present, and every stage is one of
// the choices of `pipeline.stages` (rules, model, llm). Errors name the
// entry: "pipeline.routes[1]: unknown stage 'modle' (known: rules, model, llm)".
//
//   LOGSIEVE_ASSIGN_OR_RETURN(std::vector<StageRoute> routes,
//                             ParseStageRoutes(config.GetJson("pipeline.routes")));
//
// Thread safety: a pure function.
#ifndef LOGSIEVE_COMMON_STAGE_ROUTES_H_
#define LOGSIEVE_COMMON_STAGE_ROUTES_H_

#include <nlohmann/json_fwd.hpp>
#include <string>
#include <vector>

#include "common/status.h"

namespace logsieve {

struct StageRoute {
  std::vector<std::string> sources;  // non-empty
  std::vector<std::string> stages;   // in order; may be empty (the line is left Unclassified)
};

// Errors are InvalidArgument, prefixed "pipeline.routes".
StatusOr<std::vector<StageRoute>> ParseStageRoutes(const nlohmann::json& value);

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_STAGE_ROUTES_H_
