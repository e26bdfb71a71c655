// Loading a sentence-transformers folder (BERT family) as an Encoder.
//
// The folder is used exactly as published on the model hub: config.json,
// model.safetensors, tokenizer.json and/or vocab.txt, tokenizer_config.json,
// special_tokens_map.json, modules.json, 1_Pooling/config.json, optional
// Normalize module. Supported: model_type "bert" of any size with absolute
// positions and erf GELU; a WordPiece tokenizer (BertNormalizer,
// BertPreTokenizer); modules Transformer -> Pooling (mean or CLS) ->
// optional Normalize. Everything else is refused by name (UNIMPLEMENTED).
//
//   StatusOr<std::unique_ptr<Encoder>> enc =
//       LoadSentenceTransformer("/models/all-MiniLM-L6-v2", TransformerOptions{});
//   std::vector<float> out(texts.size() * (*enc)->dim());
//   LOGSIEVE_RETURN_IF_ERROR((*enc)->EncodeDense(texts, out.data()));
//
// The encoder wants the raw log text (wants_template_text() is false): a
// pretrained model reads numbers, paths and words as they are written.
//
// Numerics: fp32; within ~1e-6 of a float64 reference (the fixtures demand
// cosine >= 0.9999 and max abs diff <= 1e-4 per text). Results do not depend
// on the batch (sequences are packed, never padded).
//
// Thread safety: built, then frozen; EncodeDense may be called concurrently.
// Each call borrows a Workspace from a small pool (so a steady stream of calls
// allocates nothing) and runs on the calling thread alone: parallelism is
// over calls (the pipeline's workers, `EmbedLines`' threads), never inside one.
#ifndef LOGSIEVE_EMBED_BERT_SENTENCE_TRANSFORMER_H_
#define LOGSIEVE_EMBED_BERT_SENTENCE_TRANSFORMER_H_

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "common/thread_annotations.h"
#include "embed/bert/bert_model.h"
#include "embed/bert/tokenizer.h"
#include "embed/encoder.h"

namespace logsieve::bert {

struct TransformerOptions {
  // Token limit; 0 = the folder's: sentence_bert_config max_seq_length, else
  // tokenizer_config model_max_length, at most max_position_embeddings.
  // Otherwise REQUIRES 2 <= max_length <= max_position_embeddings (else an error).
  size_t max_length = 0;
  // "fp32" (exact) or "int8": the per-token projections in int8 with
  // AMX tiles or AVX-512 VNNI (refused on CPUs without VNNI); cosine to fp32
  // >= 0.99 on the fixture corpus, see doc/transformer.md. Others are refused
  // by name.
  std::string precision = "fp32";
  // Lines per forward pass when encoding many texts.
  size_t batch_size = 32;
};

// Loads `dir`. Errors name the file and the problem; unsupported architectures
// or settings are refused by name.
StatusOr<std::unique_ptr<Encoder>> LoadSentenceTransformer(const std::string& dir,
                                                           const TransformerOptions& options);

// A folder's tokenizer and token limit alone (no weights needed): what
// `logsieve tokenize` uses. `max_length` 0 = the folder's, as in TransformerOptions.
struct FolderTokenizer {
  std::unique_ptr<WordPieceTokenizer> tokenizer;
  size_t max_length = 0;
};
StatusOr<FolderTokenizer> LoadFolderTokenizer(const std::string& dir, size_t max_length);

// The folder and options recorded in an encoder's spec_json(), so that a model
// file's encoder spec loads the same encoder again:
//   LOGSIEVE_ASSIGN_OR_RETURN(TransformerSpec s, ParseTransformerSpec(spec_json));
//   auto enc = LoadSentenceTransformer(s.dir, s.options);
// (The caller then compares fingerprints: the folder's files may have changed.)
struct TransformerSpec {
  std::string dir;
  TransformerOptions options;
};
StatusOr<TransformerSpec> ParseTransformerSpec(std::string_view spec_json);

enum class Pooling { kMean, kCls };

// The concrete encoder, for tools that also need the tokenizer (the
// `tokenize` command, benchmarks). Same contract as Encoder.
class SentenceTransformer : public Encoder {
 public:
  static StatusOr<std::unique_ptr<SentenceTransformer>> Load(const std::string& dir,
                                                             const TransformerOptions& options);

  std::string_view kind() const override { return "transformer"; }
  size_t dim() const override { return model_->config().hidden_size; }
  bool sparse() const override { return false; }
  bool wants_template_text() const override { return false; }
  std::string spec_json() const override { return spec_json_; }
  std::string fingerprint() const override { return fingerprint_; }
  Status EncodeDense(std::span<const std::string_view> texts, float* out) const override;

  // The model's input ids for `text` ([CLS] ... [SEP], at most max_length()).
  void Tokenize(std::string_view text, std::vector<int32_t>* ids) const {
    tokenizer_->Encode(text, max_length_, ids);
  }
  size_t max_length() const { return max_length_; }
  const BertModel& model() const { return *model_; }
  const WordPieceTokenizer& tokenizer() const { return *tokenizer_; }

 private:
  struct Workspace {
    BertModel::Workspace model;
    std::vector<std::vector<int32_t>> ids;  // per text
    std::vector<size_t> order;
    std::vector<int32_t> packed;
    std::vector<size_t> lengths;
  };
  SentenceTransformer() = default;
  std::unique_ptr<Workspace> Acquire() const EXCLUDES(pool_mu_);
  void Release(std::unique_ptr<Workspace> ws) const EXCLUDES(pool_mu_);

  std::unique_ptr<WordPieceTokenizer> tokenizer_;
  std::unique_ptr<BertModel> model_;
  Pooling pooling_ = Pooling::kMean;
  bool normalize_ = false;
  size_t max_length_ = 0;
  size_t batch_size_ = 32;
  std::string spec_json_;
  std::string fingerprint_;

  mutable Mutex pool_mu_;
  mutable std::vector<std::unique_ptr<Workspace>> pool_ GUARDED_BY(pool_mu_);
};

}  // namespace logsieve::bert

#endif  // LOGSIEVE_EMBED_BERT_SENTENCE_TRANSFORMER_H_
