#include "llm/pii_masker.h"

#include <cctype>
#include <nlohmann/json.hpp>

#include "text/scanners.h"

namespace logsieve {
namespace {

// A pass of one shared scanner (text/scanners.h), the normalizer's code.
std::string ReplaceAll(const std::string& text, Scan scan, std::string_view placeholder) {
  std::string out;
  ReplaceMatches(scan, text, placeholder, &out);
  return out;
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
  if (email_) s = ReplaceAll(s, Scan::kEmail, "<EMAIL>");
  if (ipv6_) s = ReplaceAll(s, Scan::kIpv6Address, "<IPV6>");
  if (ipv4_) s = ReplaceAll(s, Scan::kIpv4Address, "<IPV4>");
  return s;
}

}  // namespace logsieve
