#include "embed/encoder.h"

namespace logsieve {

Status Encoder::EncodeSparse(std::span<const std::string_view> texts,
                             std::vector<SparseVector>* out) const {
  const size_t d = dim();
  std::vector<float> dense(texts.size() * d);
  LOGSIEVE_RETURN_IF_ERROR(EncodeDense(texts, dense.data()));
  out->assign(texts.size(), SparseVector());
  for (size_t r = 0; r < texts.size(); ++r) {
    SparseVector& v = (*out)[r];
    for (size_t j = 0; j < d; ++j) {
      float x = dense[r * d + j];
      if (x != 0.0f) {
        v.indices.push_back(static_cast<uint32_t>(j));
        v.values.push_back(x);
      }
    }
  }
  return OkStatus();
}

}  // namespace logsieve
