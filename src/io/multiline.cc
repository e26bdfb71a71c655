#include "io/multiline.h"

namespace logsieve {
namespace {

bool StartsWith(std::string_view s, std::string_view prefix) {
  return s.substr(0, prefix.size()) == prefix;
}

bool Indented(std::string_view line) {
  return !line.empty() && (line[0] == ' ' || line[0] == '\t');
}

// `... 12 more` (Java's elided frames), unindented.
bool ElidedFrames(std::string_view line) {
  if (!StartsWith(line, "... ")) return false;
  size_t i = 4;
  const size_t digits = i;
  while (i < line.size() && line[i] >= '0' && line[i] <= '9') ++i;
  return i > digits && line.substr(i) == " more";
}

// `com.acme.billing.InvoiceException: msg`: a qualified Java class name
// ending in Exception, Error or Throwable, alone or before ':'.
bool JavaExceptionHeader(std::string_view line) {
  const std::string_view name = line.substr(0, line.find(':'));
  if (name.empty() || name.find('.') == std::string_view::npos) return false;
  for (char c : name) {
    const bool word = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                      c == '_' || c == '$' || c == '.';
    if (!word) return false;
  }
  for (std::string_view suffix : {"Exception", "Error", "Throwable"}) {
    if (name.size() >= suffix.size() && name.substr(name.size() - suffix.size()) == suffix)
      return true;
  }
  return false;
}

bool JavaContinues(std::string_view line) {
  return Indented(line) || StartsWith(line, "at ") || StartsWith(line, "Caused by: ") ||
         StartsWith(line, "Suppressed: ") || ElidedFrames(line) || JavaExceptionHeader(line);
}

constexpr std::string_view kTraceback = "Traceback (most recent call last):";
constexpr std::string_view kChainedContext =
    "During handling of the above exception, another exception occurred:";
constexpr std::string_view kChainedCause =
    "The above exception was the direct cause of the following exception:";

StatusOr<MultilineMode> ParseMode(const std::string& name) {
  if (name == "off") return MultilineMode::kOff;
  if (name == "pattern") return MultilineMode::kPattern;
  if (name == "java") return MultilineMode::kJava;
  if (name == "python") return MultilineMode::kPython;
  if (name == "auto") return MultilineMode::kAuto;
  return InvalidArgumentError("input.multiline.mode: unknown mode '" + name + "'");
}

}  // namespace

StatusOr<MultilineOptions> MultilineOptions::FromConfig(const Config& config) {
  MultilineOptions o;
  LOGSIEVE_ASSIGN_OR_RETURN(o.mode, ParseMode(config.GetString("input.multiline.mode")));
  o.start_pattern = config.GetString("input.multiline.start_pattern");
  o.max_lines = config.GetSize("input.multiline.max_lines");
  o.max_bytes = config.GetSize("input.multiline.max_bytes");
  o.flush_ms = static_cast<int>(config.GetInt("input.multiline.flush_ms"));
  if (o.mode == MultilineMode::kPattern && o.start_pattern.empty()) {
    return InvalidArgumentError(
        "input.multiline.start_pattern: must be set when input.multiline.mode is pattern");
  }
  return o;
}

EventJoiner::EventJoiner(MultilineOptions options) : options_(std::move(options)) {}

StatusOr<std::unique_ptr<EventJoiner>> EventJoiner::Create(const MultilineOptions& options) {
  std::unique_ptr<EventJoiner> joiner(new EventJoiner(options));
  if (options.mode == MultilineMode::kPattern) {
    try {
      joiner->start_ = std::regex(options.start_pattern, std::regex::ECMAScript);
    } catch (const std::regex_error& e) {
      return InvalidArgumentError("input.multiline.start_pattern: invalid regex '" +
                                  options.start_pattern + "': " + e.what());
    }
  }
  return joiner;
}

bool EventJoiner::Continues(std::string_view line) {
  const MultilineMode mode = options_.mode;
  if (mode == MultilineMode::kPattern) {
    return !std::regex_search(line.begin(), line.end(), start_);
  }
  if (mode == MultilineMode::kPython || mode == MultilineMode::kAuto) {
    // The traceback state moves whether or not the line is joined.
    switch (trace_) {
      case Trace::kInTraceback:
        if (!Indented(line) && !StartsWith(line, kTraceback)) trace_ = Trace::kAfterException;
        return true;
      case Trace::kAfterException:
        if (line == kChainedContext || line == kChainedCause) {
          trace_ = Trace::kInTraceback;
          return true;
        }
        trace_ = Trace::kNone;
        break;
      case Trace::kNone:
        break;
    }
    if (StartsWith(line, kTraceback)) {
      trace_ = Trace::kInTraceback;
      return true;
    }
    if (mode == MultilineMode::kPython) return false;
  }
  return JavaContinues(line);
}

void EventJoiner::Add(std::string_view line, uint64_t line_no, uint64_t end_offset,
                      std::vector<Event>* out) {
  const bool continues = options_.mode != MultilineMode::kOff && Continues(line) && holding();
  if (continues) {
    std::string cut;
    if (current_.lines + 1 > options_.max_lines) {
      cut = "input.multiline.max_lines (" + std::to_string(options_.max_lines) + ")";
    } else if (current_.text.size() + 1 + line.size() > options_.max_bytes) {
      cut = "input.multiline.max_bytes (" + std::to_string(options_.max_bytes) + ")";
    }
    if (cut.empty()) {
      current_.text += '\n';
      current_.text += line;
      ++current_.lines;
      current_.end_offset = end_offset;
      return;
    }
    current_.cut = std::move(cut);
  }
  if (holding()) Emit(out);
  current_.text.assign(line);
  current_.first_line = line_no;
  current_.lines = 1;
  current_.end_offset = end_offset;
  if (options_.mode == MultilineMode::kOff) Emit(out);
}

void EventJoiner::Flush(std::vector<Event>* out) {
  if (holding()) Emit(out);
  trace_ = Trace::kNone;
}

void EventJoiner::Emit(std::vector<Event>* out) {
  out->push_back(std::move(current_));
  current_ = Event{};
}

}  // namespace logsieve
