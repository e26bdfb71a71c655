#include "embed/hashing_encoder.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"

namespace logsieve {
namespace {

// The documented defaults (the config table), changed by `edit`.
template <typename Edit = void (*)(HashingOptions&)>
HashingOptions Opts(Edit edit = [](HashingOptions&) {}) {
  StatusOr<HashingOptions> o = HashingOptions::FromConfig(Config());
  EXPECT_TRUE(o.ok()) << o.status().ToString();
  edit(*o);
  return *o;
}

std::unique_ptr<HashingEncoder> Make(HashingOptions o = Opts()) {
  auto enc = HashingEncoder::Create(o);
  EXPECT_TRUE(enc.ok()) << enc.status().ToString();
  return std::move(enc).value();
}

SparseVector Encode(const HashingEncoder& enc, std::string_view text) {
  HashingEncoder::Workspace ws;
  SparseVector v;
  enc.Encode(text, &ws, &v);
  return v;
}

TEST(HashingEncoderTest, VectorsHaveUnitL2Norm) {
  auto enc = Make();
  for (std::string_view text : {"a", "Failed password for root from <IP> port <NUM> ssh2",
                                "GET /index.html HTTP/1.1 200 \xff\xfe bytes"}) {
    SparseVector v = Encode(*enc, text);
    double n2 = 0;
    for (float x : v.values) n2 += double(x) * x;
    EXPECT_NEAR(std::sqrt(n2), 1.0, 1e-6) << text;  // float rounding of each value
  }
}

TEST(HashingEncoderTest, IndicesAreStrictlyIncreasingAndInRange) {
  auto enc = Make(Opts([](HashingOptions& o) { o.dims = 64; }));
  SparseVector v = Encode(*enc, "disk usage at 91% on /var, disk usage warning for volume data");
  ASSERT_FALSE(v.indices.empty());
  ASSERT_EQ(v.indices.size(), v.values.size());
  for (size_t i = 1; i < v.indices.size(); ++i) EXPECT_LT(v.indices[i - 1], v.indices[i]);
  EXPECT_LT(v.indices.back(), 64u);
}

TEST(HashingEncoderTest, LongTextsInLargeSpacesComeOutSorted) {
  // Hundreds of features and 2^21 buckets: the radix sort's three passes.
  auto enc = Make(Opts([](HashingOptions& o) { o.dims = 1 << 21; }));
  std::string text;
  for (int i = 0; i < 60; ++i) text += "word" + std::to_string(i * 7919) + " ";
  SparseVector v = Encode(*enc, text);
  ASSERT_GT(v.indices.size(), 500u);
  for (size_t i = 1; i < v.indices.size(); ++i) ASSERT_LT(v.indices[i - 1], v.indices[i]);
}

TEST(HashingEncoderTest, OnlyTheFirstMaxTextBytesOfALongLineAreEncoded) {
  auto enc = Make();
  // The head ends in a 3-byte character that straddles the cap: the cut
  // backs off to its first byte, so the head is the cap less two bytes.
  std::string head(HashingEncoder::kMaxTextBytes - 2, 'a');
  head[100] = ' ';
  std::string line = head + "\xe2\x82\xac tail words that the model never sees";
  line.append(1 << 20, 'x');  // a 1 MiB record
  HashingEncoder::Workspace ws;
  SparseVector long_v;
  enc->Encode(line, &ws, &long_v);
  SparseVector head_v = Encode(*enc, head);
  EXPECT_EQ(long_v.indices, head_v.indices);
  EXPECT_EQ(long_v.values, head_v.values);
  // The scratch that a thread keeps is bounded by the cap, not the line.
  EXPECT_LE(ws.lowered.capacity(), HashingEncoder::kMaxTextBytes);
  EXPECT_LT(ws.buckets.capacity(), 8 * HashingEncoder::kMaxTextBytes);
}

TEST(HashingEncoderTest, SameTextGivesSameVectorAcrossEncoders) {
  auto a = Make(), b = Make();
  SparseVector x = Encode(*a, "User alice logged in"), y = Encode(*b, "User alice logged in");
  EXPECT_EQ(x.indices, y.indices);
  EXPECT_EQ(x.values, y.values);
  EXPECT_EQ(a->fingerprint(), b->fingerprint());
}

TEST(HashingEncoderTest, CaseDoesNotMatter) {
  auto enc = Make();
  EXPECT_EQ(Encode(*enc, "ERROR Disk Full").indices, Encode(*enc, "error disk full").indices);
}

TEST(HashingEncoderTest, EmptyTextGivesTheZeroVector) {
  auto enc = Make();
  EXPECT_TRUE(Encode(*enc, "").indices.empty());
  EXPECT_TRUE(Encode(*enc, " ,;: ").indices.empty());
}

TEST(HashingEncoderTest, RepeatedWordsGetSublinearWeight) {
  // Words only, unigrams only: "a a a b" -> a: 1+log 3, b: 1; normalised.
  auto enc = Make(Opts([](HashingOptions& o) {
    o.dims = 1 << 20;
    o.word_min = 1;
    o.word_max = 1;
    o.char_min = 0;
    o.char_max = 0;
  }));
  SparseVector v = Encode(*enc, "aa aa aa bb");
  ASSERT_EQ(v.values.size(), 2u);
  const double big = 1 + std::log(3.0), norm = std::sqrt(big * big + 1);
  std::vector<float> sorted = v.values;
  std::sort(sorted.begin(), sorted.end());
  EXPECT_NEAR(sorted[0], 1 / norm, 1e-6);
  EXPECT_NEAR(sorted[1], big / norm, 1e-6);
}

TEST(HashingEncoderTest, MaskTokensAreWholeWordsWithoutCharGrams) {
  auto enc = Make(Opts([](HashingOptions& o) {
    o.dims = 1 << 20;
    o.word_min = 1;
    o.word_max = 1;
    o.char_min = 3;
    o.char_max = 3;
  }));
  // "<ip>" is one word feature; "ab" padded " ab " gives 2 trigrams + 1 word.
  EXPECT_EQ(Encode(*enc, "<IP>").indices.size(), 1u);
  EXPECT_EQ(Encode(*enc, "ab").indices.size(), 3u);
}

TEST(HashingEncoderTest, FeaturesNameWordNgramsAndTheWordsOfCharGrams) {
  auto enc = Make(Opts([](HashingOptions& o) {
    o.dims = 1 << 20;
    o.word_min = 1;
    o.word_max = 2;
    o.char_min = 0;
    o.char_max = 0;
    o.outcomes = false;
  }));
  HashingEncoder::Workspace ws;
  std::vector<NamedFeature> f;
  enc->Features("Failed login", &ws, &f);
  std::vector<std::string> names;
  for (const auto& x : f) names.push_back(HashingEncoder::FeatureName(ws, x));
  EXPECT_EQ(names, (std::vector<std::string>{"failed", "failed login", "login"}));
}

std::vector<std::string> FeatureNames(const HashingEncoder& enc, std::string_view text) {
  HashingEncoder::Workspace ws;
  std::vector<NamedFeature> f;
  enc.Features(text, &ws, &f);
  std::vector<std::string> names;
  for (const auto& x : f) names.push_back(HashingEncoder::FeatureName(ws, x));
  return names;
}

// The polarity of every outcome phrase found in `text`.
std::vector<int> Outcomes(const HashingEncoder& enc, std::string_view text) {
  HashingEncoder::Workspace ws;
  SparseVector v;
  enc.Encode(text, &ws, &v);
  std::vector<int> out;
  for (const auto& o : ws.outcomes) out.push_back(o.polarity);
  return out;
}

TEST(HashingEncoderTest, ANegatedWordSharesNoFeatureWithThePlainWord) {
  auto enc = Make(Opts([](HashingOptions& o) {
    o.dims = 1 << 20;
    o.word_min = 1;
    o.word_max = 1;
  }));
  HashingEncoder::Workspace ws;
  SparseVector plain, negated;
  enc->Encode("successful", &ws, &plain);
  enc->Encode("not successful", &ws, &negated);
  for (uint32_t b : plain.indices) {
    EXPECT_FALSE(std::binary_search(negated.indices.begin(), negated.indices.end(), b))
        << "bucket " << b << " of \"successful\" also in \"not successful\"";
  }
  const auto names = FeatureNames(*enc, "was not successful");
  EXPECT_NE(std::find(names.begin(), names.end(), "not:successful"), names.end());
  EXPECT_EQ(std::find(names.begin(), names.end(), "successful"), names.end());
}

TEST(HashingEncoderTest, MinimalPairsDifferInTheirOutcome) {
  auto enc = Make();
  EXPECT_EQ(Outcomes(*enc, "health check completed successfully"), (std::vector<int>{1, 1}));
  for (std::string_view failure :
       {"health check was not successful", "backup failed to upload", "backup could not upload",
        "backup unable to upload", "backup upload denied", "backup upload timed out",
        "backup upload halted", "backup upload rolled back", "backup didn't upload"}) {
    const std::vector<int> o = Outcomes(*enc, failure);
    EXPECT_FALSE(o.empty()) << failure;
    for (int p : o) EXPECT_EQ(p, -1) << failure;
  }
  EXPECT_EQ(Outcomes(*enc, "sync finished with no errors"), (std::vector<int>{1, 1}));
  EXPECT_TRUE(Outcomes(*enc, "backup upload started").empty());
}

TEST(HashingEncoderTest, AClauseBreakEndsANegation) {
  auto enc = Make(Opts([](HashingOptions& o) {
    o.dims = 1 << 20;
    o.word_min = 1;
    o.word_max = 1;
    o.char_max = 0;
  }));
  const auto names = FeatureNames(*enc, "no retry, disk full");
  EXPECT_NE(std::find(names.begin(), names.end(), "not:retry"), names.end());
  EXPECT_NE(std::find(names.begin(), names.end(), "disk"), names.end());
}

TEST(HashingEncoderTest, VersionOneSpecsKeepTheFeaturesTheyWereTrainedWith) {
  auto old = Make(Opts([](HashingOptions& o) {
    o.dims = 1 << 12;
    o.outcomes = false;
  }));
  EXPECT_NE(old->spec_json().find("\"version\":1"), std::string::npos) << old->spec_json();
  auto back = HashingEncoder::FromSpec(old->spec_json());
  ASSERT_TRUE(back.ok());
  EXPECT_FALSE((*back)->options().outcomes);
  EXPECT_EQ((*back)->fingerprint(), old->fingerprint());
  auto now = Make(Opts([](HashingOptions& o) { o.dims = 1 << 12; }));
  EXPECT_NE(now->spec_json().find("\"version\":2"), std::string::npos) << now->spec_json();
  EXPECT_NE(now->fingerprint(), old->fingerprint());
  EXPECT_TRUE((*HashingEncoder::FromSpec(now->spec_json()))->options().outcomes);
}

TEST(HashingEncoderTest, SpecRoundTripsThroughFromSpec) {
  auto enc = Make(Opts([](HashingOptions& o) {
    o.dims = 1 << 12;
    o.word_min = 1;
    o.word_max = 3;
    o.char_min = 2;
    o.char_max = 4;
  }));
  auto back = HashingEncoder::FromSpec(enc->spec_json());
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ((*back)->fingerprint(), enc->fingerprint());
  EXPECT_EQ((*back)->dim(), 4096u);
}

TEST(HashingEncoderTest, BadOptionsAreRefusedByName) {
  auto r = HashingEncoder::Create(Opts([](HashingOptions& o) { o.dims = 1000; }));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("dims 1000"), std::string::npos);
  r = HashingEncoder::Create(Opts([](HashingOptions& o) {
    o.word_min = 3;
    o.word_max = 2;
  }));
  ASSERT_FALSE(r.ok());
  EXPECT_NE(r.status().message().find("word n-gram"), std::string::npos);
  EXPECT_FALSE(HashingEncoder::FromSpec("{not json").ok());
}

TEST(HashingEncoderTest, DenseAndSparseOutputsAgree) {
  auto enc = Make(Opts([](HashingOptions& o) { o.dims = 256; }));
  std::vector<std::string_view> texts = {"service nova-api started", "quota exceeded"};
  std::vector<float> dense(2 * 256);
  ASSERT_TRUE(enc->EncodeDense(texts, dense.data()).ok());
  std::vector<SparseVector> sparse;
  ASSERT_TRUE(enc->EncodeSparse(texts, &sparse).ok());
  for (size_t r = 0; r < 2; ++r)
    for (size_t k = 0; k < sparse[r].indices.size(); ++k)
      EXPECT_EQ(dense[r * 256 + sparse[r].indices[k]], sparse[r].values[k]);
}

}  // namespace
}  // namespace logsieve
