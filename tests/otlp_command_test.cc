// `logsieve worker` fed by the OpenTelemetry JS SDK's official OTLP/HTTP log
// exporters (JSON and protobuf, gzip or not), pinned in package-lock.json and
// run by tests/otlp/send_logs.mjs on loopback, into output.ndjson, with no
// Redis anywhere (issue 24). Each record must come out exactly once, labelled
// as `logsieve classify` labels the same text, with service.name as source and
// the attributes kept.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "testing/subprocess.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

using nlohmann::json;

const std::vector<std::string> kPipeline = {"--set", "pipeline.stages=[rules]",
                                            "--set", "pipeline.routes=[]",
                                            "--set", "store.enabled=off"};

bool WaitFor(const std::function<bool()>& done, int seconds = 60) {
  auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(seconds);
  while (std::chrono::steady_clock::now() < deadline) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
  return done();
}

// node on PATH, or "" (RunProgram takes a path).
std::string Node() {
  const char* path = std::getenv("PATH");
  std::istringstream dirs(path != nullptr ? path : "/usr/bin");
  for (std::string dir; std::getline(dirs, dir, ':');) {
    std::string candidate = dir + "/node";
    if (access(candidate.c_str(), X_OK) == 0) return candidate;
  }
  return "";
}

std::vector<json> ReadNdjson(const std::string& path) {
  std::vector<json> out;
  std::istringstream in(testing::ReadFile(path));
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// An OTLP-fed worker writing to out.ndjson, stderr in worker.log.
class OtlpWorker {
 public:
  explicit OtlpWorker(const testing::ScratchDir& dir, const std::vector<std::string>& extra = {})
      : log_(dir.File("worker.log")), output_(dir.File("out.ndjson")) {
    std::vector<std::string> argv = {
        testing::LogsieveBinary(),        "worker", "--set",
        "ingest.otlp.listen=127.0.0.1:0", "--set",  "output.ndjson=" + output_};
    argv.insert(argv.end(), kPipeline.begin(), kPipeline.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<testing::Background>(argv, log_);
    const std::string mark = "listening for OTLP/HTTP logs on ";
    WaitFor([&] {
      std::string text = testing::ReadFile(log_);
      size_t at = text.find(mark);
      if (at == std::string::npos) return false;
      url_ = text.substr(at + mark.size(), text.find('\n', at) - at - mark.size());
      return true;
    });
  }
  const std::string& url() const { return url_; }  // http://127.0.0.1:PORT/v1/logs
  int port() const { return std::stoi(url_.substr(url_.rfind(':') + 1)); }
  const std::string& log() const { return log_; }
  std::vector<json> Records() const { return ReadNdjson(output_); }
  int Stop() { return process_->Signal(SIGTERM); }

 private:
  std::string log_, output_, url_;
  std::unique_ptr<testing::Background> process_;
};

class OtlpCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    node_ = Node();
    ASSERT_FALSE(node_.empty()) << "node is not on PATH (scripts/install-deps.sh installs it)";
    ASSERT_TRUE(std::filesystem::exists(testing::SourceDir() +
                                        "/node_modules/@opentelemetry/exporter-logs-otlp-proto"))
        << "the OpenTelemetry SDK packages are missing: run `npm ci` (make test does)";
  }

  // send_logs.mjs: each line of `lines` as one record of `service`.
  testing::RunResult Send(const std::string& url, const std::string& encoding, bool gzip,
                          const std::string& service, const std::string& lines_file,
                          int batch = 100) {
    std::vector<std::string> argv = {
        node_,        testing::SourceDir() + "/tests/otlp/send_logs.mjs",
        "--url",      url,
        "--encoding", encoding,
        "--service",  service,
        "--file",     lines_file,
        "--batch",    std::to_string(batch)};
    if (gzip) argv.push_back("--gzip");
    return testing::RunProgram(argv);
  }

  std::string node_;
};

