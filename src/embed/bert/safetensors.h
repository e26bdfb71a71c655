// A safetensors file, memory-mapped and validated, with its tensors as f32.
//
// Format: u64 little-endian header length N, N bytes of JSON
// {"name": {"dtype": "F32", "shape": [..], "data_offsets": [begin, end]}, ...,
//  "__metadata__": {...}}, then the data. Open() checks the JSON, every dtype,
// that each tensor's byte size equals its shape times its element size, that
// every range lies inside the file and that no two ranges overlap. Errors name
// the file, the tensor and the problem.
//
//   StatusOr<std::unique_ptr<SafeTensors>> st = SafeTensors::Open("model.safetensors");
//   StatusOr<std::vector<float>> w = (*st)->ReadF32("pooler.dense.weight", {384, 384});
//
// F32 tensors are copied out; F16 and BF16 are converted to f32. Other dtypes
// (I64, ...) are listed and range-checked but cannot be read as f32.
// Thread safety: immutable after Open; reads may run concurrently.
#ifndef LOGSIEVE_EMBED_BERT_SAFETENSORS_H_
#define LOGSIEVE_EMBED_BERT_SAFETENSORS_H_

#include <cstddef>
#include <cstdint>
#include <map>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "common/status.h"

namespace logsieve::bert {

struct TensorInfo {
  std::string dtype;  // "F32", "F16", "BF16", "I64", ...
  std::vector<int64_t> shape;
  size_t begin = 0, end = 0;  // byte range in the data section
};

class SafeTensors {
 public:
  static StatusOr<std::unique_ptr<SafeTensors>> Open(const std::string& path);
  ~SafeTensors();
  SafeTensors(const SafeTensors&) = delete;
  SafeTensors& operator=(const SafeTensors&) = delete;

  const std::map<std::string, TensorInfo>& tensors() const { return tensors_; }
  bool Has(const std::string& name) const { return tensors_.count(name) != 0; }

  // The tensor as f32, row-major. Fails (naming the tensor) when it is missing,
  // has another shape than `shape`, or a dtype that is not F32/F16/BF16.
  StatusOr<std::vector<float>> ReadF32(const std::string& name,
                                       const std::vector<int64_t>& shape) const;

  // The whole file's bytes (for fingerprints).
  std::span<const uint8_t> bytes() const { return {base_, size_}; }
  const std::string& path() const { return path_; }

 private:
  SafeTensors() = default;
  std::string path_;
  const uint8_t* base_ = nullptr;  // mmap'd file
  size_t size_ = 0;
  const uint8_t* data_ = nullptr;  // after the header
  std::map<std::string, TensorInfo> tensors_;
};

// IEEE half and bfloat16 to float (exact).
float HalfToFloat(uint16_t h);
float BFloat16ToFloat(uint16_t b);

}  // namespace logsieve::bert

#endif  // LOGSIEVE_EMBED_BERT_SAFETENSORS_H_
