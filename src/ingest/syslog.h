// Syslog as senders write it: the message formats of RFC 5424 and RFC 3164
// (BSD syslog, in the variants real senders use), and the two TCP framings
// of RFC 6587. Pure functions and a state machine over bytes: no sockets, no
// clock, no allocation beyond the framer's one frame.
//
//   SyslogMessage m = ParseSyslog("<34>Oct 11 22:14:15 host app[123]: disk full");
//   // m.format == kRfc3164, m.hostname == "host", m.app_name == "app",
//   // m.procid == "123", m.message == "disk full", m.facility 4, m.severity 2
//
// ParseSyslog never fails. A line without `<PRI>` comes back as kUnparsed
// with the whole line as its message, so it is still classified (the caller
// counts it). An RFC 5424 header that breaks off is read as RFC 3164: its
// text after `<PRI>` is kept whole as the message.
//
// RFC 3164 has no fixed shape past `<PRI>`; the rules here, in order:
//   - a timestamp `Mmm dd hh:mm:ss ` (day space-padded or not) or an
//     RFC 3339 one (`2026-12-07T19:00:00.123+00:00 `, rsyslog's forward
//     format) is taken when present;
//   - a tag is a word `NAME:` or `NAME[PID]:` (NAME without spaces, '[' or
//     ':'); when the first word is a tag there is no hostname
//     (`<13>Oct 11 22:14:15 app[123]: msg`, what `logger` sends locally);
//   - else the first word is the hostname when a timestamp was present or the
//     second word is a tag; a tag after it is taken;
//   - the rest, after one space, is the message.
//
// Thread safety: ParseSyslog is pure; a SyslogFramer is one connection's.
#ifndef LOGSIEVE_INGEST_SYSLOG_H_
#define LOGSIEVE_INGEST_SYSLOG_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace logsieve {

// The parts of one syslog message. Views into the parsed line: they live as
// long as it. A part the message does not carry (or carries as RFC 5424's
// NILVALUE `-`) is empty.
struct SyslogMessage {
  enum class Format { kRfc5424, kRfc3164, kUnparsed };
  Format format = Format::kUnparsed;
  int facility = -1;  // 0..23 from <PRI>; -1 when kUnparsed
  int severity = -1;  // 0..7
  std::string_view timestamp;
  std::string_view hostname;
  std::string_view app_name;  // RFC 3164: the tag's NAME
  std::string_view procid;    // RFC 3164: the tag's PID
  std::string_view msgid;
  std::string_view structured_data;  // as sent: `[id k="v"]...`
  std::string_view message;          // RFC 5424: without a leading UTF-8 BOM
};

SyslogMessage ParseSyslog(std::string_view line);

// "kern", "user", ... "local7" (RFC 5424 table 1); "" out of range.
std::string_view SyslogFacilityName(int facility);
// "emerg", "alert", "crit", "err", "warning", "notice", "info", "debug"; "" out of range.
std::string_view SyslogSeverityName(int severity);

// One frame cut from a TCP stream.
struct SyslogFrame {
  std::string text;         // at most max_frame_bytes; a trailing '\r' removed
  size_t cut_bytes = 0;     // bytes past max_frame_bytes, dropped
  bool incomplete = false;  // the stream ended inside an octet-counted frame
};

// Cuts a TCP byte stream into frames, detecting the framing of each frame
// (RFC 6587): one that starts with a digit and `LEN SP` (1 to 9 digits, no
// leading zero) is octet-counted, anything else runs to the next '\n'
// (non-transparent framing). Empty frames (blank lines) are skipped. A frame
// longer than max_frame_bytes keeps its first max_frame_bytes and counts the
// rest in cut_bytes; the framer never holds more than one frame of
// max_frame_bytes.
class SyslogFramer {
 public:
  // REQUIRES: max_frame_bytes > 0.
  explicit SyslogFramer(size_t max_frame_bytes) : max_(max_frame_bytes) {}

  // Appends the complete frames that `bytes` ends to *out.
  void Feed(std::string_view bytes, std::vector<SyslogFrame>* out);
  // The stream ended: a '\n' frame without its '\n' is complete; an
  // octet-counted one short of LEN is appended with incomplete = true.
  void Finish(std::vector<SyslogFrame>* out);

 private:
  enum class State { kStart, kLength, kCounted, kLine };
  void Emit(std::vector<SyslogFrame>* out);

  const size_t max_;
  State state_ = State::kStart;
  SyslogFrame frame_;
  size_t remaining_ = 0;  // kCounted: bytes of the frame still to come
};

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_SYSLOG_H_
