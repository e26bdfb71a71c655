// RuleCache: compiled rule databases kept on disk between runs.
//
// Compiling the bundled rules takes Vectorscan about a second; loading the
// same databases from their serialized bytes takes a few milliseconds. A
// RuleCache stores opaque payloads (the serialized databases, see
// rule_set.cc) under a key that names exactly what was compiled: the pattern
// set and flags, the engine version and the CPU features. RuleSet::Compile
// uses it when RuleSetOptions::cache_dir is set; the rules stage sets it from
// `rules.cache_dir` (ResolveRuleCacheDir).
//
//   RuleCache cache("/home/me/.cache/logsieve/rules");
//   StatusOr<std::optional<std::string>> hit = cache.Load(key);
//   if (hit.ok() && *hit) { /* deserialize **hit */ }
//   else { /* compile, serialize */ (void)cache.Store(key, payload); }
//
// An entry is one file, DIR/<XXH3-128 of the key, 32 hex digits>.hsdb:
//
//   "LSRULEDB"  u32 format version  u32 zero  u64 key size  u64 payload size
//   u64 XXH3-64 of key and payload  key bytes  payload bytes   (host byte order)
//
// Load trusts an entry only when the file is exactly that long, the magic and
// version match, the stored key equals the asked key byte for byte (so a hash
// collision cannot return another rule set) and the checksum matches; a
// truncated, bit-flipped or foreign file is DataLoss, and the caller compiles
// afresh and stores over it.
//
// Concurrency: Store writes a temporary file with a unique name in DIR,
// fsyncs it and renames it over the entry. Readers see the old entry or the
// new one, never half of one; processes storing the same key at once all
// succeed and leave one valid entry. After a store, entries beyond the 16 most
// recently used (Load refreshes an entry's mtime) are removed, and temporary
// files left by killed processes after an hour.
//
// Thread safety: immutable; Load and Store may run concurrently from any
// number of threads and processes.
#ifndef LOGSIEVE_RULES_RULE_CACHE_H_
#define LOGSIEVE_RULES_RULE_CACHE_H_

#include <optional>
#include <string>
#include <string_view>

#include "common/status.h"

namespace logsieve {

// The directory a `rules.cache_dir` setting names: "" → UserCacheDir() +
// "/logsieve/rules" (empty when the user has no cache directory); "off" → ""
// (no cache); anything else is used as given.
std::string ResolveRuleCacheDir(std::string_view setting);

class RuleCache {
 public:
  // Entries kept after a store; older ones (by mtime) are removed.
  static constexpr size_t kMaxEntries = 16;

  // REQUIRES: `dir` is not empty. Nothing is created until Store.
  explicit RuleCache(std::string dir) : dir_(std::move(dir)) {}

  const std::string& dir() const { return dir_; }
  // The entry file for `key`: dir()/<hash>.hsdb.
  std::string EntryPath(std::string_view key) const;

  // The payload stored under `key`; nullopt when there is no entry.
  // DataLoss naming the file when the entry exists but is corrupt (never
  // trusted); another error when it cannot be read.
  StatusOr<std::optional<std::string>> Load(std::string_view key) const;

  // Stores `payload` under `key`, creating the directory if needed. An error
  // names the directory or file and why (read-only, no space, ...); the
  // entry is then unchanged.
  Status Store(std::string_view key, std::string_view payload) const;

 private:
  void Prune() const;

  std::string dir_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_RULES_RULE_CACHE_H_
