// Fuzz target: the HTTP edge's request parsing (Boost.Beast's parser with the
// edge's settings, then CheckFraming) on arbitrary bytes, as they would arrive
// on one connection. Invariants: nothing crashes or hangs; every request found
// was parsed or refused with a status the edge answers (400, 431, 501); a
// refused request is the last one (the edge closes after it); the bytes of
// the bodies found never exceed the input.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "server/http_edge.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  std::vector<logsieve::ParsedRequest> requests = logsieve::ParseRequests(bytes, 64);
  size_t body = 0;
  for (size_t i = 0; i < requests.size(); ++i) {
    const logsieve::ParsedRequest& r = requests[i];
    body += r.body_bytes;
    if (r.status != 0 && r.status != 400 && r.status != 431 && r.status != 501) {
      std::fprintf(stderr, "http_request_fuzz: unexpected status %d\n", r.status);
      std::abort();
    }
    if (r.status != 0 && i + 1 != requests.size()) {
      std::fprintf(stderr, "http_request_fuzz: a request parsed after a refused one\n");
      std::abort();
    }
  }
  if (body > size) {
    std::fprintf(stderr, "http_request_fuzz: more body bytes than input\n");
    std::abort();
  }
  return 0;
}
