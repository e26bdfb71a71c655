// The two trim rules logsieve uses, in one place.
//
//   TrimSpace("  a b\r\n")  == "a b"   records, config values, feedback fields
//   TrimHttpSpace(" v\t")   == "v"     HTTP header and parameter values
//
// TrimSpace removes ASCII ' ', '\t', '\r' and '\n' from both ends (the trim
// rule of every record reader); TrimHttpSpace only ' ' and '\t' (HTTP's
// optional whitespace, RFC 9110 section 5.6.3). Both return a view into
// their argument, which must outlive it; no other byte (UTF-8 included) is
// ever removed.
#ifndef LOGSIEVE_COMMON_STRINGS_H_
#define LOGSIEVE_COMMON_STRINGS_H_

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

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_STRINGS_H_
