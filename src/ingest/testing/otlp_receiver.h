// OtlpReceiver: a collector stand-in on loopback for the OTLP output's tests
// (src/ingest/otlp_output_test.cc, tests/ingest_command_test.cc). It serves
// POST /v1/logs, keeps every request, answers as the test scripts it (200 by
// default), and can go down and come back on the same port.
//
//   auto receiver = OtlpReceiver::Start();
//   receiver->AnswerWith([](int n) { return n == 0 ? OtlpAnswer{503, "", "1"} : OtlpAnswer{}; });
//   ... point output.otlp.endpoint at receiver->url() ...
//   std::vector<OtlpReceivedRecord> got = receiver->Records();   // those answered 2xx
//
// Thread safety: every member from any thread.
#ifndef LOGSIEVE_INGEST_TESTING_OTLP_RECEIVER_H_
#define LOGSIEVE_INGEST_TESTING_OTLP_RECEIVER_H_

#include <chrono>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

namespace httplib {
class Server;
}

namespace logsieve {

struct OtlpAnswer {
  int status = 200;
  std::string body = "{}";
  std::string retry_after;  // the Retry-After header; empty: none
};

// One request as it arrived.
struct OtlpRequest {
  std::string body;
  std::map<std::string, std::string> headers;  // names lowercased
  std::chrono::steady_clock::time_point at;
  int answered = 0;  // the status it got
};

// One log record of a request answered 2xx, flattened.
struct OtlpReceivedRecord {
  std::string service_name;
  std::string body;  // body.stringValue
  int severity_number = 0;
  std::string severity_text;
  // Attribute key -> its AnyValue object ({"stringValue": ...}, ...).
  std::map<std::string, nlohmann::json> attributes;
};

class OtlpReceiver {
 public:
  // On 127.0.0.1: a free port, or `port` (to come back where it was).
  static std::unique_ptr<OtlpReceiver> Start(int port = 0);
  ~OtlpReceiver();

  int port() const { return port_; }
  std::string url() const { return "http://127.0.0.1:" + std::to_string(port_) + "/v1/logs"; }
  // How to answer request number n (0, 1, ... counted over the receiver's life).
  void AnswerWith(std::function<OtlpAnswer(int n)> answer);
  // Closes the port (a sender sees connection refused), then opens it again.
  void Down();
  bool Up();

  std::vector<OtlpRequest> Requests() const;
  std::vector<OtlpReceivedRecord> Records() const;

 private:
  OtlpReceiver() = default;
  bool Listen(int port);

  int port_ = 0;
  std::unique_ptr<httplib::Server> server_;
  std::thread thread_;
  mutable std::mutex mu_;
  std::function<OtlpAnswer(int)> answer_;
  std::vector<OtlpRequest> requests_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_TESTING_OTLP_RECEIVER_H_
