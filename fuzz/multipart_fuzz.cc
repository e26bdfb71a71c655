// Fuzz target: the multipart/form-data parser of POST /classify/ on arbitrary
// bytes (boundary "b"), fed whole and in pieces of 1, 7 and 64 bytes.
// Invariants: nothing crashes; the outcome (accepted or not, the parts and
// their data) is the same whatever the piece size; the data out never exceeds
// the bytes in.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "server/multipart.h"

namespace {

struct Outcome {
  bool ok = false;
  std::vector<std::string> names;
  std::string data;
  bool operator==(const Outcome&) const = default;
};

Outcome Run(std::string_view bytes, size_t step) {
  Outcome out;
  logsieve::MultipartParser parser(
      "b",
      [&](const logsieve::MultipartPart& p) { out.names.push_back(p.name + "|" + p.filename); },
      [&](std::string_view d) { out.data.append(d); });
  bool ok = true;
  for (size_t i = 0; i < bytes.size() && ok; i += step)
    ok = parser.Feed(bytes.substr(i, step)).ok();
  if (ok) ok = parser.Finish().ok();
  out.ok = ok;
  if (!ok) {  // where a refused body stops depends on the pieces: compare the verdict only
    out.names.clear();
    out.data.clear();
  }
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  Outcome whole = Run(bytes, bytes.size() + 1);
  if (whole.data.size() > size) {
    std::fprintf(stderr, "multipart_fuzz: more data out than in\n");
    std::abort();
  }
  for (size_t step : {1, 7, 64}) {
    if (!(Run(bytes, step) == whole)) {
      std::fprintf(stderr, "multipart_fuzz: pieces of %zu bytes read differently\n", step);
      std::abort();
    }
  }
  return 0;
}
