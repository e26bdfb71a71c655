#include "common/paths.h"

#include <unistd.h>

#include <cstdlib>
#include <filesystem>

namespace logsieve {

std::string BundledPath(std::string_view relative) {
  namespace fs = std::filesystem;
  std::string rel(relative);
  if (const char* env = std::getenv("LOGSIEVE_DATA_DIR"); env != nullptr && *env != '\0') {
    fs::path p = fs::path(env) / rel;
    if (fs::exists(p)) return p.string();
  }
  fs::path source = fs::path(LOGSIEVE_SOURCE_DATA_DIR) / rel;
  if (fs::exists(source)) return source.string();
  char exe[4096];
  ssize_t n = readlink("/proc/self/exe", exe, sizeof exe - 1);
  if (n > 0) {
    exe[n] = '\0';
    fs::path p = fs::path(exe).parent_path() / ".." / "share" / "logsieve" / rel;
    if (fs::exists(p)) return p.lexically_normal().string();
  }
  return source.string();
}

std::string UserCacheDir() {
  if (const char* xdg = std::getenv("XDG_CACHE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return xdg;
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::string(home) + "/.cache";
  }
  return std::string();
}

std::string UserStateDir() {
  if (const char* xdg = std::getenv("XDG_STATE_HOME"); xdg != nullptr && xdg[0] == '/') {
    return std::string(xdg) + "/logsieve";
  }
  if (const char* home = std::getenv("HOME"); home != nullptr && home[0] == '/') {
    return std::string(home) + "/.local/state/logsieve";
  }
  return std::string();
}

}  // namespace logsieve
