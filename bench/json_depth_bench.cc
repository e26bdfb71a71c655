// Peak memory of refusing a nested-JSON bomb (issue 16 item 3): a 32 MB body
// of 16 Mi '[' then 16 Mi ']', parsed by ParseJson or by nlohmann's own parse.
// Run under /usr/bin/time -f '%M KB' and compare with `baseline` (the body
// alone):
//
//   for m in baseline parsejson nlohmann; do
//     /usr/bin/time -f "$m: %M KB peak RSS, %e s" build/bench/bench/json_depth_bench $m; done
#include <cstdio>
#include <cstring>
#include <nlohmann/json.hpp>
#include <string>

#include "common/json.h"

int main(int argc, char** argv) {
  const char* mode = argc > 1 ? argv[1] : "parsejson";
  const size_t half = 16u << 20;
  const std::string body = std::string(half, '[') + std::string(half, ']');
  if (std::strcmp(mode, "parsejson") == 0) {
    logsieve::StatusOr<nlohmann::json> j = logsieve::ParseJson(body, "body");
    std::printf("%s\n", j.ok() ? "accepted" : j.status().message().c_str());
  } else if (std::strcmp(mode, "nlohmann") == 0) {
    nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
    std::printf("%s\n", j.is_discarded() ? "discarded" : "accepted");
  } else {
    std::printf("baseline: %zu bytes\n", body.size());
  }
  return 0;
}
