#include "io/records.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/config.h"

namespace logsieve {
namespace {

using ::testing::HasSubstr;

StatusOr<std::unique_ptr<RecordReader>> Open(const std::string& text, ReadOptions options = {}) {
  return RecordReader::Open(InputStream::FromString(text, "in.csv"), options);
}

// Reads everything, decides every line as {label = "L:" + message}, writes it.
std::string RoundTrip(const std::string& text, ReadOptions ro, WriteOptions wo,
                      std::string* error = nullptr) {
  StatusOr<std::unique_ptr<RecordReader>> r = Open(text, ro);
  if (!r.ok()) {
    if (error) *error = r.status().message();
    return "";
  }
  std::string out;
  auto w = RecordWriter::ToString(&out, wo, ro.format, (*r)->columns());
  RecordBatch b;
  for (;;) {
    b.Clear();
    StatusOr<size_t> n = (*r)->Read(3, &b);
    if (!n.ok()) {
      if (error) *error = n.status().message();
      break;
    }
    if (*n == 0) break;
    b.batch.Reset();
    for (size_t i = 0; i < b.size(); ++i) {
      b.batch.decisions[i] = Decision{"L:" + b.batch.records[i].message, Method::kRegex, 1.0f, "d"};
    }
    EXPECT_TRUE(w->Write(b).ok());
  }
  EXPECT_TRUE(w->Commit().ok());
  return out;
}

TEST(RecordReaderTest, TheDefaultRecordLimitIsTheConfigTablesDefault) {
  EXPECT_EQ(Config().GetSize("input.max_record_bytes"), kDefaultMaxRecordBytes);
}

TEST(RecordReaderTest, MissingColumnsAreNamedWithTheColumnsFound) {
  auto r = Open("timestamp,message\n1,x\n");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(
      r.status().message(),
      "in.csv:1: missing required columns source, log_message; found columns: timestamp, message");
}

TEST(RecordReaderTest, EmptyInputIsAClearError) {
  auto r = Open("");
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("empty input"), std::string::npos);
}

TEST(CsvOutputTest, AppendsTheSeedColumnsAndDegradedAndKeepsOtherColumnsInPlace) {
  std::string out = RoundTrip("timestamp,source,log_message\nt1,ModernCRM,\"a, b\"\n", {}, {});
  EXPECT_EQ(out,
            "timestamp,source,log_message,target_label,method_used,confidence,degraded\n"
            "t1,ModernCRM,\"a, b\",\"L:a, b\",Regex,1.0,false\n");
}

TEST(CsvOutputTest, TheDetailColumnComesOnRequestAfterDegraded) {
  WriteOptions wo;
  wo.detail = true;
  std::string out = RoundTrip("source,log_message\nS,m\n", {}, wo);
  EXPECT_EQ(out,
            "source,log_message,target_label,method_used,confidence,degraded,detail\n"
            "S,m,L:m,Regex,1.0,false,d\n");
}

TEST(CsvOutputTest, ExistingDecisionColumnsAreOverwrittenInPlace) {
  std::string out = RoundTrip("source,log_message,target_label\nS,m,old\n", {}, {});
  EXPECT_EQ(out,
            "source,log_message,target_label,method_used,confidence,degraded\n"
            "S,m,L:m,Regex,1.0,false\n");
}

TEST(CsvInputTest, WrongFieldCountFailsWithTheLineNumber) {
  std::string error;
  RoundTrip("source,log_message\nS,m\nS,m,extra\nS,n\n", {}, {}, &error);
  EXPECT_EQ(error, "in.csv:3: malformed row: expected 2 fields (source, log_message), found 3");
}

TEST(CsvInputTest, SkipModeCountsMalformedRowsAndKeepsEveryGoodRow) {
  ReadOptions ro;
  ro.skip_malformed = true;
  auto r = Open("source,log_message\nS,a\nS,b,extra\n\"S\"x,c\nS,d\n", ro);
  ASSERT_TRUE(r.ok());
  RecordBatch b;
  while (*(*r)->Read(100, &b) > 0) {
  }
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.batch.records[0].message, "a");
  EXPECT_EQ(b.batch.records[1].message, "d");
  EXPECT_EQ(b.lines, (std::vector<uint64_t>{2, 5}));
  EXPECT_EQ((*r)->skipped(), 2u);
  ASSERT_EQ((*r)->skip_messages().size(), 2u);
  EXPECT_NE((*r)->skip_messages()[0].find("in.csv:3:"), std::string::npos);
  EXPECT_NE((*r)->skip_messages()[1].find("in.csv:4:"), std::string::npos);
}

TEST(CsvInputTest, SourceAndMessageAreTrimmedForClassificationButEchoedAsRead) {
  auto r = Open("source,log_message\n ModernCRM , \"x\"\n");
  ASSERT_TRUE(r.ok());
  RecordBatch b;
  ASSERT_EQ(*(*r)->Read(10, &b), 1u);
  EXPECT_EQ(b.batch.records[0].source, "ModernCRM");
  EXPECT_EQ(b.batch.records[0].message, "x");
  EXPECT_EQ(b.rows[0][0], " ModernCRM ");
}

