#include "embed/bert/safetensors.h"

#include <gtest/gtest.h>

#include <cstring>

#include "testing/testing.h"

namespace logsieve::bert {
namespace {

// A safetensors file from a header JSON and raw data bytes.
std::string File(const std::string& header, const std::string& data) {
  std::string out(8, '\0');
  uint64_t n = header.size();
  for (int i = 0; i < 8; ++i) out[i] = static_cast<char>(n >> (8 * i));
  return out + header + data;
}

std::string Floats(std::initializer_list<float> v) {
  std::string s(v.size() * 4, '\0');
  std::memcpy(s.data(), v.begin(), s.size());
  return s;
}

StatusOr<std::unique_ptr<SafeTensors>> OpenBytes(const logsieve::testing::ScratchDir& dir,
                                                 const std::string& bytes) {
  logsieve::testing::WriteFile(dir.File("m.safetensors"), bytes);
  return SafeTensors::Open(dir.File("m.safetensors"));
}

TEST(BertSafeTensorsTest, ReadsF32TensorsByName) {
  logsieve::testing::ScratchDir dir;
  auto st = OpenBytes(
      dir,
      File(
          R"({"__metadata__":{"format":"pt"},"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})",
          Floats({1.5f, -2.0f})));
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  auto w = (*st)->ReadF32("w", {2});
  ASSERT_TRUE(w.ok());
  EXPECT_EQ(*w, (std::vector<float>{1.5f, -2.0f}));
}

TEST(BertSafeTensorsTest, ConvertsF16AndBf16ToF32) {
  logsieve::testing::ScratchDir dir;
  // f16 1.0 = 0x3C00, -0.5 = 0xB800; bf16 1.0 = 0x3F80, 3.0 = 0x4040.
  std::string data = {'\x00', '\x3c', '\x00', '\xb8', '\x80', '\x3f', '\x40', '\x40'};
  auto st = OpenBytes(dir, File(R"({"h":{"dtype":"F16","shape":[2],"data_offsets":[0,4]},)"
                                R"("b":{"dtype":"BF16","shape":[2],"data_offsets":[4,8]}})",
                                data));
  ASSERT_TRUE(st.ok()) << st.status().ToString();
  EXPECT_EQ(*(*st)->ReadF32("h", {2}), (std::vector<float>{1.0f, -0.5f}));
  EXPECT_EQ(*(*st)->ReadF32("b", {2}), (std::vector<float>{1.0f, 3.0f}));
}

TEST(BertSafeTensorsTest, HalfSubnormalsAndInfinityConvertExactly) {
  EXPECT_EQ(HalfToFloat(0x0001), 5.9604644775390625e-8f);
  EXPECT_EQ(HalfToFloat(0x7C00), std::numeric_limits<float>::infinity());
  EXPECT_EQ(HalfToFloat(0x7BFF), 65504.0f);
}

TEST(BertSafeTensorsTest, TruncatedDataNamesTheTensor) {
  logsieve::testing::ScratchDir dir;
  auto st = OpenBytes(
      dir, File(R"({"big":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}})", Floats({1, 2})));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), StatusCode::kDataLoss);
  EXPECT_NE(st.status().message().find("'big'"), std::string::npos) << st.status().message();
}

TEST(BertSafeTensorsTest, HeaderLongerThanTheFileIsDataLoss) {
  logsieve::testing::ScratchDir dir;
  std::string bytes =
      File(R"({"w":{"dtype":"F32","shape":[1],"data_offsets":[0,4]}})", Floats({1}));
  auto st = OpenBytes(dir, bytes.substr(0, 20));
  ASSERT_FALSE(st.ok());
  EXPECT_EQ(st.status().code(), StatusCode::kDataLoss);
}

TEST(BertSafeTensorsTest, OverlappingTensorsAreRefused) {
  logsieve::testing::ScratchDir dir;
  auto st = OpenBytes(dir, File(R"({"a":{"dtype":"F32","shape":[2],"data_offsets":[0,8]},)"
                                R"("b":{"dtype":"F32","shape":[2],"data_offsets":[4,12]}})",
                                Floats({1, 2, 3})));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("overlap"), std::string::npos);
}

TEST(BertSafeTensorsTest, OverlapBehindAnEmptyTensorIsStillFound) {
  logsieve::testing::ScratchDir dir;
  auto st = OpenBytes(dir, File(R"({"a":{"dtype":"F32","shape":[4],"data_offsets":[0,16]},)"
                                R"("e":{"dtype":"F32","shape":[0],"data_offsets":[4,4]},)"
                                R"("c":{"dtype":"F32","shape":[1],"data_offsets":[8,12]}})",
                                Floats({1, 2, 3, 4})));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("'a' and 'c'"), std::string::npos) << st.status().message();
}

TEST(BertSafeTensorsTest, SizeMustMatchShapeAndDtype) {
  logsieve::testing::ScratchDir dir;
  auto st = OpenBytes(
      dir, File(R"({"a":{"dtype":"F32","shape":[3],"data_offsets":[0,8]}})", Floats({1, 2})));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("'a'"), std::string::npos);
}

TEST(BertSafeTensorsTest, BadJsonAndUnknownDtypeAreRefused) {
  logsieve::testing::ScratchDir dir;
  EXPECT_EQ(OpenBytes(dir, File("{not json", "")).status().code(), StatusCode::kDataLoss);
  auto st = OpenBytes(dir, File(R"({"a":{"dtype":"Q4","shape":[1],"data_offsets":[0,1]}})", "x"));
  ASSERT_FALSE(st.ok());
  EXPECT_NE(st.status().message().find("Q4"), std::string::npos);
}

TEST(BertSafeTensorsTest, MissingTensorAndWrongShapeNameTheTensor) {
  logsieve::testing::ScratchDir dir;
  auto st = OpenBytes(
      dir, File(R"({"w":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}})", Floats({1, 2})));
  ASSERT_TRUE(st.ok());
  auto missing = (*st)->ReadF32("encoder.layer.0.x", {2});
  EXPECT_EQ(missing.status().code(), StatusCode::kNotFound);
  EXPECT_NE(missing.status().message().find("encoder.layer.0.x"), std::string::npos);
  auto shape = (*st)->ReadF32("w", {1, 2});
  EXPECT_NE(shape.status().message().find("[1, 2]"), std::string::npos);
}

TEST(BertSafeTensorsTest, IntegerTensorsAreListedButNotReadAsFloat) {
  logsieve::testing::ScratchDir dir;
  auto st = OpenBytes(dir, File(R"({"ids":{"dtype":"I64","shape":[1],"data_offsets":[0,8]}})",
                                std::string(8, '\0')));
  ASSERT_TRUE(st.ok());
  EXPECT_EQ((*st)->ReadF32("ids", {1}).status().code(), StatusCode::kUnimplemented);
}

TEST(BertSafeTensorsTest, TinyFileShorterThanTheLengthFieldIsDataLoss) {
  logsieve::testing::ScratchDir dir;
  EXPECT_EQ(OpenBytes(dir, "abc").status().code(), StatusCode::kDataLoss);
}

}  // namespace
}  // namespace logsieve::bert
