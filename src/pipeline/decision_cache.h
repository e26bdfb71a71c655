// DecisionCache: finished decisions by template, so a template is decided by
// the costly stages once.
//
// Keyed by the 64-bit TemplateKey (route + template text); the template text
// is stored too and compared on lookup, so a hash collision can never return
// another template's decision. Bounded: each of the 16 shards evicts its least
// recently used entry when full.
//
// Thread safety: all methods are safe from any thread (one mutex per shard).
#ifndef LOGSIEVE_PIPELINE_DECISION_CACHE_H_
#define LOGSIEVE_PIPELINE_DECISION_CACHE_H_

#include <cstddef>
#include <cstdint>
#include <list>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/decision.h"
#include "common/thread_annotations.h"

namespace logsieve {

class DecisionCache {
 public:
  // `capacity` entries in all; 0 disables the cache.
  explicit DecisionCache(size_t capacity);

  // A decision made without its detail (Batch::want_detail false: `detailed`
  // false at Insert) answers only lookups that do not want the detail; one
  // that does misses it, and the full decision it then inserts replaces it.
  std::optional<Decision> Lookup(uint64_t key, std::string_view template_text,
                                 bool want_detail = true);
  void Insert(uint64_t key, std::string_view template_text, const Decision& decision,
              bool detailed = true);
  size_t size() const;

 private:
  struct Entry {
    uint64_t key;
    std::string template_text;
    Decision decision;
    bool detailed;
  };
  struct Shard {
    mutable Mutex mu;
    std::list<Entry> lru GUARDED_BY(mu);  // front = most recent
    std::unordered_map<uint64_t, std::list<Entry>::iterator> index GUARDED_BY(mu);
  };
  static constexpr size_t kShards = 16;
  size_t per_shard_;
  std::vector<Shard> shards_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_PIPELINE_DECISION_CACHE_H_
