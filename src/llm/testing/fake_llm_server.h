// FakeLlmServer: an OpenAI-compatible chat completion server on loopback, for
// tests. Scriptable per request, it counts and records what it receives.
//
//   auto server = FakeLlmServer::Start();          // 127.0.0.1, a free port
//   (*server)->Enqueue(FakeReply::Error(429, "1"));  // first request: 429 + Retry-After: 1
//   (*server)->Enqueue(FakeReply::Label("Security Alert"));
//   config.Set("llm.base_url", (*server)->base_url(), "test");
//   ... run the stage ...
//   EXPECT_EQ((*server)->request_count(), 2);
//
// Replies: queued replies are served first, in order (one per request); when
// the queue is empty the handler answers (by default: the label "System
// Notification" for every line, in the single or the batched answer form).
// Any POST path ending in /chat/completions is served.
//
// Thread safety: all methods may be called from any thread while the server
// runs; requests are served concurrently (32 threads). cpp-httplib listens
// with a backlog of 5, so a burst of new connections may wait for a SYN retry
// (1 s): give clients a connect timeout above that.
#ifndef LOGSIEVE_LLM_TESTING_FAKE_LLM_SERVER_H_
#define LOGSIEVE_LLM_TESTING_FAKE_LLM_SERVER_H_

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <memory>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include "common/status.h"
#include "common/thread_annotations.h"

namespace httplib {
class Server;
}

namespace logsieve::testing {

struct FakeReply {
  int status = 200;
  std::string body;  // the whole HTTP body, sent as application/json
  std::vector<std::pair<std::string, std::string>> headers;
  std::chrono::milliseconds delay{0};  // wait before answering
  bool drop = false;                   // send the headers, then close mid-body

  // 200 with a chat completion whose content is {"label": label, "reason": reason}.
  static FakeReply Label(const std::string& label, const std::string& reason = "fake reason");
  // 200 with a chat completion whose message content is `content` verbatim;
  // `logprobs` (if not null) becomes choices[0].logprobs.
  static FakeReply Content(const std::string& content, const nlohmann::json& logprobs = nullptr);
  // `status` with an OpenAI-style error body, and Retry-After when given.
  static FakeReply Error(int status, const std::string& retry_after = "");
  // 200 whose body is not JSON.
  static FakeReply Malformed();
  // 200 headers, then the connection closes before the body is complete.
  static FakeReply Drop();
  // This reply, `ms` later.
  FakeReply After(std::chrono::milliseconds ms) &&;
};

struct FakeRequest {
  std::string path;
  std::string body;
  std::string authorization;  // the Authorization header, verbatim
  nlohmann::json json;        // the parsed body (null if not JSON)
  std::chrono::steady_clock::time_point received_at;

  // The log lines of the request, in order: the "log" fields of the JSON data
  // after the first newline of the last user message (logsieve's prompt
  // format: one object, or a list for batched requests).
  std::vector<std::string> Logs() const;
  // The whole text of all messages.
  std::string AllText() const;
};

class FakeLlmServer {
 public:
  using Handler = std::function<FakeReply(const FakeRequest&)>;

  // Binds 127.0.0.1 on a free port and starts serving.
  static StatusOr<std::unique_ptr<FakeLlmServer>> Start();
  ~FakeLlmServer();  // Stop()s

  // "http://127.0.0.1:PORT/v1"
  std::string base_url() const;
  int port() const { return port_; }

  void Enqueue(FakeReply reply);
  void SetHandler(Handler handler);
  // A handler answering each line with the label of the first keyword its log
  // text contains, else `fallback`; batched requests get the answers form.
  static Handler LabelByKeyword(std::map<std::string, std::string> keyword_to_label,
                                std::string fallback);

  size_t request_count() const;
  // The log lines asked about over every request (FakeRequest::Logs).
  size_t line_count() const;
  std::vector<FakeRequest> requests() const;
  // Stops serving; replies waiting on a delay are cut short. Idempotent.
  void Stop();

 private:
  FakeLlmServer();
  FakeReply Next(const FakeRequest& request);
  // Sleeps `d` unless Stop() comes first; false when stopped.
  bool Wait(std::chrono::milliseconds d);

  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  int port_ = 0;

  mutable Mutex mu_;
  CondVar stop_cv_;
  bool stopping_ GUARDED_BY(mu_) = false;
  std::deque<FakeReply> queue_ GUARDED_BY(mu_);
  Handler handler_ GUARDED_BY(mu_);
  std::vector<FakeRequest> received_ GUARDED_BY(mu_);
};

}  // namespace logsieve::testing

#endif  // LOGSIEVE_LLM_TESTING_FAKE_LLM_SERVER_H_
