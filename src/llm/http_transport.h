// HttpTransport: one blocking HTTPS POST, the only door from logsieve to an
// LLM endpoint and to output.otlp.endpoint (and the only code that includes
// libcurl).
//
//   std::unique_ptr<HttpTransport> http = MakeCurlTransport();
//   HttpResponse r = http->Post({.url = "https://api.groq.com/openai/v1/chat/completions",
//                                .body = json_text, .bearer_token = key,
//                                .connect_timeout_ms = 5000, .timeout_ms = 30000});
//   if (r.outcome == HttpOutcome::kOk && r.status == 200) Use(r.body);
//
// TLS is verified with the system CA store; proxies come from the usual
// environment variables (https_proxy, no_proxy, ...) as libcurl reads them.
// Errors never contain the request headers, so never the bearer token.
//
// Thread safety: Post may be called from any number of threads at once; the
// curl transport keeps a pool of easy handles so that connections (and TLS
// sessions) are reused across calls.
#ifndef LOGSIEVE_LLM_HTTP_TRANSPORT_H_
#define LOGSIEVE_LLM_HTTP_TRANSPORT_H_

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace logsieve {

struct HttpRequest {
  std::string url;
  std::string body;                       // application/json
  std::string bearer_token;               // empty: no Authorization header
  int64_t connect_timeout_ms = 0;         // llm.connect_timeout_ms (0: curl's default)
  int64_t timeout_ms = 0;                 // llm.timeout_ms (0: none)
  std::vector<std::string> headers = {};  // more, each "Name: value" (output.otlp.headers)
};

enum class HttpOutcome {
  kOk,          // a complete HTTP response arrived (any status)
  kTimeout,     // connect or total timeout
  kConnection,  // refused, reset, dropped mid-response, DNS, TLS
  kTooLarge,    // the response body passed the size cap
};

struct HttpResponse {
  HttpOutcome outcome = HttpOutcome::kConnection;
  int status = 0;  // HTTP status when outcome == kOk
  std::string body;
  std::string retry_after;  // the Retry-After header, verbatim, if any
  std::string error;        // transport error for people, when outcome != kOk
  double seconds = 0;       // wall time of the exchange
};

class HttpTransport {
 public:
  virtual ~HttpTransport() = default;
  virtual HttpResponse Post(const HttpRequest& request) = 0;
};

// The libcurl transport. Response bodies larger than `max_body_bytes` are cut
// off (outcome kTooLarge).
std::unique_ptr<HttpTransport> MakeCurlTransport(size_t max_body_bytes = 4 << 20);

}  // namespace logsieve

#endif  // LOGSIEVE_LLM_HTTP_TRANSPORT_H_
