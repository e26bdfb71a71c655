// Admission: what is decided from a request's head alone, before any body is
// read, beside the route table (routes.h): message framing beyond what the
// HTTP parser checks (RFC 9112 section 6), media types, declared lengths and
// bearer tokens.
//
//   if (FramingProblem p = CheckFraming(req); p.status != 0) -> answer p, close
//   bool ok = Authorized(req, options.api_keys);
//
// Thread safety: pure functions.
#ifndef LOGSIEVE_SERVER_ADMISSION_H_
#define LOGSIEVE_SERVER_ADMISSION_H_

#include <string>
#include <string_view>
#include <vector>

#include "server/api_message.h"

namespace logsieve {

// The client's address without its port: "127.0.0.1" for "127.0.0.1:50312",
// "::1" for "::1:50312".
std::string_view ClientAddress(std::string_view remote);

// A framing problem the parser let through, or status 0. Checked on every
// request head: Transfer-Encoding other than a single final "chunked" (501
// for an unknown coding, 400 otherwise), Transfer-Encoding with
// Content-Length (400), a Content-Length that is not digits or differs
// between headers (400), and a chunked body on a method without one (400).
struct FramingProblem {
  int status = 0;
  std::string detail;
};
FramingProblem CheckFraming(const ApiRequest& req);

// True when the target asks for explanations: ?explain=1 (or true).
bool WantsExplain(std::string_view target);

// The media type of the Content-Type header, lower case, parameters dropped:
// "application/json" for "Application/JSON; charset=utf-8".
std::string MediaType(const ApiRequest& req);

// Whether the request carries one of `keys` as "Authorization: Bearer KEY"
// (compared in constant time). True when `keys` is empty.
bool Authorized(const ApiRequest& req, const std::vector<std::string>& keys);
// The 401 answer (with WWW-Authenticate: Bearer).
ApiResponse Unauthorized(const ApiRequest& req);
// Whether the request may use an admin-like route (RouteAuth::kAdminLoopback): with `keys`,
// as Authorized; without keys, only a client on loopback, so that a server
// opened to the network without keys (`--host 0.0.0.0` in a container) cannot
// be made to reload, learn or activate, nor show its stored lines, by anyone.
bool AdminAuthorized(const ApiRequest& req, const std::vector<std::string>& keys);
// The 403 answer to an admin request from off loopback when no keys are set.
ApiResponse AdminForbidden();

// The line limit's key, and how much longer JSON escaping can make a string
// ("\u0001" is 6 bytes for 1): a body of one record (/classify-single/,
// /v1/feedback) is refused past kJsonEscapeFactor x the limit plus
// kRecordBodySlack, before it is read.
inline constexpr std::string_view kRecordLimitKey = "input.max_record_bytes";
inline constexpr size_t kJsonEscapeFactor = 6;
inline constexpr size_t kRecordBodySlack = 64 << 10;

// The detail of a body that could not be read whole: 413 (naming the key
// "server.<key>", or kRecordLimitKey), 408, or 400 (bad framing or connection
// lost).
std::string BodyFailureDetail(int status, size_t limit, std::string_view key);

// "Not Found", "Request Header Fields Too Large"...
std::string_view ReasonPhrase(int status);

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_ADMISSION_H_
