#include "model/evidence.h"

#include <gtest/gtest.h>

#include <cstdio>
#include <nlohmann/json.hpp>
#include <thread>

#include "common/config.h"
#include "text/normalizer.h"
#include "train/synthetic_logs.h"

namespace logsieve {
namespace {

std::unique_ptr<HashingEncoder> Encoder() {
  return std::move(HashingEncoder::Create(HashingOptions::Defaults(1 << 16)).value());
}

TEST(Exemplars, SelectionKeepsDistinctTemplatesCappedPerLabelInLabelOrder) {
  const std::vector<std::string> texts = {"a <NUM>", "b", "a <NUM>", "c", "d", "e", "a <NUM>"};
  const std::vector<int> labels = {1, 0, 1, 0, 0, 1, 0};
  const std::vector<Exemplar> ex = SelectExemplars(texts, labels, 2, 2);
  ASSERT_EQ(ex.size(), 4u);
  EXPECT_EQ(ex[0].text, "b");  // label 0: b, c (d is over the cap)
  EXPECT_EQ(ex[1].text, "c");
  EXPECT_EQ(ex[2].text, "a <NUM>");  // label 1: "a <NUM>" once, then e
  EXPECT_EQ(ex[3].text, "e");
  EXPECT_EQ(ex[3].label, 1);
}

TEST(Exemplars, RoundTripThroughJson) {
  const std::vector<Exemplar> ex = {{0, "Disk quota exceeded for user <NUM>"}, {2, "x"}};
  auto back = ExemplarsFromJson(ExemplarsToJson(ex), 3);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->size(), 2u);
  EXPECT_EQ((*back)[0].text, ex[0].text);
  EXPECT_EQ((*back)[1].label, 2);
}

TEST(Exemplars, BadEntriesAreRefusedByPosition) {
  using nlohmann::json;
  EXPECT_FALSE(ExemplarsFromJson(json::object(), 3).ok());
  auto label = ExemplarsFromJson(json::parse(R"([[0,"a"],[3,"b"]])"), 3);
  ASSERT_FALSE(label.ok());
  EXPECT_NE(label.status().message().find("exemplar 1 has label 3"), std::string::npos);
  EXPECT_FALSE(ExemplarsFromJson(json::parse(R"([[0,""]])"), 3).ok());
  EXPECT_FALSE(ExemplarsFromJson(json::parse(R"([[-1,"a"]])"), 3).ok());
  EXPECT_FALSE(ExemplarsFromJson(json::parse(R"([["0","a"]])"), 3).ok());
  EXPECT_FALSE(ExemplarsFromJson(json::parse(R"([[0,"a",1]])"), 3).ok());
  EXPECT_FALSE(ExemplarsFromJson(json::array({json::array({0, std::string(600, 'x')})}), 3).ok());
}

class ExemplarIndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    encoder_ = Encoder().release();
    const Normalizer normalizer = Normalizer::FromConfig(Config()).value();
    std::vector<std::string> texts;
    std::vector<int> labels;
    for (const SyntheticRow& r : GenerateSyntheticLogs({.seed = 3, .rows = 6000})) {
      texts.push_back(normalizer.Normalize(r.message));
      labels.push_back(static_cast<int>(texts.size() % 9));  // the label is not what is tested
    }
    index_ =
        ExemplarIndex::Build(SelectExemplars(texts, labels, 9, 200), *encoder_).value().release();
    for (const SyntheticRow& r : GenerateSyntheticLogs({.seed = 4, .rows = 400})) {
      queries_->push_back(normalizer.Normalize(r.message));
    }
  }
  static void TearDownTestSuite() {
    delete index_;
    delete encoder_;
  }

  static inline HashingEncoder* encoder_ = nullptr;
  static inline ExemplarIndex* index_ = nullptr;
  static inline std::vector<std::string>* queries_ = new std::vector<std::string>();
};

