#include "model/model_file.h"

#include <gtest/gtest.h>
#include <xxhash.h>

#include <algorithm>
#include <cstring>
#include <fstream>

#include "embed/hashing_encoder.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

Model SmallModel() {
  auto enc = HashingEncoder::Create(HashingOptions::Defaults(64));
  Model m;
  m.labels = {"Error", "User Action", "HTTP Status"};
  m.encoder_spec = (*enc)->spec_json();
  m.encoder_fingerprint = (*enc)->fingerprint();
  m.normalizer_spec = R"({"masks":["number"],"version":1})";
  m.training_json = R"({"rows":3,"seed":7})";
  std::vector<float> w(64 * 3);
  for (size_t i = 0; i < w.size(); ++i) w[i] = 0.25f * static_cast<float>(i % 7) - 0.5f;
  m.linear = LinearModel(64, 3, w, {0.1f, -0.2f, 0.1f});
  return m;
}

StatusOr<Model> Parse(const std::string& bytes) { return ParseModel(bytes, "m.lsm"); }

void ExpectRefused(const std::string& bytes, StatusCode code, std::string_view says) {
  StatusOr<Model> m = Parse(bytes);
  ASSERT_FALSE(m.ok()) << "accepted a bad file that should say " << says;
  EXPECT_EQ(m.status().code(), code) << m.status().ToString();
  EXPECT_NE(m.status().message().find(says), std::string::npos) << m.status().message();
  EXPECT_EQ(m.status().message().rfind("m.lsm: ", 0), 0u) << m.status().message();
}

TEST(ModelFileTest, RoundTripKeepsEverything) {
  Model m = SmallModel();
  StatusOr<Model> back = Parse(SerializeModel(m));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->labels, m.labels);
  EXPECT_EQ(back->encoder_spec, m.encoder_spec);
  EXPECT_EQ(back->encoder_fingerprint, m.encoder_fingerprint);
  EXPECT_EQ(back->normalizer_spec, m.normalizer_spec);
  EXPECT_EQ(back->training_json, m.training_json);
  EXPECT_TRUE(std::ranges::equal(back->linear.weights(), m.linear.weights()));
  EXPECT_EQ(back->linear.bias(), m.linear.bias());
}

