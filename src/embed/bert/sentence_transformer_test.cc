#include "embed/bert/sentence_transformer.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cmath>
#include <cstdlib>
#include <filesystem>
#include <nlohmann/json.hpp>
#include <thread>

#include "embed/bert/bert_test_util.h"
#include "testing/testing.h"

namespace logsieve::bert {
namespace {

namespace fs = std::filesystem;
using nlohmann::json;

// The fixture tolerance, per text: both must hold.
constexpr double kMinCosine = 0.9999;
constexpr double kMaxAbsDiff = 1e-4;

struct Golden {
  std::vector<std::string> texts;
  std::vector<std::vector<int32_t>> ids;
  std::vector<std::vector<float>> embeddings;
};

Golden ReadGolden(const std::string& path, size_t stride = 1) {
  Golden g;
  auto rows = testing::ReadJsonl(path);
  for (size_t i = 0; i < rows.size(); i += stride) {
    g.texts.push_back(rows[i]["text"].get<std::string>());
    g.ids.push_back(rows[i]["input_ids"].get<std::vector<int32_t>>());
    g.embeddings.push_back(rows[i]["embedding"].get<std::vector<float>>());
  }
  return g;
}

// Encodes all golden texts `batch` at a time and checks every row.
void ExpectMatchesGolden(const Encoder& enc, const Golden& g, size_t batch) {
  const size_t dim = enc.dim();
  std::vector<float> out(g.texts.size() * dim);
  for (size_t b = 0; b < g.texts.size(); b += batch) {
    const size_t e = std::min(g.texts.size(), b + batch);
    std::vector<std::string_view> views(g.texts.begin() + b, g.texts.begin() + e);
    ASSERT_TRUE(enc.EncodeDense(views, out.data() + b * dim).ok());
  }
  double worst_cos = 1, worst_diff = 0;
  for (size_t i = 0; i < g.texts.size(); ++i) {
    ASSERT_EQ(g.embeddings[i].size(), dim);
    double dot = 0, na = 0, nb = 0, diff = 0;
    for (size_t c = 0; c < dim; ++c) {
      const double a = out[i * dim + c], w = g.embeddings[i][c];
      dot += a * w, na += a * a, nb += w * w;
      diff = std::max(diff, std::fabs(a - w));
    }
    const double cos = dot / std::sqrt(na * nb);
    EXPECT_GE(cos, kMinCosine) << "text " << i;
    EXPECT_LE(diff, kMaxAbsDiff) << "text " << i;
    worst_cos = std::min(worst_cos, cos);
    worst_diff = std::max(worst_diff, diff);
  }
  // A correct fp32 build lands near 1e-7; more than 1e-5 is a real difference.
  EXPECT_LT(worst_diff, 1e-5);
  std::printf("batch %zu: %zu texts, min cosine %.9f, max abs diff %.3g\n", batch, g.texts.size(),
              worst_cos, worst_diff);
}

std::unique_ptr<SentenceTransformer> LoadTiny(const std::string& shared,
                                              TransformerOptions o = {}) {
  auto enc = SentenceTransformer::Load(shared + "/fixtures/tiny-minilm", o);
  EXPECT_TRUE(enc.ok()) << enc.status().ToString();
  return enc.ok() ? std::move(*enc) : nullptr;
}

TEST(BertSentenceTransformerTest, TinyModelMatchesTheGoldenOneTextAtATime) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto enc = LoadTiny(shared);
  ASSERT_NE(enc, nullptr);
  ExpectMatchesGolden(*enc, ReadGolden(shared + "/fixtures/tiny-minilm/golden.jsonl"), 1);
}

TEST(BertSentenceTransformerTest, TinyModelMatchesTheGoldenInBatchesOf32AndWhole) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto enc = LoadTiny(shared);
  ASSERT_NE(enc, nullptr);
  Golden g = ReadGolden(shared + "/fixtures/tiny-minilm/golden.jsonl");
  ExpectMatchesGolden(*enc, g, 32);
  ExpectMatchesGolden(*enc, g, g.texts.size());
}

