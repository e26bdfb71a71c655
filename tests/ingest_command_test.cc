// `logsieve worker` fed by real syslog senders on loopback (issue 24): util-linux
// `logger` over UDP and TCP (RFC 5424, octet counting), into output.ndjson and
// output.otlp.endpoint (a loopback OTLP receiver), with no Redis anywhere. Each
// record must come out exactly once in each output, labelled as `logsieve
// classify` labels the same text, with the sender's APP-NAME as source.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "ingest/testing/otlp_receiver.h"
#include "stream/testing/redis_server.h"
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

// The port the worker's log names after "listening for syslog on SCHEME://127.0.0.1:", or -1.
int ListeningPort(const std::string& log, const std::string& scheme) {
  const std::string mark = "listening for syslog on " + scheme + "://127.0.0.1:";
  int port = -1;
  WaitFor([&] {
    std::string text = testing::ReadFile(log);
    size_t at = text.find(mark);
    if (at == std::string::npos) return false;
    port = std::stoi(text.substr(at + mark.size()));
    return true;
  });
  return port;
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

// The body of GET `path` on 127.0.0.1:`port` (HTTP/1.1, Connection: close).
std::string HttpGet(int port, const std::string& path) {
  const int fd = testing::ConnectLoopback(port);
  if (fd < 0) return "";
  std::string request = "GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n";
  send(fd, request.data(), request.size(), MSG_NOSIGNAL);
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;)
    response.append(buf, static_cast<size_t>(n));
  close(fd);
  size_t body = response.find("\r\n\r\n");
  return body == std::string::npos ? "" : response.substr(body + 4);
}

std::vector<json> ReadNdjson(const std::string& path) {
  std::vector<json> out;
  std::istringstream in(testing::ReadFile(path));
  for (std::string line; std::getline(in, line);) out.push_back(json::parse(line));
  return out;
}

// A syslog-fed worker writing to `output`, stderr in `log`.
class SyslogWorker {
 public:
  SyslogWorker(const testing::ScratchDir& dir, const std::vector<std::string>& extra = {})
      : log_(dir.File("worker.log")), output_(dir.File("out.ndjson")) {
    std::vector<std::string> argv = {testing::LogsieveBinary(),
                                     "worker",
                                     "--set",
                                     "ingest.syslog.listen=[udp://127.0.0.1:0, tcp://127.0.0.1:0]",
                                     "--set",
                                     "output.ndjson=" + output_,
                                     "--set",
                                     "worker.batch_size=64"};
    argv.insert(argv.end(), kPipeline.begin(), kPipeline.end());
    argv.insert(argv.end(), extra.begin(), extra.end());
    process_ = std::make_unique<testing::Background>(argv, log_);
    udp_ = ListeningPort(log_, "udp");
    tcp_ = ListeningPort(log_, "tcp");
  }
  int udp() const { return udp_; }
  int tcp() const { return tcp_; }
  const std::string& log() const { return log_; }
  const std::string& output() const { return output_; }
  std::vector<json> Records() const { return ReadNdjson(output_); }
  int Stop() { return process_->Signal(SIGTERM); }
  int pid() const { return process_->pid(); }

 private:
  std::string log_, output_;
  std::unique_ptr<testing::Background> process_;
  int udp_ = -1, tcp_ = -1;
};

// `logger` sending each line of `file` as one message tagged `tag`.
testing::RunResult Logger(const std::vector<std::string>& transport, int port,
                          const std::string& tag, const std::string& file) {
  std::vector<std::string> argv = {"/usr/bin/logger",    "--rfc5424", "-n", "127.0.0.1", "-P",
                                   std::to_string(port), "-t",        tag,  "-f",        file};
  argv.insert(argv.begin() + 1, transport.begin(), transport.end());
  return testing::RunProgram(argv);
}

using Key = std::pair<std::string, std::string>;  // (source, log_message)

// What `logsieve classify --format ndjson` answers for each (source, text).
std::map<Key, json> Classify(const std::set<Key>& records) {
  std::string input;
  for (const auto& [source, text] : records) {
    input += json{{"source", source}, {"log_message", text}}.dump() + "\n";
  }
  std::vector<std::string> argv = {
      testing::LogsieveBinary(), "classify", "--format", "ndjson", "-q", "-"};
  argv.insert(argv.end(), kPipeline.begin(), kPipeline.end());
  testing::RunResult classify = testing::RunProgram(argv, input);
  EXPECT_EQ(classify.exit_code, 0) << classify.err;
  std::map<Key, json> expected;
  std::istringstream lines(classify.out);
  for (std::string line; std::getline(lines, line);) {
    json j = json::parse(line);
    expected[{j["source"], j["log_message"]}] = j;
  }
  return expected;
}

