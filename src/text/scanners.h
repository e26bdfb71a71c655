// Text scanners: the one place that recognises timestamps, UUIDs, emails,
// URLs, IP addresses, paths, hex and numbers in log text. The normalizer
// masks them into templates; the LLM stage's PII masker (llm/pii_masker.h)
// masks emails and IP addresses before a line leaves the machine. Both run
// this code, so what the masker hides is exactly what the normalizer sees.
//
//   std::string out;
//   ReplaceMatches(Scan::kIpv4Address, "from 10.0.0.7:22 ok", "<IPV4>", &out);
//   // out == "from <IPV4>:22 ok"
//
// Hand-written, linear in the match length, no allocation, no regex. Bytes
// that are not ASCII never match and pass through unchanged.
//
// Matches respect word boundaries: a match starts and ends next to a
// character that is not a letter, digit, '<' or '>' (numbers excepted:
// "User123" -> "User<NUM>"). A placeholder of an earlier pass ("<IP>",
// "<EMAIL>": '<', up to five capitals, '>') is copied whole and never
// scanned, so applying a pass twice changes nothing.
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_TEXT_SCANNERS_H_
#define LOGSIEVE_TEXT_SCANNERS_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

namespace logsieve {

enum class Scan : uint8_t {
  kTimestamp,    // 2024-05-01T12:00:01Z, 10/Oct/2000:13:55:36 -0700, Jan  5 03:14:15, 12:30
  kUuid,         // 3f2b8c1e-9d4a-4b7e-8f00-1a2b3c4d5e6f
  kEmail,        // john.doe+x@example.co.uk (local part: letters, digits, _ . + - %)
  kUrl,          // https://..., ftp://, ws(s)://, s3://, file://, sftp://, ssh://
  kIpv6,         // kIpv6Address, optionally [in brackets]:port, %zone or /prefix
  kIpv4,         // kIpv4Address with an optional :port or /prefix
  kPath,         // /var/log/x (two slashes at least), C:\dir\file
  kHex,          // 0x7ffe12ab, or 8+ hex digits with both digits and letters
  kNumber,       // 42, 1.25, 1,234,567, 1.2.3 (matched inside words too)
  kIpv6Address,  // fe80::1ff:fe23:4567:890a, ::ffff:10.0.0.1 (eight groups, or "::")
  kIpv4Address,  // 10.0.0.7 (four parts, each at most 255)
};

// The end of the `scan` match that starts exactly at s[i], or 0 when none
// does. Ignores word boundaries (ReplaceMatches applies them).
// REQUIRES: i < s.size().
size_t ScanAt(Scan scan, std::string_view s, size_t i);

// Writes `in` to *out with every match of `scan` replaced by `placeholder`,
// left to right, longest match at each start, under the boundary rules above.
void ReplaceMatches(Scan scan, std::string_view in, std::string_view placeholder, std::string* out);

}  // namespace logsieve

#endif  // LOGSIEVE_TEXT_SCANNERS_H_
