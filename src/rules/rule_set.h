// RuleSet: an ordered rule list compiled into one Vectorscan database.
//
// One scan per line finds every rule whose pattern matches; the first of them
// in file order (among rules whose `sources` admit the line's source) wins.
// Matching is linear in the line's length whatever the patterns (Vectorscan
// builds automata, it never backtracks), so no rule can make a line hang.
//
//   StatusOr<RuleFile> file = LoadRuleFile("rules/default.yaml");
//   StatusOr<std::unique_ptr<RuleSet>> rules = RuleSet::Compile(*file);
//   if (std::optional<RuleMatch> m = (*rules)->Match("ModernCRM", line)) {
//     const Rule& rule = (*rules)->rule(m->rule);   // rule.label, rule.id
//   }
//
// Semantics (doc/rules.md has the long version):
//   - Lines are bytes, not UTF-8: patterns compile without HS_FLAG_UTF8, so
//     invalid UTF-8 and NUL bytes are ordinary bytes; `.` is one byte and
//     case_insensitive folds ASCII letters only.
//   - A pattern that can match the empty string is refused (it would claim
//     every line), as are constructs Vectorscan cannot run in linear time
//     (backreferences, lookahead/lookbehind, atomic groups, \C ...).
//   - Spans: the winner's span is its leftmost-longest match, [begin, end) in
//     bytes, computed by a second scan of a per-rule database compiled with
//     HS_FLAG_SOM_LEFTMOST. Rules whose pattern cannot track its start
//     (Vectorscan refuses SOM for some) still match; their span is absent.
//     Spans are computed only for lines up to 240 bytes: the Vectorscan of
//     Debian bookworm (5.4.9) aborts in its start-of-match scan on longer
//     inputs (VectorCamp/vectorscan#392). Longer lines match without a span.
//   - Lines longer than 4 GiB - 1 bytes cannot be scanned and match nothing.
//   - Cache: with RuleSetOptions::cache_dir, Compile first looks for the
//     serialized databases of exactly this pattern set, engine and CPU
//     (rule_cache.h) and loads them instead of compiling (milliseconds instead
//     of about a second for the bundled rules); after a compile it stores
//     them. The cache never fails a Compile: an unusable cache only means a
//     compile, with cache_message() saying why.
//
// Thread safety: immutable after Compile; Match/MatchAll may be called from
// any number of threads at once. Each thread keeps its own Vectorscan scratch
// (cloned on its first call, cached per thread and per RuleSet).
#ifndef LOGSIEVE_RULES_RULE_SET_H_
#define LOGSIEVE_RULES_RULE_SET_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "rules/rule_file.h"

namespace logsieve {

struct RuleMatch {
  uint32_t rule = 0;  // index into RuleSet::rules(), i.e. file order
  // The matched bytes [begin, end), when the rule's pattern supports spans.
  std::optional<std::pair<size_t, size_t>> span;
};

struct RuleSetOptions {
  // Compile the per-rule start-of-match databases that spans need (about as
  // costly as the main database). Tools that only count matches turn it off.
  bool spans = true;
  // Directory of the compiled-database cache (rule_cache.h); empty: no cache.
  // A set loaded from the cache matches exactly as a freshly compiled one.
  // (An initialiser, so that GCC 12 does not warn about `{.spans = false}`.)
  std::string cache_dir = std::string();
};

// What the compiled-database cache did when a RuleSet was built.
enum class RuleCacheUse {
  kOff,          // no cache_dir, or no rules
  kLoaded,       // the databases came from the cache: nothing was compiled
  kStored,       // compiled, and stored for the next start
  kReplaced,     // a corrupt entry was found, never trusted: compiled and stored over it
  kUnavailable,  // compiled, but the cache could not be written (cache_message says why)
};

class RuleSet {
 public:
  // Compiles `file.rules`. Errors (InvalidArgument) name every bad rule as
  // "FILE:LINE: rule 'ID': why", one per line of the message. An empty rule
  // list is valid and matches nothing. Unimplemented when the CPU cannot run
  // Vectorscan.
  static StatusOr<std::unique_ptr<RuleSet>> Compile(RuleFile file,
                                                    const RuleSetOptions& options = {});

  ~RuleSet();
  RuleSet(const RuleSet&) = delete;
  RuleSet& operator=(const RuleSet&) = delete;

  const std::string& origin() const { return origin_; }
  // RuleFile::text_hash of the file compiled: the rule set's version.
  uint64_t text_hash() const { return text_hash_; }
  size_t size() const { return rules_.size(); }
  const std::vector<Rule>& rules() const { return rules_; }
  const Rule& rule(size_t i) const { return rules_[i]; }
  // Whether rule `i` applies to lines from `source`.
  bool Admits(size_t i, std::string_view source) const;

  // The first rule in file order that matches, with its span; nullopt if none.
  std::optional<RuleMatch> Match(std::string_view source, std::string_view line) const;
  // Every admitted rule that matches, in file order (indices), into `out`
  // (cleared first). No spans.
  void MatchAll(std::string_view source, std::string_view line, std::vector<uint32_t>* out) const;

  // Seconds Compile spent building the databases (compiling both, or loading
  // them from the cache), for benchmarks and logs.
  double compile_seconds() const { return compile_seconds_; }
  // What the cache did (RuleSetOptions::cache_dir), and why it could not be
  // used or an entry was replaced (empty otherwise).
  RuleCacheUse cache_use() const { return cache_use_; }
  const std::string& cache_message() const { return cache_message_; }

 private:
  struct Databases;
  struct ThreadScratch;
  RuleSet() = default;
  void* Scratch() const;  // this thread's hs_scratch_t for this set
  std::optional<std::pair<size_t, size_t>> Span(uint32_t rule, std::string_view line,
                                                void* scratch) const;

  std::string origin_;
  uint64_t text_hash_ = 0;
  std::vector<Rule> rules_;
  std::unique_ptr<Databases> dbs_;
  uint64_t generation_ = 0;  // unique per RuleSet: keys the thread-local scratch cache
  double compile_seconds_ = 0;
  RuleCacheUse cache_use_ = RuleCacheUse::kOff;
  std::string cache_message_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_RULES_RULE_SET_H_