TEST(IngestCommandTest, LoggerOverUdpAndTcpReachesTheNdjsonOutputOnceEachLabelledAsClassifyDoes) {
  testing::ScratchDir dir;
  SyslogWorker worker(dir);
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  // Rule-decided, undecided and odd lines, each sent once by each sender.
  const std::vector<std::string> texts = {
      "User User17 logged in.",          "User User18 logged out.",
      "Backup completed successfully.",  "nothing a rule knows about #1",
      "quotes \" and \\ backslashes #2", "unicode caf\xC3\xA9 #3",
  };
  std::set<Key> sent;
  struct Send {
    std::vector<std::string> transport;
    std::string tag;
    int port;
  };
  std::vector<Send> sends = {{{"-d"}, "ModernCRM", worker.udp()},
                             {{"-T", "--octet-count"}, "BillingSystem", worker.tcp()},
                             {{"-T"}, "ModernHR", worker.tcp()}};
  for (size_t s = 0; s < sends.size(); ++s) {
    std::string body;
    for (const std::string& t : texts) {
      body += t + "\n";
      sent.emplace(sends[s].tag, t);
    }
    std::string file = dir.File("in" + std::to_string(s));
    testing::WriteFile(file, body);
    testing::RunResult r = Logger(sends[s].transport, sends[s].port, sends[s].tag, file);
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_TRUE(WaitFor([&] { return worker.Records().size() >= sent.size(); }))
      << testing::ReadFile(worker.log());
  EXPECT_EQ(worker.Stop(), 0) << testing::ReadFile(worker.log());

  std::map<Key, json> expected = Classify(sent);
  ASSERT_EQ(expected.size(), sent.size());

  std::vector<json> records = worker.Records();
  std::multiset<Key> seen;
  for (const json& r : records) {
    Key key = {r["source"], r["log_message"]};
    seen.insert(key);
    ASSERT_TRUE(sent.count(key)) << "not sent: " << r.dump();
    for (const char* field : {"target_label", "method_used", "confidence", "degraded", "detail"}) {
      EXPECT_EQ(r[field], expected[key][field]) << field << " of " << r.dump();
    }
    EXPECT_EQ(r["facility"], "user") << r.dump();
    EXPECT_EQ(r["severity"], "notice") << r.dump();
    EXPECT_TRUE(r.contains("hostname") && r.contains("timestamp")) << r.dump();
  }
  EXPECT_EQ(records.size(), sent.size());
  for (const Key& key : sent) EXPECT_EQ(seen.count(key), 1u) << key.first << ": " << key.second;
  EXPECT_EQ(expected[Key("ModernCRM", "User User17 logged in.")]["target_label"], "User Action");
  // No Redis was dialled.
  std::string log = testing::ReadFile(worker.log());
  EXPECT_EQ(log.find("6379"), std::string::npos) << log;
  EXPECT_NE(log.find("18 syslog records received, 18 written"), std::string::npos) << log;
}

TEST(IngestCommandTest, ASyslogLineOverTheLimitIsCutCountedAndTheNextLineStillArrives) {
  testing::ScratchDir dir;
  const int metrics_port = FreePort();
  SyslogWorker worker(dir, {"--set", "input.max_record_bytes=300", "--set",
                            "worker.metrics_port=" + std::to_string(metrics_port)});
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  testing::WriteFile(dir.File("in"), std::string(2000, 'x') + "\nthe next line\n");
  testing::RunResult r = testing::RunProgram(
      {"/usr/bin/logger", "--rfc5424", "-T", "--octet-count", "--size", "4096", "-n", "127.0.0.1",
       "-P", std::to_string(worker.tcp()), "-t", "big", "-f", dir.File("in")});
  ASSERT_EQ(r.exit_code, 0) << r.err;
  ASSERT_TRUE(WaitFor([&] { return worker.Records().size() >= 2; }))
      << testing::ReadFile(worker.log());
  // Counted per input and per output.
  std::string metrics = HttpGet(metrics_port, "/metrics");
  EXPECT_NE(metrics.find("logsieve_ingest_records_total{input=\"syslog_tcp\"} 2"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("logsieve_ingest_bad_records_total{input=\"syslog_tcp\",reason="
                         "\"oversized\"} 1"),
            std::string::npos)
      << metrics;
  EXPECT_NE(metrics.find("logsieve_output_records_total{output=\"ndjson\"} 2"), std::string::npos)
      << metrics;
  EXPECT_NE(HttpGet(metrics_port, "/readyz").find("ready"), std::string::npos);
  EXPECT_EQ(worker.Stop(), 0);
  std::vector<json> records = worker.Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0]["source"], "big");
  EXPECT_TRUE(records[0].contains("truncated_bytes")) << records[0].dump();
  std::string cut = records[0]["log_message"];
  EXPECT_LT(cut.size(), 300u);
  EXPECT_EQ(cut, std::string(cut.size(), 'x'));
  EXPECT_EQ(records[1]["log_message"], "the next line");
  EXPECT_FALSE(records[1].contains("truncated_bytes"));
  std::string log = testing::ReadFile(worker.log());
  EXPECT_NE(log.find("syslog_tcp: oversized record (1 so far)"), std::string::npos) << log;
}

