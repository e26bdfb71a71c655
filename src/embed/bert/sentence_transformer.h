// Loading a sentence-transformers folder (BERT family) as an Encoder.
//
// The folder is used exactly as published on the model hub: config.json,
// model.safetensors, tokenizer.json and/or vocab.txt, tokenizer_config.json,
// special_tokens_map.json, modules.json, 1_Pooling/config.json, optional
// Normalize module.
#ifndef LOGSIEVE_EMBED_BERT_SENTENCE_TRANSFORMER_H_
#define LOGSIEVE_EMBED_BERT_SENTENCE_TRANSFORMER_H_

#include <memory>
#include <string>

#include "common/status.h"
#include "embed/encoder.h"

namespace logsieve::embed::bert {

struct TransformerOptions {
  // Token limit; 0 = the folder's (tokenizer_config model_max_length, capped
  // by max_position_embeddings and sentence_bert_config max_seq_length).
  size_t max_length = 0;
  // "fp32" (exact) or a reduced-precision path.
  std::string precision = "fp32";
  // Lines per forward pass when encoding many texts.
  size_t batch_size = 32;
};

// Loads `dir`. Errors name the file and the problem; unsupported architectures
// or settings are refused by name.
StatusOr<std::unique_ptr<Encoder>> LoadSentenceTransformer(const std::string& dir,
                                                           const TransformerOptions& options);

}  // namespace logsieve::embed::bert

#endif  // LOGSIEVE_EMBED_BERT_SENTENCE_TRANSFORMER_H_
