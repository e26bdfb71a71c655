// Where logsieve finds its bundled defaults (rules/default.yaml,
// models/default.lsm, data/sample.csv).
#ifndef LOGSIEVE_COMMON_PATHS_H_
#define LOGSIEVE_COMMON_PATHS_H_

#include <string>
#include <string_view>

namespace logsieve {

// The first existing of: $LOGSIEVE_DATA_DIR/<relative>, the source tree the
// binary was built from, <dir of the executable>/../share/logsieve/<relative>.
// Returns the source-tree candidate when none exists (so messages name a path).
std::string BundledPath(std::string_view relative);

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_PATHS_H_