TEST(IngestCommandTest, SigtermUnderLoadWritesEveryReceivedLineOnceAndExitsZero) {
  testing::ScratchDir dir;
  SyslogWorker worker(dir);
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  const int n = 20000;
  std::string body;
  for (int i = 0; i < n; ++i) body += "load line " + std::to_string(i) + "\n";
  testing::WriteFile(dir.File("in"), body);
  std::thread sender([&] {
    // Ends with an error once the worker closes the connection: not checked.
    Logger({"-T", "--octet-count"}, worker.tcp(), "load", dir.File("in"));
  });
  bool busy = WaitFor([&] { return testing::ReadFile(worker.output()).size() > 20000; });
  int code = worker.Stop();
  sender.join();
  ASSERT_TRUE(busy) << testing::ReadFile(worker.log());
  EXPECT_EQ(code, 0) << testing::ReadFile(worker.log());
  // One connection, in order: what was written is lines 0..k-1, each once.
  std::vector<json> records = worker.Records();
  for (size_t i = 0; i < records.size(); ++i) {
    ASSERT_EQ(records[i]["log_message"], "load line " + std::to_string(i));
  }
  std::string log = testing::ReadFile(worker.log());
  std::string k = std::to_string(records.size());
  EXPECT_NE(log.find(k + " syslog records received, " + k + " written"), std::string::npos) << log;
  std::printf("SIGTERM under load: %zu of %d lines received and written\n", records.size(), n);
}

// Debian's rsyslog as a shipper: imfile reads a log file, omfwd forwards it
// over TCP, octet-counted, RFC 5424 (the configuration doc/ingest.md shows).
TEST(IngestCommandTest, RsyslogForwardingAFileWithOmfwdDeliversEachLineOnce) {
  if (access("/usr/sbin/rsyslogd", X_OK) != 0) {
    GTEST_SKIP() << "SKIPPED RsyslogForwardingAFileWithOmfwdDeliversEachLineOnce: needs rsyslog "
                    "(scripts/install-deps.sh --test)";
  }
  testing::ScratchDir dir;
  SyslogWorker worker(dir);
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  const int n = 200;
  std::string body;
  for (int i = 0; i < n; ++i) {
    body += (i % 2 == 0 ? "User User" + std::to_string(i) + " logged in."
                        : "shipped line " + std::to_string(i)) +
            "\n";
  }
  testing::WriteFile(dir.File("app.log"), body);
  ASSERT_EQ(mkdir(dir.File("work").c_str(), 0755), 0);
  testing::WriteFile(dir.File("rsyslog.conf"),
                     "global(workDirectory=\"" + dir.File("work") +
                         "\")\n"
                         "module(load=\"imfile\")\n"
                         "input(type=\"imfile\" File=\"" +
                         dir.File("app.log") +
                         "\" Tag=\"ModernCRM\" freshStartTail=\"off\")\n"
                         "action(type=\"omfwd\" target=\"127.0.0.1\" port=\"" +
                         std::to_string(worker.tcp()) +
                         "\" protocol=\"tcp\" TCP_Framing=\"octet-counted\" "
                         "Template=\"RSYSLOG_SyslogProtocol23Format\")\n");
  testing::Background rsyslogd(
      {"/usr/sbin/rsyslogd", "-n", "-f", dir.File("rsyslog.conf"), "-i", dir.File("rsyslogd.pid")},
      dir.File("rsyslogd.log"));
  bool all = WaitFor([&] { return worker.Records().size() >= static_cast<size_t>(n); });
  EXPECT_EQ(rsyslogd.Signal(SIGTERM), 0) << testing::ReadFile(dir.File("rsyslogd.log"));
  EXPECT_EQ(worker.Stop(), 0) << testing::ReadFile(worker.log());
  ASSERT_TRUE(all) << testing::ReadFile(worker.log())
                   << testing::ReadFile(dir.File("rsyslogd.log"));
  std::vector<json> records = worker.Records();
  ASSERT_EQ(records.size(), static_cast<size_t>(n));
  std::set<std::string> seen;
  for (const json& r : records) {
    EXPECT_EQ(r["source"], "ModernCRM") << r.dump();
    const std::string text = r["log_message"];
    EXPECT_TRUE(seen.insert(text).second) << "twice: " << text;
    EXPECT_EQ(r["target_label"], text.rfind("User", 0) == 0 ? "User Action" : "Unclassified")
        << r.dump();
  }
}

