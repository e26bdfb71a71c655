#include "embed/bert/tokenizer.h"

#include <gtest/gtest.h>

#include "embed/bert/bert_test_util.h"
#include "testing/testing.h"

namespace logsieve::bert {
namespace {

std::unique_ptr<WordPieceTokenizer> SmallTokenizer() {
  std::vector<std::string> vocab = {"[PAD]", "[UNK]",  "[CLS]", "[SEP]", "[MASK]", "disk", "full",
                                    "un",    "##able", "##s",   ",",     "a",      "##a",  "cafe"};
  auto tok = WordPieceTokenizer::FromVocab(vocab, TokenizerSettings{},
                                           {"[PAD]", "[UNK]", "[CLS]", "[SEP]", "[MASK]"});
  EXPECT_TRUE(tok.ok()) << tok.status().ToString();
  return std::move(*tok);
}

std::vector<int32_t> Ids(const WordPieceTokenizer& tok, std::string_view text, size_t max = 256) {
  std::vector<int32_t> ids;
  tok.Encode(text, max, &ids);
  return ids;
}

TEST(BertTokenizerTest, EmptyTextIsClsSep) {
  EXPECT_EQ(Ids(*SmallTokenizer(), " \t "), (std::vector<int32_t>{2, 3}));
}

TEST(BertTokenizerTest, WordPieceUsesLongestMatchWithContinuation) {
  EXPECT_EQ(Ids(*SmallTokenizer(), "Unable DISKS, full"),
            (std::vector<int32_t>{2, 7, 8, 5, 9, 10, 6, 3}));
}

TEST(BertTokenizerTest, UnmatchedRestMakesTheWholeWordUnknown) {
  EXPECT_EQ(Ids(*SmallTokenizer(), "diskx full"), (std::vector<int32_t>{2, 1, 6, 3}));
}

TEST(BertTokenizerTest, WordsOverOneHundredCodePointsAreUnknown) {
  auto tok = SmallTokenizer();
  EXPECT_EQ(Ids(*tok, std::string(100, 'a')).size(), 102u);
  EXPECT_EQ(Ids(*tok, std::string(101, 'a')), (std::vector<int32_t>{2, 1, 3}));
}

TEST(BertTokenizerTest, AccentsAreStrippedAndCaseLowered) {
  EXPECT_EQ(Ids(*SmallTokenizer(), "CAF\xc3\x89"), (std::vector<int32_t>{2, 13, 3}));
}

TEST(BertTokenizerTest, SpecialTokensAreSplitCaseSensitively) {
  auto tok = SmallTokenizer();
  EXPECT_EQ(Ids(*tok, "disk[SEP]full"), (std::vector<int32_t>{2, 5, 3, 6, 3}));
  EXPECT_EQ(Ids(*tok, "[sep]").size(), 5u);  // '[' 'sep' ']': ordinary text
}

TEST(BertTokenizerTest, TruncationKeepsSepAtMaxLength) {
  EXPECT_EQ(Ids(*SmallTokenizer(), "disk full disk full", 4), (std::vector<int32_t>{2, 5, 6, 3}));
}

TEST(BertTokenizerTest, ControlCharactersAreDroppedNotSpaced) {
  EXPECT_EQ(Ids(*SmallTokenizer(), "di\vsk"), (std::vector<int32_t>{2, 5, 3}));
}

void CheckGolden(const std::string& file, size_t max_length) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto tok =
      WordPieceTokenizer::FromTokenizerJson(shared + "/models/all-MiniLM-L6-v2/tokenizer.json");
  ASSERT_TRUE(tok.ok()) << tok.status().ToString();
  auto rows = testing::ReadJsonl(shared + "/fixtures/tokenizer/" + file);
  ASSERT_EQ(rows.size(), 305u);
  size_t bad = 0;
  std::vector<int32_t> ids;
  for (const auto& row : rows) {
    (*tok)->Encode(row["text"].get<std::string>(), max_length, &ids);
    auto want = row["input_ids"].get<std::vector<int32_t>>();
    if (ids != want) {
      ++bad;
      ADD_FAILURE() << "id " << row["id"] << " (" << row["kind"] << ") differs";
    }
  }
  EXPECT_EQ(bad, 0u);
}

TEST(BertTokenizerTest, MatchesTheRustTokenizerOnEveryGoldenLineAt256) {
  CheckGolden("golden.jsonl", 256);
}
TEST(BertTokenizerTest, MatchesTheRustTokenizerOnEveryGoldenLineAt128) {
  CheckGolden("golden_max128.jsonl", 128);
}

TEST(BertTokenizerTest, VocabTxtGivesTheSameIdsAsTokenizerJson) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  const std::string dir = shared + "/models/all-MiniLM-L6-v2/";
  auto a = WordPieceTokenizer::FromTokenizerJson(dir + "tokenizer.json");
  auto b = WordPieceTokenizer::FromVocabTxt(dir + "vocab.txt", TokenizerSettings{});
  ASSERT_TRUE(a.ok() && b.ok());
  auto rows = testing::ReadJsonl(shared + "/fixtures/tokenizer/golden.jsonl");
  std::vector<int32_t> x, y;
  for (const auto& row : rows) {
    (*a)->Encode(row["text"].get<std::string>(), 256, &x);
    (*b)->Encode(row["text"].get<std::string>(), 256, &y);
    EXPECT_EQ(x, y) << "id " << row["id"];
  }
}

TEST(BertTokenizerTest, RefusesANonBertNormalizerByName) {
  logsieve::testing::ScratchDir dir;
  logsieve::testing::WriteFile(
      dir.File("tokenizer.json"),
      R"({"normalizer": {"type": "NFKC"}, "pre_tokenizer": null, "model": {}})");
  auto tok = WordPieceTokenizer::FromTokenizerJson(dir.File("tokenizer.json"));
  ASSERT_FALSE(tok.ok());
  EXPECT_EQ(tok.status().code(), StatusCode::kUnimplemented);
  EXPECT_NE(tok.status().message().find("NFKC"), std::string::npos);
}

}  // namespace
}  // namespace logsieve::bert