TEST_F(OtlpCommandTest, JsonAndProtobufExportersDeliverEachRecordOnceLabelledAsClassifyDoes) {
  testing::ScratchDir dir;
  OtlpWorker worker(dir);
  ASSERT_FALSE(worker.url().empty()) << testing::ReadFile(worker.log());
  // Rule-decided, undecided and odd lines, and enough to span several exports.
  std::vector<std::string> texts = {
      "User User17 logged in.",          "User User18 logged out.",
      "Backup completed successfully.",  "nothing a rule knows about #1",
      "quotes \" and \\ backslashes #2", "unicode caf\xC3\xA9 #3",
  };
  for (int i = 0; i < 244; ++i) {
    texts.push_back("User User" + std::to_string(1000 + i) + " logged in.");
  }
  std::string body;
  for (const std::string& t : texts) body += t + "\n";
  testing::WriteFile(dir.File("lines"), body);

  struct Sender {
    std::string encoding;
    bool gzip;
    std::string service;
  };
  const std::vector<Sender> senders = {{"json", false, "ModernCRM"},
                                       {"json", true, "BillingSystem"},
                                       {"proto", false, "ModernHR"},
                                       {"proto", true, "LegacyCRM"}};
  using Key = std::pair<std::string, std::string>;  // (source, log_message)
  std::map<Key, size_t> sent;                       // -> the line's index
  for (const Sender& s : senders) {
    testing::RunResult r = Send(worker.url(), s.encoding, s.gzip, s.service, dir.File("lines"));
    ASSERT_EQ(r.exit_code, 0) << s.encoding << (s.gzip ? " gzip: " : ": ") << r.err;
    for (size_t i = 0; i < texts.size(); ++i) sent[{s.service, texts[i]}] = i;
  }
  // The exporters returned: every export was answered 200, so written already.
  std::vector<json> records = worker.Records();
  EXPECT_EQ(worker.Stop(), 0) << testing::ReadFile(worker.log());

  std::string input;
  for (const auto& [key, index] : sent) {
    input += json{{"source", key.first}, {"log_message", key.second}}.dump() + "\n";
  }
  std::vector<std::string> argv = {
      testing::LogsieveBinary(), "classify", "--format", "ndjson", "-q", "-"};
  argv.insert(argv.end(), kPipeline.begin(), kPipeline.end());
  testing::RunResult classify = testing::RunProgram(argv, input);
  ASSERT_EQ(classify.exit_code, 0) << classify.err;
  std::map<Key, json> expected;
  std::istringstream lines(classify.out);
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line);
    expected[{j["source"], j["log_message"]}] = j;
  }
  ASSERT_EQ(expected.size(), sent.size());

  std::multiset<Key> seen;
  for (const json& r : records) {
    Key key = {r["source"], r["log_message"]};
    seen.insert(key);
    ASSERT_TRUE(sent.count(key)) << "not sent: " << r.dump();
    for (const char* field : {"target_label", "method_used", "confidence", "degraded", "detail"}) {
      EXPECT_EQ(r[field], expected[key][field]) << field << " of " << r.dump();
    }
    EXPECT_EQ(r["severity"], "INFO") << r.dump();
    EXPECT_EQ(r["severity_number"], "9") << r.dump();
    EXPECT_EQ(r["attributes.app.line"], std::to_string(sent[key])) << r.dump();
    EXPECT_EQ(r["attributes.app.tag"], "otlp-test") << r.dump();
    EXPECT_EQ(r["resource.deployment.environment"], "test") << r.dump();
    EXPECT_EQ(r["scope.name"], "send_logs") << r.dump();
    EXPECT_TRUE(r.contains("time_unix_nano")) << r.dump();
  }
  EXPECT_EQ(records.size(), sent.size());
  for (const auto& [key, index] : sent) {
    EXPECT_EQ(seen.count(key), 1u) << key.first << ": " << key.second;
  }
  EXPECT_EQ(expected[Key("ModernCRM", "User User17 logged in.")]["target_label"], "User Action");
  std::string log = testing::ReadFile(worker.log());
  EXPECT_EQ(log.find("6379"), std::string::npos) << log;  // no Redis dialled
  EXPECT_NE(log.find("1000 OTLP records received, 1000 written"), std::string::npos) << log;
}

