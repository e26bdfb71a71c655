// The two trim rules logsieve uses, and the HTTP query lookup, in one place.
//
//   TrimSpace("  a b\r\n")  == "a b"   records, config values, feedback fields
//   TrimHttpSpace(" v\t")   == "v"     HTTP header and parameter values
//   QueryParam("/v1/review?limit=5", "limit") == "5"
//
// TrimSpace removes ASCII ' ', '\t', '\r' and '\n' from both ends (the trim
// rule of every record reader); TrimHttpSpace only ' ' and '\t' (HTTP's
// optional whitespace, RFC 9110 section 5.6.3). Both return a view into
// their argument, which must outlive it; no other byte (UTF-8 included) is
// ever removed.
#ifndef LOGSIEVE_COMMON_STRINGS_H_
#define LOGSIEVE_COMMON_STRINGS_H_

#include <optional>
#include <string_view>

namespace logsieve {

namespace strings_internal {
constexpr std::string_view TrimAny(std::string_view s, std::string_view chars) {
  const size_t b = s.find_first_not_of(chars);
  if (b == std::string_view::npos) return {};
  return s.substr(b, s.find_last_not_of(chars) - b + 1);
}
}  // namespace strings_internal

constexpr std::string_view TrimSpace(std::string_view s) {
  return strings_internal::TrimAny(s, " \t\r\n");
}
constexpr std::string_view TrimHttpSpace(std::string_view s) {
  return strings_internal::TrimAny(s, " \t");
}

// The value of the first `name=value` pair in the query of a request target
// ("/path?a=1&b"): nullopt when the name is absent, "" for "b" or "b=". No
// percent-decoding: logsieve's parameters are numbers and flags, and a value
// that would need decoding fails their parse, naming what it got.
constexpr std::optional<std::string_view> QueryParam(std::string_view target,
                                                     std::string_view name) {
  const size_t q = target.find('?');
  if (q == std::string_view::npos) return std::nullopt;
  std::string_view rest = target.substr(q + 1);
  while (!rest.empty()) {
    const size_t amp = rest.find('&');
    const std::string_view pair = rest.substr(0, amp);
    rest = amp == std::string_view::npos ? std::string_view() : rest.substr(amp + 1);
    const size_t eq = pair.find('=');
    if (pair.substr(0, eq) == name) {
      return eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1);
    }
  }
  return std::nullopt;
}

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_STRINGS_H_
