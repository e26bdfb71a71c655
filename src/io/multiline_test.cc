#include "io/multiline.h"

#include <fcntl.h>
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include "io/records.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

MultilineOptions Mode(MultilineMode mode, std::string pattern = "") {
  MultilineOptions o;
  o.mode = mode;
  o.start_pattern = std::move(pattern);
  o.max_lines = 500;
  o.max_bytes = 65536;
  o.flush_ms = 10;
  return o;
}

// Every event of `text`, read as `classify --format lines` reads it.
std::vector<std::string> Events(const std::string& text, const MultilineOptions& multiline,
                                std::vector<std::string>* cuts = nullptr) {
  ReadOptions ro;
  ro.format = Format::kLines;
  ro.multiline = multiline;
  StatusOr<std::unique_ptr<RecordReader>> r =
      RecordReader::Open(InputStream::FromString(text, "app.log"), ro);
  EXPECT_TRUE(r.ok()) << r.status().message();
  if (!r.ok()) return {};
  std::vector<std::string> events;
  for (;;) {
    RecordBatch b;
    StatusOr<size_t> n = (*r)->Read(4, &b);
    EXPECT_TRUE(n.ok()) << n.status().message();
    if (!n.ok() || *n == 0) break;
    for (const LogRecord& rec : b.batch.records) events.push_back(rec.message);
  }
  if (cuts != nullptr) *cuts = (*r)->cut_messages();
  return events;
}

std::string TestData(const std::string& name) {
  return testing::ReadFile(testing::SourceDir() + "/src/io/testdata/" + name);
}

bool EndsWith(const std::string& s, std::string_view suffix) {
  return s.size() >= suffix.size() &&
         s.compare(s.size() - suffix.size(), suffix.size(), suffix) == 0;
}

size_t LineCount(const std::string& event) {
  return 1 + static_cast<size_t>(std::count(event.begin(), event.end(), '\n'));
}

TEST(EventJoinerTest, OffModeMakesEveryLineAnEvent) {
  EXPECT_EQ(Events("a\n\tat b\nc\n", Mode(MultilineMode::kOff)),
            (std::vector<std::string>{"a", "at b", "c"}));
}

TEST(EventJoinerTest, AJavaTraceWithCausesSuppressedAndElidedFramesIsOneEvent) {
  std::vector<std::string> events = Events(TestData("java_trace.log"), Mode(MultilineMode::kJava));
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(LineCount(events[0]), 1u);
  EXPECT_EQ(LineCount(events[1]), 15u) << events[1];
  EXPECT_EQ(events[1].substr(0, 36), "2024-03-12 14:02:15,007 ERROR [http-");
  EXPECT_NE(events[1].find("\ncom.acme.billing.InvoiceException: customer 8812"),
            std::string::npos);
  EXPECT_TRUE(EndsWith(events[1], "\n\t... 61 more")) << events[1];
  EXPECT_EQ(events[2].substr(24, 4), "WARN");
  EXPECT_EQ(events[3].substr(0, 28), "Exception in thread \"worker-");
  EXPECT_EQ(LineCount(events[3]), 7u) << events[3];
  EXPECT_NE(events[4].find("Health check ok"), std::string::npos);
}

TEST(EventJoinerTest, APythonTracebackJoinsTheLineThatLoggedItAndEndsAtTheException) {
  std::vector<std::string> events =
      Events(TestData("python_trace.log"), Mode(MultilineMode::kPython));
  ASSERT_EQ(events.size(), 5u);
  EXPECT_NE(events[0].find("processing batch 17"), std::string::npos);
  EXPECT_EQ(LineCount(events[1]), 9u) << events[1];
  EXPECT_TRUE(EndsWith(events[1], "\nKeyError: 'A-1009'")) << events[1];
  EXPECT_NE(events[2].find("processing batch 18"), std::string::npos);
  EXPECT_EQ(LineCount(events[2]), 1u);
}

