#include "embed/bert/line_tools.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "testing/testing.h"

namespace logsieve::bert {
namespace {

TEST(BertLineToolsTest, TokenizeWritesOneIdArrayPerLineSplittingOnNewlineOnly) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  // The real folder has no weights: tokenizing needs none.
  auto tok = LoadFolderTokenizer(shared + "/models/all-MiniLM-L6-v2", 0);
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  EXPECT_EQ(tok->max_length, 256u);
  std::istringstream in(
      "hello world\na\xe2\x80\xa8"
      "b\n\n");  // U+2028 stays inside line 2
  std::ostringstream out;
  ASSERT_TRUE(TokenizeLines(*tok->tokenizer, tok->max_length, in, out).ok());
  EXPECT_EQ(out.str(), "[101, 7592, 2088, 102]\n[101, 1037, 1038, 102]\n[101, 102]\n");
}

TEST(BertLineToolsTest, EmbedWritesVectorsInInputOrderWhateverTheChunk) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto enc = SentenceTransformer::Load(shared + "/fixtures/tiny-minilm", {});
  ASSERT_TRUE(enc.ok());
  const std::string text =
      "a much longer line about disk quota exceeded on /var\nshort\nmiddle one\n";
  std::istringstream in1(text), in2(text);
  std::ostringstream out1, out2;
  ASSERT_TRUE(EmbedLines(**enc, in1, out1, 1).ok());
  ASSERT_TRUE(EmbedLines(**enc, in2, out2, 64).ok());
  std::istringstream lines(out1.str());
  std::string line;
  size_t n = 0;
  while (std::getline(lines, line)) {
    auto v = nlohmann::json::parse(line).get<std::vector<float>>();
    EXPECT_EQ(v.size(), 64u);
    ++n;
  }
  EXPECT_EQ(n, 3u);
  // Same vectors up to GEMM summation order (printed with 9 digits).
  auto a =
      nlohmann::json::parse(out1.str().substr(0, out1.str().find('\n'))).get<std::vector<float>>();
  auto b =
      nlohmann::json::parse(out2.str().substr(0, out2.str().find('\n'))).get<std::vector<float>>();
  for (size_t i = 0; i < a.size(); ++i) EXPECT_NEAR(a[i], b[i], 1e-6f);
  // Chunks of one line on three threads: each line is its own call, as in
  // out1, so the text is identical (order kept, nothing lost or doubled).
  std::istringstream in3(text);
  std::ostringstream out3;
  ASSERT_TRUE(EmbedLines(**enc, in3, out3, 1, 3).ok());
  EXPECT_EQ(out3.str(), out1.str());
}

}  // namespace
}  // namespace logsieve::bert
