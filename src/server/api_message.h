// ApiRequest / ApiResponse: what the edge (http_edge.cc, the only file that
// knows Boost.Beast) hands to the handlers and takes back. Plain values, no
// sockets: handlers and their tests never see the transport.
//
//   ApiRequest req{.method = "POST", .path = "/classify-single/"};
//   req.headers.push_back({"Content-Type", "application/json"});
//   std::string_view type = req.Header("content-type");  // names are case-insensitive
//
// Thread safety: plain values.
#ifndef LOGSIEVE_SERVER_API_MESSAGE_H_
#define LOGSIEVE_SERVER_API_MESSAGE_H_

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace logsieve {

using ApiHeaders = std::vector<std::pair<std::string, std::string>>;

// True when `a` and `b` are equal ignoring ASCII case.
inline bool EqualsIgnoreCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

struct ApiRequest {
  std::string method;  // "GET", "POST", ... as sent
  std::string target;  // as sent: "/v1/classify?x=1"
  std::string path;    // the target up to '?'
  ApiHeaders headers;
  std::string remote;  // "127.0.0.1:50312"
  std::string body;    // the whole body when the edge buffered it (not for the stream)

  // The first header named `name` (any case), or "" when absent.
  std::string_view Header(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (EqualsIgnoreCase(k, name)) return v;
    }
    return {};
  }
  bool HasHeader(std::string_view name) const {
    for (const auto& [k, v] : headers) {
      if (EqualsIgnoreCase(k, name)) return true;
    }
    return false;
  }
};

struct ApiResponse {
  int status = 200;
  std::string content_type;  // "" for none
  ApiHeaders headers;        // besides Content-Type, Content-Length and Connection
  std::string body;
  bool close = false;  // close the connection after this answer
};

}  // namespace logsieve

#endif  // LOGSIEVE_SERVER_API_MESSAGE_H_
