// VersionId: how a content hash is shown where logsieve names what it loaded
// (GET /, /metrics, the store's prompt versions): the hash's top 48 bits as
// 12 lowercase hex digits. A server sees a handful of versions, so 48 bits
// never collide in practice, and the ids stay short enough to read.
#ifndef LOGSIEVE_COMMON_VERSION_ID_H_
#define LOGSIEVE_COMMON_VERSION_ID_H_

#include <cstdint>
#include <cstdio>
#include <string>

namespace logsieve {

inline std::string VersionId(uint64_t hash) {
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(hash));
  return std::string(hex, 12);
}

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_VERSION_ID_H_
