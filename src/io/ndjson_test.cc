#include "io/ndjson.h"

#include <gtest/gtest.h>

namespace logsieve {
namespace {

StatusOr<LogRecord> Decode(std::string_view line, NdjsonOptions options = {}) {
  return DecodeNdjsonLine(line, options);
}

std::string Error(std::string_view line, NdjsonOptions options = {}) {
  StatusOr<LogRecord> r = Decode(line, options);
  EXPECT_FALSE(r.ok()) << line;
  if (r.ok()) return "";
  EXPECT_EQ(r.status().code(), StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST(NdjsonLine, ReadsSourceAndMessage) {
  StatusOr<LogRecord> r =
      Decode(R"({"source":"ModernCRM","log_message":"User User123 logged in."})");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source, "ModernCRM");
  EXPECT_EQ(r->message, "User User123 logged in.");
}

TEST(NdjsonLine, TrimsSourceAndMessageLikeTheCsvReader) {
  StatusOr<LogRecord> r = Decode("{\"source\":\" a\\t\",\"log_message\":\"\\n x y \\r\"}");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source, "a");
  EXPECT_EQ(r->message, "x y");
}

TEST(NdjsonLine, AbsentOrNullSourceTakesTheDefault) {
  NdjsonOptions options;
  options.default_source = "app";
  EXPECT_EQ(Decode(R"({"log_message":"m"})", options)->source, "app");
  EXPECT_EQ(Decode(R"({"source":null,"log_message":"m"})", options)->source, "app");
  EXPECT_EQ(Decode(R"({"log_message":"m"})")->source, "unknown");
}

TEST(NdjsonLine, IgnoresOtherFieldsATrailingCarriageReturnAndAByteOrderMark) {
  StatusOr<LogRecord> r = Decode("\xEF\xBB\xBF{\"ts\":1,\"tags\":[1,{}],\"log_message\":\"m\"}\r");
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->message, "m");
}

TEST(NdjsonLine, RefusesAMissingOrNonStringMessage) {
  EXPECT_EQ(Error(R"({"log":"x"})"), "the object has no \"log_message\" string");
  EXPECT_EQ(Error(R"({"log_message":3})"), "the object has no \"log_message\" string");
  EXPECT_EQ(Error(R"({"log_message":null})"), "the object has no \"log_message\" string");
}

TEST(NdjsonLine, RefusesANonStringSource) {
  EXPECT_EQ(Error(R"({"source":7,"log_message":"m"})"), "\"source\" must be a string");
  EXPECT_EQ(Error(R"({"source":["a"],"log_message":"m"})"), "\"source\" must be a string");
}

TEST(NdjsonLine, RefusesValuesThatAreNotObjects) {
  EXPECT_EQ(Error(R"(["log_message"])"), "expected a JSON object");
  EXPECT_EQ(Error(R"("log_message")"), "expected a JSON object");
  EXPECT_EQ(Error("42"), "expected a JSON object");
}

TEST(NdjsonLine, RefusesInvalidJsonAndSaysWhy) {
  EXPECT_EQ(Error("{bad").rfind("invalid JSON at line 1, column ", 0), 0u);
  EXPECT_EQ(Error(R"({"log_message":"m"} trailing)").rfind("invalid JSON at line 1, column ", 0),
            0u);
  EXPECT_EQ(Error("").rfind("invalid JSON at line 1, column ", 0), 0u);
}

TEST(NdjsonLine, RefusesInvalidUtf8InsideAndOutsideStrings) {
  EXPECT_EQ(Error("{\"log_message\":\"caf\xE9\"}").rfind("invalid JSON at line 1, column ", 0), 0u);
  EXPECT_EQ(Error("{\"log_message\":\"m\"}\xFF").rfind("invalid JSON at line 1, column ", 0), 0u);
  EXPECT_TRUE(Decode("{\"log_message\":\"caf\xC3\xA9\"}").ok());
}

TEST(NdjsonLine, RefusesNumbersOutOfRangeAndDeepNestingWithoutThrowing) {
  EXPECT_EQ(Error(R"({"log_message":"m","n":1e400})"),
            "invalid JSON at line 1, column 28: number overflow parsing '1e400'");
  EXPECT_EQ(Error(R"({"log_message":"m","a":)" + std::string(100, '['))
                .rfind("JSON nested deeper than 64 levels", 0),
            0u);
}

TEST(NdjsonLine, RefusesALineOverTheSizeCapNamingTheKey) {
  NdjsonOptions options;
  options.max_line_bytes = 20;
  EXPECT_TRUE(Decode(R"({"log_message":"m"})", options).ok());
  EXPECT_EQ(Error(R"({"log_message":"mmmm"})", options),
            "line is longer than 20 bytes (input.max_record_bytes)");
}

TEST(NdjsonLine, HonoursOtherFieldNames) {
  NdjsonOptions options;
  options.message_field = "msg";
  options.source_field = "host";
  StatusOr<LogRecord> r = Decode(R"({"host":"h","msg":"m","log_message":"no"})", options);
  ASSERT_TRUE(r.ok()) << r.status().message();
  EXPECT_EQ(r->source, "h");
  EXPECT_EQ(r->message, "m");
}

TEST(NdjsonLine, BlankLinesAreSpacesTabsAndCarriageReturnsOnly) {
  EXPECT_TRUE(IsBlankNdjsonLine(""));
  EXPECT_TRUE(IsBlankNdjsonLine(" \t\r"));
  EXPECT_FALSE(IsBlankNdjsonLine(" {} "));
}

}  // namespace
}  // namespace logsieve
