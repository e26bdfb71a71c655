// Masks: the table of what the template miner treats as a value before it
// compares lines (Drain3's masking config, as data). Each mask names a
// recogniser and the placeholder that replaces what it recognises:
//
//   std::vector<Mask> masks = DefaultMasks();
//   std::string out;
//   MaskToken(masks, "10.0.0.7:22", &out);   // out == "<IP>"
//   MaskToken(masks, "took=12ms", &out);     // out == "took=<DUR>"
//
// Masks apply to one whitespace-free token at a time, left to right: at each
// position the first mask of the table that matches there (longest match of
// its recogniser) wins. Matches respect word boundaries (they start and end
// next to a character that is not a letter or digit) except numbers, which
// may sit inside a word ("blk_123" -> "blk_<NUM>"). The recognisers are
// text/scanners.h's where one exists, so the miner, the normalizer and the
// PII masker agree on what an IP address or a path is.
//
// Thread safety: pure functions over immutable tables.
#ifndef LOGSIEVE_PATTERNS_MASKS_H_
#define LOGSIEVE_PATTERNS_MASKS_H_

#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace logsieve {

enum class Recognizer : uint8_t {
  kTimestamp,  // text/scanners.h kTimestamp (a date or a time of day)
  kUuid,       // 8-4-4-4-12 hex
  kEmail,      // a@b.c
  kUrl,        // scheme://...
  kIpv6,       // with [brackets]:port, %zone or /prefix
  kIpv4,       // with :port or /prefix
  kPath,       // /two/segments or C:\dir
  kHost,       // a dotted name of 3+ labels, one with a digit: node-7.rack2.example.com
  kHex,        // 0x1f, or 8+ hex digits with letters and digits
  kDuration,   // a number with a time unit: 12ms, 1.5s, 30sec, 2h
  kSize,       // a number with a size unit: 512MB, 4KiB, 10bytes
  kBool,       // true, false, null (any case), a whole word
  kNumber,     // 42, -7, 1.25, 1,234 (inside words too)
};

// One row of the mask table.
struct Mask {
  Recognizer recognizer;
  std::string placeholder;  // what replaces a match, e.g. "<IP>"
};

// "timestamp", "uuid", "email", "url", "ipv6", "ipv4", "path", "host", "hex",
// "duration", "size", "bool", "number".
std::string_view RecognizerName(Recognizer r);
// InvalidArgument naming `name` and the known names.
StatusOr<Recognizer> ParseRecognizer(std::string_view name);

// The table every source uses: the order above, placeholders <TS> <UUID>
// <EMAIL> <URL> <IP> <IP> <PATH> <HOST> <HEX> <DUR> <SIZE> <BOOL> <NUM>.
std::vector<Mask> DefaultMasks();

// Writes `token` to *out (cleared first) with every match replaced by its
// mask's placeholder. REQUIRES: token holds no whitespace.
void MaskToken(std::span<const Mask> masks, std::string_view token, std::string* out);

// Whether a token may hold a match at all (a digit, '/', '\\', ':', '@', or
// a boolean word);
// tokens without one are copied unchanged, which is the fast path.
bool MayHoldValue(std::string_view token);

}  // namespace logsieve

#endif  // LOGSIEVE_PATTERNS_MASKS_H_
