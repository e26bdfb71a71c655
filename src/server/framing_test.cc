// The edge's request parsing (Beast's parser plus CheckFraming) without
// sockets: every smuggling shape of issue 16 item 5 is refused, pipelined
// requests are all found, in order.
#include <gtest/gtest.h>

#include <string>

#include "server/http_edge.h"

namespace logsieve {
namespace {

int FirstStatus(const std::string& bytes) {
  std::vector<ParsedRequest> r = ParseRequests(bytes);
  return r.empty() ? -1 : r[0].status;
}

const std::string kPost = "POST /classify-single/ HTTP/1.1\r\nHost: x\r\n";

TEST(Framing, TwoDifferentContentLengthsAre400) {
  EXPECT_EQ(FirstStatus(kPost + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!"), 400);
  EXPECT_EQ(FirstStatus(kPost + "Content-Length: 5, 6\r\n\r\nhello!"), 400);
}

TEST(Framing, AContentLengthThatIsNotDigitsIs400) {
  EXPECT_EQ(FirstStatus(kPost + "Content-Length: 32e3\r\n\r\n" + std::string(32, 'x')), 400);
  EXPECT_EQ(FirstStatus(kPost + "Content-Length: +32\r\n\r\n" + std::string(32, 'x')), 400);
  EXPECT_EQ(FirstStatus(kPost + "Content-Length: -1\r\n\r\n"), 400);
}

TEST(Framing, WhitespaceBeforeTheColonIs400) {
  EXPECT_EQ(FirstStatus(kPost + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"), 400);
}

TEST(Framing, AnUnknownTransferCodingIs501) {
  EXPECT_EQ(FirstStatus(kPost + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"), 501);
  EXPECT_EQ(FirstStatus(kPost + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"), 501);
}

TEST(Framing, ChunkedNotLastOrTwiceIs400) {
  EXPECT_EQ(FirstStatus(kPost + "Transfer-Encoding: chunked, chunked\r\n\r\n0\r\n\r\n"), 400);
  EXPECT_EQ(
      FirstStatus(kPost +
                  "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
      400);
}

TEST(Framing, TransferEncodingWithContentLengthIs400) {
  EXPECT_EQ(FirstStatus(kPost + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n"),
            400);
  EXPECT_EQ(FirstStatus(kPost + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
            400);
  EXPECT_EQ(FirstStatus(kPost + "Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n\r\nhello"),
            400);
}

TEST(Framing, AHeadOverTheLimitIs431) {
  EXPECT_EQ(FirstStatus("GET / HTTP/1.1\r\nX: " + std::string(100000, 'a') + "\r\n\r\n"), 431);
}

TEST(Framing, PipelinedRequestsAreAllFoundInOrder) {
  std::string bytes = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" + kPost +
                      "Content-Length: 5\r\n\r\nhello" + "GET /readyz HTTP/1.1\r\nHost: x\r\n\r\n" +
                      kPost + "Transfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n0\r\n\r\n";
  std::vector<ParsedRequest> r = ParseRequests(bytes);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[0].path, "/healthz");
  EXPECT_EQ(r[1].body_bytes, 5u);
  EXPECT_EQ(r[2].path, "/readyz");
  EXPECT_EQ(r[3].body_bytes, 3u);
  for (const ParsedRequest& p : r) EXPECT_EQ(p.status, 0) << p.detail;
}

TEST(Framing, EqualRepeatedContentLengthsAreOneLength) {
  std::vector<ParsedRequest> r =
      ParseRequests(kPost + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello");
  ASSERT_EQ(r.size(), 1u);
  EXPECT_EQ(r[0].status, 0) << r[0].detail;
  EXPECT_EQ(r[0].body_bytes, 5u);
}

}  // namespace
}  // namespace logsieve
