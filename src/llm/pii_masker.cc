#include "llm/pii_masker.h"

#include <cctype>
#include <nlohmann/json.hpp>

namespace logsieve {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsHex(char c) { return std::isxdigit(static_cast<unsigned char>(c)) != 0; }
bool IsLocalChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '_' || c == '%' ||
         c == '+' || c == '-';
}
bool IsDomainChar(char c) {
  return std::isalnum(static_cast<unsigned char>(c)) || c == '.' || c == '-';
}

// Replaces every span [b, e) that `find(text, pos)` reports with `placeholder`.
template <typename Finder>
std::string ReplaceAll(const std::string& text, const std::string& placeholder, Finder find) {
  std::string out;
  size_t pos = 0;
  while (pos < text.size()) {
    auto [b, e] = find(text, pos);
    if (b == std::string::npos) break;
    out.append(text, pos, b - pos);
    out += placeholder;
    pos = e;
  }
  out.append(text, std::min(pos, text.size()), std::string::npos);
  return out;
}

using Span = std::pair<size_t, size_t>;
constexpr Span kNone{std::string::npos, std::string::npos};

Span FindEmail(const std::string& s, size_t pos) {
  for (size_t at = s.find('@', pos); at != std::string::npos; at = s.find('@', at + 1)) {
    size_t b = at;
    while (b > pos && IsLocalChar(s[b - 1])) --b;
    size_t e = at + 1;
    while (e < s.size() && IsDomainChar(s[e])) ++e;
    while (e > at + 1 && (s[e - 1] == '.' || s[e - 1] == '-')) --e;  // trailing punctuation
    std::string_view domain(s.data() + at + 1, e - at - 1);
    if (b < at && domain.find('.') != std::string_view::npos && domain.front() != '.')
      return {b, e};
  }
  return kNone;
}

Span FindIpv4(const std::string& s, size_t pos) {
  for (size_t i = pos; i < s.size(); ++i) {
    if (!IsDigit(s[i]) || (i > 0 && (IsDigit(s[i - 1]) || s[i - 1] == '.'))) continue;
    size_t j = i;
    int parts = 0;
    while (parts < 4) {
      size_t d = j;
      while (d < s.size() && IsDigit(s[d]) && d - j < 3) ++d;
      if (d == j || (d < s.size() && IsDigit(s[d])) || std::stoi(s.substr(j, d - j)) > 255) break;
      ++parts;
      j = d;
      if (parts < 4) {
        if (j < s.size() && s[j] == '.' && j + 1 < s.size() && IsDigit(s[j + 1])) {
          ++j;
        } else {
          break;
        }
      }
    }
    if (parts == 4) return {i, j};
  }
  return kNone;
}

// Eight hex groups joined by ':', or fewer with "::" compression (so "12:30:45" is no address).
Span FindIpv6(const std::string& s, size_t pos) {
  for (size_t i = pos; i < s.size(); ++i) {
    if (!(IsHex(s[i]) || s[i] == ':')) continue;
    if (i > 0 && (std::isalnum(static_cast<unsigned char>(s[i - 1])) || s[i - 1] == ':')) continue;
    size_t j = i;
    int colons = 0, group = 0;
    bool ok = true;
    while (j < s.size() && (IsHex(s[j]) || s[j] == ':')) {
      if (s[j] == ':') {
        ++colons;
        group = 0;
      } else if (++group > 4) {
        ok = false;
      }
      ++j;
    }
    std::string_view cand(s.data() + i, j - i);
    bool shaped =
        colons == 7 || (colons >= 2 && colons <= 7 && cand.find("::") != std::string_view::npos);
    if (ok && shaped && (j >= s.size() || !std::isalnum(static_cast<unsigned char>(s[j])))) {
      bool has_hex = false;
      for (size_t k = i; k < j; ++k) has_hex = has_hex || s[k] != ':';
      if (has_hex) return {i, j};
    }
    i = j;
  }
  return kNone;
}

}  // namespace

StatusOr<PiiMasker> PiiMasker::Create(const std::vector<std::string>& kinds,
                                      const nlohmann::json& patterns) {
  PiiMasker m;
  for (const std::string& k : kinds) {
    if (k == "email")
      m.email_ = true;
    else if (k == "ipv4")
      m.ipv4_ = true;
    else if (k == "ipv6")
      m.ipv6_ = true;
    else
      return InvalidArgumentError("'llm.mask_pii': unknown kind '" + k +
                                  "' (known: email, ipv4, ipv6)");
  }
  if (patterns.is_null()) return m;
  if (!patterns.is_array())
    return InvalidArgumentError("'llm.mask_patterns' must be a list of {name, pattern}");
  for (size_t i = 0; i < patterns.size(); ++i) {
    const nlohmann::json& p = patterns[i];
    std::string where = "'llm.mask_patterns' entry " + std::to_string(i + 1);
    if (!p.is_object() || !p.contains("name") || !p["name"].is_string() || !p.contains("pattern") ||
        !p["pattern"].is_string()) {
      return InvalidArgumentError(where + " needs a name and a pattern");
    }
    std::string name = p["name"].get<std::string>();
    std::string placeholder = "<";
    for (char c : name)
      placeholder += static_cast<char>(std::toupper(static_cast<unsigned char>(c)));
    placeholder += ">";
    try {
      std::regex re(p["pattern"].get<std::string>(), std::regex::ECMAScript | std::regex::optimize);
      m.patterns_.push_back({placeholder, std::move(re), false});
      m.patterns_.back().has_group = m.patterns_.back().re.mark_count() > 0;
    } catch (const std::regex_error& e) {
      return InvalidArgumentError(where + " ('" + name + "'): bad pattern: " + e.what());
    }
  }
  return m;
}

StatusOr<std::string> PiiMasker::Mask(std::string_view text) const {
  std::string s(text);
  // Patterns first: they are the most specific (a user name next to its email).
  try {
    for (const Pattern& p : patterns_) {
      std::string out;
      auto begin = std::sregex_iterator(s.begin(), s.end(), p.re);
      size_t pos = 0;
      for (auto it = begin; it != std::sregex_iterator(); ++it) {
        const std::smatch& m = *it;
        size_t b = static_cast<size_t>(m.position(p.has_group ? 1 : 0));
        size_t len = static_cast<size_t>(m.length(p.has_group ? 1 : 0));
        if (p.has_group && !m[1].matched) continue;
        if (b < pos) continue;
        out.append(s, pos, b - pos);
        out += p.placeholder;
        pos = b + len;
      }
      out.append(s, pos, std::string::npos);
      s = std::move(out);
    }
  } catch (const std::regex_error& e) {
    return InternalError(std::string("masking pattern failed on this line: ") + e.what());
  }
  if (email_) s = ReplaceAll(s, "<EMAIL>", FindEmail);
  if (ipv6_) s = ReplaceAll(s, "<IPV6>", FindIpv6);
  if (ipv4_) s = ReplaceAll(s, "<IPV4>", FindIpv4);
  return s;
}

}  // namespace logsieve
