// Fuzz target: the template miner (patterns/template_miner.h) on arbitrary
// lines, and TemplateMiner::Load on arbitrary bytes. The first byte picks a
// small template cap (so eviction runs); the rest is split at '\n' into lines.
// Invariants: nothing crashes; the miner never holds more than its cap;
// Load(Save()) saves the same bytes; Load of the raw input fails cleanly or
// gives a miner that can take lines.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "patterns/template_miner.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "patterns_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  std::string_view in(reinterpret_cast<const char*>(data), size);
  logsieve::MinerOptions options;
  options.max_templates = 1 + static_cast<uint8_t>(in[0]) % 8;
  auto miner = logsieve::TemplateMiner::Create(options);
  Check(miner.ok(), "Create failed");
  std::string_view rest = in.substr(1);
  uint64_t at = 0;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string_view line = rest.substr(0, nl);
    logsieve::AddResult r = (*miner)->Add(line, ++at);
    Check((*miner)->Find(r.cluster).has_value(), "the cluster just added to is missing");
    (void)(*miner)->Match(line);
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
  }
  Check((*miner)->size() <= options.max_templates, "more templates than the cap");
  std::string saved = (*miner)->Save();
  auto loaded = logsieve::TemplateMiner::Load(saved);
  Check(loaded.ok(), "Load(Save()) failed");
  Check((*loaded)->Save() == saved, "Load(Save()) saved different bytes");
  auto raw = logsieve::TemplateMiner::Load(in);
  if (raw.ok()) (*raw)->Add(in.substr(0, 64), 1);
  return 0;
}
