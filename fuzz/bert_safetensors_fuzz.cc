// Arbitrary bytes as a safetensors file: Open must validate or refuse, and
// every tensor it accepts must be readable as what its header says.
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <string>

#include "embed/bert/safetensors.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  int fd = memfd_create("bert_safetensors_fuzz", 0);
  if (fd < 0) return 0;
  if (size > 0 && write(fd, data, size) != static_cast<ssize_t>(size)) {
    close(fd);
    return 0;
  }
  auto st = logsieve::bert::SafeTensors::Open("/proc/self/fd/" + std::to_string(fd));
  if (st.ok()) {
    for (const auto& [name, info] : (*st)->tensors()) {
      auto v = (*st)->ReadF32(name, info.shape);
      (void)v;
    }
  }
  close(fd);
  return 0;
}