TEST(EventJoinerTest, AChainedPythonTracebackStaysOneEvent) {
  std::vector<std::string> events =
      Events(TestData("python_trace.log"), Mode(MultilineMode::kPython));
  ASSERT_EQ(events.size(), 5u);
  EXPECT_EQ(LineCount(events[3]), 14u) << events[3];  // blank lines are not kept
  EXPECT_NE(events[3].find("\nDuring handling of the above exception"), std::string::npos);
  EXPECT_TRUE(EndsWith(events[3], "\napp.errors.RetryExhausted: gave up after 5 attempts"));
  EXPECT_NE(events[4].find("WARNING worker: queue depth"), std::string::npos);
}

TEST(EventJoinerTest, AutoModeJoinsJavaAndPythonTraces) {
  EXPECT_EQ(Events(TestData("java_trace.log"), Mode(MultilineMode::kAuto)).size(), 5u);
  EXPECT_EQ(Events(TestData("python_trace.log"), Mode(MultilineMode::kAuto)).size(), 5u);
}

TEST(EventJoinerTest, InPatternModeOnlyAMatchingLineStartsAnEvent) {
  std::vector<std::string> events =
      Events("[2024-01-01] one\ncontinued\n  more\n[2024-01-02] two\n",
             Mode(MultilineMode::kPattern, R"(^\[\d{4}-)"));
  EXPECT_EQ(events,
            (std::vector<std::string>{"[2024-01-01] one\ncontinued\n  more", "[2024-01-02] two"}));
}

TEST(EventJoinerTest, LinesBeforeTheFirstStartLineAreOneEvent) {
  EXPECT_EQ(Events("x\ny\nSTART z\n", Mode(MultilineMode::kPattern, "^START")),
            (std::vector<std::string>{"x\ny", "START z"}));
}

TEST(EventJoinerTest, AnEventPastMaxLinesIsCutReportedAndTheRestStartsTheNextEvent) {
  MultilineOptions o = Mode(MultilineMode::kJava);
  o.max_lines = 3;
  std::vector<std::string> cuts;
  std::vector<std::string> events =
      Events("ERROR x\n\tat a\n\tat b\n\tat c\n\tat d\nINFO y\n", o, &cuts);
  EXPECT_EQ(events,
            (std::vector<std::string>{"ERROR x\n\tat a\n\tat b", "at c\n\tat d", "INFO y"}));
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_EQ(cuts[0],
            "app.log:1: event cut at input.multiline.max_lines (3) after 3 lines; the next line "
            "starts a new event");
}

TEST(EventJoinerTest, AnEventPastMaxBytesIsCutAndNothingIsLost) {
  MultilineOptions o = Mode(MultilineMode::kJava);
  o.max_bytes = 16;
  std::vector<std::string> cuts;
  std::vector<std::string> events = Events("ERROR x\n\tat aaaa\n\tat bbbb\n", o, &cuts);
  EXPECT_EQ(events, (std::vector<std::string>{"ERROR x\n\tat aaaa", "at bbbb"}));
  ASSERT_EQ(cuts.size(), 1u);
  EXPECT_NE(cuts[0].find("input.multiline.max_bytes (16) after 2 lines"), std::string::npos);
}

TEST(EventJoinerTest, ABadStartPatternIsAnErrorNamingTheKey) {
  StatusOr<std::unique_ptr<EventJoiner>> j =
      EventJoiner::Create(Mode(MultilineMode::kPattern, "(unclosed"));
  ASSERT_FALSE(j.ok());
  EXPECT_NE(j.status().message().find("input.multiline.start_pattern: invalid regex '(unclosed'"),
            std::string::npos)
      << j.status().message();
}

TEST(EventJoinerTest, PatternModeWithoutAPatternIsAConfigError) {
  Config config;
  ASSERT_TRUE(config.Set("input.multiline.mode", "pattern", "test").ok());
  StatusOr<MultilineOptions> o = MultilineOptions::FromConfig(config);
  ASSERT_FALSE(o.ok());
  EXPECT_NE(o.status().message().find("input.multiline.start_pattern: must be set"),
            std::string::npos);
}

