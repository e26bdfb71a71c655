// Fuzz target: a compiled-rules cache entry read back from disk (a damaged or
// foreign file in the cache directory). Invariants: nothing crashes; an error
// is DataLoss with a message; an entry that loads is canonical: storing its
// payload again under the same key writes exactly the same bytes.
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "rules/rule_cache.h"

namespace {

// The key of the seed corpus entries (fuzz/corpus/rule_cache).
constexpr char kKey[] = "fuzz key";

// A scratch cache directory for the whole run, removed at exit.
struct ScratchDir {
  ScratchDir() {
    if (mkdtemp(path.data()) == nullptr) std::abort();
  }
  ~ScratchDir() { std::filesystem::remove_all(path); }
  std::string path = "/tmp/logsieve-rule-cache-fuzz-XXXXXX";
};

const std::string& Dir() {
  static const ScratchDir dir;
  return dir.path;
}

std::string Read(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size > 65536) return 0;
  const logsieve::RuleCache cache(Dir());
  const std::string path = cache.EntryPath(kKey);
  const std::string input(reinterpret_cast<const char*>(data), size);
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out << input;
  }
  logsieve::StatusOr<std::optional<std::string>> entry = cache.Load(kKey);
  if (!entry.ok()) {
    if (entry.status().code() != logsieve::StatusCode::kDataLoss) std::abort();
    if (entry.status().message().empty()) std::abort();
    return 0;
  }
  if (!*entry) std::abort();  // the file exists
  if (!cache.Store(kKey, **entry).ok()) std::abort();
  if (Read(path) != input) std::abort();
  return 0;
}
