// The BERT encoder network (embeddings, N transformer layers) in fp32, with
// its weights named after the checkpoint tensors.
//
// Sequences are packed, not padded: a batch is the concatenation of its
// sequences' token ids plus their lengths, so the per-token GEMMs (Q/K/V,
// attention output, feed-forward) run once over all real tokens and attention
// runs per sequence. This is dynamic padding taken to its end: no padding
// token is ever computed, and a sequence's result does not depend on its
// batch-mates (each GEMM row is summed in the same order whatever its tile).
//
//   StatusOr<std::unique_ptr<BertModel>> m = BertModel::Load(config, *safetensors);
//   BertModel::Workspace ws;
//   (*m)->Forward(ids, lengths, &ws);   // ws.hidden: [sum(lengths), hidden]
//
// Thread safety: immutable after Load; Forward may run concurrently with one
// Workspace per thread.
#ifndef LOGSIEVE_EMBED_BERT_BERT_MODEL_H_
#define LOGSIEVE_EMBED_BERT_BERT_MODEL_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"
#include "embed/bert/gemm.h"
#include "embed/bert/int8_gemm.h"
#include "embed/bert/safetensors.h"

namespace logsieve::bert {

// The fields of config.json that shape the network.
struct BertConfig {
  size_t vocab_size = 0;
  size_t hidden_size = 0;
  size_t num_hidden_layers = 0;
  size_t num_attention_heads = 0;
  size_t intermediate_size = 0;
  size_t max_position_embeddings = 0;
  size_t type_vocab_size = 0;
  float layer_norm_eps = 1e-12f;

  // Parses config.json text; refuses (by name) other model types,
  // architectures, activations and position embeddings than BERT's.
  static StatusOr<BertConfig> FromJson(const std::string& text, const std::string& path);
};

class BertModel {
 public:
  // Per-thread scratch; grows to the largest batch seen, then allocates nothing.
  struct Workspace {
    std::vector<float> hidden;  // [tokens, H]: the output of Forward
    std::vector<float> qkv;     // [tokens, 3H]
    std::vector<float> ctx;     // [tokens, H]
    std::vector<float> tmp;     // [tokens, H]
    std::vector<float> ffn;     // [tokens, I]
    std::vector<float> scores;  // [L, L]
    PackedB keys, values;       // one head's K^T and V, packed for Gemm
    Int8Scratch int8;           // quantized activations (precision int8)
  };

  enum class Precision {
    kFp32,  // exact: float GEMMs (gemm.h)
    kInt8,  // the four per-token projections in int8 (AMX or AVX-512 VNNI); attention in fp32
  };

  // Reads every tensor (F32/F16/BF16; names with or without a "bert." prefix)
  // and checks its shape against `config`.
  // kInt8 needs CpuHasVnni() (else UNIMPLEMENTED).
  static StatusOr<std::unique_ptr<BertModel>> Load(const BertConfig& config, const SafeTensors& st,
                                                   Precision precision = Precision::kFp32);

  // Runs the encoder over the packed sequences; the last hidden states land in
  // ws->hidden. REQUIRES: every id < vocab_size, every length in
  // [1, max_position_embeddings], sum(lengths) == ids.size().
  void Forward(std::span<const int32_t> ids, std::span<const size_t> lengths, Workspace* ws) const;

  const BertConfig& config() const { return config_; }
  // Multiply-adds x 2 for one sequence of `length` tokens (for GFLOP/s reports).
  double FlopsPerSequence(size_t length) const;

 private:
  // One of the four per-token projections, y = x W^T + b, W held in the
  // model's precision (packed fp32 or quantized int8; the other stays empty).
  struct Projection {
    PackedB w;
    Int8Matrix wq;
    std::vector<float> b;
  };
  struct Layer {
    Projection qkv;                           // attention.self.{query,key,value} stacked: [3H, H]
    Projection attn_out;                      // attention.output.dense [H, H]
    std::vector<float> attn_ln_g, attn_ln_b;  // attention.output.LayerNorm
    Projection ffn_in;                        // intermediate.dense [I, H]
    Projection ffn_out;                       // output.dense [H, I]
    std::vector<float> ffn_ln_g, ffn_ln_b;    // output.LayerNorm
  };
  void Project(const float* x, size_t n, size_t in, const Projection& p, float* y,
               Workspace* ws) const;
  // Forward over whole sequences whose hidden states go to x ([sum(lengths), H]).
  void ForwardGroup(std::span<const int32_t> ids, std::span<const size_t> lengths, float* x,
                    Workspace* ws) const;
  static constexpr size_t kGroupTokens = 384;
  BertModel() = default;

  BertConfig config_;
  Precision precision_ = Precision::kFp32;
  std::vector<float> word_emb_, pos_emb_, type_emb_, emb_ln_g_, emb_ln_b_;
  std::vector<Layer> layers_;
};

}  // namespace logsieve::bert

#endif  // LOGSIEVE_EMBED_BERT_BERT_MODEL_H_
