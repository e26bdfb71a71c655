#include "ingest/syslog.h"

#include <algorithm>
#include <array>
#include <cstring>

namespace logsieve {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }

// Removes and returns the text up to the next ' ' (or the end); drops the ' '.
std::string_view NextWord(std::string_view* s) {
  size_t sp = s->find(' ');
  std::string_view word = s->substr(0, sp);
  s->remove_prefix(sp == std::string_view::npos ? s->size() : sp + 1);
  return word;
}

// `<PRI>`: 1 to 3 digits, at most 191.
bool ParsePri(std::string_view* s, int* pri) {
  if (s->size() < 3 || (*s)[0] != '<') return false;
  size_t i = 1;
  int v = 0;
  while (i < s->size() && i <= 3 && IsDigit((*s)[i])) v = v * 10 + ((*s)[i++] - '0');
  if (i == 1 || i >= s->size() || (*s)[i] != '>' || v > 191) return false;
  *pri = v;
  s->remove_prefix(i + 1);
  return true;
}

std::string_view Nil(std::string_view field) { return field == "-" ? std::string_view() : field; }

// RFC 5424 STRUCTURED-DATA: `-` or one or more `[...]`, where a quoted
// PARAM-VALUE may hold `\"`, `\\` and `\]`. Returns false when it breaks off.
bool TakeStructuredData(std::string_view* s, std::string_view* sd) {
  if (!s->empty() && (*s)[0] == '-') {
    s->remove_prefix(1);
    return true;
  }
  size_t i = 0;
  while (i < s->size() && (*s)[i] == '[') {
    bool quoted = false;
    for (++i;; ++i) {
      if (i >= s->size()) return false;
      char c = (*s)[i];
      if (quoted && c == '\\') {
        ++i;
      } else if (c == '"') {
        quoted = !quoted;
      } else if (c == ']' && !quoted) {
        ++i;
        break;
      }
    }
  }
  if (i == 0) return false;
  *sd = s->substr(0, i);
  s->remove_prefix(i);
  return true;
}

bool ParseRfc5424(std::string_view s, SyslogMessage* m) {
  // VERSION SP TIMESTAMP SP HOSTNAME SP APP-NAME SP PROCID SP MSGID SP SD [SP MSG]
  std::string_view version = NextWord(&s);
  if (version.empty() || version.size() > 2 || !IsDigit(version[0]) || version[0] == '0')
    return false;
  std::array<std::string_view, 5> header;
  for (std::string_view& field : header) {
    if (s.empty()) return false;
    field = NextWord(&s);
    if (field.empty()) return false;
  }
  if (!TakeStructuredData(&s, &m->structured_data)) return false;
  if (!s.empty()) {
    if (s[0] != ' ') return false;
    s.remove_prefix(1);
  }
  if (s.substr(0, 3) == "\xEF\xBB\xBF") s.remove_prefix(3);
  m->timestamp = Nil(header[0]);
  m->hostname = Nil(header[1]);
  m->app_name = Nil(header[2]);
  m->procid = Nil(header[3]);
  m->msgid = Nil(header[4]);
  m->message = s;
  m->format = SyslogMessage::Format::kRfc5424;
  return true;
}

// `Mmm dd hh:mm:ss ` (dd may be ` 1`) or an RFC 3339 word `YYYY-MM-DDT... `.
bool TakeTimestamp(std::string_view* s, std::string_view* ts) {
  static constexpr std::array<std::string_view, 12> kMonths = {
      "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  std::string_view t = *s;
  if (t.size() >= 16 &&
      std::find(kMonths.begin(), kMonths.end(), t.substr(0, 3)) != kMonths.end() && t[3] == ' ' &&
      (t[4] == ' ' || IsDigit(t[4])) && IsDigit(t[5]) && t[6] == ' ' && IsDigit(t[7]) &&
      IsDigit(t[8]) && t[9] == ':' && IsDigit(t[10]) && IsDigit(t[11]) && t[12] == ':' &&
      IsDigit(t[13]) && IsDigit(t[14]) && t[15] == ' ') {
    *ts = t.substr(0, 15);
    s->remove_prefix(16);
    return true;
  }
  if (t.size() >= 11 && IsDigit(t[0]) && IsDigit(t[1]) && IsDigit(t[2]) && IsDigit(t[3]) &&
      t[4] == '-' && t.find('T') < t.find(' ') && t.find(' ') != std::string_view::npos) {
    *ts = NextWord(s);
    return true;
  }
  return false;
}

// `NAME:` or `NAME[PID]:`, NAME without ' ', '[' or ':'.
bool ParseTag(std::string_view word, std::string_view* name, std::string_view* pid) {
  if (word.size() < 2 || word.back() != ':') return false;
  word.remove_suffix(1);
  size_t open = word.find('[');
  std::string_view n = word.substr(0, open);
  if (n.empty() || n.find(':') != std::string_view::npos) return false;
  if (open != std::string_view::npos) {
    if (word.back() != ']' || word.find('[', open + 1) != std::string_view::npos) return false;
    *pid = word.substr(open + 1, word.size() - open - 2);
  }
  *name = n;
  return true;
}

void ParseRfc3164(std::string_view s, SyslogMessage* m) {
  m->format = SyslogMessage::Format::kRfc3164;
  bool has_time = TakeTimestamp(&s, &m->timestamp);
  std::string_view rest = s;
  std::string_view first = NextWord(&rest);
  if (ParseTag(first, &m->app_name, &m->procid)) {
    m->message = rest;
    return;
  }
  std::string_view after_host = rest;
  std::string_view second = NextWord(&after_host);
  std::string_view name, pid;
  bool second_is_tag = ParseTag(second, &name, &pid);
  if (!first.empty() && (has_time || second_is_tag) && rest.data() != s.data() + s.size()) {
    m->hostname = first;
    if (second_is_tag) {
      m->app_name = name;
      m->procid = pid;
      m->message = after_host;
    } else {
      m->message = rest;
    }
    return;
  }
  m->message = s;
}

}  // namespace