TEST(IngestCommandTest, SighupReopensTheOutputSoARotatedFileKeepsItsLinesAndNewOnesGoToANewFile) {
  testing::ScratchDir dir;
  SyslogWorker worker(dir);
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  testing::WriteFile(dir.File("one"), "before the rotation\n");
  testing::WriteFile(dir.File("two"), "after the rotation\n");
  ASSERT_EQ(Logger({"-T"}, worker.tcp(), "app", dir.File("one")).exit_code, 0);
  ASSERT_TRUE(WaitFor([&] { return worker.Records().size() == 1; }));
  ASSERT_EQ(std::rename(worker.output().c_str(), dir.File("out.1").c_str()), 0);  // logrotate
  ASSERT_EQ(kill(worker.pid(), SIGHUP), 0);
  ASSERT_TRUE(
      WaitFor([&] { return testing::ReadFile(worker.log()).find("SIGHUP") != std::string::npos; }));
  ASSERT_EQ(Logger({"-T"}, worker.tcp(), "app", dir.File("two")).exit_code, 0);
  ASSERT_TRUE(WaitFor([&] { return worker.Records().size() == 1; }))
      << testing::ReadFile(worker.log());
  EXPECT_EQ(worker.Stop(), 0);
  EXPECT_EQ(worker.Records()[0]["log_message"], "after the rotation");
  std::vector<json> rotated = ReadNdjson(dir.File("out.1"));
  ASSERT_EQ(rotated.size(), 1u);
  EXPECT_EQ(rotated[0]["log_message"], "before the rotation");
}

TEST(IngestCommandTest, WithRedisSetTooBothInputsRunAndBothReachTheNdjsonOutput) {
  LOGSIEVE_REQUIRE_REDIS(redis);
  testing::ScratchDir dir;
  std::unique_ptr<RedisConnection> c = redis->Client();
  ASSERT_TRUE(
      c->Command({"XADD", "in", "*", "source", "ModernCRM", "log_message", "User User5 logged in."})
          .ok());
  SyslogWorker worker(dir, {"--redis", "redis://127.0.0.1:" + std::to_string(redis->port()),
                            "--set", "worker.streams=[in]", "--set", "worker.output_stream=out",
                            "--set", "worker.block_ms=100"});
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  testing::WriteFile(dir.File("in"), "User User6 logged in.\n");
  ASSERT_EQ(Logger({"-T"}, worker.tcp(), "ModernHR", dir.File("in")).exit_code, 0);
  ASSERT_TRUE(WaitFor([&] { return worker.Records().size() >= 2; }))
      << testing::ReadFile(worker.log());
  EXPECT_EQ(worker.Stop(), 0) << testing::ReadFile(worker.log());
  std::set<std::string> got;
  for (const json& r : worker.Records()) {
    got.insert(r["source"].get<std::string>() + ": " + r["log_message"].get<std::string>() + " = " +
               r["target_label"].get<std::string>());
  }
  EXPECT_EQ(got, (std::set<std::string>{"ModernCRM: User User5 logged in. = User Action",
                                        "ModernHR: User User6 logged in. = User Action"}));
  EXPECT_EQ(testing::FieldValues(*c, "out", "log_message"),
            std::vector<std::string>{"User User5 logged in."});
}