TEST_F(ExemplarIndexTest, AnExemplarIsItsOwnNearestWithSimilarityOne) {
  HashingEncoder::Workspace ws;
  SparseVector x;
  for (size_t e = 0; e < index_->exemplars().size(); e += 97) {
    encoder_->Encode(index_->exemplars()[e].text, &ws, &x);
    const ExemplarIndex::Match m = index_->Nearest(ws, x);
    ASSERT_GE(m.exemplar, 0);
    // Tolerance: float sums of squares of an L2-normalised vector.
    EXPECT_NEAR(m.similarity, 1.0f, 1e-5) << index_->exemplars()[e].text;
  }
}

// The reference is the brute-force maximum over every exemplar. The index
// never claims more than it (same dot products, tolerance 1e-6), and finds
// it, or a tie, for nearly all lines; the rest share only common words with
// their best exemplar.
TEST_F(ExemplarIndexTest, NearestAgreesWithTheBruteForceReference) {
  HashingEncoder::Workspace ws;
  SparseVector x;
  size_t same = 0, close = 0;
  for (const std::string& q : *queries_) {
    encoder_->Encode(q, &ws, &x);
    const ExemplarIndex::Match fast = index_->Nearest(ws, x);
    const ExemplarIndex::Match ref = index_->NearestRef(x);
    EXPECT_LE(fast.similarity, ref.similarity + 1e-6f) << q;
    if (fast.exemplar >= 0 && fast.similarity >= ref.similarity - 1e-6f) ++same;
    if (fast.exemplar >= 0 && fast.similarity >= ref.similarity - 0.1f) ++close;
  }
  std::printf("nearest: the best exemplar for %zu, within 0.1 of it for %zu, of %zu lines\n", same,
              close, queries_->size());
  EXPECT_GE(same, queries_->size() * 80 / 100);
  EXPECT_GE(close, queries_->size() * 95 / 100);
}

TEST_F(ExemplarIndexTest, ALineSharingNoWordHasNoNearestExemplar) {
  HashingEncoder::Workspace ws;
  SparseVector x;
  encoder_->Encode("zqxv wvut", &ws, &x);
  EXPECT_EQ(index_->Nearest(ws, x).exemplar, -1);
}

TEST_F(ExemplarIndexTest, ALazyIndexIsBuiltByItsFirstUseOnlyAndAnswersAsTheIndexDoes) {
  LazyExemplarIndex lazy(index_->exemplars(), *encoder_);
  EXPECT_FALSE(lazy.built());
  const ExemplarIndex* index = lazy.Get();
  ASSERT_NE(index, nullptr);
  EXPECT_TRUE(lazy.built());
  EXPECT_EQ(lazy.Get(), index);
  HashingEncoder::Workspace ws;
  SparseVector x;
  for (size_t q = 0; q < queries_->size(); q += 37) {
    encoder_->Encode((*queries_)[q], &ws, &x);
    EXPECT_EQ(index->Nearest(ws, x).exemplar, index_->Nearest(ws, x).exemplar) << (*queries_)[q];
  }
}

TEST_F(ExemplarIndexTest, ALazyIndexBuildsOnceWhenManyThreadsAskAtOnce) {
  LazyExemplarIndex lazy(index_->exemplars(), *encoder_);
  std::vector<const ExemplarIndex*> got(4, nullptr);
  std::vector<std::thread> threads;
  for (size_t t = 0; t < got.size(); ++t) threads.emplace_back([&, t] { got[t] = lazy.Get(); });
  for (std::thread& t : threads) t.join();
  ASSERT_NE(got[0], nullptr);
  for (const ExemplarIndex* g : got) EXPECT_EQ(g, got[0]);
}

TEST(LazyExemplarIndex, NoExemplarsMeansNoIndex) {
  auto encoder = HashingEncoder::Create(HashingOptions::Defaults(1 << 10)).value();
  LazyExemplarIndex lazy({}, *encoder);
  EXPECT_EQ(lazy.Get(), nullptr);
  EXPECT_TRUE(lazy.built());
}

}  // namespace
}  // namespace logsieve
