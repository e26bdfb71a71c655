// PiiMasker: replaces personal data in a log line before it leaves the
// machine for an LLM endpoint.
//
//   StatusOr<PiiMasker> m = PiiMasker::Create({"email", "ipv4"},
//       json::parse(R"([{"name": "user", "pattern": "user (\\w+)"}])"));
//   m->Mask("user alice from 10.0.0.7 mailed bob@x.org")
//     == "user <USER> from <IPV4> mailed <EMAIL>"
//
// Built-in kinds: email, ipv4, ipv6 (the address alone: a :port or %zone
// stays). They run the normalizer's scanners (text/scanners.h), word
// boundaries included, so the masker hides what the normalizer recognises.
// Patterns are ECMAScript regular expressions (std::regex); the first capture
// group is replaced when the pattern has one, else the whole match. Callers
// bound the input length (llm.max_line_bytes) since std::regex backtracks.
//
// Thread safety: build, then share as const.
#ifndef LOGSIEVE_LLM_PII_MASKER_H_
#define LOGSIEVE_LLM_PII_MASKER_H_

#include <nlohmann/json_fwd.hpp>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace logsieve {

class PiiMasker {
 public:
  PiiMasker() = default;  // masks nothing
  // `kinds` from llm.mask_pii, `patterns` from llm.mask_patterns.
  static StatusOr<PiiMasker> Create(const std::vector<std::string>& kinds,
                                    const nlohmann::json& patterns);

  // The masked text; an error (kInternal) only when a pattern blew up on this
  // input (the caller must then not send the line).
  StatusOr<std::string> Mask(std::string_view text) const;
  bool empty() const { return !email_ && !ipv4_ && !ipv6_ && patterns_.empty(); }

 private:
  struct Pattern {
    std::string placeholder;  // "<USER>"
    std::regex re;
    bool has_group;
  };
  bool email_ = false, ipv4_ = false, ipv6_ = false;
  std::vector<Pattern> patterns_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_LLM_PII_MASKER_H_
