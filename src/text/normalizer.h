// Normalizer: turns a raw log line into its template text and template key.
//
// Variable parts are masked so that lines differing only in values share one
// template (and so one cached decision):
//
//   Normalizer n = *Normalizer::Create({"timestamp", "ipv4", "number"});
//   n.Normalize("2024-05-01 12:00:01 conn from 10.0.0.7 port 5514 closed")
//     == "<TS> conn from <IP> port <NUM> closed"
//
// Masks (applied in the configured order, each on what the earlier left):
//   timestamp <TS>, uuid <UUID>, email <EMAIL>, url <URL>, ipv6 <IP>,
//   ipv4 <IP> (with :port), path <PATH>, hex <HEX>, number <NUM>.
// Whitespace runs collapse to one space; leading/trailing space is dropped.
// Bytes that are not valid UTF-8 pass through unchanged (never a crash).
//
// Thread safety: immutable after Create; Normalize is safe from any thread.
#ifndef LOGSIEVE_TEXT_NORMALIZER_H_
#define LOGSIEVE_TEXT_NORMALIZER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace logsieve {

class Normalizer {
 public:
  // Unknown mask names are an error naming the mask and the known ones.
  static StatusOr<Normalizer> Create(const std::vector<std::string>& masks);
  // From config key normalizer.masks.
  static StatusOr<Normalizer> FromConfig(const Config& config);

  // The template text of `message`.
  std::string Normalize(std::string_view message) const;
  // Same, into `out` (reuses its capacity).
  void Normalize(std::string_view message, std::string* out) const;

  const std::vector<std::string>& masks() const { return names_; }
  // {"masks":[...],"version":1}: stored in model files.
  std::string spec_json() const;

 private:
  enum class Mask : uint8_t;  // defined in normalizer.cc
  Normalizer() = default;
  std::vector<std::string> names_;
  std::vector<Mask> masks_;
};

// The cache key of a template under a route: a 64-bit hash of both.
uint64_t TemplateKey(std::string_view route, std::string_view template_text);

}  // namespace logsieve

#endif  // LOGSIEVE_TEXT_NORMALIZER_H_
