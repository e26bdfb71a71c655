#include "train/synthetic_logs.h"

#include <algorithm>
#include <cctype>
#include <charconv>
#include <map>
#include <span>
#include <string>
#include <vector>

#include "io/csv.h"
#include "train/synthetic_families.h"

namespace logsieve {
namespace {

// SplitMix64: tiny, fast, and the same numbers everywhere.
class Rng {
 public:
  explicit Rng(uint64_t seed) : s_(seed) {}
  uint64_t Next() {
    uint64_t z = (s_ += 0x9E3779B97F4A7C15ull);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
  }
  // Uniform in [0, n). REQUIRES: n > 0.
  size_t Below(size_t n) { return static_cast<size_t>(Next() % n); }
  int Range(int lo, int hi) {
    return lo + static_cast<int>(Below(static_cast<size_t>(int64_t{hi} - lo + 1)));
  }
  bool Chance(double p) { return static_cast<double>(Next() >> 11) * 0x1.0p-53 < p; }

 private:
  uint64_t s_;
};

// The values of one line that line formats name: {msg}, {source}, ...
struct LineValues {
  std::string_view msg, msg_json, source, level, level_lower, ts;
  const std::string_view* Find(std::string_view name) const {
    if (name == "msg") return &msg;
    if (name == "msg_json") return &msg_json;
    if (name == "source") return &source;
    if (name == "level") return &level;
    if (name == "level_lower") return &level_lower;
    if (name == "ts") return &ts;
    return nullptr;
  }
};

enum class Order { kLeftToRight, kRightToLeft };

// Expands templates, recipes and line formats (the language of
// synthetic_families.h) with the tables' slots.
class Expander {
 public:
  Expander() {
    for (const synthetic::SlotRow& s : synthetic::Slots()) slots_.emplace(s.name, s.recipe);
  }

  // `line`: the values a line format names; null elsewhere.
  std::string Expand(std::string_view t, Order order, Rng& r,
                     const LineValues* line = nullptr) const {
    std::vector<std::string_view> parts = Split(t);
    if (order == Order::kLeftToRight) {
      std::string out;
      for (std::string_view p : parts) out += ExpandPart(p, order, r, line);
      return out;
    }
    std::vector<std::string> values(parts.size());
    for (size_t i = parts.size(); i-- > 0;) values[i] = ExpandPart(parts[i], order, r, line);
    std::string out;
    for (const std::string& v : values) out += v;
    return out;
  }

  std::string Slot(std::string_view name, Rng& r) const {
    if (name.starts_with('=')) return BuiltIn(name.substr(1), r);
    auto it = slots_.find(name);
    if (it == slots_.end()) return "{" + std::string(name) + "}";  // checked at compile time
    return Expand(it->second, Order::kRightToLeft, r);
  }

 private:
  // Top-level parts: "\x", "{slot}", "(group)" or a run of plain text.
  static std::vector<std::string_view> Split(std::string_view t) {
    std::vector<std::string_view> parts;
    size_t i = 0;
    while (i < t.size()) {
      size_t end = i + 1;
      if (t[i] == '\\') {
        end = std::min(t.size(), i + 2);
      } else if (t[i] == '{') {
        end = t.find('}', i);
        end = end == std::string_view::npos ? t.size() : end + 1;
      } else if (t[i] == '(') {
        int depth = 0;
        for (; end < t.size(); ++end) {
          if (t[end] == '\\') {
            ++end;
          } else if (t[end] == '(') {
            ++depth;
          } else if (t[end] == ')' && depth-- == 0) {
            break;
          }
        }
        end = std::min(t.size(), end + 1);
      } else {
        while (end < t.size() && t[end] != '\\' && t[end] != '{' && t[end] != '(') ++end;
      }
      parts.push_back(t.substr(i, end - i));
      i = end;
    }
    return parts;
  }

  std::string ExpandPart(std::string_view p, Order order, Rng& r, const LineValues* line) const {
    if (p[0] == '\\') return std::string(p.substr(p.size() > 1 ? 1 : 0));
    if (p[0] == '{') {
      if (p.back() != '}') return std::string(p);  // unterminated: as written
      const std::string_view name = p.substr(1, p.size() - 2);
      if (line != nullptr) {
        if (const std::string_view* v = line->Find(name)) return std::string(*v);
      }
      return Slot(name, r);
    }
    if (p[0] == '(')
      return ExpandGroup(p.substr(1, p.back() == ')' ? p.size() - 2 : p.size() - 1), order, r,
                         line);
    return std::string(p);
  }

  // "a|b|c": one branch uniformly; "?P:a|b": a with probability P.
  std::string ExpandGroup(std::string_view g, Order order, Rng& r, const LineValues* line) const {
    double chance = -1;
    if (!g.empty() && g[0] == '?') {
      const size_t colon = g.find(':');
      std::from_chars(g.data() + 1, g.data() + colon, chance);
      g.remove_prefix(colon + 1);
    }
    std::vector<std::string_view> branches;
    int depth = 0;
    size_t start = 0;
    for (size_t j = 0; j < g.size(); ++j) {
      if (g[j] == '\\') {
        ++j;
      } else if (g[j] == '(') {
        ++depth;
      } else if (g[j] == ')') {
        --depth;
      } else if (g[j] == '|' && depth == 0) {
        branches.push_back(g.substr(start, j - start));
        start = j + 1;
      }
    }
    branches.push_back(g.substr(start));
    const size_t pick = chance >= 0 ? (r.Chance(chance) ? 0 : 1) : r.Below(branches.size());
    return Expand(branches[std::min(pick, branches.size() - 1)], order, r, line);
  }

