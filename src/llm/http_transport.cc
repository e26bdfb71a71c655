#include "llm/http_transport.h"

#include <curl/curl.h>

#include <cctype>
#include <chrono>
#include <vector>

#include "common/thread_annotations.h"

namespace logsieve {
namespace {

// curl_global_init is not thread-safe; run it once before the first handle.
void GlobalInitOnce() {
  static std::once_flag once;
  std::call_once(once, [] { curl_global_init(CURL_GLOBAL_DEFAULT); });
}

struct Exchange {
  std::string body;
  std::string retry_after;
  size_t max_body_bytes = 0;
  bool too_large = false;
};

size_t OnBody(char* data, size_t size, size_t nmemb, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * nmemb;
  if (ex->body.size() + n > ex->max_body_bytes) {
    ex->too_large = true;
    return 0;  // aborts the transfer
  }
  ex->body.append(data, n);
  return n;
}

size_t OnHeader(char* data, size_t size, size_t nmemb, void* user) {
  auto* ex = static_cast<Exchange*>(user);
  size_t n = size * nmemb;
  std::string_view line(data, n);
  constexpr std::string_view kName = "retry-after:";
  if (line.size() > kName.size()) {
    bool match = true;
    for (size_t i = 0; i < kName.size() && match; ++i) {
      match = std::tolower(static_cast<unsigned char>(line[i])) == kName[i];
    }
    if (match) {
      std::string_view v = line.substr(kName.size());
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.front()))) v.remove_prefix(1);
      while (!v.empty() && std::isspace(static_cast<unsigned char>(v.back()))) v.remove_suffix(1);
      ex->retry_after = std::string(v);
    }
  }
  return n;
}

class CurlTransport : public HttpTransport {
 public:
  explicit CurlTransport(size_t max_body_bytes) : max_body_bytes_(max_body_bytes) {
    GlobalInitOnce();
  }
  ~CurlTransport() override {
    for (CURL* h : free_) curl_easy_cleanup(h);
  }

  HttpResponse Post(const HttpRequest& request) override {
    HttpResponse out;
    CURL* h = Acquire();
    if (h == nullptr) {
      out.error = "cannot create a curl handle";
      return out;
    }
    Exchange ex;
    ex.max_body_bytes = max_body_bytes_;
    curl_slist* headers = nullptr;
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, "Accept: application/json");
    headers = curl_slist_append(headers, "Expect:");  // no 100-continue round trip before the body
    std::string auth;
    if (!request.bearer_token.empty()) {
      auth = "Authorization: Bearer " + request.bearer_token;
      headers = curl_slist_append(headers, auth.c_str());
    }
    for (const std::string& extra : request.headers) {
      headers = curl_slist_append(headers, extra.c_str());
    }
    curl_easy_setopt(h, CURLOPT_URL, request.url.c_str());
    curl_easy_setopt(h, CURLOPT_POST, 1L);
    curl_easy_setopt(h, CURLOPT_POSTFIELDS, request.body.data());
    curl_easy_setopt(h, CURLOPT_POSTFIELDSIZE_LARGE, static_cast<curl_off_t>(request.body.size()));
    curl_easy_setopt(h, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, static_cast<long>(request.connect_timeout_ms));
    curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, static_cast<long>(request.timeout_ms));
    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);  // threads: no SIGALRM for DNS timeouts
    curl_easy_setopt(h, CURLOPT_ACCEPT_ENCODING, "");
    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, OnBody);
    curl_easy_setopt(h, CURLOPT_WRITEDATA, &ex);
    curl_easy_setopt(h, CURLOPT_HEADERFUNCTION, OnHeader);
    curl_easy_setopt(h, CURLOPT_HEADERDATA, &ex);
    curl_easy_setopt(h, CURLOPT_USERAGENT, "logsieve");
    char errbuf[CURL_ERROR_SIZE] = "";
    curl_easy_setopt(h, CURLOPT_ERRORBUFFER, errbuf);
    // Redirects are not followed: a POST with a bearer token goes where configured, nowhere else.
    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L);

    auto start = std::chrono::steady_clock::now();
    CURLcode rc = curl_easy_perform(h);
    out.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    curl_slist_free_all(headers);
    std::fill(auth.begin(), auth.end(), '\0');

    if (rc == CURLE_OK) {
      long status = 0;
      curl_easy_getinfo(h, CURLINFO_RESPONSE_CODE, &status);
      out.outcome = HttpOutcome::kOk;
      out.status = static_cast<int>(status);
      out.body = std::move(ex.body);
      out.retry_after = std::move(ex.retry_after);
    } else if (ex.too_large) {
      out.outcome = HttpOutcome::kTooLarge;
      out.error = "response larger than " + std::to_string(max_body_bytes_) + " bytes";
    } else if (rc == CURLE_OPERATION_TIMEDOUT) {
      out.outcome = HttpOutcome::kTimeout;
      out.error = errbuf[0] != '\0' ? errbuf : "timed out";
    } else {
      out.outcome = HttpOutcome::kConnection;
      out.error = errbuf[0] != '\0' ? errbuf : curl_easy_strerror(rc);
    }
    Release(h, rc == CURLE_OK);
    return out;
  }

 private:
  CURL* Acquire() {
    {
      MutexLock lock(&mu_);
      if (!free_.empty()) {
        CURL* h = free_.back();
        free_.pop_back();
        return h;
      }
    }
    return curl_easy_init();
  }

  // A handle whose transfer failed may hold a broken connection; drop it.
  void Release(CURL* h, bool healthy) {
    if (!healthy) {
      curl_easy_cleanup(h);
      return;
    }
    curl_easy_reset(h);  // keeps the live connection and TLS session cache
    MutexLock lock(&mu_);
    free_.push_back(h);
  }

  const size_t max_body_bytes_;
  Mutex mu_;
  std::vector<CURL*> free_ GUARDED_BY(mu_);
};

}  // namespace

std::unique_ptr<HttpTransport> MakeCurlTransport(size_t max_body_bytes) {
  return std::make_unique<CurlTransport>(max_body_bytes);
}

}  // namespace logsieve
