// The model file (.lsm): one binary file holding a trained model, everything
// needed to rebuild its encoder, and a checksum.
//
//   StatusOr<LoadedModel> m = LoadModel("models/default.lsm");
//   // m->model.labels, m->encoder (built from the spec in the file)
//   LOGSIEVE_RETURN_IF_ERROR(SaveModel(model, "out.lsm"));
//
// Layout (all integers little-endian; doc/model.md has the byte table):
//   0   8 bytes  magic "LSVMODEL"
//   8   u32      format version (kModelFormatVersion)
//   12  u32      header length H
//   16  H bytes  JSON header: labels, encoder {spec, fingerprint}, normalizer
//                spec, training metadata, weights {dim, classes, offset}
//   ..  zero padding to a multiple of 64 (the weights offset)
//   off f32[dim * classes] weights, feature-major; then f32[classes] bias
//   ..  (version 2) u32[confidence.familiarity.terms] familiarity hashes
//   end-8 u64    XXH3-64 of every byte before it
//
// Version 2 adds the header's "confidence" {calibration, familiarity} and
// the familiarity hashes; version 3 adds the header's "evidence"
// {"exemplars": [[label, "template"], ...]} (model/evidence.h). Each model
// is written with the lowest version that holds what it has (no confidence
// and no exemplars: version 1, byte for byte as before), and every older
// version loads: version 1 with the identity calibration and no
// familiarity, versions 1 and 2 without exemplars (no `near:` in details).
// A newer version is refused by name ("model format version 4 is not
// supported").
//
// Refusals say which: "not a logsieve model file", "truncated", "corrupt",
// "format version N", "encoder mismatch". ReadModelFile reads the file once
// (FileBytes) and the weights stay in that buffer: no second copy of the
// 2.4 MB of the default model. The buffer is the model's own, so rewriting
// the file in place under a loaded model changes nothing it does.
//
// Thread safety: plain values and free functions.
#ifndef LOGSIEVE_MODEL_MODEL_FILE_H_
#define LOGSIEVE_MODEL_MODEL_FILE_H_

#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "common/status.h"
#include "embed/encoder.h"
#include "model/confidence.h"
#include "model/evidence.h"
#include "model/logistic_regression.h"

namespace logsieve {

inline constexpr std::string_view kModelMagic = "LSVMODEL";
// The newest version written and read; every older one still loads.
inline constexpr uint32_t kModelFormatVersion = 3;

struct Model {
  std::vector<std::string> labels;  // class k of `linear` is labels[k]
  std::string encoder_spec;         // Encoder::spec_json()
  std::string encoder_fingerprint;  // Encoder::fingerprint() at training time
  std::string normalizer_spec;      // Normalizer::spec_json(); "" when trained on raw text
  // Training metadata as a JSON object text: rows, created_at, seed, C,
  // class_weight, iterations, holdout metrics... ("{}" when unknown).
  std::string training_json = "{}";
  LinearModel linear;
  // How confidence is computed from the top probability (model/confidence.h);
  // both default to "as the probability says" (format version 1).
  Familiarity familiarity;
  Calibration calibration;
  // Labelled training templates the stage names as evidence (format 3).
  std::vector<Exemplar> exemplars;
  // The file's XXH3-64 checksum when it was parsed from one (its version,
  // shown by the server); 0 for a model built in memory. Not serialized.
  uint64_t checksum = 0;
};

// The file's bytes. Deterministic: the same Model gives the same bytes.
std::string SerializeModel(const Model& model);
// REQUIRES: nothing; any bytes are safe. `origin` (a path) prefixes messages.
// Without `owner` the weights are copied out of `bytes`; with one (what
// keeps `bytes` alive: a FileBytes) they are read in place, and the model
// keeps `owner`.
StatusOr<Model> ParseModel(std::string_view bytes, std::string_view origin,
                           std::shared_ptr<const void> owner = nullptr);

Status SaveModel(const Model& model, const std::string& path);
StatusOr<Model> ReadModelFile(const std::string& path);

// Fails (FAILED_PRECONDITION, "encoder mismatch: ...") unless `encoder` has
// the model's fingerprint and dimension.
Status CheckEncoder(const Model& model, const Encoder& encoder, std::string_view origin);

struct LoadedModel {
  Model model;
  std::unique_ptr<Encoder> encoder;
};

// ReadModelFile, then MakeEncoderFromSpec and CheckEncoder.
StatusOr<LoadedModel> LoadModel(const std::string& path);

}  // namespace logsieve

#endif  // LOGSIEVE_MODEL_MODEL_FILE_H_
