#include "common/strings.h"

#include <gtest/gtest.h>

#include <string>

namespace logsieve {
namespace {

TEST(StringsTest, TrimSpaceRemovesSpacesTabsAndLineEndsFromBothEndsOnly) {
  EXPECT_EQ(TrimSpace("  a b\t\r\n"), "a b");
  EXPECT_EQ(TrimSpace("\n\ta\tb "), "a\tb");
  EXPECT_EQ(TrimSpace(" \t\r\n"), "");
  EXPECT_EQ(TrimSpace(""), "");
  EXPECT_EQ(TrimSpace("\xc2\xa0x\xc2\xa0"), "\xc2\xa0x\xc2\xa0") << "a UTF-8 no-break space stays";
  EXPECT_EQ(TrimSpace("\fx\v"), "\fx\v") << "only the four record-trim bytes go";
}

TEST(StringsTest, TrimHttpSpaceRemovesOnlySpacesAndTabs) {
  EXPECT_EQ(TrimHttpSpace(" \tgzip\t "), "gzip");
  EXPECT_EQ(TrimHttpSpace("\r\nv\r\n"), "\r\nv\r\n");
  EXPECT_EQ(TrimHttpSpace("  "), "");
}

TEST(StringsTest, TheTrimmedViewPointsIntoTheArgument) {
  const std::string s = "  body  ";
  const std::string_view v = TrimSpace(s);
  EXPECT_EQ(v.data(), s.data() + 2);
  EXPECT_EQ(v.size(), 4u);
}

TEST(StringsTest, QueryParamFindsTheFirstPairOfThatNameAndTellsAbsentFromEmpty) {
  EXPECT_EQ(QueryParam("/v1/review?limit=5&min_confidence=0.9", "limit"), "5");
  EXPECT_EQ(QueryParam("/v1/review?limit=5&min_confidence=0.9", "min_confidence"), "0.9");
  EXPECT_EQ(QueryParam("/v1/review?limit=5&limit=7", "limit"), "5") << "the first one wins";
  EXPECT_EQ(QueryParam("/x?explain&limit=", "explain"), "") << "a bare name is present, empty";
  EXPECT_EQ(QueryParam("/x?explain&limit=", "limit"), "");
  EXPECT_EQ(QueryParam("/x?explain=1", "ex"), std::nullopt) << "names match whole";
  EXPECT_EQ(QueryParam("/x?a=1", "limit"), std::nullopt);
  EXPECT_EQ(QueryParam("/x", "limit"), std::nullopt) << "no query at all";
  EXPECT_EQ(QueryParam("/x?a=%20b", "a"), "%20b") << "values are not percent-decoded";
}

}  // namespace
}  // namespace logsieve
