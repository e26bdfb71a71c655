#include "rules/rule_set.h"

#include <hs/hs.h>

#include <algorithm>
#include <atomic>
#include <cassert>
#include <cctype>
#include <chrono>
#include <cstdlib>
#include <cstring>
#include <limits>
#include <optional>

#include "rules/rule_cache.h"

namespace logsieve {

struct RuleSet::Databases {
  hs_database_t* all = nullptr;       // every rule, HS_FLAG_SINGLEMATCH: which rules match
  std::vector<hs_database_t*> spans;  // per rule, HS_FLAG_SOM_LEFTMOST; nullptr: no span
  hs_scratch_t* prototype = nullptr;  // big enough for all of the above; cloned per thread

  ~Databases() {
    hs_free_database(all);
    for (hs_database_t* db : spans) hs_free_database(db);
    hs_free_scratch(prototype);
  }
};

namespace {

std::atomic<uint64_t> next_generation{1};

// Spans are only computed for lines up to this many bytes. Vectorscan 5.4.9
// (Debian bookworm) aborts the process in its start-of-match reverse scan on
// inputs of 255 bytes or more (a fortified snprintf into a 255-byte buffer in
// rvermicelliDoubleExecReal; fixed upstream by VectorCamp/vectorscan#392).
// The main scan never uses start-of-match and is not affected.
constexpr size_t kMaxSpanLineBytes = 240;

unsigned MatchFlags(const Rule& rule) {
  unsigned flags = 0;
  if (rule.case_insensitive) flags |= HS_FLAG_CASELESS;
  if (rule.dot_all) flags |= HS_FLAG_DOTALL;
  if (rule.multi_line) flags |= HS_FLAG_MULTILINE;
  return flags;
}

bool Contains(std::string_view haystack, std::string_view needle) {
  return haystack.find(needle) != std::string_view::npos;
}

// Vectorscan's message, made to say what a rule author should do.
std::string Explain(const std::string& message) {
  std::string lower;
  for (char c : message) lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  if (Contains(lower, "empty buffer")) {
    return "pattern can match the empty string (it consumes no byte), so it would claim lines by "
           "position alone";
  }
  std::string why = "invalid pattern: " + message;
  if (Contains(lower, "back-ref") || Contains(lower, "backref") || Contains(lower, "back ref")) {
    why += " (backreferences are not supported: no linear-time engine can run them)";
  } else if (Contains(lower, "zero-width assertion") || Contains(lower, "lookahead") ||
             Contains(lower, "lookbehind")) {
    why += " (lookahead/lookbehind are not supported: match the text itself instead)";
  } else if (Contains(lower, "atomic") || Contains(lower, "possessive")) {
    why += " (backtracking controls mean nothing to a linear-time engine: drop them)";
  }
  return why;
}

// Lines are bytes and may be invalid UTF-8; a pattern that turns on UTF-8
// mode itself ((*UTF8), (*UCP), ...) would make scanning them undefined.
bool StartsWithVerb(const std::string& pattern) { return pattern.rfind("(*", 0) == 0; }

// Compiles one expression; empty string on success, else Vectorscan's message.
std::string TryCompile(const Rule& rule, unsigned flags, hs_database_t** db) {
  hs_compile_error_t* error = nullptr;
  if (hs_compile(rule.pattern.c_str(), flags, HS_MODE_BLOCK, nullptr, db, &error) == HS_SUCCESS) {
    return {};
  }
  std::string message =
      error != nullptr && error->message != nullptr ? error->message : "compile failed";
  hs_free_compile_error(error);
  *db = nullptr;
  return message;
}

// Checks each rule on its own, so that every bad rule is named (a multi-pattern
// compile stops at the first).
Status CheckEachRule(const std::string& origin, const std::vector<Rule>& rules) {
  std::string refused;
  for (const Rule& rule : rules) {
    std::string why;
    if (rule.pattern.empty() || rule.pattern.find('\0') != std::string::npos) {
      why =
          "pattern is empty or holds a NUL byte (write \\x00 to match one)";  // rules built in code
    } else if (StartsWithVerb(rule.pattern)) {
      why =
          "pattern starts with a (*VERB) such as (*UTF8); refused, because lines are bytes that "
          "may be invalid UTF-8";
    } else {
      hs_expr_info_t* info = nullptr;
      hs_compile_error_t* error = nullptr;
      if (hs_expression_info(rule.pattern.c_str(), MatchFlags(rule), &info, &error) != HS_SUCCESS) {
        why = Explain(error != nullptr && error->message != nullptr ? error->message
                                                                    : "compile failed");
        hs_free_compile_error(error);
      } else if (info->min_width == 0) {
        // `^`, `\b`, `x*`: would claim lines by position alone.
        why = Explain("empty buffer");
      }
      std::free(info);
    }
    if (!why.empty()) {
      if (!refused.empty()) refused += "\n";
      refused += RuleWhere(origin, rule) + ": " + why;
    }
  }
  return refused.empty() ? OkStatus() : InvalidArgumentError(refused);
}

// The one database of every rule (HS_FLAG_SINGLEMATCH, id = index), into *all.
Status CompileAll(const std::string& origin, const std::vector<Rule>& rules, hs_database_t** all) {
  std::vector<const char*> expressions;
  std::vector<unsigned> flags;
  std::vector<unsigned> ids;
  for (size_t i = 0; i < rules.size(); ++i) {
    expressions.push_back(rules[i].pattern.c_str());
    flags.push_back(MatchFlags(rules[i]) | HS_FLAG_SINGLEMATCH);
    ids.push_back(static_cast<unsigned>(i));
  }
  hs_compile_error_t* error = nullptr;
  if (hs_compile_multi(expressions.data(), flags.data(), ids.data(),
                       static_cast<unsigned>(rules.size()), HS_MODE_BLOCK, nullptr, all,
                       &error) == HS_SUCCESS) {
    return OkStatus();
  }
  // Name every bad rule, not just the first Vectorscan tripped on.
  const int failed_at = error != nullptr ? error->expression : -1;
  const std::string multi_message =
      error != nullptr && error->message ? error->message : "compile failed";
  hs_free_compile_error(error);
  *all = nullptr;
  std::string message;
  for (const Rule& rule : rules) {
    hs_database_t* db = nullptr;
    std::string why = TryCompile(rule, MatchFlags(rule) | HS_FLAG_SINGLEMATCH, &db);
    hs_free_database(db);
    if (!why.empty()) {
      if (!message.empty()) message += "\n";
      message += RuleWhere(origin, rule) + ": " + Explain(why);
    }
  }
  if (message.empty()) {
    message = origin + ": the rule set does not compile as a whole";
    if (failed_at >= 0 && static_cast<size_t>(failed_at) < rules.size()) {
      message += " (at " + RuleWhere(origin, rules[failed_at]) + ")";
    }
    message += ": " + multi_message;
  }
  return InvalidArgumentError(message);
}

void AppendU64(std::string* out, uint64_t v) {
  out->append(reinterpret_cast<const char*>(&v), sizeof v);
}

// Everything the compiled databases depend on, so that an entry is reused only
// for exactly what it was compiled from: the engine and its build, the CPU
// features it targets, the mode, and each rule's pattern and compile flags (the
// rule's id, label, sources and confidence do not go into Vectorscan).
std::string CacheKey(const std::vector<Rule>& rules, bool spans) {
  hs_platform_info_t platform{};
  (void)hs_populate_platform(&platform);
  std::string key = "logsieve rule databases 1\nengine ";
  key += hs_version();
  key += "\n";
  AppendU64(&key, platform.tune);
  AppendU64(&key, platform.cpu_features);
  AppendU64(&key, sizeof(void*));
  AppendU64(&key, HS_MODE_BLOCK);
  AppendU64(&key, spans ? 1 : 0);
  AppendU64(&key, rules.size());
  for (const Rule& rule : rules) {
    AppendU64(&key, MatchFlags(rule) | HS_FLAG_SINGLEMATCH);
    AppendU64(&key, spans ? MatchFlags(rule) | HS_FLAG_SOM_LEFTMOST : 0);
    AppendU64(&key, rule.pattern.size());
    key += rule.pattern;
  }
  return key;
}

// The payload of a cache entry: the number of databases, then each as its
// size and Vectorscan's serialized bytes (size 0: no database, a rule
// without a span). The main database first, then one per rule.
StatusOr<std::string> Serialize(const hs_database_t* all,
                                const std::vector<hs_database_t*>& spans) {
  std::string payload;
  AppendU64(&payload, 1 + spans.size());
  for (size_t i = 0; i <= spans.size(); ++i) {
    const hs_database_t* db = i == 0 ? all : spans[i - 1];
    if (db == nullptr) {
      AppendU64(&payload, 0);
      continue;
    }
    char* bytes = nullptr;
    size_t length = 0;
    if (hs_serialize_database(db, &bytes, &length) != HS_SUCCESS) {
      return InternalError("rule cache: Vectorscan cannot serialize a rule database");
    }
    AppendU64(&payload, length);
    payload.append(bytes, length);
    std::free(bytes);
  }
  return payload;
}

// The databases of a payload for `rules` rules, into *all and *spans; false
// (with nothing allocated) when the payload is malformed or Vectorscan refuses
// a database (its own header and checks: version, platform).
bool Deserialize(std::string_view payload, size_t rules, hs_database_t** all,
                 std::vector<hs_database_t*>* spans) {
  auto read_u64 = [&payload](uint64_t* v) {
    if (payload.size() < sizeof *v) return false;
    std::memcpy(v, payload.data(), sizeof *v);
    payload.remove_prefix(sizeof *v);
    return true;
  };
  std::vector<hs_database_t*> dbs;
  auto fail = [&dbs] {
    for (hs_database_t* db : dbs) hs_free_database(db);
    return false;
  };
  uint64_t count = 0;
  if (!read_u64(&count) || count != 1 + rules) return false;
  for (uint64_t i = 0; i < count; ++i) {
    uint64_t length = 0;
    if (!read_u64(&length) || length > payload.size()) return fail();
    hs_database_t* db = nullptr;
    if (length > 0 && hs_deserialize_database(payload.data(), length, &db) != HS_SUCCESS) {
      return fail();
    }
    if (i == 0 && db == nullptr) return fail();  // the main database always exists
    dbs.push_back(db);
    payload.remove_prefix(length);
  }
  if (!payload.empty()) return fail();
  *all = dbs[0];
  spans->assign(dbs.begin() + 1, dbs.end());
  return true;
}

struct FirstContext {
  const RuleSet* set;
  std::string_view source;
  uint32_t best;
};

int OnFirst(unsigned int id, unsigned long long, unsigned long long, unsigned int, void* ctx) {
  auto* c = static_cast<FirstContext*>(ctx);
  if (id >= c->best || !c->set->Admits(id, c->source)) return 0;
  c->best = id;
  return id == 0 ? 1 : 0;  // nothing can beat the first rule: stop scanning
}

struct AllContext {
  const RuleSet* set;
  std::string_view source;
  std::vector<uint32_t>* out;
};

int OnAll(unsigned int id, unsigned long long, unsigned long long, unsigned int, void* ctx) {
  auto* c = static_cast<AllContext*>(ctx);
  if (c->set->Admits(id, c->source)) c->out->push_back(id);
  return 0;
}

struct SpanContext {
  unsigned long long begin = std::numeric_limits<unsigned long long>::max();
  unsigned long long end = 0;
};

// Leftmost-longest: the smallest start, and for it the furthest end.
int OnSpan(unsigned int, unsigned long long from, unsigned long long to, unsigned int, void* ctx) {
  auto* c = static_cast<SpanContext*>(ctx);
  if (from < c->begin) {
    c->begin = from;
    c->end = to;
  } else if (from == c->begin && to > c->end) {
    c->end = to;
  }
  return 0;
}

// hs_scan refuses a null pointer even for zero bytes; a default string_view has one.
const char* Bytes(std::string_view line) { return line.data() != nullptr ? line.data() : ""; }

}  // namespace

StatusOr<std::unique_ptr<RuleSet>> RuleSet::Compile(RuleFile file, const RuleSetOptions& options) {
  if (hs_valid_platform() != HS_SUCCESS) {
    return UnimplementedError("this CPU cannot run Vectorscan (needs SSE4.2 on x86)");
  }
  const auto start = std::chrono::steady_clock::now();
  std::unique_ptr<RuleSet> set(new RuleSet());
  set->origin_ = std::move(file.origin);
  set->text_hash_ = file.text_hash;
  set->rules_ = std::move(file.rules);
  set->generation_ = next_generation.fetch_add(1);
  set->dbs_ = std::make_unique<Databases>();
  Databases& dbs = *set->dbs_;
  const std::vector<Rule>& rules = set->rules_;
  if (rules.empty()) return set;
  if (rules.size() > std::numeric_limits<unsigned int>::max() / 2) {
    return InvalidArgumentError(set->origin_ + ": too many rules");
  }

  std::optional<RuleCache> cache;
  std::string key;
  bool corrupt = false;  // an entry exists but is not trusted: it is replaced
  if (!options.cache_dir.empty()) {
    cache.emplace(options.cache_dir);
    key = CacheKey(rules, options.spans);
    StatusOr<std::optional<std::string>> entry = cache->Load(key);
    if (entry.ok() && *entry) {
      if (Deserialize(**entry, rules.size(), &dbs.all, &dbs.spans)) {
        set->cache_use_ = RuleCacheUse::kLoaded;
      } else {
        corrupt = true;
        set->cache_message_ =
            "rule cache: '" + cache->EntryPath(key) + "' does not deserialize; compiled afresh";
      }
    } else if (!entry.ok()) {
      corrupt = entry.status().code() == StatusCode::kDataLoss;
      set->cache_message_ = entry.status().message();
    }
  }

  if (set->cache_use_ != RuleCacheUse::kLoaded) {
    // Check each rule on its own first, so that every bad rule is named.
    LOGSIEVE_RETURN_IF_ERROR(CheckEachRule(set->origin_, rules));
    LOGSIEVE_RETURN_IF_ERROR(CompileAll(set->origin_, rules, &dbs.all));
    dbs.spans.assign(rules.size(), nullptr);
    for (size_t i = 0; options.spans && i < rules.size(); ++i) {
      // A failure only means this rule reports no span.
      (void)TryCompile(rules[i], MatchFlags(rules[i]) | HS_FLAG_SOM_LEFTMOST, &dbs.spans[i]);
    }
  }
  if (hs_alloc_scratch(dbs.all, &dbs.prototype) != HS_SUCCESS) {
    return ResourceExhaustedError(set->origin_ + ": cannot allocate Vectorscan scratch");
  }
  for (hs_database_t* db : dbs.spans) {
    if (db != nullptr && hs_alloc_scratch(db, &dbs.prototype) != HS_SUCCESS) {
      return ResourceExhaustedError(set->origin_ + ": cannot allocate Vectorscan scratch");
    }
  }

  if (cache && set->cache_use_ != RuleCacheUse::kLoaded) {
    // Whether or not the store works, the set does.
    StatusOr<std::string> payload = Serialize(dbs.all, dbs.spans);
    Status stored = payload.ok() ? cache->Store(key, *payload) : payload.status();
    if (stored.ok()) {
      set->cache_use_ = corrupt ? RuleCacheUse::kReplaced : RuleCacheUse::kStored;
    } else {
      set->cache_use_ = RuleCacheUse::kUnavailable;
      set->cache_message_ = stored.message();
    }
  }
  set->compile_seconds_ =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  return set;
}

RuleSet::~RuleSet() = default;

bool RuleSet::Admits(size_t i, std::string_view source) const {
  const std::vector<std::string>& sources = rules_[i].sources;
  if (sources.empty()) return true;
  return std::find(sources.begin(), sources.end(), source) != sources.end();
}

// Each thread keeps a few scratches, keyed by RuleSet generation (never reused,
// unlike addresses). A scratch left by a destroyed RuleSet is plain memory: it
// is freed when evicted or when the thread ends.
struct RuleSet::ThreadScratch {
  static constexpr size_t kCapacity = 8;
  struct Entry {
    uint64_t generation;
    hs_scratch_t* scratch;
  };
  std::vector<Entry> entries;  // most recently used last