TEST(IngestCommandTest, WithWorkerStreamsEmptyARedisUrlIsNotDialled) {
  testing::ScratchDir dir;
  // Nothing listens on port 1: a worker that dialled it would log the failure.
  SyslogWorker worker(dir, {"--redis", "redis://127.0.0.1:1", "--set", "worker.streams=[]"});
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  testing::WriteFile(dir.File("in"), "one line\n");
  ASSERT_EQ(Logger({"-T"}, worker.tcp(), "app", dir.File("in")).exit_code, 0);
  ASSERT_TRUE(WaitFor([&] { return worker.Records().size() == 1; }));
  EXPECT_EQ(worker.Stop(), 0);
  std::string log = testing::ReadFile(worker.log());
  EXPECT_EQ(log.find("redis 127.0.0.1:1/"), std::string::npos) << log;
  EXPECT_EQ(log.find("entries consumed"), std::string::npos) << log;
}

// The value of the OTLP attribute `key` as classify's NDJSON writes it (null when absent).
json AttributeValue(const OtlpReceivedRecord& r, const std::string& key) {
  auto it = r.attributes.find(key);
  if (it == r.attributes.end()) return nullptr;
  return it->second.begin().value();  // the one member of an AnyValue
}

TEST(IngestCommandTest, LoggerReachesBothOutputsOnceEachAndTheOtlpOneIsLabelledAsClassifyLabels) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  testing::ScratchDir dir;
  const int metrics_port = FreePort();
  // A base URL: the worker POSTs to /v1/logs.
  SyslogWorker worker(
      dir, {"--set", "output.otlp.endpoint=http://127.0.0.1:" + std::to_string(receiver->port()),
            "--set", "output.otlp.flush_interval_ms=50", "--set",
            "worker.metrics_port=" + std::to_string(metrics_port)});
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  const std::vector<std::string> texts = {
      "User User17 logged in.", "Backup completed successfully.", "nothing a rule knows about #1",
      "quotes \" and \\ and caf\xC3\xA9 #2"};
  std::set<Key> sent;
  const std::vector<std::pair<std::vector<std::string>, std::string>> senders = {
      {{"-T", "--octet-count"}, "ModernCRM"}, {{"-d"}, "BillingSystem"}};
  for (size_t s = 0; s < senders.size(); ++s) {
    std::string body;
    for (const std::string& t : texts) {
      body += t + "\n";
      sent.emplace(senders[s].second, t);
    }
    testing::WriteFile(dir.File("in" + std::to_string(s)), body);
    const int port = senders[s].first[0] == "-d" ? worker.udp() : worker.tcp();
    testing::RunResult r =
        Logger(senders[s].first, port, senders[s].second, dir.File("in" + std::to_string(s)));
    ASSERT_EQ(r.exit_code, 0) << r.err;
  }
  ASSERT_TRUE(WaitFor([&] {
    return worker.Records().size() >= sent.size() && receiver->Records().size() >= sent.size();
  })) << testing::ReadFile(worker.log());
  // Counted once the receiver's answer is back.
  std::string metrics;
  EXPECT_TRUE(WaitFor([&] {
    metrics = HttpGet(metrics_port, "/metrics");
    return metrics.find("logsieve_output_records_total{output=\"otlp\"} 8") != std::string::npos;
  })) << metrics;
  EXPECT_EQ(worker.Stop(), 0) << testing::ReadFile(worker.log());

  std::map<Key, json> expected = Classify(sent);
  ASSERT_EQ(expected.size(), sent.size());
  std::multiset<Key> in_ndjson, in_otlp;
  for (const json& r : worker.Records()) in_ndjson.insert(Key(r["source"], r["log_message"]));
  for (const OtlpReceivedRecord& r : receiver->Records()) {
    Key key = {r.service_name, r.body};
    in_otlp.insert(key);
    ASSERT_TRUE(expected.count(key)) << "not sent: " << key.first << ": " << key.second;
    const json& want = expected[key];
    EXPECT_EQ(AttributeValue(r, "logsieve.label"), want["target_label"]) << key.second;
    EXPECT_EQ(AttributeValue(r, "logsieve.method"), want["method_used"]) << key.second;
    EXPECT_EQ(AttributeValue(r, "logsieve.confidence"), want["confidence"]) << key.second;
    EXPECT_EQ(AttributeValue(r, "logsieve.degraded"), want["degraded"]) << key.second;
    EXPECT_EQ(AttributeValue(r, "logsieve.detail"), want["detail"]) << key.second;
    EXPECT_EQ(AttributeValue(r, "facility"), "user");
    EXPECT_EQ(r.severity_text, "notice");
    EXPECT_EQ(r.severity_number, 10);
  }
  EXPECT_EQ(in_ndjson, std::multiset<Key>(sent.begin(), sent.end()));
  EXPECT_EQ(in_otlp, std::multiset<Key>(sent.begin(), sent.end()));
  EXPECT_EQ(expected[Key("ModernCRM", "User User17 logged in.")]["target_label"], "User Action");
  std::string log = testing::ReadFile(worker.log());
  EXPECT_NE(log.find("output.otlp.endpoint: 8 records delivered, 0 refused"), std::string::npos)
      << log;
}

