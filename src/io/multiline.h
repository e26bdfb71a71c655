// EventJoiner: physical lines in, log events out. A Java or Python stack
// trace, or any event whose continuation lines a start-of-event pattern can
// tell apart, becomes one event (its lines joined by '\n') before it is
// classified. Used by the line reader (`classify --format lines`, files,
// stdin, --follow); it knows nothing of where lines come from, so a stream
// consumer can feed it entries the same way.
//
// Modes (input.multiline.mode):
//   off      every line is an event.
//   pattern  a line matching input.multiline.start_pattern (ECMAScript regex,
//            searched anywhere in the line; anchor it with ^) starts an event;
//            any other line continues the current one.
//   java     a line continues the event when it is indented (`\tat ...`,
//            `\t... 12 more`), or starts with `at `, `Caused by: `,
//            `Suppressed: `, `... N more`, or is an exception header
//            (`com.acme.FooException: msg`, a qualified class name ending in
//            Exception, Error or Throwable).
//   python   `Traceback (most recent call last):` continues the open event
//            (logging.exception prints the message, then the traceback) or
//            starts one; inside a traceback, indented lines (`  File "...",
//            line N, in f`, the source line, `^^^^`) continue it, and the
//            first unindented line is the exception (`KeyError: 'x'`). The
//            line after it starts the next event unless it chains another
//            traceback ("During handling of the above exception...", "The
//            above exception was the direct cause..."), which continues it.
//   auto     java and python together.
//
// Bounds: an event holds at most max_lines lines and max_bytes bytes (a
// single line is never cut; its bound is input.max_record_bytes). A line that
// would pass a bound ends the event, which is emitted with `cut` naming the
// bound, and the line starts the next event: nothing is dropped.
//
// Example:
//   EventJoiner joiner(options);   // options checked by MultilineOptions::Create
//   std::vector<Event> events;
//   for each line: joiner.Add(line, line_no, end_offset, &events);
//   at end of input: joiner.Flush(&events);
//
// Thread safety: one thread at a time per joiner.
#ifndef LOGSIEVE_IO_MULTILINE_H_
#define LOGSIEVE_IO_MULTILINE_H_

#include <cstdint>
#include <memory>
#include <regex>
#include <string>
#include <string_view>
#include <vector>

#include "common/config.h"
#include "common/status.h"

namespace logsieve {

enum class MultilineMode { kOff, kPattern, kJava, kPython, kAuto };

struct MultilineOptions {
  MultilineMode mode = MultilineMode::kOff;
  std::string start_pattern;  // kPattern only
  size_t max_lines = 0;
  size_t max_bytes = 0;
  int flush_ms = 0;  // how long a held event waits for its next line on a live input

  // The input.multiline.* keys; a bad start_pattern (or a missing one in
  // pattern mode) is InvalidArgument naming the key.
  static StatusOr<MultilineOptions> FromConfig(const Config& config);
};

struct Event {
  std::string text;         // the lines joined by '\n', as read (indentation kept)
  uint64_t first_line = 0;  // line number of the first line
  size_t lines = 0;
  uint64_t end_offset = 0;  // the caller's offset after the last line
  // Empty, or the bound that ended this event early: "input.multiline.max_lines (500)".
  std::string cut;
};

class EventJoiner {
 public:
  // REQUIRES: options as made by MultilineOptions::FromConfig (or kOff).
  static StatusOr<std::unique_ptr<EventJoiner>> Create(const MultilineOptions& options);

  // Adds one line (without its '\n'; a trailing '\r' is the caller's to
  // remove) and appends to *out every event it completes. `end_offset` is
  // carried to the event that ends with this line.
  void Add(std::string_view line, uint64_t line_no, uint64_t end_offset, std::vector<Event>* out);
  // Emits the event being held, if any (end of input, or flush_ms of quiet).
  void Flush(std::vector<Event>* out);
  // Whether an event is held, waiting for lines that may continue it.
  bool holding() const { return !current_.text.empty() || current_.lines > 0; }
  const MultilineOptions& options() const { return options_; }

 private:
  enum class Trace { kNone, kInTraceback, kAfterException };
  explicit EventJoiner(MultilineOptions options);
  bool Continues(std::string_view line);
  void Emit(std::vector<Event>* out);

  MultilineOptions options_;
  std::regex start_;
  Event current_;
  Trace trace_ = Trace::kNone;
};

}  // namespace logsieve

#endif  // LOGSIEVE_IO_MULTILINE_H_
