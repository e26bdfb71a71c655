#include "server/multipart.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace logsieve {
namespace {

struct Collected {
  std::vector<MultipartPart> parts;
  std::vector<std::string> data;
};

// Feeds `body` in pieces of `step` bytes; returns the first error or Finish's.
Status Parse(const std::string& body, Collected& out, size_t step = 1000000) {
  MultipartParser parser(
      "xyz", [&](const MultipartPart& p) { out.parts.push_back(p), out.data.emplace_back(); },
      [&](std::string_view d) { out.data.back().append(d); });
  for (size_t i = 0; i < body.size(); i += step) {
    if (Status s = parser.Feed(std::string_view(body).substr(i, step)); !s.ok()) return s;
  }
  return parser.Finish();
}

const std::string kForm =
    "preamble\r\n--xyz\r\n"
    "Content-Disposition: form-data; name=\"note\"\r\n\r\n"
    "hello\r\n--xyz\r\n"
    "Content-Disposition: form-data; name=\"file\"; filename=\"a \\\"b\\\".csv\"\r\n"
    "Content-Type: text/csv\r\n\r\n"
    "source,log_message\r\na,--xy\r\n\r\n--xyz--\r\nepilogue";

TEST(MultipartParser, ReadsEveryPartWithItsNameFileNameAndData) {
  Collected c;
  ASSERT_TRUE(Parse(kForm, c).ok());
  ASSERT_EQ(c.parts.size(), 2u);
  EXPECT_EQ(c.parts[0].name, "note");
  EXPECT_EQ(c.data[0], "hello");
  EXPECT_EQ(c.parts[1].name, "file");
  EXPECT_EQ(c.parts[1].filename, "a \"b\".csv");
  EXPECT_EQ(c.parts[1].content_type, "text/csv");
  EXPECT_EQ(c.data[1], "source,log_message\r\na,--xy\r\n");
}

TEST(MultipartParser, GivesTheSameResultWhateverThePieceSize) {
  for (size_t step : {1, 2, 3, 7, 13, 64}) {
    Collected c;
    ASSERT_TRUE(Parse(kForm, c, step).ok()) << step;
    ASSERT_EQ(c.parts.size(), 2u) << step;
    EXPECT_EQ(c.data[1], "source,log_message\r\na,--xy\r\n") << step;
  }
}

TEST(MultipartParser, RefusesABodyThatEndsBeforeTheCloseDelimiter) {
  Collected c;
  Status s = Parse("--xyz\r\nnonsense", c);
  EXPECT_FALSE(s.ok());
  s = Parse("--xyz\r\nContent-Disposition: form-data; name=\"f\"\r\n\r\ndata", c);
  EXPECT_NE(s.message().find("before the close delimiter"), std::string::npos) << s.message();
}

TEST(MultipartParser, RefusesAPartWithoutAFormDataDisposition) {
  Collected c;
  EXPECT_FALSE(Parse("--xyz\r\nContent-Type: text/plain\r\n\r\nx\r\n--xyz--\r\n", c).ok());
  EXPECT_FALSE(
      Parse("--xyz\r\nContent-Disposition: attachment; name=a\r\n\r\nx\r\n--xyz--", c).ok());
  EXPECT_FALSE(Parse("--xyz\r\nContent-Disposition: form-data\r\n\r\nx\r\n--xyz--", c).ok());
}

TEST(MultipartParser, RefusesAHeaderLineWithoutAName) {
  Collected c;
  Status s =
      Parse("--xyz\r\nContent-Disposition: form-data; name=a\r\nbogus\r\n\r\nx\r\n--xyz--", c);
  EXPECT_NE(s.message().find("without a name"), std::string::npos) << s.message();
  EXPECT_FALSE(
      Parse("--xyz\r\nContent-Disposition : form-data; name=a\r\n\r\nx\r\n--xyz--", c).ok());
}

TEST(MultipartParser, RefusesPartHeadersOverTheCap) {
  Collected c;
  std::string body = "--xyz\r\nX-Big: " + std::string(MultipartParser::kMaxPartHead + 10, 'a');
  Status s = Parse(body, c, 4096);
  EXPECT_NE(s.message().find("part headers over"), std::string::npos) << s.message();
}

TEST(MultipartParser, RefusesAnEmptyBodyNamingIt) {
  Collected c;
  Status s = Parse("", c);
  EXPECT_NE(s.message().find("no part"), std::string::npos) << s.message();
}

TEST(MultipartBoundary, ReadsQuotedAndPlainBoundaries) {
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; boundary=abc"), "abc");
  EXPECT_EQ(*MultipartBoundary("multipart/form-data; charset=x; boundary=\"a b\""), "a b");
  EXPECT_FALSE(MultipartBoundary("multipart/form-data").ok());
  EXPECT_FALSE(MultipartBoundary("multipart/form-data; boundary=" + std::string(71, 'a')).ok());
}

}  // namespace
}  // namespace logsieve
