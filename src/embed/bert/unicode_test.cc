#include "embed/bert/unicode.h"

#include <gtest/gtest.h>

namespace logsieve::bert::unicode {
namespace {

TEST(BertUnicodeTest, InvalidUtf8DecodesToReplacementCharacters) {
  EXPECT_EQ(DecodeUtf8("a\xff"
                       "b"),
            (std::vector<char32_t>{'a', 0xFFFD, 'b'}));
  EXPECT_EQ(DecodeUtf8("\xe2\x82"), (std::vector<char32_t>{0xFFFD}));      // truncated
  EXPECT_EQ(DecodeUtf8("\xc0\xaf"), (std::vector<char32_t>{0xFFFD}));      // overlong
  EXPECT_EQ(DecodeUtf8("\xed\xa0\x80"), (std::vector<char32_t>{0xFFFD}));  // surrogate
  EXPECT_EQ(DecodeUtf8("\xf0\x9f\x98\x80"), (std::vector<char32_t>{0x1F600}));
}

TEST(BertUnicodeTest, Utf8RoundTripsEveryLength) {
  for (char32_t cp : {U'a', U'\u00e9', U'\u20ac', U'\U0001F600'}) {
    std::string s;
    AppendUtf8(cp, &s);
    EXPECT_EQ(DecodeUtf8(s), std::vector<char32_t>{cp});
  }
}

TEST(BertUnicodeTest, CategoriesMatchBertRules) {
  EXPECT_TRUE(IsOther(0x07));    // Cc
  EXPECT_TRUE(IsOther(0x200B));  // Cf zero width space
  EXPECT_TRUE(IsOther(0xE000));  // Co
  EXPECT_FALSE(IsOther('a'));
  EXPECT_TRUE(IsNonspacingMark(0x0301));
  EXPECT_TRUE(IsNonspacingMark(0xFE0F));
  EXPECT_TRUE(IsPunctuation('$'));  // ASCII symbol counts as punctuation
  EXPECT_TRUE(IsPunctuation(0x3002));
  EXPECT_FALSE(IsPunctuation(0x20AC));  // euro sign is Sc, not punctuation
  EXPECT_TRUE(IsWhitespace(0x2028));
  EXPECT_FALSE(IsWhitespace(0x200B));
}

TEST(BertUnicodeTest, CjkBlocksFollowTheRustTokenizer) {
  EXPECT_TRUE(IsCjkIdeograph(0x4E2D));
  EXPECT_TRUE(IsCjkIdeograph(0x2B740));
  EXPECT_FALSE(IsCjkIdeograph(0x2B820));  // Python's BERT says yes; Rust says no
  EXPECT_TRUE(IsCjkIdeograph(0x2B920));
}

TEST(BertUnicodeTest, NfdDecomposesAndReordersMarks) {
  std::vector<char32_t> out;
  AppendNfd({0x00E9}, &out);
  EXPECT_EQ(out, (std::vector<char32_t>{'e', 0x0301}));
  out.clear();
  AppendNfd({0xD55C}, &out);  // Hangul syllable, by the algorithm
  EXPECT_EQ(out, (std::vector<char32_t>{0x1112, 0x1161, 0x11AB}));
  out.clear();
  AppendNfd({'a', 0x0301, 0x0323}, &out);  // ccc 230 then 220 -> reordered
  EXPECT_EQ(out, (std::vector<char32_t>{'a', 0x0323, 0x0301}));
}

TEST(BertUnicodeTest, LowercaseIsPerCodePointWithoutFinalSigma) {
  std::vector<char32_t> out;
  AppendLower(0x03A3, &out);
  EXPECT_EQ(out, std::vector<char32_t>{0x03C3});
  out.clear();
  AppendLower(0x0130, &out);  // I with dot: full mapping, two code points
  EXPECT_EQ(out, (std::vector<char32_t>{'i', 0x0307}));
}

}  // namespace
}  // namespace logsieve::bert::unicode