  ~ThreadScratch() {
    for (Entry& e : entries) hs_free_scratch(e.scratch);
  }
};

void* RuleSet::Scratch() const {
  thread_local ThreadScratch cache;
  std::vector<ThreadScratch::Entry>& entries = cache.entries;
  if (!entries.empty() && entries.back().generation == generation_) return entries.back().scratch;
  for (size_t i = 0; i < entries.size(); ++i) {
    if (entries[i].generation == generation_) {
      ThreadScratch::Entry e = entries[i];
      entries.erase(entries.begin() + static_cast<std::ptrdiff_t>(i));
      entries.push_back(e);
      return e.scratch;
    }
  }
  hs_scratch_t* scratch = nullptr;
  if (hs_clone_scratch(dbs_->prototype, &scratch) != HS_SUCCESS) return nullptr;
  if (entries.size() == ThreadScratch::kCapacity) {
    hs_free_scratch(entries.front().scratch);
    entries.erase(entries.begin());
  }
  entries.push_back({generation_, scratch});
  return scratch;
}

std::optional<RuleMatch> RuleSet::Match(std::string_view source, std::string_view line) const {
  if (dbs_->all == nullptr || line.size() > std::numeric_limits<unsigned int>::max())
    return std::nullopt;
  auto* scratch = static_cast<hs_scratch_t*>(Scratch());
  if (scratch == nullptr) return std::nullopt;
  FirstContext ctx{this, source, std::numeric_limits<uint32_t>::max()};
  hs_error_t rc = hs_scan(dbs_->all, Bytes(line), static_cast<unsigned int>(line.size()), 0,
                          scratch, OnFirst, &ctx);
  assert(rc == HS_SUCCESS || rc == HS_SCAN_TERMINATED);
  (void)rc;
  if (ctx.best == std::numeric_limits<uint32_t>::max()) return std::nullopt;
  return RuleMatch{ctx.best, Span(ctx.best, line, scratch)};
}

std::optional<std::pair<size_t, size_t>> RuleSet::Span(uint32_t rule, std::string_view line,
                                                       void* scratch) const {
  hs_database_t* db = dbs_->spans[rule];
  if (db == nullptr || line.size() > kMaxSpanLineBytes) return std::nullopt;
  SpanContext ctx;
  hs_error_t rc = hs_scan(db, Bytes(line), static_cast<unsigned int>(line.size()), 0,
                          static_cast<hs_scratch_t*>(scratch), OnSpan, &ctx);
  if (rc != HS_SUCCESS || ctx.begin > ctx.end) return std::nullopt;
  return std::make_pair(static_cast<size_t>(ctx.begin), static_cast<size_t>(ctx.end));
}

void RuleSet::MatchAll(std::string_view source, std::string_view line,
                       std::vector<uint32_t>* out) const {
  out->clear();
  if (dbs_->all == nullptr || line.size() > std::numeric_limits<unsigned int>::max()) return;
  auto* scratch = static_cast<hs_scratch_t*>(Scratch());
  if (scratch == nullptr) return;
  AllContext ctx{this, source, out};
  hs_error_t rc = hs_scan(dbs_->all, Bytes(line), static_cast<unsigned int>(line.size()), 0,
                          scratch, OnAll, &ctx);
  assert(rc == HS_SUCCESS);
  (void)rc;
  std::sort(out->begin(), out->end());
}

}  // namespace logsieve
