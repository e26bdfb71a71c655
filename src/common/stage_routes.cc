#include "common/stage_routes.h"

#include <nlohmann/json.hpp>
#include <string_view>

#include "common/config_schema.h"

namespace logsieve {
namespace {

using json = nlohmann::json;

// A string or a list of strings; anything else is an error naming `where`.
Status StringOrList(const json& j, const std::string& where, std::vector<std::string>* out) {
  if (j.is_string()) {
    out->push_back(j.get<std::string>());
    return OkStatus();
  }
  if (!j.is_array()) return InvalidArgumentError(where + ": must be a string or a list of strings");
  for (const json& x : j) {
    if (!x.is_string()) return InvalidArgumentError(where + ": every entry must be a string");
    out->push_back(x.get<std::string>());
  }
  return OkStatus();
}

// Whether `name` is one of "a|b|c".
bool IsChoice(std::string_view choices, std::string_view name) {
  while (!choices.empty()) {
    const size_t bar = choices.find('|');
    if (choices.substr(0, bar) == name) return true;
    if (bar == std::string_view::npos) break;
    choices.remove_prefix(bar + 1);
  }
  return false;
}

}  // namespace

StatusOr<std::vector<StageRoute>> ParseStageRoutes(const json& value) {
  std::vector<StageRoute> routes;
  if (value.is_null()) return routes;
  if (!value.is_array()) return InvalidArgumentError("pipeline.routes: must be a list");
  const std::string_view known = KeyName("pipeline.stages").key().choices;
  for (size_t r = 0; r < value.size(); ++r) {
    const json& entry = value[r];
    const std::string where = "pipeline.routes[" + std::to_string(r) + "]";
    if (!entry.is_object())
      return InvalidArgumentError(where + ": must be a mapping with sources and stages");
    for (const auto& [k, v] : entry.items()) {
      if (k != "sources" && k != "stages")
        return InvalidArgumentError(where + ": unknown key '" + k + "' (known: sources, stages)");
    }
    StageRoute route;
    if (!entry.contains("sources"))
      return InvalidArgumentError(where + ": 'sources' must name at least one source");
    LOGSIEVE_RETURN_IF_ERROR(StringOrList(entry["sources"], where + ".sources", &route.sources));
    if (route.sources.empty())
      return InvalidArgumentError(where + ": 'sources' must name at least one source");
    if (!entry.contains("stages")) return InvalidArgumentError(where + ": 'stages' is missing");
    LOGSIEVE_RETURN_IF_ERROR(StringOrList(entry["stages"], where + ".stages", &route.stages));
    for (const std::string& stage : route.stages) {
      if (!IsChoice(known, stage)) {
        std::string list(known);
        for (size_t p = list.find('|'); p != std::string::npos; p = list.find('|', p))
          list.replace(p, 1, ", ");
        return InvalidArgumentError(where + ": unknown stage '" + stage + "' (known: " + list +
                                    ")");
      }
    }
    routes.push_back(std::move(route));
  }
  return routes;
}

}  // namespace logsieve
