#include "ingest/syslog.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace logsieve {
namespace {

using Format = SyslogMessage::Format;

TEST(SyslogParseTest, Rfc5424KeepsEveryHeaderFieldAndTheMessage) {
  SyslogMessage m = ParseSyslog(
      "<165>1 2003-10-11T22:14:15.003Z mymachine.example.com evntslog - ID47 "
      "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"] \xEF\xBB\xBF"
      "An application event");
  EXPECT_EQ(m.format, Format::kRfc5424);
  EXPECT_EQ(m.facility, 20);
  EXPECT_EQ(m.severity, 5);
  EXPECT_EQ(m.timestamp, "2003-10-11T22:14:15.003Z");
  EXPECT_EQ(m.hostname, "mymachine.example.com");
  EXPECT_EQ(m.app_name, "evntslog");
  EXPECT_EQ(m.procid, "");
  EXPECT_EQ(m.msgid, "ID47");
  EXPECT_EQ(m.structured_data, "[exampleSDID@32473 iut=\"3\" eventSource=\"Application\"]");
  EXPECT_EQ(m.message, "An application event");
}

TEST(SyslogParseTest, Rfc5424StructuredDataMayHoldEscapedBracketsAndQuotes) {
  SyslogMessage m = ParseSyslog(R"(<13>1 - h app 42 - [a x="q\"]\\"][b y="2"] text)");
  EXPECT_EQ(m.format, Format::kRfc5424);
  EXPECT_EQ(m.structured_data, R"([a x="q\"]\\"][b y="2"])");
  EXPECT_EQ(m.procid, "42");
  EXPECT_EQ(m.timestamp, "");
  EXPECT_EQ(m.message, "text");
}

TEST(SyslogParseTest, Rfc5424WithoutAMessageHasAnEmptyOne) {
  SyslogMessage m = ParseSyslog("<14>1 2026-12-07T19:00:00Z host app - - -");
  EXPECT_EQ(m.format, Format::kRfc5424);
  EXPECT_EQ(m.app_name, "app");
  EXPECT_EQ(m.message, "");
}

TEST(SyslogParseTest, ABrokenRfc5424HeaderIsReadAsRfc3164WithItsTextKept) {
  SyslogMessage m = ParseSyslog("<14>1 2026-12-07T19:00:00Z host app - - [unterminated");
  EXPECT_EQ(m.format, Format::kRfc3164);
  EXPECT_EQ(m.severity, 6);
  EXPECT_EQ(m.message, "1 2026-12-07T19:00:00Z host app - - [unterminated");
}

TEST(SyslogParseTest, Rfc3164WithHostnameAndPid) {
  SyslogMessage m = ParseSyslog("<34>Oct 11 22:14:15 mymachine su[123]: 'su root' failed");
  EXPECT_EQ(m.format, Format::kRfc3164);
  EXPECT_EQ(m.facility, 4);
  EXPECT_EQ(m.severity, 2);
  EXPECT_EQ(m.timestamp, "Oct 11 22:14:15");
  EXPECT_EQ(m.hostname, "mymachine");
  EXPECT_EQ(m.app_name, "su");
  EXPECT_EQ(m.procid, "123");
  EXPECT_EQ(m.message, "'su root' failed");
}

TEST(SyslogParseTest, Rfc3164WithoutHostnameTakesTheFirstWordAsTheTag) {
  SyslogMessage m = ParseSyslog("<13>Dec  7 19:01:02 cron: job done");
  EXPECT_EQ(m.format, Format::kRfc3164);
  EXPECT_EQ(m.timestamp, "Dec  7 19:01:02");
  EXPECT_EQ(m.hostname, "");
  EXPECT_EQ(m.app_name, "cron");
  EXPECT_EQ(m.procid, "");
  EXPECT_EQ(m.message, "job done");
}

TEST(SyslogParseTest, Rfc3164WithAnRfc3339TimestampAsRsyslogForwardsIt) {
  SyslogMessage m = ParseSyslog("<30>2026-12-07T19:00:00.123456+00:00 web-1 nginx[77]: GET / 200");
  EXPECT_EQ(m.timestamp, "2026-12-07T19:00:00.123456+00:00");
  EXPECT_EQ(m.hostname, "web-1");
  EXPECT_EQ(m.app_name, "nginx");
  EXPECT_EQ(m.procid, "77");
  EXPECT_EQ(m.message, "GET / 200");
}