TEST_F(OtlpCommandTest, AWorkersOtlpOutputFeedsAnotherWorkersOtlpInputEachRecordOnceWithItsLabel) {
  testing::ScratchDir next_dir, first_dir;
  OtlpWorker next(next_dir);  // the next hop: OTLP in, NDJSON out
  ASSERT_FALSE(next.url().empty()) << testing::ReadFile(next.log());
  OtlpWorker first(first_dir, {"--set", "output.otlp.endpoint=" + next.url(), "--set",
                               "output.otlp.flush_interval_ms=50"});
  ASSERT_FALSE(first.url().empty()) << testing::ReadFile(first.log());
  std::string body;
  for (int i = 0; i < 300; ++i) {
    body += (i % 3 == 0 ? "User User" + std::to_string(i) + " logged in."
                        : "nothing a rule knows about #" + std::to_string(i)) +
            "\n";
  }
  testing::WriteFile(first_dir.File("lines"), body);
  testing::RunResult r = Send(first.url(), "proto", false, "ModernCRM", first_dir.File("lines"));
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(WaitFor([&] { return next.Records().size() >= 300; }))
      << next.Records().size() << " of 300 arrived\n"
      << testing::ReadFile(first.log());
  const std::vector<json> labelled = first.Records();  // the first hop's own NDJSON
  EXPECT_EQ(first.Stop(), 0) << testing::ReadFile(first.log());
  const std::vector<json> forwarded = next.Records();
  EXPECT_EQ(next.Stop(), 0) << testing::ReadFile(next.log());

  ASSERT_EQ(labelled.size(), 300u);
  std::map<std::string, json> by_message;
  for (const json& j : labelled) by_message[j["log_message"]] = j;
  std::multiset<std::string> seen;
  for (const json& j : forwarded) {
    const std::string message = j["log_message"];
    seen.insert(message);
    ASSERT_TRUE(by_message.count(message)) << "never sent: " << j.dump();
    const json& first_hop = by_message[message];
    EXPECT_EQ(j["source"], "ModernCRM") << j.dump();
    EXPECT_EQ(j["attributes.logsieve.label"], first_hop["target_label"]) << j.dump();
    EXPECT_EQ(j["attributes.logsieve.method"], first_hop["method_used"]) << j.dump();
    EXPECT_EQ(j["target_label"], first_hop["target_label"])
        << "the next hop classifies the same text the same way: " << j.dump();
  }
  EXPECT_EQ(forwarded.size(), 300u);
  for (const auto& [message, j] : by_message) EXPECT_EQ(seen.count(message), 1u) << message;
}

// One request on a fresh connection; the whole response.
std::string Exchange(int port, const std::string& request) {
  const int fd = testing::ConnectLoopback(port);
  if (fd < 0) return "";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
    response.append(buf, static_cast<size_t>(n));
  close(fd);
  return response;
}

// A port nothing listens on now (bound, read and closed: the worker takes it next).
int FreePort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  bind(fd, reinterpret_cast<sockaddr*>(&a), sizeof a);
  socklen_t len = sizeof a;
  getsockname(fd, reinterpret_cast<sockaddr*>(&a), &len);
  close(fd);
  return ntohs(a.sin_port);
}

std::string PostJson(int port, const std::string& body) {
  return Exchange(port,
                  "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                  "Connection: close\r\nContent-Length: " +
                      std::to_string(body.size()) + "\r\n\r\n" + body);
}

