#include "server/multipart.h"

#include <utility>

#include "common/strings.h"
#include "server/api_message.h"

namespace logsieve {
namespace {

bool IsTokenChar(char c) {
  if (c >= 'a' && c <= 'z') return true;
  if (c >= 'A' && c <= 'Z') return true;
  if (c >= '0' && c <= '9') return true;
  return std::string_view("!#$%&'*+-.^_`|~").find(c) != std::string_view::npos;
}

// Parameters of a header value: `form-data; name="file"; filename="a.csv"`.
// Calls `param(name, value)` for each; false on a malformed list. `first`
// gets the value before the first ';'.
template <typename F>
bool ParseParameters(std::string_view v, std::string_view& first, F param) {
  size_t semi = v.find(';');
  first = TrimHttpSpace(v.substr(0, semi));
  if (semi == std::string_view::npos) return true;
  v.remove_prefix(semi + 1);
  while (true) {
    v = TrimHttpSpace(v);
    if (v.empty()) return true;
    size_t eq = v.find('=');
    if (eq == std::string_view::npos) return false;
    std::string_view name = TrimHttpSpace(v.substr(0, eq));
    if (name.empty()) return false;
    for (char c : name) {
      if (!IsTokenChar(c)) return false;
    }
    v.remove_prefix(eq + 1);
    v = TrimHttpSpace(v);
    std::string value;
    if (!v.empty() && v.front() == '"') {
      size_t i = 1;
      bool closed = false;
      for (; i < v.size(); ++i) {
        if (v[i] == '\\' && i + 1 < v.size()) {
          value += v[++i];
        } else if (v[i] == '"') {
          closed = true;
          break;
        } else {
          value += v[i];
        }
      }
      if (!closed) return false;
      v.remove_prefix(i + 1);
      v = TrimHttpSpace(v);
      if (!v.empty() && v.front() != ';') return false;
    } else {
      size_t end = v.find(';');
      value = std::string(TrimHttpSpace(v.substr(0, end)));
      v.remove_prefix(end == std::string_view::npos ? v.size() : end);
    }
    param(name, std::move(value));
    if (!v.empty()) v.remove_prefix(1);  // the ';'
  }
}

}  // namespace

StatusOr<std::string> MultipartBoundary(std::string_view content_type) {
  std::string_view first;
  std::string boundary;
  bool ok = ParseParameters(content_type, first, [&](std::string_view name, std::string value) {
    if (EqualsIgnoreCase(name, "boundary")) boundary = std::move(value);
  });
  if (!ok) return InvalidArgumentError("malformed multipart/form-data Content-Type");
  if (boundary.empty() || boundary.size() > 70) {
    return InvalidArgumentError(
        "multipart/form-data without a boundary (1 to 70 characters) in its Content-Type");
  }
  return boundary;
}

MultipartParser::MultipartParser(std::string_view boundary, PartCallback on_part,
                                 DataCallback on_data)
    : delimiter_("\r\n--" + std::string(boundary)),
      on_part_(std::move(on_part)),
      on_data_(std::move(on_data)),
      pending_("\r\n") {}  // so the opening delimiter reads like every other

Status MultipartParser::Fail(std::string message) {
  error_ = InvalidArgumentError("malformed multipart/form-data body: " + std::move(message));
  pending_.clear();
  return error_;
}

Status MultipartParser::Feed(std::string_view bytes) {
  if (!error_.ok()) return error_;
  if (state_ == State::kEpilogue) return OkStatus();
  pending_.append(bytes);
  while (true) {
    switch (state_) {
      case State::kPreamble: {
        size_t at = pending_.find(delimiter_);
        if (at == std::string::npos) {
          // Keep what could still begin a delimiter; the preamble is dropped.
          if (pending_.size() >= delimiter_.size()) {
            pending_.erase(0, pending_.size() - (delimiter_.size() - 1));
          }
          return OkStatus();
        }
        pending_.erase(0, at + delimiter_.size());
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kAfterDelimiter: {
        if (pending_.size() < 2) return OkStatus();
        if (pending_.starts_with("--")) {
          state_ = State::kEpilogue;
          pending_.clear();
          return OkStatus();
        }
        size_t i = 0;  // transport padding, then CRLF
        while (i < pending_.size() && (pending_[i] == ' ' || pending_[i] == '\t')) ++i;
        if (i > 256) return Fail("padding after a delimiter");
        if (pending_.size() < i + 2) return OkStatus();
        if (pending_.compare(i, 2, "\r\n") != 0) return Fail("delimiter not followed by CRLF");
        pending_.erase(0, i + 2);
        state_ = State::kHead;
        break;
      }
      case State::kHead: {
        size_t end;
        size_t skip;
        if (pending_.starts_with("\r\n")) {
          end = 0;
          skip = 2;
        } else {
          end = pending_.find("\r\n\r\n");
          skip = 4;
        }
        if (end == std::string::npos) {
          // Past this the end could only come after kMaxPartHead bytes: the
          // same verdict as when the whole head arrives at once.
          if (pending_.size() >= kMaxPartHead + 4) {
            return Fail("part headers over " + std::to_string(kMaxPartHead) + " bytes");
          }
          return OkStatus();
        }
        if (end > kMaxPartHead) {
          return Fail("part headers over " + std::to_string(kMaxPartHead) + " bytes");
        }
        if (Status s = ParseHead(std::string_view(pending_).substr(0, end)); !s.ok()) return s;
        pending_.erase(0, end + skip);
        state_ = State::kData;
        ++parts_;
        break;
      }
      case State::kData: {
        size_t at = pending_.find(delimiter_);
        if (at == std::string::npos) {
          size_t keep = delimiter_.size() - 1;
          if (pending_.size() > keep) {
            size_t n = pending_.size() - keep;
            on_data_(std::string_view(pending_).substr(0, n));
            pending_.erase(0, n);
          }
          return OkStatus();
        }
        if (at > 0) on_data_(std::string_view(pending_).substr(0, at));
        pending_.erase(0, at + delimiter_.size());
        state_ = State::kAfterDelimiter;
        break;
      }
      case State::kEpilogue:
        pending_.clear();
        return OkStatus();
    }
  }
}

Status MultipartParser::ParseHead(std::string_view head) {
  MultipartPart part;
  bool disposition = false;
  while (!head.empty()) {
    size_t eol = head.find("\r\n");
    std::string_view line = head.substr(0, eol);
    head.remove_prefix(eol == std::string_view::npos ? head.size() : eol + 2);
    size_t colon = line.find(':');
    if (colon == std::string_view::npos || colon == 0) {
      return Fail("part header line without a name: '" + std::string(line.substr(0, 80)) + "'");
    }
    std::string_view name = line.substr(0, colon);
    for (char c : name) {
      if (!IsTokenChar(c)) return Fail("bad part header name '" + std::string(name) + "'");
    }
    std::string_view value = TrimHttpSpace(line.substr(colon + 1));
    if (EqualsIgnoreCase(name, "Content-Disposition")) {
      if (disposition) return Fail("two Content-Disposition headers in one part");
      disposition = true;
      std::string_view type;
      bool ok = ParseParameters(value, type, [&](std::string_view pname, std::string pvalue) {
        if (EqualsIgnoreCase(pname, "name")) {
          part.name = std::move(pvalue);
        } else if (EqualsIgnoreCase(pname, "filename")) {
          part.filename = std::move(pvalue);
        }
      });
      if (!ok || !EqualsIgnoreCase(type, "form-data")) {
        return Fail("Content-Disposition is not form-data: '" + std::string(value.substr(0, 80)) +
                    "'");
      }
    } else if (EqualsIgnoreCase(name, "Content-Type")) {
      part.content_type = std::string(value);
    }
  }
  if (!disposition) return Fail("a part without Content-Disposition");
  if (part.name.empty()) return Fail("a part without a field name");
  on_part_(part);
  return OkStatus();
}

Status MultipartParser::Finish() {
  if (!error_.ok()) return error_;
  if (state_ != State::kEpilogue) {
    return Fail(parts_ == 0 ? "no part" : "the body ends before the close delimiter");
  }
  return OkStatus();
}

}  // namespace logsieve