  // "LO..HI" (zero-padded to LO's width when LO has a leading zero) or "hex:N".
  static std::string BuiltIn(std::string_view spec, Rng& r) {
    static constexpr char kDigits[] = "0123456789abcdef";
    if (spec.starts_with("hex:")) {
      int n = 0;
      std::from_chars(spec.data() + 4, spec.data() + spec.size(), n);
      std::string s;
      for (int i = 0; i < n; ++i) s.push_back(kDigits[r.Below(16)]);
      return s;
    }
    const size_t dots = spec.find("..");
    int lo = 0, hi = 0;
    std::from_chars(spec.data(), spec.data() + dots, lo);
    std::from_chars(spec.data() + dots + 2, spec.data() + spec.size(), hi);
    std::string s = std::to_string(r.Range(lo, hi));
    if (dots > 1 && spec[0] == '0' && s.size() < dots) s.insert(0, dots - s.size(), '0');
    return s;
  }

  std::map<std::string_view, std::string_view, std::less<>> slots_;
};

std::string JsonEscape(std::string_view s) {
  std::string out;
  for (char c : s) {
    if (c == '"' || c == '\\') out.push_back('\\');
    out.push_back(c);
  }
  return out;
}

// Wraps a message in a line format, with a level plausible for its label.
std::string Wrap(const Expander& x, const std::string& msg, std::string_view source,
                 const synthetic::LabelRow& label, Rng& r) {
  const std::string level = x.Expand(label.levels, Order::kRightToLeft, r);
  std::string lower = level;
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  const std::string ts = x.Slot(synthetic::kLineTimestampSlot, r);
  const std::string msg_json = JsonEscape(msg);
  const std::span<const std::string_view> formats = synthetic::LineFormats();
  const LineValues values{msg, msg_json, source, level, lower, ts};
  return x.Expand(formats[r.Below(formats.size())], Order::kRightToLeft, r, &values);
}

std::string AddNoise(const Expander& x, std::string line, Rng& r) {
  if (r.Chance(0.12)) line += x.Expand(" request_id={=hex:8}-{=hex:4}", Order::kRightToLeft, r);
  if (r.Chance(0.06)) line += x.Expand(R"( \(trace {=hex:16}\))", Order::kRightToLeft, r);
  if (r.Chance(0.08) && !line.empty() && line.back() != '.' && line.back() != '}' &&
      line.back() != '"')
    line += ".";
  if (r.Chance(0.03)) {
    for (char& c : line) c = static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
  }
  return line;
}

// The families by label index and system index, and which are held out.
struct FamilyIndex {
  std::vector<size_t> label, system;
  std::vector<bool> held_out;  // every fifth family of each label
  size_t held_out_count = 0;
  FamilyIndex() {
    const auto labels = synthetic::Labels();
    const auto systems = synthetic::Systems();
    std::vector<size_t> per_label(labels.size(), 0);
    for (const synthetic::FamilyRow& f : synthetic::Families()) {
      size_t l = 0, s = 0;
      while (labels[l].name != f.label) ++l;  // the names are checked at compile time
      while (systems[s].name != f.system) ++s;
      label.push_back(l);
      system.push_back(s);
      held_out.push_back(per_label[l]++ % 5 == 4);
      held_out_count += held_out.back();
    }
  }
};

const FamilyIndex& Index() {
  static const FamilyIndex index;
  return index;
}

}  // namespace

size_t SyntheticFamilyCount() { return synthetic::Families().size(); }

size_t SyntheticHoldoutFamilyCount() { return Index().held_out_count; }

std::vector<SyntheticRow> GenerateSyntheticLogs(const SyntheticOptions& options) {
  static const Expander expander;
  const FamilyIndex& index = Index();
  const auto labels = synthetic::Labels();
  const auto families = synthetic::Families();
  std::vector<std::vector<size_t>> by_label(labels.size());
  for (size_t f = 0; f < families.size(); ++f) {
    if (options.split == SyntheticSplit::kAll ||
        (options.split == SyntheticSplit::kHoldout) == index.held_out[f]) {
      by_label[index.label[f]].push_back(f);
    }
  }
  Rng r(options.seed * 0x2545F4914F6CDD1Dull + 17);
  std::vector<SyntheticRow> rows;
  rows.reserve(options.rows);
  for (size_t i = 0; i < options.rows; ++i) {
    const size_t label = i % labels.size();  // balanced classes, in a fixed interleaved order
    const std::vector<size_t>& fams = by_label[label];
    const size_t f = fams[r.Below(fams.size())];
    const std::string source =
        expander.Expand(synthetic::Systems()[index.system[f]].sources, Order::kRightToLeft, r);
    const std::string msg = expander.Expand(families[f].text, Order::kLeftToRight, r);
    std::string line = AddNoise(expander, Wrap(expander, msg, source, labels[label], r), r);
    rows.push_back({source, std::move(line), std::string(labels[label].name), static_cast<int>(f)});
  }
  return rows;
}

std::string SyntheticCsv(const SyntheticOptions& options) {
  std::string out;
  AppendCsvRow({"source", "log_message", "target_label"}, &out);
  for (const SyntheticRow& r : GenerateSyntheticLogs(options))
    AppendCsvRow({r.source, r.message, r.label}, &out);
  return out;
}

}  // namespace logsieve
