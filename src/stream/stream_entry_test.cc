#include "stream/stream_entry.h"

#include <gtest/gtest.h>

namespace logsieve {
namespace {

StreamEntry Entry(StreamFields fields) { return {"in", "1-0", std::move(fields)}; }

TEST(StreamEntryTest, AnEntryGivesItsMessageAndSourceTrimmed) {
  StatusOr<LogRecord> r =
      DecodeEntry(Entry({{"source", " ModernCRM "}, {"log_message", " hi\n"}}), "unknown", 1000);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source, "ModernCRM");
  EXPECT_EQ(r->message, "hi");
}

TEST(StreamEntryTest, AnEntryWithoutSourceGetsTheDefault) {
  EXPECT_EQ(DecodeEntry(Entry({{"log_message", "hi"}}), "unknown", 1000)->source, "unknown");
}

TEST(StreamEntryTest, AnEntryWithoutLogMessageIsRefusedWithTheReason) {
  EXPECT_EQ(DecodeEntry(Entry({{"msg", "hi"}}), "unknown", 1000).status().message(),
            "no log_message field");
}

TEST(StreamEntryTest, ARepeatedMessageOrSourceIsRefusedLikeTheOther) {
  EXPECT_EQ(DecodeEntry(Entry({{"log_message", "a"}, {"log_message", "b"}}), "u", 1000)
                .status()
                .message(),
            "log_message field given twice");
  EXPECT_EQ(DecodeEntry(Entry({{"source", "A"}, {"log_message", "a"}, {"source", "B"}}), "u", 1000)
                .status()
                .message(),
            "source field given twice");
}

TEST(StreamEntryTest, OtherRepeatedFieldsAreCopiedThroughAsTheyCome) {
  StreamEntry e = Entry({{"tag", "x"}, {"log_message", "m"}, {"tag", "y"}});
  ASSERT_TRUE(DecodeEntry(e, "u", 1000).ok());
  std::vector<std::string> argv = OutputCommand(e, Decision{}, "out", 0);
  EXPECT_EQ(std::vector<std::string>(argv.begin() + 3, argv.begin() + 9),
            (std::vector<std::string>{"tag", "x", "log_message", "m", "tag", "y"}));
}

TEST(StreamEntryTest, InvalidUtf8IsRefused) {
  EXPECT_EQ(DecodeEntry(Entry({{"log_message", "a\xff"}}), "u", 1000).status().message(),
            "log_message is not valid UTF-8");
  EXPECT_EQ(DecodeEntry(Entry({{"source", "\xc0\xaf"}, {"log_message", "a"}}), "u", 1000)
                .status()
                .message(),
            "source is not valid UTF-8");
}

TEST(StreamEntryTest, AnEntryOverTheSizeLimitIsRefused) {
  EXPECT_EQ(DecodeEntry(Entry({{"log_message", std::string(20, 'x')}}), "u", 20).status().message(),
            "entry of 31 bytes is over worker.max_entry_bytes (20)");
}

TEST(StreamEntryTest, Utf8CheckRefusesOverlongSurrogatesAndTruncation) {
  EXPECT_TRUE(IsValidUtf8("plain, é, 日本, 🙂"));
  EXPECT_FALSE(IsValidUtf8("\xe0\x80\xaf"));      // overlong '/'
  EXPECT_FALSE(IsValidUtf8("\xed\xa0\x80"));      // a surrogate
  EXPECT_FALSE(IsValidUtf8("\xf4\x90\x80\x80"));  // past U+10FFFF
  EXPECT_FALSE(IsValidUtf8("\xe6\x97"));          // truncated
}

TEST(StreamEntryTest, OutputCarriesTheInputFieldsTheDecisionAndTheSourceId) {
  Decision d{"Error", Method::kRegex, 1.0f, "rule r1"};
  std::vector<std::string> argv = OutputCommand(
      Entry({{"log_message", "m"}, {"host", "h1"}, {"target_label", "old"}}), d, "out", 100);
  EXPECT_EQ(argv, (std::vector<std::string>{
                      "XADD",          "out",   "MAXLEN",     "~",   "100",          "*",
                      "log_message",   "m",     "host",       "h1",  "target_label", "Error",
                      "method_used",   "Regex", "confidence", "1.0", "detail",       "rule r1",
                      "source_stream", "in",    "source_id",  "1-0"}));
}

TEST(StreamEntryTest, DeadLetterCarriesTheInputFieldsAndTheReasonWithoutTrimmingAtZero) {
  std::vector<std::string> argv =
      DeadLetterCommand(Entry({{"x", "y"}}), "no log_message field", "dead", 0);
  EXPECT_EQ(argv, (std::vector<std::string>{"XADD", "dead", "*", "x", "y", "source_stream", "in",
                                            "source_id", "1-0", "reason", "no log_message field"}));
}

}  // namespace
}  // namespace logsieve