TEST(EventJoinerTest, AnUnknownModeIsRefusedByTheConfigTable) {
  Config config;
  Status s = config.Set("input.multiline.mode", "ruby", "test");
  ASSERT_FALSE(s.ok());
  EXPECT_NE(s.message().find("input.multiline.mode"), std::string::npos) << s.message();
}

// An NDJSON object is one record already: joining is refused, not ignored (issue 26).
TEST(EventJoinerTest, NdjsonRecordsAreNeverJoinedAndAskingForItIsAnError) {
  ReadOptions ro;
  ro.format = Format::kNdjson;
  ro.multiline = Mode(MultilineMode::kPattern, "^never");
  auto r = RecordReader::Open(
      InputStream::FromString("{\"log_message\":\"a\"}\n{\"log_message\":\" b\"}\n"), ro);
  ASSERT_FALSE(r.ok());
  EXPECT_THAT(r.status().message(), ::testing::HasSubstr("a ndjson record is one event already"));
}

TEST(EventJoinerTest, EachRecordEndsAtTheOffsetAfterItsLastLine) {
  ReadOptions ro;
  ro.format = Format::kLines;
  ro.multiline = Mode(MultilineMode::kJava);
  const std::string text = "ERROR x\n\tat a\nINFO y\n\tat b\nINFO z\n";
  auto r = RecordReader::Open(InputStream::FromString(text), ro);
  ASSERT_TRUE(r.ok());
  RecordBatch b;
  ASSERT_EQ(*(*r)->Read(1, &b), 1u);
  EXPECT_EQ(b.end_offset, 14u);  // "ERROR x\n\tat a\n"
  b.Clear();
  ASSERT_EQ(*(*r)->Read(10, &b), 2u);
  EXPECT_EQ(b.end_offset, text.size());
  EXPECT_EQ(b.lines, (std::vector<uint64_t>{3, 5}));
}

TEST(EventJoinerTest, TheLinesOutputWritesAnEventOnOneLine) {
  RecordBatch b;
  b.batch.records.push_back({"app", "ERROR x\n\tat a"});
  b.rows.emplace_back();
  b.batch.Reset();
  b.batch.decisions[0] = Decision{"Error", Method::kRegex, 1.0f, ""};
  std::string out;
  auto w = RecordWriter::ToString(&out, {Format::kLines}, Format::kLines, {});
  ASSERT_TRUE(w->Write(b).ok());
  ASSERT_TRUE(w->Flush().ok());
  EXPECT_EQ(out, "Error\tRegex\t1.0\tERROR x\\n\\tat a\n");
}

TEST(EventJoinerTest, OnALiveInputAHeldEventIsClassifiedAfterFlushMs) {
  int fds[2];
  ASSERT_EQ(pipe(fds), 0);
  const std::string first = "ERROR x\n\tat a\n";
  ASSERT_EQ(write(fds[1], first.data(), first.size()), static_cast<ssize_t>(first.size()));
  ReadOptions ro;
  ro.format = Format::kLines;
  ro.multiline = Mode(MultilineMode::kJava);
  StatusOr<std::unique_ptr<InputStream>> in =
      InputStream::Open("/dev/fd/" + std::to_string(fds[0]));
  ASSERT_TRUE(in.ok()) << in.status().message();
  auto r = RecordReader::Open(*std::move(in), ro);
  ASSERT_TRUE(r.ok());
  RecordBatch b;
  // The writer keeps the pipe open: only the flush timeout can end the event.
  ASSERT_EQ(*(*r)->Read(10, &b), 1u);
  EXPECT_EQ(b.batch.records[0].message, "ERROR x\n\tat a");
  close(fds[1]);
  close(fds[0]);
}

}  // namespace
}  // namespace logsieve
