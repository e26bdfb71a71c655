// CheckYamlNesting: refuses YAML nested deeper than a limit before yaml-cpp
// sees it. yaml-cpp parses recursively, so a 200,000-deep rule or config file
// exhausts the stack (or ends in a bare "bad file") instead of getting an
// error that says what is wrong and where:
//
//   LOGSIEVE_RETURN_IF_ERROR(CheckYamlNesting(text, "rules.yaml"));
//   // "rules.yaml:3: YAML nested too deeply (more than 64 levels)"
//
// The scan is a conservative estimate, not a YAML parser: a level is an open
// flow collection ([ or {), a deeper block indentation, or a compact "- " /
// "? " entry on the same line. Quoted scalars, comments and the bodies of
// block scalars (| and >) are skipped. Files logsieve reads nest 3 to 5 deep.
//
// Thread safety: a pure function.
#ifndef LOGSIEVE_COMMON_YAML_NESTING_H_
#define LOGSIEVE_COMMON_YAML_NESTING_H_

#include <cstddef>
#include <string_view>

#include "common/status.h"

namespace logsieve {

inline constexpr size_t kMaxYamlDepth = 64;

// InvalidArgument "ORIGIN:LINE: YAML nested too deeply (more than N levels)"
// at the first line that goes past `max_depth`, else OK.
Status CheckYamlNesting(std::string_view text, std::string_view origin,
                        size_t max_depth = kMaxYamlDepth);

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_YAML_NESTING_H_
