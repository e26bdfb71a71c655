#include "patterns/template_miner.h"

#include <xxhash.h>

#include <algorithm>
#include <bit>
#include <charconv>
#include <cstring>
#include <functional>

namespace logsieve {
namespace {

constexpr std::string_view kWildcard = "<*>";
constexpr std::string_view kMagic = "LSPATTERNS1\n";

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// A token that holds a placeholder routes to the "<*>" child (Drain sends
// tokens with digits there).
bool HoldsPlaceholder(std::string_view token) {
  size_t open = token.find('<');
  return open != std::string_view::npos && token.find('>', open) != std::string_view::npos;
}

// Only letters, perhaps quoted or followed by punctuation ("'Active'",
// "initialization."): most likely a constant of the template, not a value.
bool IsWord(std::string_view t) {
  while (!t.empty() && std::strchr("'\"([{", t.front()) != nullptr) t.remove_prefix(1);
  while (!t.empty() && std::strchr(".,;:'\")]}", t.back()) != nullptr) t.remove_suffix(1);
  if (t.empty()) return false;
  for (char c : t) {
    if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'))) return false;
  }
  return true;
}

// The first route key: the token count, in decimal.
std::string_view LengthKey(size_t n, char (&buf)[24]) {
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, n);
  return {buf, static_cast<size_t>(end - buf)};
}

struct StringHash {
  using is_transparent = void;
  size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// Little-endian fixed-width integers and length-prefixed strings.
void PutU64(uint64_t v, std::string* out) {
  for (int k = 0; k < 8; ++k) out->push_back(static_cast<char>((v >> (8 * k)) & 0xff));
}
void PutString(std::string_view s, std::string* out) {
  PutU64(s.size(), out);
  out->append(s);
}

class Decoder {
 public:
  explicit Decoder(std::string_view in) : in_(in) {}
  bool U64(uint64_t* v) {
    if (in_.size() - pos_ < 8) return false;
    *v = 0;
    for (int k = 0; k < 8; ++k) *v |= uint64_t{static_cast<uint8_t>(in_[pos_ + k])} << (8 * k);
    pos_ += 8;
    return true;
  }
  bool String(std::string* s) {
    uint64_t n = 0;
    if (!U64(&n) || in_.size() - pos_ < n) return false;
    s->assign(in_.substr(pos_, n));
    pos_ += n;
    return true;
  }
  bool done() const { return pos_ == in_.size(); }
  size_t pos() const { return pos_; }