TEST(NdjsonTest, KeepsOtherFieldsAndAddsTheDecision) {
  ReadOptions ro;
  ro.format = Format::kNdjson;
  WriteOptions wo;
  wo.format = Format::kNdjson;
  std::string out = RoundTrip(
      "{\"ts\":1,\"source\":\"S\",\"log_message\":\"m\"}\n\n{\"log_message\":\"n\"}\n", ro, wo);
  EXPECT_EQ(out,
            "{\"ts\":1,\"source\":\"S\",\"log_message\":\"m\",\"target_label\":\"L:m\",\"method_"
            "used\":\"Regex\","
            "\"confidence\":1.0,\"degraded\":false,\"detail\":\"d\"}\n"
            "{\"log_message\":\"n\",\"target_label\":\"L:n\",\"method_used\":\"Regex\","
            "\"confidence\":1.0,\"degraded\":false,"
            "\"detail\":\"d\"}\n");
}

TEST(NdjsonTest, AppendNdjsonDecisionWritesWhatTheNdjsonWriterWrites) {
  ReadOptions ro;
  ro.format = Format::kNdjson;
  WriteOptions wo;
  wo.format = Format::kNdjson;
  std::string written =
      RoundTrip("{\"log_message\":\"m\",\"source\":\"S\",\"host\":\"h\"}\n", ro, wo);
  std::string appended;
  AppendNdjsonDecision({{"log_message", "m"}, {"source", "S"}, {"host", "h"}},
                       Decision{"L:m", Method::kRegex, 1.0f, "d"}, &appended);
  EXPECT_EQ(appended, written);
}

TEST(NdjsonTest, InvalidJsonAndMissingMessageNameTheLine) {
  ReadOptions ro;
  ro.format = Format::kNdjson;
  std::string error;
  RoundTrip("{\"log_message\":\"ok\"}\n{bad\n", ro, {}, &error);
  EXPECT_NE(error.find("in.csv:2: invalid JSON"), std::string::npos) << error;
  RoundTrip("{\"log\":\"x\"}\n", ro, {}, &error);
  EXPECT_EQ(error, "in.csv:1: the object has no \"log_message\" string");
}

// Issue 16 item 1: nlohmann's out_of_range for 1e400 escaped the reader and
// aborted `classify --on-error skip`.
TEST(NdjsonTest, ANumberTooLargeForADoubleIsAMalformedLineNotAnAbort) {
  ReadOptions ro;
  ro.format = Format::kNdjson;
  std::string error;
  RoundTrip("{\"source\":\"a\",\"log_message\":\"x\",\"n\":1e400}\n", ro, {}, &error);
  EXPECT_NE(error.find("in.csv:1: invalid JSON at line 1, column 41: number overflow"),
            std::string::npos)
      << error;
  ro.skip_malformed = true;
  WriteOptions wo;
  wo.format = Format::kNdjson;
  std::string out =
      RoundTrip("{\"log_message\":\"x\",\"n\":1e400}\n{\"log_message\":\"y\"}\n", ro, wo);
  EXPECT_EQ(out,
            "{\"log_message\":\"y\",\"target_label\":\"L:y\",\"method_used\":\"Regex\","
            "\"confidence\":1.0,\"degraded\":false,\"detail\":\"d\"}\n");
}

TEST(NdjsonTest, ALineNestedTooDeeplyIsRefusedNamingTheLine) {
  ReadOptions ro;
  ro.format = Format::kNdjson;
  std::string error;
  RoundTrip("{\"log_message\":\"x\",\"a\":" + std::string(100, '[') + "}\n", ro, {}, &error);
  EXPECT_NE(error.find("in.csv:1: JSON nested deeper than 64 levels"), std::string::npos) << error;
}

TEST(LinesTest, EachLineIsAMessageFromTheGivenSource) {
  ReadOptions ro;
  ro.format = Format::kLines;
  ro.default_source = "app";
  WriteOptions wo;
  wo.format = Format::kCsv;
  std::string out = RoundTrip("first line\r\n\nsecond, line\n", ro, wo);
  EXPECT_EQ(out,
            "source,log_message,target_label,method_used,confidence,degraded\n"
            "app,first line,L:first line,Regex,1.0,false\n"
            "app,\"second, line\",\"L:second, line\",Regex,1.0,false\n");
}

TEST(LinesTest, OverlongLineIsReportedAndTheNextLinesSurvive) {
  ReadOptions ro;
  ro.format = Format::kLines;
  ro.max_record_bytes = 100;
  ro.skip_malformed = true;
  auto r = RecordReader::Open(
      InputStream::FromString("a\n" + std::string(300000, 'x') + "\nb\n", "big"), ro);
  ASSERT_TRUE(r.ok());
  RecordBatch b;
  while (*(*r)->Read(100, &b) > 0) {
  }
  ASSERT_EQ(b.size(), 2u);
  EXPECT_EQ(b.batch.records[1].message, "b");
  EXPECT_EQ(b.lines[1], 3u);
  EXPECT_EQ((*r)->skipped(), 1u);
  EXPECT_NE((*r)->skip_messages()[0].find("big:2: line is longer than 100 bytes"),
            std::string::npos);
}