TEST_F(OtlpCommandTest, MalformedAndOversizedBodiesAreAnsweredCountedAndTheWorkerGoesOn) {
  testing::ScratchDir dir;
  const int metrics_port = FreePort();
  OtlpWorker worker(dir, {"--set", "ingest.otlp.max_body_bytes=2000", "--set",
                          "worker.metrics_port=" + std::to_string(metrics_port)});
  ASSERT_FALSE(worker.url().empty()) << testing::ReadFile(worker.log());
  std::string bad = PostJson(worker.port(), R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[)"
                                            R"({"body":{"stringValue":"x"},"spanId":"zz"}]}]}]})");
  EXPECT_EQ(bad.substr(0, 12), "HTTP/1.1 400") << bad;
  EXPECT_NE(bad.find("resourceLogs[0].scopeLogs[0].logRecords[0].spanId: expected a hex string"),
            std::string::npos)
      << bad;
  std::string big = PostJson(worker.port(), std::string(3000, ' '));
  EXPECT_EQ(big.substr(0, 12), "HTTP/1.1 413") << big;
  testing::WriteFile(dir.File("lines"), "User User1 logged in.\n");
  testing::RunResult r = Send(worker.url(), "proto", true, "after", dir.File("lines"));
  EXPECT_EQ(r.exit_code, 0) << r.err;
  // Counted per input and reason, and per output.
  std::string metrics = Exchange(metrics_port, "GET /metrics HTTP/1.1\r\nHost: x\r\n\r\n");
  for (const char* line :
       {"logsieve_ingest_records_total{input=\"otlp_http\"} 1",
        "logsieve_ingest_bad_records_total{input=\"otlp_http\",reason=\"malformed\"} 1",
        "logsieve_ingest_bad_records_total{input=\"otlp_http\",reason=\"oversized\"} 1",
        "logsieve_output_records_total{output=\"ndjson\"} 1"}) {
    EXPECT_NE(metrics.find(line), std::string::npos) << line << "\n" << metrics;
  }
  EXPECT_EQ(worker.Stop(), 0);
  std::vector<json> records = worker.Records();
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0]["source"], "after");
  std::string log = testing::ReadFile(worker.log());
  EXPECT_NE(log.find("otlp_http: malformed record (1 so far)"), std::string::npos) << log;
  EXPECT_NE(log.find("otlp_http: oversized record (1 so far)"), std::string::npos) << log;
}

TEST_F(OtlpCommandTest, SigtermUnderLoadAnswersWhatItTookWritesItOnceAndExitsZero) {
  testing::ScratchDir dir;
  OtlpWorker worker(dir);
  ASSERT_FALSE(worker.url().empty()) << testing::ReadFile(worker.log());
  std::string body;
  for (int i = 0; i < 20000; ++i) body += "User User" + std::to_string(i) + " logged in.\n";
  testing::WriteFile(dir.File("lines"), body);
  // The exporter retries what the stopped worker refuses for up to 30 s: it is
  // killed once the worker has exited.
  testing::Background sender(
      {node_, testing::SourceDir() + "/tests/otlp/send_logs.mjs", "--url", worker.url(),
       "--encoding", "json", "--service", "load", "--file", dir.File("lines"), "--batch", "200"},
      dir.File("sender.log"));
  ASSERT_TRUE(WaitFor([&] { return worker.Records().size() >= 2000; }))
      << testing::ReadFile(worker.log());
  EXPECT_EQ(worker.Stop(), 0) << testing::ReadFile(worker.log());
  std::vector<json> records = worker.Records();
  std::set<std::string> once;
  for (const json& r : records) {
    EXPECT_TRUE(once.insert(r["attributes.app.line"].get<std::string>()).second) << r.dump();
  }
  std::string log = testing::ReadFile(worker.log());
  std::string summary = std::to_string(records.size()) + " OTLP records received, " +
                        std::to_string(records.size()) + " written";
  EXPECT_NE(log.find(summary), std::string::npos) << summary << "\n" << log;
  EXPECT_GE(records.size(), 2000u);
}

}  // namespace
}  // namespace logsieve
