#include "embed/encoder_factory.h"

#include <gtest/gtest.h>

#include "embed/hashing_encoder.h"

namespace logsieve {
namespace {

TEST(EncoderFactoryTest, AHashingSpecGivesTheSameEncoderBack) {
  auto original = HashingEncoder::Create({.dims = 64});
  ASSERT_TRUE(original.ok());
  auto enc = MakeEncoderFromSpec((*original)->spec_json());
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ((*enc)->kind(), "hashing");
  EXPECT_EQ((*enc)->fingerprint(), (*original)->fingerprint());
}

TEST(EncoderFactoryTest, TransformerSpecsGoToTheTransformerLoader) {
  auto enc = MakeEncoderFromSpec(R"({"kind":"transformer","dir":"/nonexistent/minilm"})");
  ASSERT_FALSE(enc.ok());
  EXPECT_NE(enc.status().message().find("/nonexistent/minilm"), std::string::npos)
      << enc.status().message();
}

TEST(EncoderFactoryTest, AnUnknownKindIsUnimplemented) {
  EXPECT_EQ(MakeEncoderFromSpec(R"({"kind":"word2vec"})").status().code(),
            StatusCode::kUnimplemented);
}

TEST(EncoderFactoryTest, ASpecThatIsNotAnObjectIsInvalid) {
  EXPECT_EQ(MakeEncoderFromSpec("[1]").status().code(), StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace logsieve