SyslogMessage ParseSyslog(std::string_view line) {
  SyslogMessage m;
  std::string_view s = line;
  int pri = 0;
  if (ParsePri(&s, &pri)) {
    bool rfc5424 = !s.empty() && IsDigit(s[0]) && s.find(' ') <= 2;
    if (!rfc5424 || !ParseRfc5424(s, &m)) {
      m = SyslogMessage();
      ParseRfc3164(s, &m);
    }
    m.facility = pri / 8;
    m.severity = pri % 8;
    return m;
  }
  m.message = line;
  return m;
}

std::string_view SyslogFacilityName(int facility) {
  static constexpr std::array<std::string_view, 24> kNames = {
      "kern",   "user",   "mail",     "daemon", "auth",   "syslog",   "lpr",     "news",
      "uucp",   "cron",   "authpriv", "ftp",    "ntp",    "security", "console", "solaris-cron",
      "local0", "local1", "local2",   "local3", "local4", "local5",   "local6",  "local7"};
  return facility >= 0 && facility < 24 ? kNames[static_cast<size_t>(facility)] : "";
}

std::string_view SyslogSeverityName(int severity) {
  static constexpr std::array<std::string_view, 8> kNames = {"emerg",   "alert",  "crit", "err",
                                                             "warning", "notice", "info", "debug"};
  return severity >= 0 && severity < 8 ? kNames[static_cast<size_t>(severity)] : "";
}

// --- framing -----------------------------------------------------------------

void SyslogFramer::Emit(std::vector<SyslogFrame>* out) {
  if (!frame_.text.empty() && frame_.text.back() == '\r' && frame_.cut_bytes == 0)
    frame_.text.pop_back();
  if (!frame_.text.empty() || frame_.cut_bytes > 0) out->push_back(std::move(frame_));
  frame_ = SyslogFrame();
  state_ = State::kStart;
}

void SyslogFramer::Feed(std::string_view bytes, std::vector<SyslogFrame>* out) {
  size_t i = 0;
  while (i < bytes.size()) {
    char c = bytes[i];
    switch (state_) {
      case State::kStart:
        if (c == '\n' || c == '\r' || c == '\0') {
          ++i;  // blank lines and NUL separators between frames
          break;
        }
        state_ = c >= '1' && c <= '9' ? State::kLength : State::kLine;
        break;
      case State::kLength:
        if (IsDigit(c) && frame_.text.size() < 9) {
          frame_.text.push_back(c);
          ++i;
        } else if (c == ' ' && !frame_.text.empty()) {
          remaining_ = std::stoul(frame_.text);
          frame_.text.clear();
          state_ = State::kCounted;
          ++i;
        } else {
          state_ = State::kLine;  // digits that were not a length: the frame's text
        }
        break;
      case State::kCounted: {
        size_t n = std::min(remaining_, bytes.size() - i);
        size_t keep = std::min(n, max_ - std::min(max_, frame_.text.size()));
        frame_.text.append(bytes.data() + i, keep);
        frame_.cut_bytes += n - keep;
        remaining_ -= n;
        i += n;
        if (remaining_ == 0) {
          // A counted frame may end in the sender's '\n' (rsyslog's does not).
          while (!frame_.text.empty() && frame_.text.back() == '\n' && frame_.cut_bytes == 0)
            frame_.text.pop_back();
          Emit(out);
        }
        break;
      }
      case State::kLine: {
        const char* nl =
            static_cast<const char*>(std::memchr(bytes.data() + i, '\n', bytes.size() - i));
        size_t end = nl == nullptr ? bytes.size() : static_cast<size_t>(nl - bytes.data());
        size_t n = end - i;
        size_t keep = std::min(n, max_ - std::min(max_, frame_.text.size()));
        frame_.text.append(bytes.data() + i, keep);
        frame_.cut_bytes += n - keep;
        i = end;
        if (nl != nullptr) {
          ++i;
          Emit(out);
        }
        break;
      }
    }
  }
}

void SyslogFramer::Finish(std::vector<SyslogFrame>* out) {
  if (state_ == State::kCounted) frame_.incomplete = true;
  if (state_ != State::kStart) {
    Emit(out);
  }
  state_ = State::kStart;
}

}  // namespace logsieve
