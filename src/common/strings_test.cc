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

}  // namespace
}  // namespace logsieve