TEST(SyslogParseTest, Rfc3164WithTimestampAndNoTagTakesTheHostnameOnly) {
  SyslogMessage m = ParseSyslog("<13>Oct 11 22:14:15 host something happened");
  EXPECT_EQ(m.hostname, "host");
  EXPECT_EQ(m.app_name, "");
  EXPECT_EQ(m.message, "something happened");
}

TEST(SyslogParseTest, Rfc3164WithNothingButPriKeepsTheTextAsTheMessage) {
  SyslogMessage m = ParseSyslog("<13>hello there");
  EXPECT_EQ(m.format, Format::kRfc3164);
  EXPECT_EQ(m.hostname, "");
  EXPECT_EQ(m.message, "hello there");
}

TEST(SyslogParseTest, ALineWithoutPriIsUnparsedAndKeptWhole) {
  for (std::string line : {"plain text line", "<>x", "<192>too big", "<12", ""}) {
    SyslogMessage m = ParseSyslog(line);
    EXPECT_EQ(m.format, Format::kUnparsed) << line;
    EXPECT_EQ(m.message, line);
    EXPECT_EQ(m.facility, -1);
  }
}

TEST(SyslogParseTest, FacilityAndSeverityHaveTheirRfcNames) {
  EXPECT_EQ(SyslogFacilityName(0), "kern");
  EXPECT_EQ(SyslogFacilityName(23), "local7");
  EXPECT_EQ(SyslogFacilityName(24), "");
  EXPECT_EQ(SyslogSeverityName(3), "err");
  EXPECT_EQ(SyslogSeverityName(-1), "");
}

std::vector<std::string> Frames(const std::vector<std::string>& chunks, size_t max = 1024) {
  SyslogFramer framer(max);
  std::vector<SyslogFrame> out;
  for (const std::string& c : chunks) framer.Feed(c, &out);
  framer.Finish(&out);
  std::vector<std::string> texts;
  for (const SyslogFrame& f : out) texts.push_back(f.text);
  return texts;
}

TEST(SyslogFramerTest, LineFramesEndAtNewlineAndLoseTheirCarriageReturn) {
  EXPECT_EQ(Frames({"<13>a\r\n<13>b\n\n<13>c"}),
            (std::vector<std::string>{"<13>a", "<13>b", "<13>c"}));
}

TEST(SyslogFramerTest, OctetCountedFramesMayHoldNewlines) {
  EXPECT_EQ(Frames({"7 <13>a\nb6 <13>cd"}), (std::vector<std::string>{"<13>a\nb", "<13>cd"}));
}

TEST(SyslogFramerTest, FramingIsDetectedPerFrame) {
  EXPECT_EQ(Frames({"5 <13>a<13>b\n3 <1>"}), (std::vector<std::string>{"<13>a", "<13>b", "<1>"}));
}

TEST(SyslogFramerTest, FramesSplitAcrossReadsAreJoined) {
  EXPECT_EQ(Frames({"1", "0 <13>hello", "!<13>", "x\n"}),
            (std::vector<std::string>{"<13>hello!", "<13>x"}));
}

TEST(SyslogFramerTest, DigitsThatAreNotALengthStartALineFrame) {
  EXPECT_EQ(Frames({"2026-12-07 a date\n", "0 zero\n", "1234567890 ten digits\n"}),
            (std::vector<std::string>{"2026-12-07 a date", "0 zero", "1234567890 ten digits"}));
}

TEST(SyslogFramerTest, AnOversizedFrameKeepsItsHeadAndCountsTheRest) {
  SyslogFramer framer(4);
  std::vector<SyslogFrame> out;
  framer.Feed("abcdefgh\n9 123456789ok\n", &out);
  ASSERT_EQ(out.size(), 3u);
  EXPECT_EQ(out[0].text, "abcd");
  EXPECT_EQ(out[0].cut_bytes, 4u);
  EXPECT_EQ(out[1].text, "1234");
  EXPECT_EQ(out[1].cut_bytes, 5u);
  EXPECT_EQ(out[2].text, "ok");
  EXPECT_EQ(out[2].cut_bytes, 0u);
}

TEST(SyslogFramerTest, AStreamEndingInsideACountedFrameGivesAnIncompleteFrame) {
  SyslogFramer framer(100);
  std::vector<SyslogFrame> out;
  framer.Feed("20 <13>short", &out);
  EXPECT_TRUE(out.empty());
  framer.Finish(&out);
  ASSERT_EQ(out.size(), 1u);
  EXPECT_EQ(out[0].text, "<13>short");
  EXPECT_TRUE(out[0].incomplete);
}

}  // namespace
}  // namespace logsieve
