#include "embed/bert/safetensors.h"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>

#include "common/file.h"
#include "common/json.h"

namespace logsieve::bert {
namespace {

size_t ElementSize(const std::string& dtype) {
  if (dtype == "F64" || dtype == "I64" || dtype == "U64") return 8;
  if (dtype == "F32" || dtype == "I32" || dtype == "U32") return 4;
  if (dtype == "F16" || dtype == "BF16" || dtype == "I16" || dtype == "U16") return 2;
  if (dtype == "I8" || dtype == "U8" || dtype == "BOOL" || dtype == "F8_E4M3" ||
      dtype == "F8_E5M2") {
    return 1;
  }
  return 0;
}

std::string ShapeString(const std::vector<int64_t>& shape) {
  std::string s = "[";
  for (size_t i = 0; i < shape.size(); ++i) s += (i ? ", " : "") + std::to_string(shape[i]);
  return s + "]";
}

// Cap on the header (the real MiniLM header is 11 kB).
constexpr uint64_t kMaxHeader = 100u << 20;

}  // namespace

float HalfToFloat(uint16_t h) {
  const uint32_t sign = (h & 0x8000u) << 16;
  const uint32_t exp = (h >> 10) & 0x1F;
  uint32_t mant = h & 0x3FF;
  uint32_t bits;
  if (exp == 0) {
    if (mant == 0) {
      bits = sign;
    } else {  // subnormal: renormalise
      int e = -1;
      do {
        ++e;
        mant <<= 1;
      } while ((mant & 0x400) == 0);
      bits = sign | static_cast<uint32_t>(127 - 15 - e) << 23 | (mant & 0x3FF) << 13;
    }
  } else if (exp == 31) {
    bits = sign | 0x7F800000u | mant << 13;
  } else {
    bits = sign | (exp + 127 - 15) << 23 | mant << 13;
  }
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

float BFloat16ToFloat(uint16_t b) {
  const uint32_t bits = static_cast<uint32_t>(b) << 16;
  float f;
  std::memcpy(&f, &bits, 4);
  return f;
}

SafeTensors::~SafeTensors() {
  if (base_ != nullptr) munmap(const_cast<uint8_t*>(base_), size_);
}

StatusOr<std::unique_ptr<SafeTensors>> SafeTensors::Open(const std::string& path) {
  std::unique_ptr<SafeTensors> st(new SafeTensors());
  st->path_ = path;
  LOGSIEVE_ASSIGN_OR_RETURN(InputFile file,
                            InputFile::Open(path, "safetensors file", FileKinds::kRegular));
  st->size_ = static_cast<size_t>(file.size());
  if (st->size_ < 8) {
    return DataLossError(path + ": truncated: " + std::to_string(st->size_) +
                         " bytes, not even the 8-byte header length");
  }
  void* m = mmap(nullptr, st->size_, PROT_READ, MAP_PRIVATE, file.fd(), 0);
  if (m == MAP_FAILED) return InternalError(path + ": mmap failed: " + std::strerror(errno));
  st->base_ = static_cast<const uint8_t*>(m);

  uint64_t n = 0;
  for (int i = 7; i >= 0; --i) n = (n << 8) | st->base_[i];
  if (n > kMaxHeader || n > st->size_ - 8) {
    return DataLossError(path + ": header length " + std::to_string(n) + " exceeds the file (" +
                         std::to_string(st->size_) +
                         " bytes): truncated or not a safetensors file");
  }
  st->data_ = st->base_ + 8 + n;
  const size_t data_size = st->size_ - 8 - n;
  StatusOr<nlohmann::json> parsed = ParseJson(
      std::string_view(reinterpret_cast<const char*>(st->base_) + 8, n), path + ": header");
  if (!parsed.ok()) return DataLossError(parsed.status().message());
  nlohmann::json header = std::move(*parsed);
  if (!header.is_object()) return DataLossError(path + ": header is not a JSON object");
  std::vector<std::pair<size_t, size_t>> ranges;
  std::vector<const std::string*> names;
  for (auto it = header.begin(); it != header.end(); ++it) {
    if (it.key() == "__metadata__") continue;
    const std::string& name = it.key();
    const nlohmann::json& t = it.value();
    TensorInfo info;
    try {
      info.dtype = t.at("dtype").get<std::string>();
      info.shape = t.at("shape").get<std::vector<int64_t>>();
      auto off = t.at("data_offsets").get<std::vector<uint64_t>>();
      if (off.size() != 2) throw std::runtime_error("data_offsets must have 2 entries");
      info.begin = off[0];
      info.end = off[1];
    } catch (const std::exception& e) {
      return DataLossError(path + ": tensor '" + name + "': bad entry: " + e.what());
    }
    const size_t esize = ElementSize(info.dtype);
    if (esize == 0) {
      return DataLossError(path + ": tensor '" + name + "': unknown dtype '" + info.dtype + "'");
    }
    uint64_t count = 1;
    for (int64_t d : info.shape) {
      if (d < 0 || (d > 0 && count > (uint64_t{1} << 40) / static_cast<uint64_t>(d))) {
        return DataLossError(path + ": tensor '" + name + "': bad shape " +
                             ShapeString(info.shape));
      }
      count *= static_cast<uint64_t>(d);
    }
    if (info.end < info.begin || info.end > data_size) {
      return DataLossError(path + ": tensor '" + name + "': data_offsets [" +
                           std::to_string(info.begin) + ", " + std::to_string(info.end) +
                           ") outside the data section (" + std::to_string(data_size) +
                           " bytes): truncated or corrupt file");
    }
    if (info.end - info.begin != count * esize) {
      return DataLossError(path + ": tensor '" + name +
                           "': " + std::to_string(info.end - info.begin) + " bytes for shape " +
                           ShapeString(info.shape) + " of " + info.dtype + " (needs " +
                           std::to_string(count * esize) + ")");
    }
    auto [pos, inserted] = st->tensors_.emplace(name, std::move(info));
    ranges.emplace_back(pos->second.begin, pos->second.end);
    names.push_back(&pos->first);
  }
  std::vector<size_t> order(ranges.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::sort(order.begin(), order.end(), [&](size_t a, size_t b) { return ranges[a] < ranges[b]; });
  // Sorted by start: each non-empty range must begin at or after the furthest
  // end seen so far (empty tensors occupy nothing).
  size_t furthest = 0, owner = 0;
  for (size_t k = 0; k < order.size(); ++k) {
    const auto& cur = ranges[order[k]];
    if (cur.second == cur.first) continue;
    if (cur.first < furthest) {
      return DataLossError(path + ": tensors '" + *names[owner] + "' and '" + *names[order[k]] +
                           "' overlap in the data section");
    }
    furthest = cur.second;
    owner = order[k];
  }
  return st;
}

StatusOr<std::vector<float>> SafeTensors::ReadF32(const std::string& name,
                                                  const std::vector<int64_t>& shape) const {
  auto it = tensors_.find(name);
  if (it == tensors_.end()) return NotFoundError(path_ + ": tensor '" + name + "' is missing");
  const TensorInfo& t = it->second;
  if (t.shape != shape) {
    return InvalidArgumentError(path_ + ": tensor '" + name + "' has shape " +
                                ShapeString(t.shape) + ", config.json implies " +
                                ShapeString(shape));
  }
  const uint8_t* p = data_ + t.begin;
  const size_t bytes = t.end - t.begin;
  std::vector<float> out;
  if (t.dtype == "F32") {
    out.resize(bytes / 4);
    std::memcpy(out.data(), p, bytes);  // little-endian host assumed (x86-64, aarch64)
  } else if (t.dtype == "F16" || t.dtype == "BF16") {
    out.resize(bytes / 2);
    for (size_t i = 0; i < out.size(); ++i) {
      const uint16_t v = static_cast<uint16_t>(p[2 * i] | p[2 * i + 1] << 8);
      out[i] = t.dtype == "F16" ? HalfToFloat(v) : BFloat16ToFloat(v);
    }
  } else {
    return UnimplementedError(path_ + ": tensor '" + name + "' has dtype " + t.dtype +
                              " (only F32, F16 and BF16 are read)");
  }
  return out;
}

}  // namespace logsieve::bert