// Forward runs a batch in groups of about 384 tokens: a 500-token text (a
// group of its own) and 40 short ones (three groups) must each get the vector
// they get alone.
TEST(BertSentenceTransformerTest, GroupsInsideABatchDoNotChangeAnyVector) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  TransformerOptions o;
  o.max_length = 512;
  o.batch_size = 64;
  auto enc = SentenceTransformer::Load(shared + "/fixtures/tiny-minilm", o);
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  std::vector<std::string> texts;
  std::string long_text;
  for (int i = 0; i < 250; ++i) long_text += "disk /var/log " + std::to_string(i) + " ";
  texts.push_back(long_text);
  for (int i = 0; i < 40; ++i) {
    texts.push_back("worker " + std::to_string(i) + " failed to reach the payment gateway after " +
                    std::to_string(i * 7) + " retries");
  }
  std::vector<int32_t> ids;
  (*enc)->Tokenize(long_text, &ids);
  ASSERT_GT(ids.size(), 400u) << "the long text must exceed one group";
  std::vector<std::string_view> views(texts.begin(), texts.end());
  const size_t dim = (*enc)->dim();
  std::vector<float> together(texts.size() * dim), alone(dim);
  ASSERT_TRUE((*enc)->EncodeDense(views, together.data()).ok());
  for (size_t i = 0; i < texts.size(); ++i) {
    ASSERT_TRUE((*enc)->EncodeDense(std::span(views).subspan(i, 1), alone.data()).ok());
    for (size_t c = 0; c < dim; ++c) {
      ASSERT_NEAR(together[i * dim + c], alone[c], 1e-6f) << "text " << i << " dim " << c;
    }
  }
}

TEST(BertSentenceTransformerTest, TokenizeGivesTheGoldenInputIds) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto enc = LoadTiny(shared);
  ASSERT_NE(enc, nullptr);
  EXPECT_EQ(enc->max_length(), 256u);
  Golden g = ReadGolden(shared + "/fixtures/tiny-minilm/golden.jsonl");
  std::vector<int32_t> ids;
  for (size_t i = 0; i < g.texts.size(); ++i) {
    enc->Tokenize(g.texts[i], &ids);
    EXPECT_EQ(ids, g.ids[i]) << "text " << i;
  }
}

TEST(BertSentenceTransformerTest, ConcurrentCallsGiveTheSameVectors) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto enc = LoadTiny(shared);
  ASSERT_NE(enc, nullptr);
  Golden g = ReadGolden(shared + "/fixtures/tiny-minilm/golden.jsonl", 5);
  std::vector<std::string_view> views(g.texts.begin(), g.texts.end());
  std::vector<float> a(views.size() * enc->dim()), b(a.size());
  std::thread t([&] { ASSERT_TRUE(enc->EncodeDense(views, a.data()).ok()); });
  ASSERT_TRUE(enc->EncodeDense(views, b.data()).ok());
  t.join();
  EXPECT_EQ(a, b);
}

TEST(BertSentenceTransformerTest, SpecNamesTheFolderAndFingerprintIsStable) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto a = LoadTiny(shared), b = LoadTiny(shared);
  ASSERT_TRUE(a && b);
  json spec = json::parse(a->spec_json());
  EXPECT_EQ(spec["kind"], "transformer");
  EXPECT_EQ(spec["max_length"], 256);
  EXPECT_EQ(spec["precision"], "fp32");
  EXPECT_EQ(spec["pooling"], "mean");
  EXPECT_EQ(spec["normalize"], true);
  EXPECT_TRUE(fs::path(spec["dir"].get<std::string>()).is_absolute());
  EXPECT_EQ(a->fingerprint().size(), 16u);
  EXPECT_EQ(a->fingerprint(), b->fingerprint());
  TransformerOptions o;
  o.max_length = 128;
  auto c = LoadTiny(shared, o);
  ASSERT_TRUE(c);
  EXPECT_NE(a->fingerprint(), c->fingerprint());
  EXPECT_FALSE(a->wants_template_text());
  EXPECT_EQ(a->kind(), "transformer");
}

TEST(BertSentenceTransformerTest, SpecJsonLoadsTheSameEncoderAgain) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  TransformerOptions o;
  o.max_length = 64;
  auto a = LoadTiny(shared, o);
  ASSERT_TRUE(a);
  auto spec = ParseTransformerSpec(a->spec_json());
  ASSERT_TRUE(spec.ok()) << spec.status().ToString();
  EXPECT_EQ(spec->options.max_length, 64u);
  auto b = LoadSentenceTransformer(spec->dir, spec->options);
  ASSERT_TRUE(b.ok());
  EXPECT_EQ((*b)->fingerprint(), a->fingerprint());
  EXPECT_FALSE(ParseTransformerSpec(R"({"kind":"hashing"})").ok());
  EXPECT_FALSE(ParseTransformerSpec("not json").ok());
}

TEST(BertSentenceTransformerTest, LoadSentenceTransformerReturnsAnEncoder) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto enc = LoadSentenceTransformer(shared + "/fixtures/tiny-minilm", {});
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  EXPECT_EQ((*enc)->dim(), 64u);
  EXPECT_FALSE((*enc)->sparse());
}

