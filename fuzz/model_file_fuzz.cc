// libFuzzer target for the model-file parser: any bytes must give a Model or
// a Status, never a crash, a hang or a sanitizer report.
//
//   cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DLOGSIEVE_FUZZ=ON
//   ninja -C build/fuzz model_file_fuzz && build/fuzz/fuzz/model_file_fuzz fuzz/corpus/model_file
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "embed/encoder_factory.h"
#include "embed/hashing_encoder.h"
#include "model/evidence.h"
#include "model/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto model = logsieve::ParseModel(bytes, "fuzz");
  if (model.ok()) {
    // A parsed model must be usable: build its encoder (may refuse), touch
    // the weights, and index its exemplars (format 3) and look one up.
    auto enc = logsieve::MakeEncoderFromSpec(model->encoder_spec);
    if (enc.ok() && logsieve::CheckEncoder(*model, **enc, "fuzz").ok()) {
      const auto* hashing = dynamic_cast<const logsieve::HashingEncoder*>(enc->get());
      if (hashing != nullptr && !model->exemplars.empty()) {
        const std::string probe = model->exemplars.front().text;
        auto index = logsieve::ExemplarIndex::Build(std::move(model->exemplars), *hashing);
        if (index.ok()) {
          logsieve::HashingEncoder::Workspace ws;
          logsieve::SparseVector x;
          hashing->Encode(probe, &ws, &x);
          (void)(*index)->Nearest(ws, x);
        }
      }
    }
  }
  return 0;
}
