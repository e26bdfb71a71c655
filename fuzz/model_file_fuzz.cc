// libFuzzer target for the model-file parser: any bytes must give a Model or
// a Status, never a crash, a hang or a sanitizer report.
//
//   cmake -S . -B build/fuzz -G Ninja -DCMAKE_CXX_COMPILER=clang++-14 -DLOGSIEVE_FUZZ=ON
//   ninja -C build/fuzz model_file_fuzz && build/fuzz/fuzz/model_file_fuzz fuzz/corpus/model_file
#include <cstddef>
#include <cstdint>
#include <string_view>

#include "embed/encoder_factory.h"
#include "model/model_file.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  auto model = logsieve::ParseModel(bytes, "fuzz");
  if (model.ok()) {
    // A parsed model must be usable: build its encoder (may refuse) and
    // touch the weights.
    auto enc = logsieve::MakeEncoderFromSpec(model->encoder_spec);
    if (enc.ok()) (void)logsieve::CheckEncoder(*model, **enc, "fuzz");
  }
  return 0;
}