 private:
  std::string_view in_;
  size_t pos_ = 0;
};

}  // namespace

struct TemplateMiner::Cluster {
  uint64_t number = 0;
  std::vector<std::string> tokens;
  std::vector<std::string> route;  // child keys from the root to the leaf
  uint64_t count = 0;
  uint64_t first_seen = 0;
  uint64_t last_seen = 0;
  std::string example;
  std::list<Cluster*>::iterator recency;
};

struct TemplateMiner::Node {
  std::unordered_map<std::string, std::unique_ptr<Node>, StringHash, std::equal_to<>> children;
  std::vector<Cluster*> clusters;  // a leaf's, in creation order
};

// Per-thread scratch: the masked tokens of the line being added.
struct TemplateMiner::Scratch {
  std::string token;
  std::vector<std::string> tokens;
  size_t size = 0;  // tokens[0, size) are this line's (the rest is spare capacity)
};

std::string TemplateId(std::string_view template_text) {
  static constexpr char kHex[] = "0123456789abcdef";
  uint64_t h = XXH3_64bits(template_text.data(), template_text.size());
  std::string id(16, '0');
  for (int k = 15; k >= 0; --k, h >>= 4) id[static_cast<size_t>(k)] = kHex[h & 0xf];
  return id;
}

TemplateMiner::TemplateMiner(MinerOptions options)
    : options_(std::move(options)), root_(std::make_unique<Node>()) {}
TemplateMiner::~TemplateMiner() = default;

StatusOr<std::unique_ptr<TemplateMiner>> TemplateMiner::Create(MinerOptions options) {
  if (options.depth < 1) return InvalidArgumentError("miner depth must be at least 1");
  if (!(options.similarity > 0 && options.similarity <= 1))
    return InvalidArgumentError("miner similarity must be in (0, 1]");
  if (options.max_children < 1) return InvalidArgumentError("miner max_children must be >= 1");
  if (options.max_templates < 1) return InvalidArgumentError("miner max_templates must be >= 1");
  return std::unique_ptr<TemplateMiner>(new TemplateMiner(std::move(options)));
}

void TemplateMiner::Tokenize(std::string_view message, Scratch* s) const {
  s->size = 0;
  size_t i = 0;
  while (true) {
    while (i < message.size() && IsSpace(message[i])) ++i;
    if (i == message.size()) break;
    size_t e = i;
    while (e < message.size() && !IsSpace(message[e])) ++e;
    std::string_view raw = message.substr(i, e - i);
    if (s->size == s->tokens.size()) s->tokens.emplace_back();
    std::string& out = s->tokens[s->size++];
    if (MayHoldValue(raw)) {
      MaskToken(options_.masks, raw, &s->token);
      out.swap(s->token);
    } else {
      out.assign(raw);
    }
    i = e;
  }
}

std::vector<std::string> TemplateMiner::Tokens(std::string_view message) const {
  Scratch s;
  Tokenize(message, &s);
  s.tokens.resize(s.size);
  return s.tokens;
}

TemplateMiner::Cluster* TemplateMiner::Search(const Scratch& s) const {
  const Node* node = root_.get();
  auto step = [&node](std::string_view key) {
    auto it = node->children.find(key);
    if (it == node->children.end()) it = node->children.find(kWildcard);
    if (it == node->children.end()) return false;
    node = it->second.get();
    return true;
  };
  char length[24];
  if (!step(LengthKey(s.size, length))) return nullptr;
  const size_t depth = std::min(s.size, static_cast<size_t>(options_.depth));
  for (size_t k = 0; k < depth; ++k) {
    if (!step(s.tokens[k])) return nullptr;
  }
  // Drain's fastMatch: the most similar cluster, ties to the one with more
  // wildcards, the first of equals.
  Cluster* best = nullptr;
  double best_sim = -1;
  size_t best_wild = 0;
  for (Cluster* c : node->clusters) {
    size_t same = 0, wild = 0, words = 0;
    for (size_t k = 0; k < s.size; ++k) {
      const std::string& t = c->tokens[k];
      if (t == kWildcard)
        ++wild;
      else if (t == s.tokens[k])
        ++same;
      else if (IsWord(t) && IsWord(s.tokens[k]))
        ++words;
    }
    if (options_.words_are_constants && words > 0) continue;
    double sim = s.size == 0 ? 1.0 : static_cast<double>(same) / static_cast<double>(s.size);
    if (sim > best_sim || (sim == best_sim && wild > best_wild)) {
      best = c;
      best_sim = sim;
      best_wild = wild;
    }
  }
  return best != nullptr && best_sim >= options_.similarity ? best : nullptr;
}

TemplateMiner::Node* TemplateMiner::Route(const std::vector<std::string>& route) {
  Node* node = root_.get();
  for (const std::string& key : route) {
    std::unique_ptr<Node>& child = node->children[key];
    if (!child) child = std::make_unique<Node>();
    node = child.get();
  }
  return node;
}

void TemplateMiner::Insert(Cluster* c) { Route(c->route)->clusters.push_back(c); }

void TemplateMiner::EvictOldest() {
  Cluster* victim = recency_.back();
  recency_.pop_back();
  // Walk the route, then drop the cluster and every node it leaves empty.
  std::vector<Node*> path{root_.get()};
  for (const std::string& key : victim->route) {
    path.push_back(path.back()->children.find(key)->second.get());
  }
  std::vector<Cluster*>& leaf = path.back()->clusters;
  leaf.erase(std::find(leaf.begin(), leaf.end(), victim));
  for (size_t k = victim->route.size(); k > 0; --k) {
    Node* n = path[k];
    if (!n->clusters.empty() || !n->children.empty()) break;
    path[k - 1]->children.erase(victim->route[k - 1]);
  }
  ++evicted_;
  clusters_.erase(victim->number);
}

AddResult TemplateMiner::Add(std::string_view message, uint64_t at) {
  thread_local Scratch scratch;
  Tokenize(message, &scratch);
  const Scratch& s = scratch;

  MutexLock lock(&mu_);
  if (Cluster* c = Search(s)) {
    for (size_t k = 0; k < s.size; ++k) {
      if (c->tokens[k] != s.tokens[k] && c->tokens[k] != kWildcard) c->tokens[k] = kWildcard;
    }
    ++c->count;
    c->last_seen = at;
    recency_.splice(recency_.begin(), recency_, c->recency);
    return {c->number, false};
  }
  auto owned = std::make_unique<Cluster>();
  Cluster* c = owned.get();
  c->number = next_cluster_++;
  c->tokens.assign(s.tokens.begin(), s.tokens.begin() + static_cast<ptrdiff_t>(s.size));
  c->count = 1;
  c->first_seen = c->last_seen = at;
  c->example.assign(message.substr(0, kMaxExampleBytes));
  // Drain's addSeqToPrefixTree: a token with a value, or one more child than
  // a node may have, goes to the "<*>" child.
  Node* node = root_.get();
  char length[24];
  c->route.emplace_back(LengthKey(s.size, length));
  const size_t depth = std::min(s.size, static_cast<size_t>(options_.depth));
  for (size_t k = 0; k <= depth; ++k) {
    const std::string& key = c->route.back();
    std::unique_ptr<Node>& child = node->children[key];
    if (!child) child = std::make_unique<Node>();
    node = child.get();
    if (k == depth) break;
    const std::string& token = s.tokens[k];
    const bool own_child = !HoldsPlaceholder(token) &&
                           (node->children.count(token) > 0 ||
                            node->children.size() < static_cast<size_t>(options_.max_children));
    if (own_child) {
      c->route.push_back(token);
    } else {
      c->route.emplace_back(kWildcard);  // a value, or a node with max_children already
    }
  }
  node->clusters.push_back(c);
  recency_.push_front(c);
  c->recency = recency_.begin();
  clusters_.emplace(c->number, std::move(owned));
  if (clusters_.size() > options_.max_templates) EvictOldest();
  return {c->number, true};
}

Pattern TemplateMiner::ToPattern(const Cluster& c) const {
  Pattern p;
  p.cluster = c.number;
  for (const std::string& t : c.tokens) {
    if (!p.text.empty()) p.text.push_back(' ');
    p.text += t;
  }
  p.id = TemplateId(p.text);
  p.count = c.count;
  p.first_seen = c.first_seen;
  p.last_seen = c.last_seen;
  p.example = c.example;
  return p;
}

std::optional<Pattern> TemplateMiner::Match(std::string_view message) const {
  Scratch s;
  Tokenize(message, &s);
  MutexLock lock(&mu_);
  const Cluster* c = Search(s);
  if (c == nullptr) return std::nullopt;
  Pattern p = ToPattern(*c);
  // The template this line would leave behind.
  std::vector<std::string> merged = c->tokens;
  for (size_t k = 0; k < s.size; ++k) {
    if (merged[k] != s.tokens[k]) merged[k] = kWildcard;
  }
  p.text.clear();
  for (const std::string& t : merged) p.text += (p.text.empty() ? "" : " ") + t;
  p.id = TemplateId(p.text);
  return p;
}

std::optional<Pattern> TemplateMiner::Find(uint64_t cluster) const {
  MutexLock lock(&mu_);
  auto it = clusters_.find(cluster);
  if (it == clusters_.end()) return std::nullopt;
  return ToPattern(*it->second);
}

std::vector<Pattern> TemplateMiner::Patterns() const {
  MutexLock lock(&mu_);
  std::vector<Pattern> out;
  out.reserve(clusters_.size());
  for (const auto& [number, c] : clusters_) out.push_back(ToPattern(*c));
  std::sort(out.begin(), out.end(),
            [](const Pattern& a, const Pattern& b) { return a.cluster < b.cluster; });
  return out;
}

size_t TemplateMiner::size() const {
  MutexLock lock(&mu_);
  return clusters_.size();
}

uint64_t TemplateMiner::evicted() const {
  MutexLock lock(&mu_);
  return evicted_;
}

// Layout: magic; options (depth, similarity bits, max_children,
// max_templates, words_are_constants, masks as name + placeholder); next_cluster, evicted; the
// clusters by number (number, count, first, last, example, route, tokens);
// the cluster numbers from least to most recently matched.
std::string TemplateMiner::Save() const {
  MutexLock lock(&mu_);
  std::string out(kMagic);
  PutU64(static_cast<uint64_t>(options_.depth), &out);
  PutU64(std::bit_cast<uint64_t>(options_.similarity), &out);
  PutU64(static_cast<uint64_t>(options_.max_children), &out);
  PutU64(options_.max_templates, &out);
  PutU64(options_.words_are_constants ? 1 : 0, &out);
  PutU64(options_.masks.size(), &out);
  for (const Mask& m : options_.masks) {
    PutString(RecognizerName(m.recognizer), &out);
    PutString(m.placeholder, &out);
  }
  PutU64(next_cluster_, &out);
  PutU64(evicted_, &out);
  std::vector<const Cluster*> by_number;
  for (const auto& [number, c] : clusters_) by_number.push_back(c.get());
  std::sort(by_number.begin(), by_number.end(),
            [](const Cluster* a, const Cluster* b) { return a->number < b->number; });
  PutU64(by_number.size(), &out);
  for (const Cluster* c : by_number) {
    PutU64(c->number, &out);
    PutU64(c->count, &out);
    PutU64(c->first_seen, &out);
    PutU64(c->last_seen, &out);
    PutString(c->example, &out);
    PutU64(c->route.size(), &out);
    for (const std::string& k : c->route) PutString(k, &out);
    PutU64(c->tokens.size(), &out);
    for (const std::string& t : c->tokens) PutString(t, &out);
  }
  for (auto it = recency_.rbegin(); it != recency_.rend(); ++it) PutU64((*it)->number, &out);
  return out;
}

StatusOr<std::unique_ptr<TemplateMiner>> TemplateMiner::Load(std::string_view bytes) {
  if (bytes.substr(0, kMagic.size()) != kMagic)
    return DataLossError("template miner state: not a saved miner (bad magic)");
  Decoder d(bytes.substr(kMagic.size()));
  auto corrupt = [&d](std::string_view what) {
    return DataLossError("template miner state: " + std::string(what) + " at byte " +
                         std::to_string(d.pos() + kMagic.size()));
  };
  // Counts are checked against the bytes left, so a corrupt count cannot
  // make Load reserve or loop beyond the input.
  const uint64_t max_count = bytes.size();
  MinerOptions o;
  uint64_t depth = 0, sim = 0, children = 0, cap = 0, words = 0, nmasks = 0;
  if (!d.U64(&depth) || !d.U64(&sim) || !d.U64(&children) || !d.U64(&cap) || !d.U64(&words) ||
      !d.U64(&nmasks) || nmasks > max_count)
    return corrupt("truncated options");
  if (depth > 64 || children > (1u << 30)) return corrupt("options out of range");
  o.depth = static_cast<int>(depth);
  o.similarity = std::bit_cast<double>(sim);
  o.max_children = static_cast<int>(children);
  o.max_templates = static_cast<size_t>(cap);
  o.words_are_constants = words != 0;
  o.masks.clear();
  for (uint64_t k = 0; k < nmasks; ++k) {
    std::string name, placeholder;
    if (!d.String(&name) || !d.String(&placeholder)) return corrupt("truncated mask");
    StatusOr<Recognizer> r = ParseRecognizer(name);
    if (!r.ok()) return corrupt(r.status().message());
    o.masks.push_back({*r, std::move(placeholder)});
  }
  LOGSIEVE_ASSIGN_OR_RETURN(std::unique_ptr<TemplateMiner> miner, Create(std::move(o)));
  MutexLock lock(&miner->mu_);
  uint64_t n = 0;
  if (!d.U64(&miner->next_cluster_) || !d.U64(&miner->evicted_) || !d.U64(&n) || n > max_count)
    return corrupt("truncated header");
  auto strings = [&](std::vector<std::string>* v) {
    uint64_t m = 0;
    if (!d.U64(&m) || m > max_count) return false;
    v->resize(m);
    for (std::string& s : *v) {
      if (!d.String(&s)) return false;
    }
    return true;
  };
  char length[24];
  for (uint64_t k = 0; k < n; ++k) {
    auto c = std::make_unique<Cluster>();
    if (!d.U64(&c->number) || !d.U64(&c->count) || !d.U64(&c->first_seen) ||
        !d.U64(&c->last_seen) || !d.String(&c->example) || !strings(&c->route) ||
        !strings(&c->tokens))
      return corrupt("truncated cluster");
    if (c->route.empty() || c->route[0] != LengthKey(c->tokens.size(), length) ||
        c->route.size() > static_cast<size_t>(miner->options_.depth) + 1 ||
        c->number >= miner->next_cluster_ || miner->clusters_.count(c->number) > 0)
      return corrupt("inconsistent cluster");
    miner->Insert(c.get());
    c->recency = miner->recency_.end();
    miner->clusters_.emplace(c->number, std::move(c));
  }
  for (uint64_t k = 0; k < n; ++k) {
    uint64_t number = 0;
    if (!d.U64(&number)) return corrupt("truncated recency list");
    auto it = miner->clusters_.find(number);
    if (it == miner->clusters_.end() || it->second->recency != miner->recency_.end())
      return corrupt("inconsistent recency list");
    miner->recency_.push_front(it->second.get());
    it->second->recency = miner->recency_.begin();
  }
  if (!d.done()) return corrupt("trailing bytes");
  if (miner->clusters_.size() > miner->options_.max_templates)
    return corrupt("more clusters than max_templates");
  return miner;
}

}  // namespace logsieve
