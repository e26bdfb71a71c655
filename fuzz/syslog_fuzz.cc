// Fuzz target: the syslog parser and the RFC 6587 framer (ingest/syslog.h)
// on arbitrary bytes, as a sender on UDP or TCP could send them.
// Invariants: nothing crashes; every part ParseSyslog returns lies inside the
// line; an unparsed line is its own message; facility and severity are in
// range or both -1; the framer cuts the same frames whatever the reads'
// sizes, and no frame is over its limit.
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>
#include <vector>

#include "ingest/syslog.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "syslog_fuzz: %s\n", what);
    std::abort();
  }
}

bool Inside(std::string_view part, std::string_view line) {
  return part.empty() ||
         (part.data() >= line.data() && part.data() + part.size() <= line.data() + line.size());
}

void ParseOne(std::string_view line) {
  logsieve::SyslogMessage m = logsieve::ParseSyslog(line);
  for (std::string_view part :
       {m.timestamp, m.hostname, m.app_name, m.procid, m.msgid, m.structured_data, m.message}) {
    Check(Inside(part, line), "a part outside the line");
  }
  if (m.format == logsieve::SyslogMessage::Format::kUnparsed) {
    Check(m.message == line, "an unparsed line is not its own message");
    Check(m.facility == -1 && m.severity == -1, "an unparsed line has a priority");
  } else {
    Check(m.facility >= 0 && m.facility < 24 && m.severity >= 0 && m.severity < 8,
          "priority out of range");
  }
}

std::vector<logsieve::SyslogFrame> Frames(std::string_view input, size_t chunk, size_t max) {
  logsieve::SyslogFramer framer(max);
  std::vector<logsieve::SyslogFrame> out;
  for (size_t i = 0; i < input.size(); i += chunk) framer.Feed(input.substr(i, chunk), &out);
  framer.Finish(&out);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  std::string_view input(reinterpret_cast<const char*>(data), size);
  ParseOne(input);
  const size_t max = 64;
  std::vector<logsieve::SyslogFrame> whole = Frames(input, input.size() + 1, max);
  for (const logsieve::SyslogFrame& f : whole) {
    Check(f.text.size() <= max, "a frame over its limit");
    ParseOne(f.text);
  }
  std::vector<logsieve::SyslogFrame> bytewise = Frames(input, 1, max);
  std::vector<logsieve::SyslogFrame> sevens = Frames(input, 7, max);
  Check(whole.size() == bytewise.size() && whole.size() == sevens.size(),
        "the frames depend on the reads' sizes");
  for (size_t i = 0; i < whole.size(); ++i) {
    Check(whole[i].text == bytewise[i].text && whole[i].text == sevens[i].text &&
              whole[i].cut_bytes == bytewise[i].cut_bytes &&
              whole[i].incomplete == sevens[i].incomplete,
          "a frame depends on the reads' sizes");
  }
  return 0;
}
