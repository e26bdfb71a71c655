// Encoder: turns log text into a feature vector for the model stage.
//
// Two kinds exist:
//   - "hashing" (the default; needs no download): word and character n-grams
//     hashed into a sparse vector. See embed/hashing_encoder.h.
//   - "transformer": a sentence-transformers BERT-family folder run natively.
//     See embed/bert/.
//
// A model file records the encoder's spec and fingerprint; a model refuses to
// run with an encoder whose fingerprint differs.
//
//   StatusOr<std::unique_ptr<Encoder>> enc = MakeEncoderFromSpec(spec_json);  // encoder_factory.h
//   std::vector<float> out(texts.size() * (*enc)->dim());
//   LOGSIEVE_RETURN_IF_ERROR((*enc)->EncodeDense(texts, out.data()));
//
// Thread safety: built, then frozen; Encode* may be called concurrently (each
// implementation keeps per-thread scratch).
#ifndef LOGSIEVE_EMBED_ENCODER_H_
#define LOGSIEVE_EMBED_ENCODER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"

namespace logsieve {

// A sparse feature vector: `indices` strictly increasing, same length as `values`.
struct SparseVector {
  std::vector<uint32_t> indices;
  std::vector<float> values;
};

class Encoder {
 public:
  virtual ~Encoder() = default;

  // "hashing" or "transformer".
  virtual std::string_view kind() const = 0;
  // Length of every vector.
  virtual size_t dim() const = 0;
  // True: EncodeSparse is the natural output; false: EncodeDense.
  virtual bool sparse() const = 0;
  // True when the encoder wants the normalizer's template text; false when it
  // wants the raw log message. A documented choice per encoder.
  virtual bool wants_template_text() const = 0;
  // The spec as JSON (everything that changes the vectors), as stored in a model file.
  virtual std::string spec_json() const = 0;
  // A stable hex digest of everything that changes the vectors (spec and,
  // for transformers, the weights). Stored in model files and compared on load.
  virtual std::string fingerprint() const = 0;

  // Writes texts.size() rows of dim() floats, row-major, to `out`.
  // Every encoder implements this (sparse ones scatter into zeros).
  virtual Status EncodeDense(std::span<const std::string_view> texts, float* out) const = 0;
  // Sparse output; the default implementation converts EncodeDense.
  virtual Status EncodeSparse(std::span<const std::string_view> texts,
                              std::vector<SparseVector>* out) const;
};

}  // namespace logsieve

#endif  // LOGSIEVE_EMBED_ENCODER_H_
