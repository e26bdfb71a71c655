#include "patterns/masks.h"

#include <array>

#include "text/scanners.h"

namespace logsieve {
namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }

constexpr std::array<std::string_view, 13> kNames = {
    "timestamp", "uuid", "email",    "url",  "ipv6", "ipv4",  "path",
    "host",      "hex",  "duration", "size", "bool", "number"};

// The end of a number with one of `units` right after it (case-sensitive,
// and no letter after the unit), or 0.
size_t NumberWithUnitAt(std::string_view s, size_t i, std::span<const std::string_view> units) {
  size_t e = ScanAt(Scan::kNumber, s, i);
  if (e == 0) return 0;
  for (std::string_view u : units) {
    if (s.size() - e >= u.size() && s.compare(e, u.size(), u) == 0 &&
        (e + u.size() == s.size() || !IsAlpha(s[e + u.size()])))
      return e + u.size();
  }
  return 0;
}

// Longest first where one unit is a prefix of another (secs before sec before s).
constexpr std::string_view kTimeUnitsOrdered[] = {"secs", "sec", "mins", "min", "hrs", "ms", "us",
                                                  "ns",   "µs",  "s",    "m",   "h",   "d"};
constexpr std::string_view kSizeUnits[] = {"bytes", "KiB", "MiB", "GiB", "TiB", "KB", "MB",
                                           "GB",    "TB",  "kB",  "B",   "K",   "M",  "G"};

// node-7.rack2.example.com: 3+ dot-separated labels of letters, digits, '-'
// and '_', at least one letter and one digit in all.
size_t HostAt(std::string_view s, size_t i) {
  size_t e = i, labels = 0;
  bool digit = false, alpha = false;
  while (true) {
    size_t start = e;
    while (e < s.size() && (IsAlnum(s[e]) || s[e] == '-' || s[e] == '_')) {
      (IsDigit(s[e]) ? digit : alpha) = true;
      ++e;
    }
    if (e == start) return 0;
    ++labels;
    if (e + 1 < s.size() && s[e] == '.' && IsAlnum(s[e + 1])) {
      ++e;
      continue;
    }
    break;
  }
  return labels >= 3 && digit && alpha ? e : 0;
}

// true/false/null in any case, as a whole word.
size_t BoolAt(std::string_view s, size_t i) {
  for (std::string_view w : {"true", "false", "null"}) {
    if (s.size() - i < w.size()) continue;
    bool same = true;
    for (size_t k = 0; k < w.size() && same; ++k) same = (s[i + k] | 0x20) == w[k];
    if (same) return i + w.size();
  }
  return 0;
}

size_t MatchAt(Recognizer r, std::string_view s, size_t i) {
  switch (r) {
    case Recognizer::kTimestamp:
      return ScanAt(Scan::kTimestamp, s, i);
    case Recognizer::kUuid:
      return ScanAt(Scan::kUuid, s, i);
    case Recognizer::kEmail:
      return ScanAt(Scan::kEmail, s, i);
    case Recognizer::kUrl:
      return ScanAt(Scan::kUrl, s, i);
    case Recognizer::kIpv6:
      return ScanAt(Scan::kIpv6, s, i);
    case Recognizer::kIpv4:
      return ScanAt(Scan::kIpv4, s, i);
    case Recognizer::kPath:
      return ScanAt(Scan::kPath, s, i);
    case Recognizer::kHost:
      return IsAlnum(s[i]) ? HostAt(s, i) : 0;
    case Recognizer::kHex:
      return ScanAt(Scan::kHex, s, i);
    case Recognizer::kDuration:
      return NumberWithUnitAt(s, i, kTimeUnitsOrdered);
    case Recognizer::kSize:
      return NumberWithUnitAt(s, i, kSizeUnits);
    case Recognizer::kBool:
      return BoolAt(s, i);
    case Recognizer::kNumber: {
      // A sign belongs to the number when nothing word-like precedes it.
      if (s[i] == '-' && i + 1 < s.size() && IsDigit(s[i + 1]) && (i == 0 || !IsAlnum(s[i - 1])))
        return ScanAt(Scan::kNumber, s, i + 1);
      return ScanAt(Scan::kNumber, s, i);
    }
  }
  return 0;
}

}  // namespace

std::string_view RecognizerName(Recognizer r) { return kNames[static_cast<size_t>(r)]; }

StatusOr<Recognizer> ParseRecognizer(std::string_view name) {
  for (size_t k = 0; k < kNames.size(); ++k) {
    if (kNames[k] == name) return static_cast<Recognizer>(k);
  }
  std::string known;
  for (std::string_view n : kNames) known += (known.empty() ? "" : ", ") + std::string(n);
  return InvalidArgumentError("unknown mask '" + std::string(name) + "' (known: " + known + ")");
}

std::vector<Mask> DefaultMasks() {
  return {{Recognizer::kTimestamp, "<TS>"}, {Recognizer::kUuid, "<UUID>"},
          {Recognizer::kEmail, "<EMAIL>"},  {Recognizer::kUrl, "<URL>"},
          {Recognizer::kIpv6, "<IP>"},      {Recognizer::kIpv4, "<IP>"},
          {Recognizer::kPath, "<PATH>"},    {Recognizer::kHost, "<HOST>"},
          {Recognizer::kHex, "<HEX>"},      {Recognizer::kDuration, "<DUR>"},
          {Recognizer::kSize, "<SIZE>"},    {Recognizer::kBool, "<BOOL>"},
          {Recognizer::kNumber, "<NUM>"}};
}

bool MayHoldValue(std::string_view token) {
  for (char c : token) {
    if (IsDigit(c) || c == '/' || c == '\\' || c == ':' || c == '@') return true;
  }
  // A boolean, at the start of a word.
  for (size_t i = 0; i < token.size(); ++i) {
    if ((i == 0 || !IsAlnum(token[i - 1])) && BoolAt(token, i) != 0) return true;
  }
  return false;
}

void MaskToken(std::span<const Mask> masks, std::string_view token, std::string* out) {
  out->clear();
  size_t i = 0;
  while (i < token.size()) {
    const bool start_ok = i == 0 || !IsAlnum(token[i - 1]);
    size_t best = 0;
    const Mask* hit = nullptr;
    for (const Mask& m : masks) {
      const bool inside_word_ok = m.recognizer == Recognizer::kNumber;
      if (!start_ok && !inside_word_ok) continue;
      size_t e = MatchAt(m.recognizer, token, i);
      if (e <= i) continue;
      if (!inside_word_ok && e < token.size() && IsAlnum(token[e])) continue;
      best = e;
      hit = &m;
      break;
    }
    if (hit != nullptr) {
      out->append(hit->placeholder);
      i = best;
      continue;
    }
    // Copy the rest of a word at once: only a number starts inside one.
    out->push_back(token[i++]);
    while (i < token.size() && IsAlpha(token[i]) && IsAlpha(token[i - 1]))
      out->push_back(token[i++]);
  }
}

}  // namespace logsieve
