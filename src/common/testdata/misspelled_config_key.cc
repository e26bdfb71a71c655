// Must not compile: "server.prot" is not a key of the config table. The test
// ConfigKeys.AMisspelledKeyNameDoesNotCompile (src/common/CMakeLists.txt)
// expects the compiler to refuse this file, naming the reason.
#include "common/config_schema.h"

namespace logsieve {
constexpr KeyName kFine = "server.port";
constexpr KeyName kMisspelled = "server.prot";
}  // namespace logsieve
