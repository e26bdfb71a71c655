#include "io/csv.h"

#include <gtest/gtest.h>

#include <random>

namespace logsieve {
namespace {

using Rows = std::vector<std::vector<std::string>>;

// Reads every row of `text`; malformed rows are recorded as {"ERROR", message}.
Rows ReadAll(const std::string& text, size_t max_record = 1 << 20,
             std::vector<uint64_t>* lines = nullptr) {
  CsvReader reader(InputStream::FromString(text, "t.csv"), CsvOptions{max_record});
  Rows rows;
  CsvRow row;
  for (;;) {
    StatusOr<bool> more = reader.Next(&row);
    if (!more.ok()) {
      rows.push_back({"ERROR", more.status().message()});
      continue;
    }
    if (!*more) break;
    rows.push_back(row.fields);
    if (lines) lines->push_back(row.line);
  }
  return rows;
}

TEST(CsvReaderTest, ReadsQuotedCommasDoubledQuotesAndNewlines) {
  Rows rows = ReadAll("a,b\n\"x, y\",\"say \"\"hi\"\"\"\n\"multi\nline\",z\n");
  EXPECT_EQ(rows, (Rows{{"a", "b"}, {"x, y", "say \"hi\""}, {"multi\nline", "z"}}));
}

TEST(CsvReaderTest, StripsTheUtf8BomAndAcceptsCrlf) {
  EXPECT_EQ(ReadAll("\xEF\xBB\xBFsource,log_message\r\nA,b\r\n"),
            (Rows{{"source", "log_message"}, {"A", "b"}}));
}

TEST(CsvReaderTest, EmptyTrailingLineAndBlankLinesAreSkipped) {
  EXPECT_EQ(ReadAll("a,b\n\n1,2\n   \n\n"), (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvReaderTest, LastRowWithoutLineEndIsRead) {
  EXPECT_EQ(ReadAll("a,b\n1,2"), (Rows{{"a", "b"}, {"1", "2"}}));
}

TEST(CsvWriterTest, AFieldStartingWithBomBytesIsQuotedSoItIsNotReadAsABom) {
  std::string text;
  AppendCsvRow({"\xEF\xBB\xBFsource", "x"}, &text);
  EXPECT_EQ(ReadAll(text), (Rows{{"\xEF\xBB\xBFsource", "x"}}));
}

TEST(CsvReaderTest, SpaceBeforeAnOpeningQuoteStillQuotes) {
  // The original project's sample writes `ModernCRM, "IP ... attack"`.
  EXPECT_EQ(ReadAll("ModernCRM, \"IP 1.2.3.4 blocked, attack\"\n"),
            (Rows{{"ModernCRM", "IP 1.2.3.4 blocked, attack"}}));
}

TEST(CsvReaderTest, UnquotedSpacesAndQuotesInsideAFieldAreKept) {
  EXPECT_EQ(ReadAll("a , b said \"hi\"\n"), (Rows{{"a ", " b said \"hi\""}}));
}

TEST(CsvReaderTest, EmptyFieldsAndTrailingCommaCount) {
  EXPECT_EQ(ReadAll("a,,\n,\"\",x\n"), (Rows{{"a", "", ""}, {"", "", "x"}}));
}

TEST(CsvReaderTest, InvalidUtf8BytesPassThrough) {
  EXPECT_EQ(ReadAll("a,\xff\xfe\xc3\n"), (Rows{{"a", "\xff\xfe\xc3"}}));
}

TEST(CsvReaderTest, GarbageAfterAClosingQuoteIsAnErrorNamingTheLineAndTheRowsAfterSurvive) {
  Rows rows = ReadAll("a,b\n\"x\"y,z\nc,d\n");
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "ERROR");
  EXPECT_NE(rows[1][1].find("t.csv:2: malformed row: unexpected character 'y'"), std::string::npos)
      << rows[1][1];
  EXPECT_EQ(rows[2], (std::vector<std::string>{"c", "d"}));
}

TEST(CsvReaderTest, UnclosedQuoteAtEndIsAnErrorAndTheLinesAfterItAreReadAgain) {
  Rows rows = ReadAll("a,b\n\"open,x\nc,d\n");
  ASSERT_GE(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "ERROR");
  EXPECT_NE(rows[1][1].find("t.csv:2:"), std::string::npos) << rows[1][1];
  EXPECT_NE(rows[1][1].find("never closed"), std::string::npos) << rows[1][1];
  EXPECT_EQ(rows.back(), (std::vector<std::string>{"c", "d"}));
}

TEST(CsvReaderTest, RowOverTheSizeLimitIsAnErrorAndReadingGoesOn) {
  std::string big(5000, 'x');
  Rows rows = ReadAll("a,b\n" + big + ",y\nc,d\n", 1000);
  ASSERT_EQ(rows.size(), 3u);
  EXPECT_EQ(rows[1][0], "ERROR");
  EXPECT_NE(rows[1][1].find("t.csv:2: row is longer than 1000 bytes"), std::string::npos)
      << rows[1][1];
  EXPECT_EQ(rows[2], (std::vector<std::string>{"c", "d"}));
}

TEST(CsvReaderTest, LineNumbersCountNewlinesInsideQuotes) {
  std::vector<uint64_t> lines;
  ReadAll("h\n\"a\nb\nc\"\nx\n\ny\n", 1 << 20, &lines);
  EXPECT_EQ(lines, (std::vector<uint64_t>{1, 2, 5, 7}));
}

// Feeds the input one byte per Read(), so every parse state meets a buffer end.
class TrickleStream : public InputStream {
 public:
  explicit TrickleStream(std::string data) : data_(std::move(data)) {}
  StatusOr<size_t> Read(char* buf, size_t n) override {
    if (pos_ >= data_.size() || n == 0) return size_t{0};
    buf[0] = data_[pos_++];
    return size_t{1};
  }
  bool Ready() const override { return true; }
  int64_t size() const override { return -1; }
  const std::string& name() const override { return name_; }

 private:
  std::string data_;
  size_t pos_ = 0;
  std::string name_ = "trickle";
};

std::string RandomField(std::mt19937& rng) {
  static const std::string alphabet = "ab ,\"\r\n\t\xc3\xa9\xff;'";
  std::string f(rng() % 8, ' ');
  for (char& c : f) c = alphabet[rng() % alphabet.size()];
  return f;
}

TEST(CsvRoundTripTest, WriteThenReadGivesTheSameFieldsOnNastyGeneratedRows) {
  std::mt19937 rng(42);
  for (int iter = 0; iter < 300; ++iter) {
    Rows rows;
    std::string text;
    size_t cols = 1 + rng() % 4;
    for (int r = 0; r < 1 + static_cast<int>(rng() % 6); ++r) {
      std::vector<std::string> row;
      for (size_t c = 0; c < cols; ++c) row.push_back(RandomField(rng));
      rows.push_back(row);
      AppendCsvRow(row, &text);
    }
    EXPECT_EQ(ReadAll(text), rows) << "text: " << text;
    CsvReader trickle(std::make_unique<TrickleStream>(text), CsvOptions{});
    Rows again;
    CsvRow row;
    while (*trickle.Next(&row)) again.push_back(row.fields);
    EXPECT_EQ(again, rows) << "byte-by-byte, text: " << text;
  }
}

}  // namespace
}  // namespace logsieve