TEST(ModelFileTest, AModelReadFromItsFileKeepsItsWeightsWhenANewFileIsRenamedOverIt) {
  testing::ScratchDir dir;
  const Model m = SmallModel();
  ASSERT_TRUE(SaveModel(m, dir.File("m.lsm")).ok());
  StatusOr<Model> read = ReadModelFile(dir.File("m.lsm"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  Model other = SmallModel();
  other.linear = LinearModel(64, 3, std::vector<float>(64 * 3, 1.0f), {0.0f, 0.0f, 0.0f});
  ASSERT_TRUE(SaveModel(other, dir.File("m.lsm")).ok());  // written beside, renamed over
  EXPECT_TRUE(std::ranges::equal(read->linear.weights(), m.linear.weights()));
  EXPECT_EQ(read->checksum, XXH3_64bits(SerializeModel(m).data(), SerializeModel(m).size() - 8));
}

TEST(ModelFileTest, AModelReadFromItsFileKeepsItsWeightsWhenTheFileIsTruncatedAndRewrittenInPlace) {
  testing::ScratchDir dir;
  const Model m = SmallModel();
  ASSERT_TRUE(SaveModel(m, dir.File("m.lsm")).ok());
  StatusOr<Model> read = ReadModelFile(dir.File("m.lsm"));
  ASSERT_TRUE(read.ok()) << read.status().ToString();
  {  // what `cp other.lsm m.lsm` does: O_TRUNC, then the new bytes
    std::ofstream out(dir.File("m.lsm"), std::ios::binary | std::ios::trunc);
  }
  EXPECT_TRUE(std::ranges::equal(read->linear.weights(), m.linear.weights()))
      << "a model mapped from its file would fault (SIGBUS) here";
  {
    std::ofstream out(dir.File("m.lsm"), std::ios::binary | std::ios::trunc);
    out << std::string(SerializeModel(m).size(), 'x');
  }
  EXPECT_TRUE(std::ranges::equal(read->linear.weights(), m.linear.weights()));
}

TEST(ModelFileTest, SerializingTwiceGivesTheSameBytes) {
  EXPECT_EQ(SerializeModel(SmallModel()), SerializeModel(SmallModel()));
}

TEST(ModelFileTest, WeightsStartOn64ByteBoundary) {
  std::string bytes = SerializeModel(SmallModel());
  const size_t weights_bytes = (64 * 3 + 3) * 4;
  EXPECT_EQ((bytes.size() - 8 - weights_bytes) % 64, 0u);
}

TEST(ModelFileTest, OtherFilesAreRefusedAsNotAModel) {
  ExpectRefused("", StatusCode::kInvalidArgument, "not a logsieve model file");
  ExpectRefused("name,label\nx,y\n", StatusCode::kInvalidArgument, "not a logsieve model file");
}

TEST(ModelFileTest, TruncatedFilesAreRefusedAsTruncated) {
  std::string bytes = SerializeModel(SmallModel());
  for (size_t keep : {size_t{12}, size_t{40}, bytes.size() / 2, bytes.size() - 1}) {
    ExpectRefused(bytes.substr(0, keep), StatusCode::kDataLoss, "truncated");
  }
}

TEST(ModelFileTest, AFlippedWeightBitIsRefusedAsCorrupt) {
  std::string bytes = SerializeModel(SmallModel());
  bytes[bytes.size() - 100] ^= 0x01;
  ExpectRefused(bytes, StatusCode::kDataLoss, "corrupt: checksum mismatch");
}

TEST(ModelFileTest, ADamagedHeaderIsRefusedAsCorrupt) {
  std::string bytes = SerializeModel(SmallModel());
  bytes[16] = '[';  // the JSON header no longer parses
  ExpectRefused(bytes, StatusCode::kDataLoss, "corrupt");
}

TEST(ModelFileTest, AnotherFormatVersionIsRefusedByNumber) {
  std::string bytes = SerializeModel(SmallModel());
  uint32_t v = kModelFormatVersion + 1;
  std::memcpy(bytes.data() + 8, &v, 4);
  ExpectRefused(bytes, StatusCode::kUnimplemented,
                "model format version " + std::to_string(v) + " is not supported");
}

TEST(ModelFileTest, AModelWithoutConfidenceDataIsWrittenAsVersionOne) {
  const std::string bytes = SerializeModel(SmallModel());
  uint32_t v;
  std::memcpy(&v, bytes.data() + 8, 4);
  EXPECT_EQ(v, 1u);
  StatusOr<Model> back = Parse(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_TRUE(back->calibration.identity());
  EXPECT_TRUE(back->familiarity.empty());
}

TEST(ModelFileTest, CalibrationAndFamiliarityRoundTripInVersionTwo) {
  Model m = SmallModel();
  m.calibration = Calibration{1.25, 3.5, -2.0};
  m.familiarity = Familiarity::FromHashes({7, 19, 4000000000u}).value();
  const std::string bytes = SerializeModel(m);
  uint32_t v;
  std::memcpy(&v, bytes.data() + 8, 4);
  EXPECT_EQ(v, 2u);
  StatusOr<Model> back = Parse(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->calibration.a, 1.25);
  EXPECT_EQ(back->calibration.b, 3.5);
  EXPECT_EQ(back->calibration.c, -2.0);
  EXPECT_EQ(back->familiarity.hashes(), m.familiarity.hashes());
  EXPECT_EQ(SerializeModel(*back), bytes);
}

TEST(ModelFileTest, ACalibratedModelWithoutFamiliarityTermsRoundTrips) {
  // A transformer-encoder model is calibrated but keeps no familiarity terms.
  Model m = SmallModel();
  m.calibration = Calibration{0.5, 0.0, 1.0};
  const std::string bytes = SerializeModel(m);
  StatusOr<Model> back = Parse(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->calibration.a, 0.5);
  EXPECT_TRUE(back->familiarity.hashes().empty());
  EXPECT_EQ(SerializeModel(*back), bytes);
}

TEST(ModelFileTest, VersionTwoWithUnsortedFamiliarityIsCorrupt) {
  Model m = SmallModel();
  m.familiarity = Familiarity::FromHashes({7, 19}).value();
  std::string bytes = SerializeModel(m);
  // The two hashes sit just before the checksum; swap them, then re-sum.
  const size_t at = bytes.size() - 8 - 8;
  std::swap_ranges(bytes.begin() + at, bytes.begin() + at + 4, bytes.begin() + at + 4);
  bytes.resize(bytes.size() - 8);
  const uint64_t sum = XXH3_64bits(bytes.data(), bytes.size());
  bytes.append(reinterpret_cast<const char*>(&sum), 8);
  ExpectRefused(bytes, StatusCode::kDataLoss, "not sorted");
}

TEST(ModelFileTest, ExemplarsRoundTripInVersionThree) {
  Model m = SmallModel();
  m.familiarity = Familiarity::FromHashes({7, 19}).value();
  m.exemplars = {{0, "Failed to connect to <IP>"}, {2, "GET /index.html 200"}};
  const std::string bytes = SerializeModel(m);
  uint32_t v;
  std::memcpy(&v, bytes.data() + 8, 4);
  EXPECT_EQ(v, 3u);
  StatusOr<Model> back = Parse(bytes);
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  ASSERT_EQ(back->exemplars.size(), 2u);
  EXPECT_EQ(back->exemplars[1].label, 2);
  EXPECT_EQ(back->exemplars[1].text, "GET /index.html 200");
  EXPECT_EQ(SerializeModel(*back), bytes);
}

// A header rewritten (and re-summed) the way a buggy writer could leave it.
std::string WithHeader(const std::string& bytes, const std::string& from, const std::string& to) {
  uint32_t hlen;
  std::memcpy(&hlen, bytes.data() + 12, 4);
  std::string header = bytes.substr(16, hlen);
  const size_t at = header.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  header.replace(at, from.size(), to);
  // Same length keeps the weights offset: pad with spaces inside the JSON.
  EXPECT_EQ(header.size(), hlen);
  std::string out = bytes.substr(0, 16) + header + bytes.substr(16 + hlen);
  out.resize(out.size() - 8);
  const uint64_t sum = XXH3_64bits(out.data(), out.size());
  out.append(reinterpret_cast<const char*>(&sum), 8);
  return out;
}

TEST(ModelFileTest, AnExemplarWithALabelOutsideTheModelIsCorrupt) {
  Model m = SmallModel();
  m.exemplars = {{1, "User <NUM> logged in"}};
  ExpectRefused(WithHeader(SerializeModel(m), "[[1,", "[[7,"), StatusCode::kDataLoss,
                "exemplar 0 has label 7 of 3 classes");
}

TEST(ModelFileTest, AnExemplarThatIsNotAPairIsCorrupt) {
  Model m = SmallModel();
  m.exemplars = {{1, "User <NUM> logged in"}};
  ExpectRefused(WithHeader(SerializeModel(m), "[[1,\"User", "[[\"1\",\"Us"), StatusCode::kDataLoss,
                "exemplar 0 is not [label, \"text\"]");
}

TEST(ModelFileTest, VersionThreeWithoutEvidenceIsCorrupt) {
  Model m = SmallModel();
  m.exemplars = {{1, "User <NUM> logged in"}};
  ExpectRefused(WithHeader(SerializeModel(m), "\"evidence\"", "\"evidencf\""),
                StatusCode::kDataLoss, "header field missing");
}

TEST(ModelFileTest, AMismatchedEncoderIsRefused) {
  Model m = SmallModel();
  HashingOptions h = HashingOptions::Defaults(64);
  h.word_max = 1;
  auto other = HashingEncoder::Create(h);
  Status s = CheckEncoder(m, **other, "m.lsm");
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  EXPECT_NE(s.message().find("encoder mismatch"), std::string::npos) << s.message();
}

TEST(ModelFileTest, LoadRefusesAFileWhoseFingerprintDoesNotMatchItsSpec) {
  testing::ScratchDir dir;
  Model m = SmallModel();
  m.encoder_fingerprint = "0123456789abcdef";
  ASSERT_TRUE(SaveModel(m, dir.File("m.lsm")).ok());
  StatusOr<LoadedModel> loaded = LoadModel(dir.File("m.lsm"));
  ASSERT_FALSE(loaded.ok());
  EXPECT_NE(loaded.status().message().find("encoder mismatch"), std::string::npos);
}

TEST(ModelFileTest, SavedModelLoadsWithItsEncoder) {
  testing::ScratchDir dir;
  ASSERT_TRUE(SaveModel(SmallModel(), dir.File("m.lsm")).ok());
  StatusOr<LoadedModel> loaded = LoadModel(dir.File("m.lsm"));
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_EQ(loaded->encoder->kind(), "hashing");
  EXPECT_EQ(loaded->encoder->dim(), 64u);
}

TEST(ModelFileTest, AMissingFileIsNotFound) {
  EXPECT_EQ(ReadModelFile("/nonexistent/m.lsm").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace logsieve
