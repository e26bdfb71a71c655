// Where logsieve finds its bundled defaults (rules/default.yaml,
// models/default.lsm, data/sample.csv), and where it may keep caches.
#ifndef LOGSIEVE_COMMON_PATHS_H_
#define LOGSIEVE_COMMON_PATHS_H_

#include <string>
#include <string_view>

namespace logsieve {

// The first existing of: $LOGSIEVE_DATA_DIR/<relative>, the source tree the
// binary was built from, <dir of the executable>/../share/logsieve/<relative>.
// Returns the source-tree candidate when none exists (so messages name a path).
std::string BundledPath(std::string_view relative);

// The user's cache directory, per the XDG base-directory spec: $XDG_CACHE_HOME
// when it is an absolute path (the spec says to ignore a relative one), else
// $HOME/.cache; empty when neither is usable. Creates nothing.
std::string UserCacheDir();

// logsieve's state directory, per the XDG base-directory spec:
// $XDG_STATE_HOME/logsieve when XDG_STATE_HOME is absolute, else
// $HOME/.local/state/logsieve; empty when neither is usable. Creates nothing.
// The store (store.db) and the model registry (models/) live there by default.
std::string UserStateDir();

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_PATHS_H_
