#include "pipeline/decision_cache.h"

namespace logsieve {

DecisionCache::DecisionCache(size_t capacity)
    : per_shard_(capacity == 0 ? 0 : (capacity + kShards - 1) / kShards), shards_(kShards) {}

std::optional<Decision> DecisionCache::Lookup(uint64_t key, std::string_view template_text,
                                              bool want_detail) {
  if (per_shard_ == 0) return std::nullopt;
  Shard& s = shards_[key % kShards];
  MutexLock lock(&s.mu);
  auto it = s.index.find(key);
  if (it == s.index.end() || it->second->template_text != template_text) return std::nullopt;
  if (want_detail && !it->second->detailed) return std::nullopt;
  s.lru.splice(s.lru.begin(), s.lru, it->second);
  return it->second->decision;
}

void DecisionCache::Insert(uint64_t key, std::string_view template_text, const Decision& decision,
                           bool detailed) {
  if (per_shard_ == 0) return;
  Shard& s = shards_[key % kShards];
  MutexLock lock(&s.mu);
  auto it = s.index.find(key);
  if (it != s.index.end()) {
    // Same key: refresh (or, on a collision, the newer template takes the slot).
    it->second->template_text = std::string(template_text);
    it->second->decision = decision;
    it->second->detailed = detailed;
    s.lru.splice(s.lru.begin(), s.lru, it->second);
    return;
  }
  if (s.lru.size() >= per_shard_) {
    s.index.erase(s.lru.back().key);
    s.lru.pop_back();
  }
  s.lru.push_front(Entry{key, std::string(template_text), decision, detailed});
  s.index[key] = s.lru.begin();
}

size_t DecisionCache::size() const {
  size_t n = 0;
  for (const Shard& s : shards_) {
    MutexLock lock(&s.mu);
    n += s.lru.size();
  }
  return n;
}

}  // namespace logsieve