TEST(IngestCommandTest, AnOtlpReceiverDownThenBackHoldsTheSenderBackAndLosesNothing) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->Down();
  testing::ScratchDir dir;
  const int metrics_port = FreePort();
  SyslogWorker worker(dir, {"--set", "output.otlp.endpoint=" + receiver->url(), "--set",
                            "output.otlp.queue_records=100", "--set", "output.otlp.batch_size=50",
                            "--set", "worker.metrics_port=" + std::to_string(metrics_port)});
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  const int n = 2000;
  std::string body;
  for (int i = 0; i < n; ++i) body += "line " + std::to_string(i) + "\n";
  testing::WriteFile(dir.File("in"), body);
  std::thread sender([&] { Logger({"-T", "--octet-count"}, worker.tcp(), "app", dir.File("in")); });
  // Backpressure: the OTLP queue is full, the loop waits on it, and so does NDJSON.
  std::string metrics;
  ASSERT_TRUE(WaitFor([&] {
    metrics = HttpGet(metrics_port, "/metrics");
    return metrics.find("logsieve_output_queued_records{output=\"otlp\"} 100") != std::string::npos;
  })) << metrics;
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  metrics = HttpGet(metrics_port, "/metrics");
  EXPECT_NE(metrics.find("logsieve_output_errors_total{output=\"otlp\"}"), std::string::npos);
  EXPECT_LT(worker.Records().size(), static_cast<size_t>(n));
  ASSERT_TRUE(receiver->Up());
  sender.join();
  ASSERT_TRUE(WaitFor([&] { return receiver->Records().size() >= static_cast<size_t>(n); }))
      << testing::ReadFile(worker.log());
  EXPECT_EQ(worker.Stop(), 0) << testing::ReadFile(worker.log());
  std::multiset<std::string> expected, in_ndjson, in_otlp;
  for (int i = 0; i < n; ++i) expected.insert("line " + std::to_string(i));
  for (const json& r : worker.Records()) in_ndjson.insert(r["log_message"].get<std::string>());
  for (const OtlpReceivedRecord& r : receiver->Records()) in_otlp.insert(r.body);
  EXPECT_EQ(in_ndjson, expected);
  EXPECT_EQ(in_otlp, expected);
  std::string log = testing::ReadFile(worker.log());
  EXPECT_NE(log.find("POST " + receiver->url() + " failed"), std::string::npos) << log;
}

TEST(IngestCommandTest, SigtermWithTheOtlpReceiverDownGivesUpAtTheDrainTimeoutAndSaysWhatWasLost) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->Down();
  testing::ScratchDir dir;
  SyslogWorker worker(dir, {"--set", "output.otlp.endpoint=" + receiver->url(), "--set",
                            "output.drain_timeout_ms=500"});
  ASSERT_GT(worker.tcp(), 0) << testing::ReadFile(worker.log());
  testing::WriteFile(dir.File("in"), "one\ntwo\nthree\n");
  ASSERT_EQ(Logger({"-T"}, worker.tcp(), "app", dir.File("in")).exit_code, 0);
  ASSERT_TRUE(WaitFor([&] { return worker.Records().size() == 3; }));
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(worker.Stop(), 1) << testing::ReadFile(worker.log());
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  std::string log = testing::ReadFile(worker.log());
  EXPECT_NE(log.find("3 records not delivered to '" + receiver->url() + "' by the drain deadline"),
            std::string::npos)
      << log;
  EXPECT_NE(log.find("output.otlp: 3 records not written before the stop"), std::string::npos)
      << log;
}

TEST(IngestCommandTest, AWorkerWithSyslogButNoOutputIsAUsageErrorNamingTheKey) {
  testing::RunResult r = testing::RunProgram(
      {testing::LogsieveBinary(), "worker", "--set", "ingest.syslog.listen=[udp://127.0.0.1:0]"});
  EXPECT_EQ(r.exit_code, 2) << r.err;
  EXPECT_NE(r.err.find("neither output.ndjson nor output.otlp.endpoint is"), std::string::npos)
      << r.err;
}

}  // namespace
}  // namespace logsieve
