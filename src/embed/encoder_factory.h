// The one place that knows every encoder kind: builds the encoder a spec
// (Encoder::spec_json, as kept in a model file) describes.
//
//   StatusOr<std::unique_ptr<Encoder>> enc = MakeEncoderFromSpec(model.encoder_spec);
//
//   {"kind":"hashing",...}                  a HashingEncoder (HashingEncoder::FromSpec)
//   {"kind":"transformer","dir":DIR,...}    DIR loaded by bert::LoadSentenceTransformer
//                                           (optional "max_length", "precision")
// Errors: INVALID_ARGUMENT for a malformed spec, UNIMPLEMENTED for an unknown
// kind, and the loader's errors (a transformer's missing folder names it).
//
// Thread safety: a pure function.
#ifndef LOGSIEVE_EMBED_ENCODER_FACTORY_H_
#define LOGSIEVE_EMBED_ENCODER_FACTORY_H_

#include <memory>
#include <string_view>

#include "common/status.h"
#include "embed/encoder.h"

namespace logsieve {

StatusOr<std::unique_ptr<Encoder>> MakeEncoderFromSpec(std::string_view spec_json);

}  // namespace logsieve

#endif  // LOGSIEVE_EMBED_ENCODER_FACTORY_H_
