#include "server/csv_table.h"

#include <gtest/gtest.h>

namespace logsieve {
namespace {

using Rows = std::vector<std::vector<std::string>>;

TEST(CsvTableTest, ParsesAHeaderAndRows) {
  auto t = CsvTable::Parse("source,log_message\na,b\nc,d\n", 10);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->header, (std::vector<std::string>{"source", "log_message"}));
  EXPECT_EQ(t->rows, (Rows{{"a", "b"}, {"c", "d"}}));
  EXPECT_EQ(t->Column("log_message"), 1);
  EXPECT_EQ(t->Column("nope"), -1);
}

TEST(CsvTableTest, QuotedFieldsHoldCommasQuotesAndLineBreaks) {
  auto t = CsvTable::Parse("a,b\r\n\"x, \"\"y\"\"\",\"1\n2\"\r\n", 10);
  ASSERT_TRUE(t.ok()) << t.status().ToString();
  EXPECT_EQ(t->rows, (Rows{{"x, \"y\"", "1\n2"}}));
}

TEST(CsvTableTest, SkipsTheByteOrderMarkAndBlankLines) {
  auto t = CsvTable::Parse("\xEF\xBB\xBF" "a,b\n\n1,2\n\n", 10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->header[0], "a");
  EXPECT_EQ(t->rows, (Rows{{"1", "2"}}));
}

TEST(CsvTableTest, KeepsEmptyFieldsAndAMissingFinalNewline) {
  auto t = CsvTable::Parse("a,b,c\n,,\n1,,3", 10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows, (Rows{{"", "", ""}, {"1", "", "3"}}));
  EXPECT_EQ(t->row_lines, (std::vector<size_t>{2, 3}));
}

TEST(CsvTableTest, ARowOfTheWrongWidthNamesItsLine) {
  auto t = CsvTable::Parse("a,b\n1,2\n\"multi\nline\",2\n1,2,3\n", 10);
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().message(), "line 5: 3 fields, the header has 2");
}

TEST(CsvTableTest, StrayQuotesAreMalformed) {
  EXPECT_EQ(CsvTable::Parse("a,b\n1,2\"x\n", 10).status().message(),
            "line 2: a quote inside an unquoted field");
  EXPECT_EQ(CsvTable::Parse("a,b\n\"1\"x,2\n", 10).status().message(),
            "line 2: text after a closing quote");
  EXPECT_EQ(CsvTable::Parse("a,b\n1,\"2\n", 10).status().message(),
            "line 2: unterminated quoted field");
}

TEST(CsvTableTest, EmptyAndBinaryInputsAreNotCsv) {
  EXPECT_EQ(CsvTable::Parse("", 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CsvTable::Parse("\n\n", 10).status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(CsvTable::Parse(std::string_view("a\0b", 3), 10).status().code(),
            StatusCode::kInvalidArgument);
}

TEST(CsvTableTest, MoreRowsThanAllowedIsResourceExhausted) {
  EXPECT_EQ(CsvTable::Parse("a\n1\n2\n3\n", 2).status().code(), StatusCode::kResourceExhausted);
}

TEST(CsvTableTest, RecordsAreQuotedOnlyWhenNeededAndRoundTrip) {
  std::string out;
  AppendCsvRecord({"plain", "a,b", "say \"hi\"", "two\nlines", ""}, out);
  EXPECT_EQ(out, "plain,\"a,b\",\"say \"\"hi\"\"\",\"two\nlines\",\n");
  auto t = CsvTable::Parse("h1,h2,h3,h4,h5\n" + out, 10);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->rows, (Rows{{"plain", "a,b", "say \"hi\"", "two\nlines", ""}}));
}

}  // namespace
}  // namespace logsieve
