#include "embed/bert/unicode.h"

#include <algorithm>
#include <cstddef>
#include <iterator>

namespace logsieve::bert::unicode {
namespace {

#include "embed/bert/unicode_tables.inc"

// Binary search in [first, last, value] ranges; 0 when not covered.
template <size_t N>
uint32_t RangeLookup(const uint32_t (&table)[N][3], char32_t cp) {
  size_t lo = 0, hi = N;
  while (lo < hi) {
    size_t mid = (lo + hi) / 2;
    if (table[mid][1] < cp) {
      lo = mid + 1;
    } else {
      hi = mid;
    }
  }
  return (lo < N && table[lo][0] <= cp) ? table[lo][2] : 0;
}

// Index lookup: pointer to {cp, offset, length} or nullptr.
template <size_t N>
const uint32_t* IndexLookup(const uint32_t (&table)[N][3], char32_t cp) {
  auto it = std::lower_bound(std::begin(table), std::end(table), cp,
                             [](const uint32_t(&row)[3], char32_t c) { return row[0] < c; });
  return (it != std::end(table) && (*it)[0] == cp) ? *it : nullptr;
}

constexpr uint32_t kClassOther = 1, kClassMn = 2, kClassPunct = 3;

// Hangul syllable decomposition constants (Unicode 3.12).
constexpr char32_t kSBase = 0xAC00, kLBase = 0x1100, kVBase = 0x1161, kTBase = 0x11A7;
constexpr int kVCount = 21, kTCount = 28, kNCount = kVCount * kTCount, kSCount = 11172;

}  // namespace

std::vector<char32_t> DecodeUtf8(std::string_view s) {
  std::vector<char32_t> out;
  out.reserve(s.size());
  size_t i = 0, n = s.size();
  while (i < n) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    if (c < 0x80) {
      out.push_back(c);
      ++i;
      continue;
    }
    int len;
    char32_t cp, min;
    if ((c & 0xE0) == 0xC0) {
      len = 2, cp = c & 0x1F, min = 0x80;
    } else if ((c & 0xF0) == 0xE0) {
      len = 3, cp = c & 0x0F, min = 0x800;
    } else if ((c & 0xF8) == 0xF0) {
      len = 4, cp = c & 0x07, min = 0x10000;
    } else {
      out.push_back(0xFFFD);
      ++i;
      continue;
    }
    int k = 1;
    for (; k < len && i + k < n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xC0) != 0x80) break;
      cp = (cp << 6) | (cc & 0x3F);
    }
    if (k < len || cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
      out.push_back(0xFFFD);
      i += k;  // skip the maximal invalid prefix
      continue;
    }
    out.push_back(cp);
    i += len;
  }
  return out;
}

void AppendUtf8(char32_t cp, std::string* out) {
  if (cp < 0x80) {
    out->push_back(static_cast<char>(cp));
  } else if (cp < 0x800) {
    out->push_back(static_cast<char>(0xC0 | (cp >> 6)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else if (cp < 0x10000) {
    out->push_back(static_cast<char>(0xE0 | (cp >> 12)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  } else {
    out->push_back(static_cast<char>(0xF0 | (cp >> 18)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
    out->push_back(static_cast<char>(0x80 | (cp & 0x3F)));
  }
}

bool IsOther(char32_t cp) { return RangeLookup(kCategoryRanges, cp) == kClassOther; }
bool IsNonspacingMark(char32_t cp) { return RangeLookup(kCategoryRanges, cp) == kClassMn; }

bool IsPunctuation(char32_t cp) {
  if ((cp >= 33 && cp <= 47) || (cp >= 58 && cp <= 64) || (cp >= 91 && cp <= 96) ||
      (cp >= 123 && cp <= 126)) {
    return true;
  }
  return cp >= 0x80 && RangeLookup(kCategoryRanges, cp) == kClassPunct;
}

bool IsWhitespace(char32_t cp) {
  return (cp >= 9 && cp <= 13) || cp == 0x20 || cp == 0x85 || cp == 0xA0 || cp == 0x1680 ||
         (cp >= 0x2000 && cp <= 0x200A) || cp == 0x2028 || cp == 0x2029 || cp == 0x202F ||
         cp == 0x205F || cp == 0x3000;
}

bool IsCjkIdeograph(char32_t cp) {
  return (cp >= 0x4E00 && cp <= 0x9FFF) || (cp >= 0x3400 && cp <= 0x4DBF) ||
         (cp >= 0x20000 && cp <= 0x2A6DF) || (cp >= 0x2A700 && cp <= 0x2B73F) ||
         (cp >= 0x2B740 && cp <= 0x2B81F) || (cp >= 0x2B920 && cp <= 0x2CEAF) ||
         (cp >= 0xF900 && cp <= 0xFAFF) || (cp >= 0x2F800 && cp <= 0x2FA1F);
}

void AppendNfd(const std::vector<char32_t>& in, std::vector<char32_t>* out) {
  const size_t start = out->size();
  for (char32_t cp : in) {
    if (cp >= kSBase && cp < kSBase + kSCount) {
      const int s = static_cast<int>(cp - kSBase);
      out->push_back(kLBase + s / kNCount);
      out->push_back(kVBase + (s % kNCount) / kTCount);
      if (s % kTCount != 0) out->push_back(kTBase + s % kTCount);
    } else if (const uint32_t* row = cp < 0xC0 ? nullptr : IndexLookup(kDecompIndex, cp)) {
      out->insert(out->end(), kDecompPool + row[1], kDecompPool + row[1] + row[2]);
    } else {
      out->push_back(cp);
    }
  }
  // Canonical ordering: stable sort of each run of nonzero combining classes.
  std::vector<char32_t>& v = *out;
  for (size_t i = start; i < v.size();) {
    if (RangeLookup(kCombiningClass, v[i]) == 0) {
      ++i;
      continue;
    }
    size_t j = i;
    while (j < v.size() && RangeLookup(kCombiningClass, v[j]) != 0) ++j;
    std::stable_sort(v.begin() + i, v.begin() + j, [](char32_t a, char32_t b) {
      return RangeLookup(kCombiningClass, a) < RangeLookup(kCombiningClass, b);
    });
    i = j;
  }
}

void AppendLower(char32_t cp, std::vector<char32_t>* out) {
  if (cp < 0x80) {
    out->push_back(cp >= 'A' && cp <= 'Z' ? cp + 32 : cp);
    return;
  }
  if (const uint32_t* row = IndexLookup(kLowerIndex, cp)) {
    out->insert(out->end(), kLowerPool + row[1], kLowerPool + row[1] + row[2]);
  } else {
    out->push_back(cp);
  }
}

}  // namespace logsieve::bert::unicode
