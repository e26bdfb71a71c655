#include "server/admission.h"

#include <cctype>

#include "common/strings.h"
#include "server/codec.h"

namespace logsieve {
namespace {

std::string Lower(std::string_view s) {
  std::string out(s);
  for (char& c : out) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return out;
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  unsigned char diff = 0;
  for (size_t i = 0; i < a.size(); ++i) diff |= static_cast<unsigned char>(a[i] ^ b[i]);
  return diff == 0;
}

}  // namespace

FramingProblem CheckFraming(const ApiRequest& req) {
  bool has_te = false, has_cl = false, chunked_last = false;
  std::string_view length;
  for (const auto& [name, value] : req.headers) {
    if (EqualsIgnoreCase(name, "Transfer-Encoding")) {
      has_te = true;
      // A list of codings, possibly over several header lines; only one
      // "chunked", last, is understood (RFC 9112 6.1).
      std::string_view rest = value;
      while (true) {
        size_t comma = rest.find(',');
        std::string coding = Lower(TrimHttpSpace(rest.substr(0, comma)));
        if (!coding.empty()) {
          if (coding != "chunked") {
            return {501, "Transfer-Encoding '" + coding + "' is not implemented (only chunked)"};
          }
          if (chunked_last) return {400, "Transfer-Encoding: chunked given twice"};
          chunked_last = true;
        }
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    } else if (EqualsIgnoreCase(name, "Content-Length")) {
      // Digits only; several values (or headers) must agree.
      std::string_view rest = value;
      while (true) {
        size_t comma = rest.find(',');
        std::string_view v = TrimHttpSpace(rest.substr(0, comma));
        if (v.empty() || v.size() > 19 ||
            v.find_first_not_of("0123456789") != std::string_view::npos) {
          return {400, "malformed Content-Length"};
        }
        while (v.size() > 1 && v.front() == '0') v.remove_prefix(1);
        if (has_cl && v != length) return {400, "conflicting Content-Length headers"};
        has_cl = true;
        length = v;
        if (comma == std::string_view::npos) break;
        rest.remove_prefix(comma + 1);
      }
    }
  }
  if (has_te && has_cl) return {400, "both Transfer-Encoding and Content-Length"};
  if (has_te && !chunked_last) return {400, "empty Transfer-Encoding"};
  if (has_te && req.method != "POST" && req.method != "PUT" && req.method != "PATCH" &&
      req.method != "DELETE") {
    return {400, "a chunked request body is only accepted on POST endpoints"};
  }
  return {};
}

std::string MediaType(const ApiRequest& req) {
  std::string_view v = req.Header("Content-Type");
  return Lower(TrimHttpSpace(v.substr(0, v.find(';'))));
}

bool Authorized(const ApiRequest& req, const std::vector<std::string>& keys) {
  if (keys.empty()) return true;
  std::string_view auth = req.Header("Authorization");
  if (Lower(auth.substr(0, 7)) != "bearer ") return false;
  std::string_view token = auth.substr(7);
  while (!token.empty() && token.front() == ' ') token.remove_prefix(1);
  bool good = false;
  for (const std::string& key : keys) good |= ConstantTimeEquals(token, key);
  return good;
}

std::string_view ClientAddress(std::string_view remote) {
  const size_t colon = remote.rfind(':');
  return colon == std::string_view::npos ? remote : remote.substr(0, colon);
}

bool AdminAuthorized(const ApiRequest& req, const std::vector<std::string>& keys) {
  if (!keys.empty()) return Authorized(req, keys);
  std::string_view remote = req.remote;  // "127.0.0.1:50312", "::1:50312"
  return remote.starts_with("127.") || remote.starts_with("::1:") ||
         remote.starts_with("::ffff:127.");
}

ApiResponse AdminForbidden() {
  return ErrorAnswer(403,
                     "admin endpoints (reload, learn, models, activate, review, live) answer only "
                     "loopback "
                     "clients when server.api_keys is empty; set a key to use them from elsewhere");
}

ApiResponse Unauthorized(const ApiRequest& req) {
  ApiResponse res =
      ErrorAnswer(401, req.HasHeader("Authorization") ? "Invalid authentication credentials"
                                                      : "Not authenticated");
  res.headers.emplace_back("WWW-Authenticate", "Bearer");
  return res;
}

std::string BodyFailureDetail(int status, size_t limit, std::string_view key) {
  if (status == 413) {
    if (key == kRecordLimitKey) {
      return "request body over " + std::to_string(limit) +
             " bytes: this endpoint takes one record, whose strings are at most " +
             std::string(kRecordLimitKey) + " once decoded (escaped, up to " +
             std::to_string(kJsonEscapeFactor) + " times longer)";
    }
    return "request body over " + std::to_string(limit) + " bytes" +
           (key.empty() ? std::string(" (this endpoint takes no body)")
                        : " (server." + std::string(key) + ")");
  }
  if (status == 408) return "request body not received within server.request_timeout_ms";
  return "could not read the request body (malformed framing or connection lost)";
}

bool WantsExplain(std::string_view target) {
  const std::optional<std::string_view> v = QueryParam(target, "explain");
  return v == "1" || v == "true";
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 400:
      return "Bad Request";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 403:
      return "Forbidden";
    case 408:
      return "Request Timeout";
    case 411:
      return "Length Required";
    case 413:
      return "Request Entity Too Large";
    case 414:
      return "URI Too Long";
    case 415:
      return "Unsupported Media Type";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 501:
      return "Not Implemented";
    case 503:
      return "Service Unavailable";
    default:
      return "Error";
  }
}

}  // namespace logsieve
