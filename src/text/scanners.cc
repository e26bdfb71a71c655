#include "text/scanners.h"

#include <array>

namespace logsieve {
namespace {

inline bool IsDigit(char c) { return c >= '0' && c <= '9'; }
inline bool IsAlpha(char c) { return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z'); }
inline bool IsAlnum(char c) { return IsDigit(c) || IsAlpha(c); }
inline bool IsHex(char c) { return IsDigit(c) || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F'); }
inline bool IsWordChar(char c) { return IsAlnum(c) || c == '_'; }
inline bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\v' || c == '\f';
}

// Number of consecutive digits at s[i..], at most `max`.
size_t Digits(std::string_view s, size_t i, size_t max = 64) {
  size_t n = 0;
  while (i + n < s.size() && n < max && IsDigit(s[i + n])) ++n;
  return n;
}
size_t HexDigits(std::string_view s, size_t i, size_t max = 1 << 20) {
  size_t n = 0;
  while (i + n < s.size() && n < max && IsHex(s[i + n])) ++n;
  return n;
}
bool At(std::string_view s, size_t i, char c) { return i < s.size() && s[i] == c; }
// Exactly `n` digits at i (not followed by another digit).
bool ExactDigits(std::string_view s, size_t i, size_t n) { return Digits(s, i, n + 1) == n; }

constexpr std::array<std::string_view, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                      "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
bool MonthAt(std::string_view s, size_t i) {
  if (i + 3 > s.size()) return false;
  for (std::string_view m : kMonths) {
    if (s.compare(i, 3, m) == 0) return true;
  }
  return false;
}

// hh:mm[:ss[.frac]] at i; returns end or 0.
size_t TimeAt(std::string_view s, size_t i) {
  size_t h = Digits(s, i, 3);
  if (h < 1 || h > 2 || !At(s, i + h, ':') || !ExactDigits(s, i + h + 1, 2)) return 0;
  size_t e = i + h + 3;
  if (At(s, e, ':') && ExactDigits(s, e + 1, 2)) {
    e += 3;
    if ((At(s, e, '.') || At(s, e, ',')) && Digits(s, e + 1) > 0) e += 1 + Digits(s, e + 1);
  }
  // Zone: Z, +hh:mm, +hhmm
  if (At(s, e, 'Z')) {
    ++e;
  } else if ((At(s, e, '+') || At(s, e, '-')) && ExactDigits(s, e + 1, 2)) {
    if (At(s, e + 3, ':') && ExactDigits(s, e + 4, 2))
      e += 6;
    else if (ExactDigits(s, e + 1, 4))
      e += 5;
  }
  return e;
}

size_t TimestampAt(std::string_view s, size_t i) {
  // yyyy-mm-dd / yyyy/mm/dd [T ]time
  if (ExactDigits(s, i, 4) && (At(s, i + 4, '-') || At(s, i + 4, '/')) &&
      ExactDigits(s, i + 5, 2) && At(s, i + 7, s[i + 4]) && ExactDigits(s, i + 8, 2)) {
    size_t e = i + 10;
    if ((At(s, e, 'T') || At(s, e, ' ')) && IsDigit(e + 1 < s.size() ? s[e + 1] : 'x')) {
      if (size_t t = TimeAt(s, e + 1)) e = t;
    }
    return e;
  }
  // dd/Mon/yyyy:hh:mm:ss [+zzzz] (Apache)
  if (ExactDigits(s, i, 2) && At(s, i + 2, '/') && MonthAt(s, i + 3) && At(s, i + 6, '/') &&
      ExactDigits(s, i + 7, 4)) {
    size_t e = i + 11;
    if (At(s, e, ':')) {
      if (size_t t = TimeAt(s, e + 1)) e = t;
    }
    if (At(s, e, ' ') && (At(s, e + 1, '+') || At(s, e + 1, '-')) && ExactDigits(s, e + 2, 4))
      e += 6;
    return e;
  }
  // Mon dd hh:mm:ss (syslog), Mon  d
  if (MonthAt(s, i) && At(s, i + 3, ' ')) {
    size_t j = i + 4;
    if (At(s, j, ' ')) ++j;
    size_t d = Digits(s, j, 3);
    if (d >= 1 && d <= 2 && At(s, j + d, ' ')) {
      if (size_t t = TimeAt(s, j + d + 1)) return t;
    }
    return 0;
  }
  // mm-dd hh:mm:ss (Android) or bare time
  if (ExactDigits(s, i, 2) && At(s, i + 2, '-') && ExactDigits(s, i + 3, 2) && At(s, i + 5, ' ')) {
    if (size_t t = TimeAt(s, i + 6)) return t;
  }
  return TimeAt(s, i);
}

size_t UuidAt(std::string_view s, size_t i) {
  static constexpr size_t kGroups[] = {8, 4, 4, 4, 12};
  size_t e = i;
  for (size_t g = 0; g < 5; ++g) {
    if (HexDigits(s, e, kGroups[g] + 1) != kGroups[g]) return 0;
    e += kGroups[g];
    if (g < 4) {
      if (!At(s, e, '-')) return 0;
      ++e;
    }
  }
  return e;
}

size_t EmailAt(std::string_view s, size_t i) {
  size_t e = i;
  auto local = [](char c) { return IsWordChar(c) || c == '.' || c == '+' || c == '-' || c == '%'; };
  while (e < s.size() && local(s[e])) ++e;
  if (e == i || !At(s, e, '@')) return 0;
  size_t d = ++e;
  while (e < s.size() && (IsWordChar(s[e]) || s[e] == '-' || s[e] == '.')) ++e;
  while (e > d && s[e - 1] == '.') --e;  // a sentence's full stop is not the domain's
  // The domain has a dot with a label after it.
  if (s.substr(d, e - d).find('.') == std::string_view::npos) return 0;
  return e;
}

size_t UrlAt(std::string_view s, size_t i) {
  static constexpr std::string_view kSchemes[] = {
      "https://", "http://", "ftp://", "wss://", "ws://", "s3://", "file://", "sftp://", "ssh://"};
  for (std::string_view scheme : kSchemes) {
    if (s.size() - i >= scheme.size() && s.compare(i, scheme.size(), scheme) == 0) {
      size_t e = i + scheme.size();
      while (e < s.size() && !IsSpace(s[e]) && s[e] != '"' && s[e] != '\'' && s[e] != '<' &&
             s[e] != '>')
        ++e;
      while (e > i + scheme.size() && (s[e - 1] == '.' || s[e - 1] == ',' || s[e - 1] == ')' ||
                                       s[e - 1] == ';' || s[e - 1] == ']'))
        --e;
      return e;
    }
  }
  return 0;
}

size_t Ipv4AddressAt(std::string_view s, size_t i) {
  size_t e = i;
  for (int part = 0; part < 4; ++part) {
    size_t d = Digits(s, e, 4);
    if (d < 1 || d > 3) return 0;
    int v = 0;
    for (size_t k = 0; k < d; ++k) v = v * 10 + (s[e + k] - '0');
    if (v > 255) return 0;
    e += d;
    if (part < 3) {
      if (!At(s, e, '.')) return 0;
      ++e;
    }
  }
  return e;
}

// The address with its /prefix or :port.
size_t Ipv4At(std::string_view s, size_t i) {
  size_t e = Ipv4AddressAt(s, i);
  if (e == 0) return 0;
  if (At(s, e, '/') && Digits(s, e + 1, 3) >= 1 && Digits(s, e + 1, 3) <= 2)
    e += 1 + Digits(s, e + 1, 2);
  else if (At(s, e, ':') && Digits(s, e + 1, 6) >= 1 && Digits(s, e + 1, 6) <= 5)
    e += 1 + Digits(s, e + 1, 5);
  return e;
}

// Hex groups and colons (one "::" at most), an optional IPv4 tail; eight
// groups, or fewer with "::" (so "12:30:45" is no address).
size_t Ipv6AddressAt(std::string_view s, size_t i) {
  size_t e = i;
  size_t start = e, colons = 0, groups = 0;
  bool double_colon = false;
  while (e < s.size()) {
    size_t h = HexDigits(s, e, 5);
    if (h > 4) return 0;
    if (h > 0) {
      ++groups;
      e += h;
    }
    if (At(s, e, ':')) {
      if (At(s, e + 1, ':')) {
        if (double_colon) break;
        double_colon = true;
        colons += 2;
        e += 2;
        continue;
      }
      if (h == 0 && e != start) break;
      ++colons;
      ++e;
      continue;
    }
    break;
  }
  // An IPv4 tail (::ffff:1.2.3.4).
  if (e > start && s[e - 1] != ':' && At(s, e, '.')) {
    size_t back = e;
    while (back > start && s[back - 1] != ':') --back;
    if (size_t v4 = Ipv4At(s, back); v4 != 0 && v4 > e) e = v4, colons += 0;
  }
  if (!(double_colon ? colons >= 2 : colons == 7) || groups == 0) return 0;
  if (e > start && s[e - 1] == ':' && !(e >= 2 && s[e - 2] == ':')) --e;  // trailing "host:" colon
  return e;
}

// The address, optionally in brackets with a ]:port, a %zone, or a /prefix.
size_t Ipv6At(std::string_view s, size_t i) {
  size_t e = i;
  bool bracket = At(s, e, '[');
  if (bracket) ++e;
  e = Ipv6AddressAt(s, e);
  if (e == 0) return 0;
  if (At(s, e, '%')) {
    ++e;
    while (e < s.size() && IsWordChar(s[e])) ++e;
  }
  if (bracket) {
    if (!At(s, e, ']')) return 0;
    ++e;
    if (At(s, e, ':') && Digits(s, e + 1, 6) >= 1) e += 1 + Digits(s, e + 1, 5);
  } else if (At(s, e, '/') && Digits(s, e + 1, 4) >= 1 && Digits(s, e + 1, 4) <= 3) {
    e += 1 + Digits(s, e + 1, 3);
  }
  return e;
}

size_t PathAt(std::string_view s, size_t i) {
  auto pathchar = [](char c) {
    return IsWordChar(c) || c == '.' || c == '-' || c == '/' || c == '~' || c == '%' || c == '+' ||
           c == '<' || c == '>';
  };
  size_t e = i;
  if (At(s, e, '/')) {
    size_t slashes = 0;
    while (e < s.size() && pathchar(s[e])) {
      if (s[e] == '/') ++slashes;
      ++e;
    }
    while (e > i && (s[e - 1] == '.')) --e;
    // At least two segments ("/var/log"), and something after the first slash.
    if (slashes >= 2 && e > i + 2) return e;
    return 0;
  }
  // C:\dir\file
  if (IsAlpha(s[e]) && At(s, e + 1, ':') && At(s, e + 2, '\\')) {
    e += 3;
    while (e < s.size() && (pathchar(s[e]) || s[e] == '\\')) ++e;
    return e > i + 3 ? e : 0;
  }
  return 0;
}

size_t HexAt(std::string_view s, size_t i) {
  if (At(s, i, '0') && (At(s, i + 1, 'x') || At(s, i + 1, 'X'))) {
    size_t h = HexDigits(s, i + 2);
    return h > 0 ? i + 2 + h : 0;
  }
  size_t h = HexDigits(s, i);
  if (h < 8) return 0;
  bool digit = false, letter = false;
  for (size_t k = i; k < i + h; ++k) (IsDigit(s[k]) ? digit : letter) = true;
  return digit && letter ? i + h : 0;
}

size_t NumberAt(std::string_view s, size_t i) {
  size_t d = Digits(s, i, 1 << 20);
  if (d == 0) return 0;
  size_t e = i + d;
  // 1.5, 1,234,567 and version-like 1.2.3 collapse into one number.
  while ((At(s, e, '.') || At(s, e, ',')) && Digits(s, e + 1, 1) == 1)
    e += 1 + Digits(s, e + 1, 1 << 20);
  return e;
}

// Whether a match may start at i / end at e: masks must not cut words in half
// (numbers may: "User123" -> "User<NUM>").
// A placeholder's brackets count as word characters, so a second pass over a
// template finds nothing new (normalizing is idempotent).
inline bool IsBoundaryChar(char c) { return IsAlnum(c) || c == '<' || c == '>'; }
bool StartBoundary(std::string_view s, size_t i) { return i == 0 || !IsBoundaryChar(s[i - 1]); }
bool EndBoundary(std::string_view s, size_t e) { return e >= s.size() || !IsBoundaryChar(s[e]); }

// Whether a match of `scan` can start with the byte c: ScanAt's first test,
// which lets ReplaceMatches copy the bytes between candidates in one append.
bool CanStart(Scan scan, char c) {
  switch (scan) {
    case Scan::kTimestamp:
      return IsDigit(c) || IsAlpha(c);
    case Scan::kUuid:
    case Scan::kHex:
      return IsHex(c);
    case Scan::kEmail:
      return IsWordChar(c);
    case Scan::kUrl:
      return IsAlpha(c);
    case Scan::kIpv6:
      return IsHex(c) || c == ':' || c == '[';
    case Scan::kIpv4:
    case Scan::kNumber:
    case Scan::kIpv4Address:
      return IsDigit(c);
    case Scan::kPath:
      return c == '/' || IsAlpha(c);
    case Scan::kIpv6Address:
      return IsHex(c) || c == ':';
  }
  return false;
}

constexpr size_t kScans = static_cast<size_t>(Scan::kIpv4Address) + 1;
using StartTable = std::array<bool, 256>;

// CanStart as a table per scan, built once.
const StartTable& StartsOf(Scan scan) {
  static const std::array<StartTable, kScans> tables = [] {
    std::array<StartTable, kScans> t{};
    for (size_t k = 0; k < kScans; ++k) {
      for (size_t c = 0; c < 256; ++c)
        t[k][c] = CanStart(static_cast<Scan>(k), static_cast<char>(c));
    }
    return t;
  }();
  return tables[static_cast<size_t>(scan)];
}

}  // namespace

size_t ScanAt(Scan scan, std::string_view s, size_t i) {
  if (!CanStart(scan, s[i])) return 0;
  switch (scan) {
    case Scan::kTimestamp:
      return TimestampAt(s, i);
    case Scan::kUuid:
      return UuidAt(s, i);
    case Scan::kEmail:
      return EmailAt(s, i);
    case Scan::kUrl:
      return UrlAt(s, i);
    case Scan::kIpv6:
      return Ipv6At(s, i);
    case Scan::kIpv4:
      return Ipv4At(s, i);
    case Scan::kPath:
      return PathAt(s, i);
    case Scan::kHex:
      return HexAt(s, i);
    case Scan::kNumber:
      return NumberAt(s, i);
    case Scan::kIpv6Address:
      return Ipv6AddressAt(s, i);
    case Scan::kIpv4Address:
      return Ipv4AddressAt(s, i);
  }
  return 0;
}

void ReplaceMatches(Scan scan, std::string_view in, std::string_view placeholder,
                    std::string* out) {
  out->clear();
  const bool numbers = scan == Scan::kNumber;
  const StartTable& starts = StartsOf(scan);
  size_t i = 0;
  while (i < in.size()) {
    char c = in[i];
    // Placeholders from earlier passes are copied whole.
    if (c == '<') {
      size_t close = in.find('>', i);
      if (close != std::string_view::npos && close - i <= 6 && close > i + 1) {
        bool upper = true;
        for (size_t k = i + 1; k < close; ++k) upper &= (in[k] >= 'A' && in[k] <= 'Z');
        if (upper) {
          out->append(in.substr(i, close + 1 - i));
          i = close + 1;
          continue;
        }
      }
    }
    if ((numbers || StartBoundary(in, i))) {
      size_t e = ScanAt(scan, in, i);
      if (e > i && (numbers || EndBoundary(in, e))) {
        out->append(placeholder);
        i = e;
        continue;
      }
    }
    // Skip to the next place a match could start: past the rest of a word
    // (no match starts inside one, numbers aside), then past bytes no match
    // starts with, copying them in one append.
    size_t j = i + 1;
    if (!numbers && IsAlnum(c)) {
      while (j < in.size() && IsAlnum(in[j])) ++j;
    }
    while (j < in.size() && in[j] != '<' && !starts[static_cast<unsigned char>(in[j])]) ++j;
    out->append(in.data() + i, j - i);
    i = j;
  }
}

}  // namespace logsieve
