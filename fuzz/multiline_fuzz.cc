// Fuzz target: the multi-line event joiner (io/multiline.h) on arbitrary
// lines. The first byte picks the mode (and small bounds, so cuts happen);
// the rest is split at '\n'. Invariants: nothing crashes; the events' lines,
// in order, are exactly the input lines (nothing lost, duplicated or
// reordered); an event has at most max_lines lines, and more than max_bytes
// bytes only when it is a single line; only a cut event names a bound.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "io/multiline.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "multiline_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  if (size == 0) return 0;
  using logsieve::MultilineMode;
  logsieve::MultilineOptions options;
  const uint8_t pick = data[0];
  constexpr MultilineMode kModes[] = {MultilineMode::kOff, MultilineMode::kPattern,
                                      MultilineMode::kJava, MultilineMode::kPython,
                                      MultilineMode::kAuto};
  options.mode = kModes[pick % 5];
  options.start_pattern = "^[0-9]";
  options.max_lines = 1 + (pick >> 3) % 8;
  options.max_bytes = 1 + (pick >> 5) * 40;
  auto joiner = logsieve::EventJoiner::Create(options);
  Check(joiner.ok(), "the fixed pattern does not compile");

  std::string_view input(reinterpret_cast<const char*>(data) + 1, size - 1);
  std::vector<std::string_view> lines;
  std::vector<logsieve::Event> events;
  uint64_t line_no = 0;
  while (!input.empty()) {
    const size_t nl = input.find('\n');
    const std::string_view line = input.substr(0, nl);
    lines.push_back(line);
    ++line_no;
    (*joiner)->Add(line, line_no, line_no * 10, &events);
    if (nl == std::string_view::npos) break;
    input.remove_prefix(nl + 1);
  }
  (*joiner)->Flush(&events);
  Check(!(*joiner)->holding(), "an event is held after Flush");

  std::string joined_in;
  for (std::string_view l : lines) joined_in.append(l).push_back('\n');
  std::string joined_out;
  size_t next_line = 1;
  for (const logsieve::Event& e : events) {
    Check(e.first_line == next_line, "events do not follow each other");
    Check(e.lines >= 1 && e.lines <= options.max_lines, "an event past max_lines");
    Check(e.lines == 1 || e.text.size() <= options.max_bytes, "a joined event past max_bytes");
    Check(e.end_offset == (e.first_line + e.lines - 1) * 10,
          "the end offset is not the last line's");
    next_line += e.lines;
    joined_out.append(e.text).push_back('\n');
  }
  Check(joined_out == joined_in, "the events' lines are not the input's lines");
  return 0;
}
