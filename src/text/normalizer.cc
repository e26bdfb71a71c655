#include "text/normalizer.h"

#include <xxhash.h>

#include <array>
#include <cstring>

#include "text/scanners.h"

namespace logsieve {

enum class Normalizer::Mask : uint8_t {
  kTimestamp,
  kUuid,
  kEmail,
  kUrl,
  kIpv6,
  kIpv4,
  kPath,
  kHex,
  kNumber
};

namespace {

using Mask = uint8_t;  // index into kMasks

// The masks, in enum order; the scanners live in text/scanners.h.
struct MaskInfo {
  std::string_view name;
  Scan scan;
  std::string_view placeholder;
};
constexpr std::array<MaskInfo, 9> kMasks = {{
    {"timestamp", Scan::kTimestamp, "<TS>"},
    {"uuid", Scan::kUuid, "<UUID>"},
    {"email", Scan::kEmail, "<EMAIL>"},
    {"url", Scan::kUrl, "<URL>"},
    {"ipv6", Scan::kIpv6, "<IP>"},
    {"ipv4", Scan::kIpv4, "<IP>"},
    {"path", Scan::kPath, "<PATH>"},
    {"hex", Scan::kHex, "<HEX>"},
    {"number", Scan::kNumber, "<NUM>"},
}};

inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

void ApplyMask(Mask m, std::string_view in, std::string* out) {
  ReplaceMatches(kMasks[m].scan, in, kMasks[m].placeholder, out);
}

void CollapseSpace(std::string_view in, std::string* out) {
  out->clear();
  bool pending = false;
  for (char c : in) {
    if (IsSpace(c)) {
      pending = !out->empty();
      continue;
    }
    if (pending) out->push_back(' ');
    pending = false;
    out->push_back(c);
  }
}

}  // namespace

StatusOr<Normalizer> Normalizer::Create(const std::vector<std::string>& masks) {
  Normalizer n;
  for (const std::string& name : masks) {
    size_t k = 0;
    while (k < kMasks.size() && kMasks[k].name != name) ++k;
    if (k == kMasks.size()) {
      std::string known;
      for (const MaskInfo& m : kMasks) known += (known.empty() ? "" : ", ") + std::string(m.name);
      return InvalidArgumentError("normalizer.masks: unknown mask '" + name + "' (known: " + known +
                                  ")");
    }
    n.names_.push_back(name);
    n.masks_.push_back(static_cast<Mask>(k));
  }
  return n;
}

StatusOr<Normalizer> Normalizer::FromConfig(const Config& config) {
  return Create(config.GetStringList("normalizer.masks"));
}

void Normalizer::Normalize(std::string_view message, std::string* out) const {
  thread_local std::string a, b;
  CollapseSpace(message, &a);
  for (Mask m : masks_) {
    ApplyMask(static_cast<uint8_t>(m), a, &b);
    a.swap(b);
  }
  out->assign(a);
}

std::string Normalizer::Normalize(std::string_view message) const {
  std::string out;
  Normalize(message, &out);
  return out;
}

std::string Normalizer::spec_json() const {
  std::string out = "{\"masks\":[";
  for (size_t i = 0; i < names_.size(); ++i) out += (i ? ",\"" : "\"") + names_[i] + "\"";
  return out + "],\"version\":1}";
}

uint64_t TemplateKey(std::string_view route, std::string_view template_text) {
  // Seeding the template hash with the route's hash keeps "ab"+"c" apart from "a"+"bc".
  return XXH3_64bits_withSeed(template_text.data(), template_text.size(),
                              XXH3_64bits(route.data(), route.size()));
}

}  // namespace logsieve
