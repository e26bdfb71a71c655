// TemplateMiner: mines log templates online, one line at a time (Drain's
// fixed-depth parse tree, He et al. 2017, with Drain3-style masking as data).
//
//   StatusOr<std::unique_ptr<TemplateMiner>> miner = TemplateMiner::Create({});
//   (*miner)->Add("Connection from 10.0.0.7 closed after 12 ms", /*at=*/1);
//   (*miner)->Add("Connection from 10.0.0.9 closed after 40 ms", /*at=*/2);
//   // both lines are in one template: "Connection from <IP> closed after <NUM> ms"
//
// A line is masked (patterns/masks.h: IPs, numbers, hex... become <IP>,
// <NUM>, <HEX>), split at whitespace, and routed by its token count and its
// first `depth` tokens to a leaf of clusters. It joins the most similar
// cluster of the leaf when at least `similarity` of the positions agree (and
// no two different plain words disagree: words_are_constants), and
// the cluster's template turns the positions that differ into "<*>";
// otherwise it starts a cluster of its own. doc/patterns.md has the details.
//
// Template ids: TemplateId(text) is a hash of the template text alone, so
// the same template has the same id in every run, process, restart and
// interleaving of sources. When a template generalises (a position becomes
// "<*>") its text, and so its id, changes; the cluster keeps its `cluster`
// number (an in-process handle, not stable across runs).
//
// Memory is bounded: at most `max_templates` clusters; adding one more evicts
// the least recently matched. An example line is kept per cluster, cut at
// kMaxExampleBytes.
//
// Thread safety: every method may be called from any thread. Masking and
// tokenizing run outside the lock; matching and updating the tree take one
// mutex. The templates depend on the order lines arrive in (as Drain's do).
#ifndef LOGSIEVE_PATTERNS_TEMPLATE_MINER_H_
#define LOGSIEVE_PATTERNS_TEMPLATE_MINER_H_

#include <cstdint>
#include <list>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "common/status.h"
#include "common/thread_annotations.h"
#include "patterns/masks.h"

namespace logsieve {

// The one configuration for every source (no per-system tuning).
struct MinerOptions {
  // Prefix tokens that route a line below its token count (Drain's depth - 2).
  int depth = 2;
  // Fraction of a template's positions a line must match to join it.
  double similarity = 0.5;
  // Children per tree node before new tokens share the "<*>" child.
  int max_children = 100;
  // A line never joins a cluster whose template has a different plain word
  // ("Starting" / "Ending", "'Active'" / "'Inactive'") at a position that
  // is not yet "<*>": values are rarely bare words (Brain's observation),
  // while a masked value or a token with punctuation may still generalise.
  bool words_are_constants = true;
  // Clusters kept; the least recently matched is evicted beyond it.
  size_t max_templates = 50000;
  // The masks, in order (patterns/masks.h: DefaultMasks()).
  std::vector<Mask> masks = DefaultMasks();
};

// The id of a template text: 16 lower-case hex digits of its XXH3-64 hash.
std::string TemplateId(std::string_view template_text);

// A mined template and what was seen of it.
struct Pattern {
  uint64_t cluster = 0;  // handle within this miner (1, 2, ... in creation order)
  std::string id;        // TemplateId(text)
  std::string text;      // tokens joined by one space; "<*>" where lines differ
  uint64_t count = 0;
  uint64_t first_seen = 0;  // the `at` of the first and last line added
  uint64_t last_seen = 0;
  std::string example;  // the first line, cut at kMaxExampleBytes
};

struct AddResult {
  uint64_t cluster = 0;
  bool created = false;  // the line started a new cluster
};

class TemplateMiner {
 public:
  static constexpr size_t kMaxExampleBytes = 512;

  // InvalidArgument for depth < 1, similarity outside (0, 1], max_children
  // < 1 or max_templates < 1.
  static StatusOr<std::unique_ptr<TemplateMiner>> Create(MinerOptions options);
  ~TemplateMiner();

  // Adds one log line; `at` is what first_seen/last_seen record (a line
  // number or a time, the caller's choice).
  AddResult Add(std::string_view message, uint64_t at = 0) EXCLUDES(mu_);

  // The template `message` would join, without changing anything; nullopt
  // when it would start a new cluster.
  std::optional<Pattern> Match(std::string_view message) const EXCLUDES(mu_);
  // The cluster's current template; nullopt once evicted.
  std::optional<Pattern> Find(uint64_t cluster) const EXCLUDES(mu_);
  // Every cluster, by cluster number.
  std::vector<Pattern> Patterns() const EXCLUDES(mu_);
  size_t size() const EXCLUDES(mu_);
  uint64_t evicted() const EXCLUDES(mu_);

  // The whole state (options, clusters, tree routes, recency) as bytes, and
  // back. Load(Save()) behaves exactly as the saved miner did on every later
  // Add. Load refuses bytes it cannot read (DataLoss naming what is wrong).
  std::string Save() const EXCLUDES(mu_);
  static StatusOr<std::unique_ptr<TemplateMiner>> Load(std::string_view bytes);

  // The masked tokens of `message` (what the tree sees), for tests and tools.
  std::vector<std::string> Tokens(std::string_view message) const;

 private:
  struct Cluster;
  struct Node;
  struct Scratch;
  explicit TemplateMiner(MinerOptions options);

  void Tokenize(std::string_view message, Scratch* s) const;
  Cluster* Search(const Scratch& s) const REQUIRES(mu_);
  Node* Route(const std::vector<std::string>& route) REQUIRES(mu_);
  void Insert(Cluster* c) REQUIRES(mu_);
  void EvictOldest() REQUIRES(mu_);
  Pattern ToPattern(const Cluster& c) const REQUIRES(mu_);

  const MinerOptions options_;
  mutable Mutex mu_;
  std::unique_ptr<Node> root_ GUARDED_BY(mu_);
  std::unordered_map<uint64_t, std::unique_ptr<Cluster>> clusters_ GUARDED_BY(mu_);
  std::list<Cluster*> recency_ GUARDED_BY(mu_);  // front: most recently matched
  uint64_t next_cluster_ GUARDED_BY(mu_) = 1;
  uint64_t evicted_ GUARDED_BY(mu_) = 0;
};

}  // namespace logsieve

#endif  // LOGSIEVE_PATTERNS_TEMPLATE_MINER_H_