// A copy of the tiny folder (weights by symlink) with one file replaced.
class BrokenFolder {
 public:
  BrokenFolder(const std::string& shared, const std::string& file, const std::string& content) {
    const fs::path src = shared + "/fixtures/tiny-minilm";
    for (const auto& e : fs::recursive_directory_iterator(src)) {
      const fs::path rel = fs::relative(e.path(), src);
      const fs::path dst = fs::path(dir_.path()) / rel;
      if (e.is_directory()) {
        fs::create_directories(dst);
      } else if (rel == "model.safetensors") {
        fs::create_symlink(e.path(), dst);
      } else {
        fs::copy_file(e.path(), dst);
        fs::permissions(dst, fs::perms::owner_write, fs::perm_options::add);
      }
    }
    logsieve::testing::WriteFile(dir_.File(file), content);
  }
  std::string path() const { return dir_.path(); }

 private:
  logsieve::testing::ScratchDir dir_;
};

void ExpectRefused(const std::string& shared, const std::string& file, const std::string& content,
                   const std::string& word) {
  BrokenFolder f(shared, file, content);
  auto enc = LoadSentenceTransformer(f.path(), {});
  ASSERT_FALSE(enc.ok()) << file;
  EXPECT_EQ(enc.status().code(), StatusCode::kUnimplemented) << enc.status().ToString();
  EXPECT_NE(enc.status().message().find(word), std::string::npos) << enc.status().message();
}

std::string TinyConfigWith(const std::string& shared, const std::string& key, const json& value) {
  json c = json::parse(logsieve::testing::ReadFile(shared + "/fixtures/tiny-minilm/config.json"));
  c[key] = value;
  return c.dump();
}

TEST(BertSentenceTransformerTest, RefusesOtherArchitecturesByName) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  ExpectRefused(shared, "config.json", TinyConfigWith(shared, "model_type", "roberta"), "roberta");
  ExpectRefused(shared, "config.json", TinyConfigWith(shared, "hidden_act", "gelu_new"),
                "gelu_new");
  ExpectRefused(shared, "config.json",
                TinyConfigWith(shared, "position_embedding_type", "relative_key"), "relative_key");
}

TEST(BertSentenceTransformerTest, RefusesUnsupportedModulesAndPoolingByName) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  ExpectRefused(
      shared, "modules.json",
      R"([{"idx":0,"name":"0","path":"","type":"sentence_transformers.models.Transformer"},
                    {"idx":1,"name":"1","path":"1_Pooling","type":"sentence_transformers.models.Pooling"},
                    {"idx":2,"name":"2","path":"2_Dense","type":"sentence_transformers.models.Dense"}])",
      "Dense");
  ExpectRefused(shared, "1_Pooling/config.json",
                R"({"word_embedding_dimension":64,"pooling_mode_max_tokens":true})", "max_tokens");
}

TEST(BertSentenceTransformerTest, RefusesUnbuiltPrecisionByName) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  TransformerOptions o;
  o.precision = "int4";
  auto enc = LoadSentenceTransformer(shared + "/fixtures/tiny-minilm", o);
  ASSERT_FALSE(enc.ok());
  EXPECT_NE(enc.status().message().find("int4"), std::string::npos);
}

TEST(BertSentenceTransformerTest, ShapeMismatchBetweenConfigAndWeightsNamesTheTensor) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  BrokenFolder f(shared, "config.json", TinyConfigWith(shared, "intermediate_size", 256));
  auto enc = LoadSentenceTransformer(f.path(), {});
  ASSERT_FALSE(enc.ok());
  EXPECT_NE(enc.status().message().find("encoder.layer.0.intermediate.dense.weight"),
            std::string::npos)
      << enc.status().message();
}

TEST(BertSentenceTransformerTest, CanRunFromVocabTxtWithoutTokenizerJson) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  BrokenFolder f(shared, "RANDOM_WEIGHTS.md", "");
  fs::remove(f.path() + "/tokenizer.json");
  auto enc = LoadSentenceTransformer(f.path(), {});
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
  ExpectMatchesGolden(**enc, ReadGolden(shared + "/fixtures/tiny-minilm/golden.jsonl", 7), 16);
}

TEST(BertSentenceTransformerTest, MissingFolderIsNotFound) {
  auto enc = LoadSentenceTransformer("/nonexistent/model", {});
  EXPECT_EQ(enc.status().code(), StatusCode::kNotFound);
}

