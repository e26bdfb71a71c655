// Fuzz target: a stream entry's fields (one '\n'-separated piece each, name
// then value) through DecodeEntry, OutputCommand and DeadLetterCommand, and
// the whole input as a redis:// URL. Invariants: nothing crashes; a refused
// entry is kInvalidArgument; a decoded record is valid UTF-8 and trimmed; an
// output entry carries the source_id last and never repeats a field it adds.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <set>
#include <string>
#include <string_view>

#include "io/ndjson.h"
#include "stream/redis.h"
#include "stream/stream_entry.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "stream_entry_fuzz: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  (void)logsieve::RedisEndpoint::FromUrl(input);

  logsieve::StreamEntry entry{"in", "1-0", {}};
  std::string_view rest = input;
  while (!rest.empty()) {
    size_t nl = rest.find('\n');
    std::string name(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    nl = rest.find('\n');
    std::string value(rest.substr(0, nl));
    rest = nl == std::string_view::npos ? std::string_view() : rest.substr(nl + 1);
    entry.fields.emplace_back(std::move(name), std::move(value));
  }
  logsieve::StatusOr<logsieve::LogRecord> r = logsieve::DecodeEntry(entry, "unknown", 256);
  if (!r.ok()) {
    Check(r.status().code() == logsieve::StatusCode::kInvalidArgument,
          "an error that is not kInvalidArgument");
    std::vector<std::string> dead =
        logsieve::DeadLetterCommand(entry, r.status().message(), "d", 0);
    Check(dead.back() == r.status().message(), "the reason is not the last value");
    return 0;
  }
  Check(logsieve::IsValidUtf8(r->message) && logsieve::IsValidUtf8(r->source),
        "a decoded field is not valid UTF-8");
  Check(logsieve::TrimRecordField(r->message) == r->message, "message not trimmed");
  logsieve::Decision d{"Error", logsieve::Method::kRegex, 1.0f, "fuzz"};
  std::vector<std::string> argv = logsieve::OutputCommand(entry, d, "out", 10);
  Check(argv.size() % 2 == 0, "an odd XADD argument list");  // XADD out MAXLEN ~ 10 * + pairs
  Check(argv.back() == "1-0", "source_id is not last");
  std::set<std::string> added;
  for (size_t i = 6; i < argv.size(); i += 2) {
    if (argv[i] == "target_label" || argv[i] == "source_id") {
      Check(added.insert(argv[i]).second, "an added field appears twice");
    }
  }
  return 0;
}