TEST(LinesTest, TheLinesOutputEscapesTabsNewlinesAndBackslashesSoARecordKeepsItsFourFields) {
  RecordBatch b;
  b.batch.records.push_back({"app", "Exception in main\n\tat A.run(A.java:1)\r\nC:\\tmp"});
  b.rows.emplace_back();
  b.batch.Reset();
  b.batch.decisions[0] = Decision{"Error", Method::kRegex, 1.0f, "why\there"};
  std::string out;
  auto w =
      RecordWriter::ToString(&out, {.format = Format::kLines, .detail = true}, Format::kLines, {});
  ASSERT_TRUE(w->Write(b).ok());
  ASSERT_TRUE(w->Flush().ok());
  EXPECT_EQ(out,
            "Error\tRegex\t1.0\twhy\\there\t"
            "Exception in main\\n\\tat A.run(A.java:1)\\r\\nC:\\\\tmp\n");
  EXPECT_EQ(std::count(out.begin(), out.end(), '\t'), 4);
}

TEST(LinesTest, EscapingIsReversibleBecauseABackslashIsEscapedToo) {
  // `\n` typed in a log (two characters) and a real newline stay apart.
  EXPECT_EQ(EscapeLinesField("a\\nb"), "a\\\\nb");
  EXPECT_EQ(EscapeLinesField("a\nb"), "a\\nb");
  EXPECT_EQ(EscapeLinesField("plain text"), "plain text");
}

TEST(FormatFromPathTest, TheExtensionNamesTheFormatAndAnythingElseIsUnknown) {
  EXPECT_EQ(FormatFromPath("app.log"), Format::kLines);
  EXPECT_EQ(FormatFromPath("/var/log/NOTES.TXT"), Format::kLines);
  EXPECT_EQ(FormatFromPath("events.ndjson"), Format::kNdjson);
  EXPECT_EQ(FormatFromPath("dir.v2/events.jsonl"), Format::kNdjson);
  EXPECT_EQ(FormatFromPath("logs.csv"), Format::kCsv);
  EXPECT_EQ(FormatFromPath("-"), std::nullopt);
  EXPECT_EQ(FormatFromPath("dir.csv/app"), std::nullopt);
  EXPECT_EQ(FormatFromPath(".log"), std::nullopt);
  EXPECT_EQ(FormatFromPath("app.log.1"), std::nullopt);
}

TEST(RecordReaderTest, ACsvWithoutTheSourceColumnGetsTheDefaultSourceWhenSourceIsNotRequired) {
  ReadOptions ro;
  ro.required_columns = {"log_message"};
  ro.default_source = "web";
  std::string out = RoundTrip("time,log_message\n1,hello\n", ro, {});
  EXPECT_EQ(out,
            "time,log_message,target_label,method_used,confidence,degraded\n"
            "1,hello,L:hello,Regex,1.0,false\n");
}

TEST(RecordReaderTest, CsvColumnsAndNdjsonFieldsCanHaveOtherNames) {
  ReadOptions ro;
  ro.source_column = "host";
  ro.message_column = "msg";
  ro.required_columns = {"host", "msg"};
  auto r = Open("host,msg\nweb1,hello\n", ro);
  ASSERT_TRUE(r.ok()) << r.status().message();
  RecordBatch b;
  ASSERT_EQ(*(*r)->Read(10, &b), 1u);
  EXPECT_EQ(b.batch.records[0].source, "web1");
  EXPECT_EQ(b.batch.records[0].message, "hello");

  ro.format = Format::kNdjson;
  r = Open("{\"host\":\"web2\",\"msg\":\"hi\"}\n", ro);
  ASSERT_TRUE(r.ok()) << r.status().message();
  b.Clear();
  ASSERT_EQ(*(*r)->Read(10, &b), 1u);
  EXPECT_EQ(b.batch.records[0].source, "web2");
  EXPECT_EQ(b.batch.records[0].message, "hi");
}

TEST(RecordReaderTest, MultilineOnACsvOrNdjsonInputIsRefusedNotIgnored) {
  for (Format f : {Format::kCsv, Format::kNdjson}) {
    ReadOptions ro;
    ro.format = f;
    ro.multiline.mode = MultilineMode::kJava;
    auto r = Open("source,log_message\nA,x\n", ro);
    ASSERT_FALSE(r.ok());
    EXPECT_THAT(r.status().message(), HasSubstr("set input.multiline.mode=off"));
    EXPECT_THAT(r.status().message(), HasSubstr("in.csv: input.multiline joins"));
  }
}

TEST(FormatConfidenceTest, RoundsToFourDecimalsAndKeepsOneAfterThePoint) {
  EXPECT_EQ(FormatConfidence(1.0f), "1.0");
  EXPECT_EQ(FormatConfidence(0.91f), "0.91");
  EXPECT_EQ(FormatConfidence(0.123456f), "0.1235");
  EXPECT_EQ(FormatConfidence(std::nullopt), "");
}

}  // namespace
}  // namespace logsieve
