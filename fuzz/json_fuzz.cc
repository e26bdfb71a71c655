// Fuzz target: ParseJson on arbitrary bytes, with a depth limit of 8.
// Invariants: it never throws or crashes; it accepts exactly the texts
// nlohmann accepts whose nesting is within the limit (a bracket scan outside
// strings says how deep), refusing the deeper ones with "nested deeper"; what
// it accepts dumps and parses back to the same value, for json and
// ordered_json alike.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "common/json.h"

namespace {

// Deepest nesting of [ and { outside strings.
size_t MaxDepth(std::string_view text) {
  size_t level = 0, deepest = 0;
  bool in_string = false;
  for (size_t i = 0; i < text.size(); ++i) {
    char c = text[i];
    if (in_string) {
      if (c == '\\') {
        ++i;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++level);
    } else if ((c == ']' || c == '}') && level > 0) {
      --level;
    }
  }
  return deepest;
}

[[noreturn]] void Fail(const char* what, const std::string& detail) {
  std::fprintf(stderr, "json_fuzz: %s: %s\n", what, detail.c_str());
  std::abort();
}

template <typename Json>
void Check(std::string_view text) {
  constexpr size_t kDepth = 8;
  logsieve::StatusOr<Json> parsed = logsieve::ParseJson<Json>(text, "fuzz", {.max_depth = kDepth});
  const bool valid = Json::accept(text.begin(), text.end());
  const size_t depth = valid ? MaxDepth(text) : 0;
  if (valid && depth <= kDepth) {
    if (!parsed.ok()) Fail("valid JSON within the limit refused", parsed.status().message());
    std::string dumped = parsed->dump(-1, ' ', false, nlohmann::json::error_handler_t::strict);
    logsieve::StatusOr<Json> again =
        logsieve::ParseJson<Json>(dumped, "dump", {.max_depth = kDepth});
    if (!again.ok()) Fail("a dump does not parse back", again.status().message());
    // NaN cannot occur (JSON has none), so == is a fair round-trip check.
    if (*again != *parsed) Fail("a dump parses back to another value", dumped);
  } else if (parsed.ok()) {
    Fail(valid ? "JSON past the depth limit accepted" : "invalid JSON accepted",
         std::string(text.substr(0, 200)));
  } else if (valid && parsed.status().message().find("nested deeper") == std::string::npos) {
    Fail("deep JSON refused for another reason", parsed.status().message());
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  Check<nlohmann::json>(text);
  Check<nlohmann::ordered_json>(text);
  return 0;
}