// The full-size random model (real MiniLM-L6 layout): its 91 MB of weights are
// made by the fixtures' make_model.py (numpy) into the build tree once.
std::optional<std::string> FullSizeModel(const std::string& shared) {
  const std::string dir = std::string(LOGSIEVE_BINARY_DIR) + "/testdata/minilm-random-seed0";
  if (fs::exists(dir + "/model.safetensors")) return dir;
  if (!fs::exists("/usr/bin/python3")) return std::nullopt;
  // Each test process makes its own copy and renames it into place; the first
  // rename wins and the others drop theirs (ctest runs tests in parallel).
  const std::string tmp = dir + ".tmp" + std::to_string(getpid());
  const std::string cmd = "/usr/bin/python3 -c 'import numpy' 2>/dev/null && /usr/bin/python3 " +
                          shared + "/fixtures/tools/make_model.py " + tmp +
                          " --seed 0 >/dev/null && { mv -T " + tmp + " " + dir +
                          " 2>/dev/null || rm -rf " + tmp + "; }";
  if (std::system(cmd.c_str()) != 0 || !fs::exists(dir + "/model.safetensors")) return std::nullopt;
  return dir;
}

TEST(BertSentenceTransformerTest, FullSizeRandomModelMatchesTheGolden) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  auto dir = FullSizeModel(shared);
  if (!dir)
    GTEST_SKIP()
        << "SKIPPED FullSizeRandomModelMatchesTheGolden: needs /usr/bin/python3 with numpy";
  auto enc = LoadSentenceTransformer(*dir, {});
  ASSERT_TRUE(enc.ok()) << enc.status().ToString();
#if defined(__SANITIZE_ADDRESS__)
  const size_t stride = 10;  // every 10th text under ASan (~10x slower)
#else
  const size_t stride = 1;
#endif
  ExpectMatchesGolden(
      **enc, ReadGolden(shared + "/fixtures/minilm-random-seed0/golden.jsonl", stride), 32);
  // One text at a time too, on a fifth of them (batch independence is shown in full on
  // tiny-minilm).
  ExpectMatchesGolden(
      **enc, ReadGolden(shared + "/fixtures/minilm-random-seed0/golden.jsonl", 5 * stride), 1);
}

// Min cosine between the int8 and fp32 vectors of the golden texts.
double Int8VsFp32MinCosine(const std::string& dir, const Golden& g) {
  TransformerOptions o;
  auto fp32 = LoadSentenceTransformer(dir, o);
  o.precision = "int8";
  auto int8 = LoadSentenceTransformer(dir, o);
  EXPECT_TRUE(fp32.ok() && int8.ok()) << int8.status().ToString();
  if (!fp32.ok() || !int8.ok()) return 0;
  const size_t dim = (*fp32)->dim();
  std::vector<std::string_view> views(g.texts.begin(), g.texts.end());
  std::vector<float> a(views.size() * dim), b(a.size());
  EXPECT_TRUE((*fp32)->EncodeDense(views, a.data()).ok());
  EXPECT_TRUE((*int8)->EncodeDense(views, b.data()).ok());
  double worst = 1, sum = 0;
  for (size_t i = 0; i < views.size(); ++i) {
    double dot = 0, na = 0, nb = 0;
    for (size_t c = 0; c < dim; ++c) {
      dot += double(a[i * dim + c]) * b[i * dim + c];
      na += double(a[i * dim + c]) * a[i * dim + c];
      nb += double(b[i * dim + c]) * b[i * dim + c];
    }
    const double cos = dot / std::sqrt(na * nb);
    worst = std::min(worst, cos);
    sum += cos;
  }
  std::printf("int8 vs fp32 on %zu texts: min cosine %.6f, mean %.6f\n", views.size(), worst,
              sum / views.size());
  return worst;
}

TEST(BertSentenceTransformerTest, Int8StaysWithinCosine099OfFp32OnTheFullSizeModel) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  if (!CpuHasVnni()) GTEST_SKIP() << "SKIPPED: this CPU has no AVX-512 VNNI";
#if defined(__SANITIZE_ADDRESS__)
  GTEST_SKIP()
      << "SKIPPED: release build only (two 91 MB loads; the tiny-model int8 test runs here)";
#endif
  auto dir = FullSizeModel(shared);
  if (!dir) GTEST_SKIP() << "SKIPPED: needs /usr/bin/python3 with numpy";
  EXPECT_GE(
      Int8VsFp32MinCosine(*dir, ReadGolden(shared + "/fixtures/minilm-random-seed0/golden.jsonl")),
      0.99);
}

TEST(BertSentenceTransformerTest, Int8StaysWithinCosine099OfFp32OnTheTinyModel) {
  LOGSIEVE_REQUIRE_SHARED(shared);
  if (!CpuHasVnni()) GTEST_SKIP() << "SKIPPED: this CPU has no AVX-512 VNNI";
  EXPECT_GE(Int8VsFp32MinCosine(shared + "/fixtures/tiny-minilm",
                                ReadGolden(shared + "/fixtures/tiny-minilm/golden.jsonl")),
            0.99);
}

}  // namespace
}  // namespace logsieve::bert
