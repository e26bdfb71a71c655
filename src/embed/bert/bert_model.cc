#include "embed/bert/bert_model.h"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/json.h"
#include "embed/bert/kernels.h"

namespace logsieve::bert {
namespace {

using nlohmann::json;

template <typename T>
void Grow(std::vector<T>& v, size_t n) {
  if (v.size() < n) v.resize(n);
}

}  // namespace

StatusOr<BertConfig> BertConfig::FromJson(const std::string& text, const std::string& path) {
  BertConfig c;
  LOGSIEVE_ASSIGN_OR_RETURN(json j, ParseJson(text, path));
  try {
    const std::string type = j.value("model_type", "");
    if (type != "bert") {
      return UnimplementedError(path + ": model_type '" + type +
                                "' is not supported (only 'bert': BERT-family encoders)");
    }
    const std::string act = j.value("hidden_act", "gelu");
    if (act != "gelu") {
      return UnimplementedError(path + ": hidden_act '" + act +
                                "' is not supported (only 'gelu', the exact erf GELU)");
    }
    const std::string pos = j.value("position_embedding_type", "absolute");
    if (pos != "absolute") {
      return UnimplementedError(path + ": position_embedding_type '" + pos +
                                "' is not supported (only 'absolute')");
    }
    if (j.value("is_decoder", false) || j.value("add_cross_attention", false)) {
      return UnimplementedError(path + ": decoder / cross-attention BERT is not supported");
    }
    c.vocab_size = j.at("vocab_size").get<size_t>();
    c.hidden_size = j.at("hidden_size").get<size_t>();
    c.num_hidden_layers = j.at("num_hidden_layers").get<size_t>();
    c.num_attention_heads = j.at("num_attention_heads").get<size_t>();
    c.intermediate_size = j.at("intermediate_size").get<size_t>();
    c.max_position_embeddings = j.at("max_position_embeddings").get<size_t>();
    c.type_vocab_size = j.value("type_vocab_size", size_t{2});
    c.layer_norm_eps = j.value("layer_norm_eps", 1e-12f);
  } catch (const json::exception& e) {
    return InvalidArgumentError(path + ": " + e.what());
  }
  if (c.hidden_size == 0 || c.num_attention_heads == 0 || c.hidden_size % c.num_attention_heads) {
    return InvalidArgumentError(path + ": hidden_size " + std::to_string(c.hidden_size) +
                                " is not a multiple of num_attention_heads " +
                                std::to_string(c.num_attention_heads));
  }
  if (c.vocab_size == 0 || c.num_hidden_layers == 0 || c.intermediate_size == 0 ||
      c.max_position_embeddings == 0 || c.type_vocab_size == 0) {
    return InvalidArgumentError(path + ": a size is zero");
  }
  return c;
}

StatusOr<std::unique_ptr<BertModel>> BertModel::Load(const BertConfig& config,
                                                     const SafeTensors& st, Precision precision) {
  if (precision == Precision::kInt8 && !CpuHasVnni()) {
    return UnimplementedError("precision 'int8' needs a CPU with AVX-512 VNNI; this one has none");
  }
  std::unique_ptr<BertModel> m(new BertModel());
  m->config_ = config;
  m->precision_ = precision;
  const int64_t H = static_cast<int64_t>(config.hidden_size);
  // Checkpoints saved from BertFor* heads prefix every name with "bert.".
  const std::string prefix = !st.Has("embeddings.word_embeddings.weight") &&
                                     st.Has("bert.embeddings.word_embeddings.weight")
                                 ? "bert."
                                 : "";
  auto read = [&](const std::string& name, const std::vector<int64_t>& shape,
                  std::vector<float>* out) -> Status {
    auto v = st.ReadF32(prefix + name, shape);
    if (!v.ok()) return v.status();
    *out = std::move(*v);
    return OkStatus();
  };
  const std::string E = "embeddings.";
  LOGSIEVE_RETURN_IF_ERROR(read(E + "word_embeddings.weight",
                                {static_cast<int64_t>(config.vocab_size), H}, &m->word_emb_));
  LOGSIEVE_RETURN_IF_ERROR(read(E + "position_embeddings.weight",
                                {static_cast<int64_t>(config.max_position_embeddings), H},
                                &m->pos_emb_));
  LOGSIEVE_RETURN_IF_ERROR(read(E + "token_type_embeddings.weight",
                                {static_cast<int64_t>(config.type_vocab_size), H}, &m->type_emb_));
  LOGSIEVE_RETURN_IF_ERROR(read(E + "LayerNorm.weight", {H}, &m->emb_ln_g_));
  LOGSIEVE_RETURN_IF_ERROR(read(E + "LayerNorm.bias", {H}, &m->emb_ln_b_));
  m->layers_.resize(config.num_hidden_layers);
  for (size_t i = 0; i < config.num_hidden_layers; ++i) {
    Layer& L = m->layers_[i];
    const std::string p = "encoder.layer." + std::to_string(i) + ".";
    // A projection's weight [out, in] and bias; the weight kept packed (fp32)
    // or quantized (int8), the float copy dropped.
    auto hold = [precision](const std::vector<float>& w, size_t out, size_t in, Projection* proj) {
      if (precision == Precision::kInt8) {
        proj->wq = Int8Matrix::Quantize(w.data(), out, in);
      } else {
        proj->w.PackTransposed(w.data(), out, in, in);
      }
    };
    std::vector<float> w, b;
    auto projection = [&](const std::string& name, size_t out, size_t in,
                          Projection* proj) -> Status {
      const auto out64 = static_cast<int64_t>(out), in64 = static_cast<int64_t>(in);
      LOGSIEVE_RETURN_IF_ERROR(read(name + ".weight", {out64, in64}, &w));
      LOGSIEVE_RETURN_IF_ERROR(read(name + ".bias", {out64}, &proj->b));
      hold(w, out, in, proj);
      return OkStatus();
    };
    const size_t hidden = config.hidden_size, inter = config.intermediate_size;
    // Q, K and V stacked into one [3H, H] projection.
    std::vector<float> qkv_w;
    for (const char* part : {"query", "key", "value"}) {
      LOGSIEVE_RETURN_IF_ERROR(read(p + "attention.self." + part + ".weight", {H, H}, &w));
      LOGSIEVE_RETURN_IF_ERROR(read(p + "attention.self." + part + ".bias", {H}, &b));
      qkv_w.insert(qkv_w.end(), w.begin(), w.end());
      L.qkv.b.insert(L.qkv.b.end(), b.begin(), b.end());
    }
    hold(qkv_w, 3 * hidden, hidden, &L.qkv);
    LOGSIEVE_RETURN_IF_ERROR(projection(p + "attention.output.dense", hidden, hidden, &L.attn_out));
    LOGSIEVE_RETURN_IF_ERROR(read(p + "attention.output.LayerNorm.weight", {H}, &L.attn_ln_g));
    LOGSIEVE_RETURN_IF_ERROR(read(p + "attention.output.LayerNorm.bias", {H}, &L.attn_ln_b));
    LOGSIEVE_RETURN_IF_ERROR(projection(p + "intermediate.dense", inter, hidden, &L.ffn_in));
    LOGSIEVE_RETURN_IF_ERROR(projection(p + "output.dense", hidden, inter, &L.ffn_out));
    LOGSIEVE_RETURN_IF_ERROR(read(p + "output.LayerNorm.weight", {H}, &L.ffn_ln_g));
    LOGSIEVE_RETURN_IF_ERROR(read(p + "output.LayerNorm.bias", {H}, &L.ffn_ln_b));
  }
  const std::string extra =
      prefix + "encoder.layer." + std::to_string(config.num_hidden_layers) + ".";
  for (const auto& [name, info] : st.tensors()) {
    if (name.rfind(extra, 0) == 0) {
      return InvalidArgumentError(st.path() + ": tensor '" + name +
                                  "' is beyond num_hidden_layers " +
                                  std::to_string(config.num_hidden_layers) + " of config.json");
    }
  }
  return m;
}

double BertModel::FlopsPerSequence(size_t length) const {
  const double H = static_cast<double>(config_.hidden_size);
  const double I = static_cast<double>(config_.intermediate_size);
  const double T = static_cast<double>(length);
  const double per_layer = 2.0 * T * (4.0 * H * H + 2.0 * H * I) + 2.0 * 2.0 * T * T * H;
  return per_layer * static_cast<double>(config_.num_hidden_layers);
}

void BertModel::Project(const float* x, size_t n, size_t in, const Projection& p, float* y,
                        Workspace* ws) const {
  if (precision_ == Precision::kInt8) {
    Int8Linear(x, n, p.wq, p.b.data(), y, &ws->int8);
  } else {
    Gemm(x, n, in, p.w, 1.0f, p.b.data(), y, p.w.n());
  }
}

void BertModel::Forward(std::span<const int32_t> ids, std::span<const size_t> lengths,
                        Workspace* ws) const {
  Grow(ws->hidden, ids.size() * config_.hidden_size);
  // Whole sequences in groups of about kGroupTokens tokens, each through all
  // layers: a group's activations stay in L2 while the weights stream past
  // (one long sequence is a group of its own).
  size_t seq = 0, token = 0;
  while (seq < lengths.size()) {
    size_t end = seq, tokens = 0;
    while (end < lengths.size() && (end == seq || tokens + lengths[end] <= kGroupTokens)) {
      tokens += lengths[end++];
    }
    ForwardGroup(ids.subspan(token, tokens), lengths.subspan(seq, end - seq),
                 ws->hidden.data() + token * config_.hidden_size, ws);
    seq = end;
    token += tokens;
  }
}

void BertModel::ForwardGroup(std::span<const int32_t> ids, std::span<const size_t> lengths,
                             float* x, Workspace* ws) const {
  const size_t H = config_.hidden_size, I = config_.intermediate_size;
  const size_t heads = config_.num_attention_heads, hd = H / heads;
  const size_t N = ids.size();
  size_t max_len = 0;
  for (size_t l : lengths) max_len = std::max(max_len, l);
  Grow(ws->qkv, N * 3 * H);
  Grow(ws->ctx, N * H);
  Grow(ws->tmp, N * H);
  Grow(ws->ffn, N * I);
  Grow(ws->scores, max_len * max_len);

  // Embeddings: word + position (0..len-1 per sequence) + token type 0, LayerNorm.
  {
    size_t t = 0;
    for (size_t len : lengths) {
      for (size_t p = 0; p < len; ++p, ++t) {
        const float* we = word_emb_.data() + static_cast<size_t>(ids[t]) * H;
        const float* pe = pos_emb_.data() + p * H;
        const float* te = type_emb_.data();
        float* row = x + t * H;
        for (size_t c = 0; c < H; ++c) row[c] = we[c] + pe[c] + te[c];
      }
    }
    kernels::AddLayerNorm(x, nullptr, nullptr, emb_ln_g_.data(), emb_ln_b_.data(),
                          config_.layer_norm_eps, N, H);
  }

  const float scale = 1.0f / std::sqrt(static_cast<float>(hd));
  for (const Layer& L : layers_) {
    // --- self-attention: Q, K, V in one GEMM: qkv[t] = [q | k | v] ---
    float* qkv = ws->qkv.data();
    Project(x, N, H, L.qkv, qkv, ws);
    float* ctx = ws->ctx.data();
    size_t start = 0;
    for (size_t len : lengths) {
      for (size_t h = 0; h < heads; ++h) {
        const float* q = qkv + start * 3 * H + h * hd;
        const float* k = q + H;
        const float* v = q + 2 * H;
        float* s = ws->scores.data();
        // scores = Q K^T / sqrt(hd)   [len, len]
        ws->keys.PackTransposed(k, len, hd, 3 * H);
        Gemm(q, len, 3 * H, ws->keys, scale, nullptr, s, len);
        kernels::SoftmaxRows(s, len, len);
        // ctx_h = softmax(scores) V   [len, hd], heads side by side in ctx
        ws->values.Pack(v, len, hd, 3 * H);
        Gemm(s, len, len, ws->values, 1.0f, nullptr, ctx + start * H + h * hd, H);
      }
      start += len;
    }
    // --- attention output projection, residual, LayerNorm ---
    float* tmp = ws->tmp.data();
    Project(ctx, N, H, L.attn_out, tmp, ws);
    kernels::AddLayerNorm(tmp, nullptr, x, L.attn_ln_g.data(), L.attn_ln_b.data(),
                          config_.layer_norm_eps, N, H);
    // --- feed-forward: GELU(x W1^T + b1) W2^T + b2, residual, LayerNorm ---
    float* ffn = ws->ffn.data();
    Project(tmp, N, H, L.ffn_in, ffn, ws);
    kernels::Gelu(ffn, N * I);
    Project(ffn, N, I, L.ffn_out, x, ws);
    kernels::AddLayerNorm(x, nullptr, tmp, L.ffn_ln_g.data(), L.ffn_ln_b.data(),
                          config_.layer_norm_eps, N, H);
  }
}

}  // namespace logsieve::bert
