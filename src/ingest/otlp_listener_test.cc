#include "ingest/otlp_listener.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "common/metrics.h"
#include "ingest/ndjson_output.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

namespace collector = opentelemetry::proto::collector::logs::v1;

int Port(const std::string& address) { return std::stoi(address.substr(address.rfind(':') + 1)); }

int Connect(int port) {
  const int fd = testing::ConnectLoopback(port);
  if (fd < 0) return -1;  // refused: the listener stopped
  return fd;
}

// Everything the server sends until it closes.
std::string ReadAll(int fd) {
  std::string out;
  char buf[65536];
  for (ssize_t n; (n = recv(fd, buf, sizeof buf, 0)) > 0;) out.append(buf, static_cast<size_t>(n));
  return out;
}

// Sends one request (Connection: close) and returns the whole response.
std::string Exchange(int port, const std::string& head, const std::string& body) {
  int fd = Connect(port);
  if (fd < 0) return "";
  std::string request = head + "Connection: close\r\n\r\n" + body;
  size_t sent = 0;
  while (sent < request.size()) {
    ssize_t n = send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;  // the server answered early (413) and closed
    sent += static_cast<size_t>(n);
  }
  std::string response = ReadAll(fd);
  close(fd);
  return response;
}

std::string Post(int port, const std::string& body, const std::string& type = "application/json",
                 const std::string& extra = "") {
  return Exchange(port,
                  "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: " + type +
                      "\r\nContent-Length: " + std::to_string(body.size()) + "\r\n" + extra,
                  body);
}

int StatusOf(const std::string& response) {
  return response.size() > 12 ? std::stoi(response.substr(9, 3)) : 0;
}

std::string BodyOf(const std::string& response) {
  size_t end = response.find("\r\n\r\n");
  return end == std::string::npos ? "" : response.substr(end + 4);
}

std::string Gzip(const std::string& plain) {
  z_stream zs{};
  deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY);
  std::string out(deflateBound(&zs, plain.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  deflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

std::string JsonLogs(const std::vector<std::string>& messages, const std::string& service = "svc") {
  std::string records;
  for (const std::string& m : messages) {
    if (!records.empty()) records += ",";
    records += R"({"body":{"stringValue":")" + m + R"("}})";
  }
  return R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":")" +
         service + R"("}}]},"scopeLogs":[{"logRecords":[)" + records + "]}]}]}";
}

std::unique_ptr<Classifier> RulesOnly() {
  Config config;
  EXPECT_TRUE(config.Set("pipeline.stages", "[rules]", "test").ok());
  EXPECT_TRUE(config.Set("pipeline.routes", "[]", "test").ok());
  return std::move(Classifier::Create(config)).value();
}

size_t Lines(const std::string& text) {
  return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A listener on a free port, a loop writing to out.ndjson, torn down in order.
struct Rig {
  explicit Rig(OtlpListenerOptions o = {}, size_t capacity = 1024, const std::string& path = "")
      : queue(capacity), classifier(RulesOnly()) {
    output = std::move(NdjsonOutput::Open(path.empty() ? dir.File("out.ndjson") : path)).value();
    loop = std::make_unique<IngestLoop>(
        *classifier, &queue, std::vector<RecordOutput*>{output.get()}, IngestLoopOptions{});
    thread = std::thread([this] { status = loop->Run(); });
    o.listen = "127.0.0.1:0";
    listener = std::move(OtlpListener::Start(o, &queue)).value();
    port = Port(listener->address());
  }
  ~Rig() { Stop(); }
  void Stop() {
    if (!thread.joinable()) return;
    loop->RequestStop();
    listener->Stop();
    queue.Close();
    thread.join();
  }
  std::string Written() { return testing::ReadFile(dir.File("out.ndjson")); }

  testing::ScratchDir dir;
  IngestQueue queue;
  std::unique_ptr<Classifier> classifier;
  std::unique_ptr<NdjsonOutput> output;
  std::unique_ptr<IngestLoop> loop;
  Status status;
  std::thread thread;
  std::unique_ptr<OtlpListener> listener;
  int port = 0;
};

TEST(OtlpListenerTest, AnAddressThatCannotBeReadIsRefusedNamingTheKey) {
  IngestQueue queue(10);
  OtlpListenerOptions o;
  o.listen = "localhost:4318";
  auto l = OtlpListener::Start(o, &queue);
  EXPECT_EQ(l.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(l.status().message().find("ingest.otlp.listen: 'localhost:4318'"), std::string::npos);
}

TEST(OtlpListenerTest, A200ComesOnlyOnceTheRecordsAreInTheOutput) {
  Rig rig;
  std::string response = Post(rig.port, JsonLogs({"User User1 logged in.", "second"}));
  // Read the file right after the answer: the records are there already.
  std::string written = rig.Written();
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(BodyOf(response), "{}");
  EXPECT_EQ(Lines(written), 2u) << written;
  EXPECT_NE(written.find(R"("log_message":"User User1 logged in.","source":"svc")"),
            std::string::npos)
      << written;
  EXPECT_NE(written.find(R"("target_label":"User Action")"), std::string::npos) << written;
  EXPECT_EQ(rig.listener->received(), 2u);
}

TEST(OtlpListenerTest, GzipProtobufAndChunkedBodiesAreRead) {
  Rig rig;
  collector::ExportLogsServiceRequest req;
  req.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body()->set_string_value(
      "from protobuf");
  std::string response = Post(rig.port, Gzip(req.SerializeAsString()), "application/x-protobuf",
                              "Content-Encoding: gzip\r\n");
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_NE(response.find("Content-Type: application/x-protobuf"), std::string::npos);
  EXPECT_EQ(BodyOf(response), "");  // an empty ExportLogsServiceResponse

  std::string body = JsonLogs({"chunked one"});
  std::string chunked;
  for (size_t i = 0; i < body.size(); i += 10) {
    std::string part = body.substr(i, 10);
    char size[16];
    std::snprintf(size, sizeof size, "%zx\r\n", part.size());
    chunked += size + part + "\r\n";
  }
  chunked += "0\r\n\r\n";
  response = Exchange(rig.port,
                      "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Transfer-Encoding: chunked\r\n",
                      chunked);
  EXPECT_EQ(StatusOf(response), 200) << response;
  std::string written = rig.Written();
  EXPECT_NE(written.find("from protobuf"), std::string::npos) << written;
  EXPECT_NE(written.find("chunked one"), std::string::npos) << written;
}

TEST(OtlpListenerTest, RecordsWithoutABodyAreAPartialSuccessAndTheRestIsWritten) {
  Rig rig;
  std::string response = Post(
      rig.port,
      R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"stringValue":"kept"}},{}]}]}]})");
  EXPECT_EQ(StatusOf(response), 200) << response;
  EXPECT_EQ(BodyOf(response),
            R"({"partialSuccess":{"rejectedLogRecords":"1","errorMessage":"resourceLogs[0].)"
            R"x(scopeLogs[0].logRecords[1]: no body (a log record needs a non-blank body)"}})x");
  EXPECT_EQ(Lines(rig.Written()), 1u);
}

TEST(OtlpListenerTest, BadRequestsAreAnsweredWithTheirStatusAndNothingIsTaken) {
  OtlpListenerOptions o;
  o.max_body_bytes = 1000;
  Rig rig(o);
  std::string r = Post(
      rig.port, R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"timeUnixNano":"soon"}]}]}]})");
  EXPECT_EQ(StatusOf(r), 400) << r;
  EXPECT_NE(
      BodyOf(r).find(
          R"("code":3,"message":"resourceLogs[0].scopeLogs[0].logRecords[0].timeUnixNano: expected)"),
      std::string::npos)
      << r;
  EXPECT_EQ(StatusOf(Post(rig.port, "\xff\xff", "application/x-protobuf")), 400);
  EXPECT_EQ(StatusOf(Post(rig.port, "{}", "text/plain")), 415);
  EXPECT_EQ(StatusOf(Post(rig.port, "{}", "application/json", "Content-Encoding: br\r\n")), 415);
  EXPECT_EQ(StatusOf(Post(rig.port, std::string(5000, ' '))), 413);
  r = Post(rig.port, std::string(5000, 'x'), "application/x-protobuf");
  EXPECT_EQ(StatusOf(r), 413) << r;
  EXPECT_NE(r.find("Content-Type: application/x-protobuf"), std::string::npos) << r;
  EXPECT_EQ(BodyOf(r).substr(0, 2), std::string("\x08\x08", 2));  // google.rpc.Status code 8
  r = Post(rig.port, Gzip(std::string(1 << 20, ' ')), "application/json",
           "Content-Encoding: gzip\r\n");
  EXPECT_EQ(StatusOf(r), 413) << r;  // a small gzip body that inflates past the limit
  EXPECT_EQ(StatusOf(Exchange(rig.port,
                              "POST /v1/traces HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n", "")),
            404);
  r = Exchange(rig.port, "GET /v1/logs HTTP/1.1\r\nHost: x\r\n", "");
  EXPECT_EQ(StatusOf(r), 405) << r;
  EXPECT_NE(r.find("Allow: POST"), std::string::npos) << r;
  EXPECT_EQ(rig.Written(), "");
  EXPECT_EQ(rig.listener->received(), 0u);
}

TEST(OtlpListenerTest, AFullQueueIsAnswered429WithRetryAfterAndTakesNothing) {
  IngestQueue queue(2);
  OtlpListenerOptions o;
  o.listen = "127.0.0.1:0";
  o.retry_after_s = 3;
  auto l = OtlpListener::Start(o, &queue);
  ASSERT_TRUE(l.ok());
  queue.Push(IngestRecord{});
  queue.Push(IngestRecord{});  // full; no loop drains it
  std::string r = Post(Port((*l)->address()), JsonLogs({"a"}));
  EXPECT_EQ(StatusOf(r), 429) << r;
  EXPECT_NE(r.find("Retry-After: 3"), std::string::npos) << r;
  EXPECT_NE(r.find("the ingest queue is full"), std::string::npos) << r;
  (*l)->Stop();
  queue.Close();
  std::vector<IngestRecord> left;
  while (queue.Pop(100, std::chrono::milliseconds(1), &left)) {
  }
  EXPECT_EQ(left.size(), 2u);
}

TEST(IngestQueueTest, TryPushAllTakesAllOrNoneOnceTheQueueIsBelowItsCapacity) {
  IngestQueue queue(2);
  std::vector<IngestRecord> three(3);
  EXPECT_TRUE(queue.TryPushAll(&three));  // room: let in whole, past the capacity
  EXPECT_TRUE(three.empty());
  std::vector<IngestRecord> one(1);
  EXPECT_FALSE(queue.TryPushAll(&one));
  EXPECT_EQ(one.size(), 1u);
  queue.Close();
  std::vector<IngestRecord> out;
  while (queue.Pop(10, std::chrono::milliseconds(1), &out)) {
  }
  EXPECT_EQ(out.size(), 3u);
  EXPECT_FALSE(queue.TryPushAll(&one));
}

TEST(OtlpListenerTest, RecordsLostToAFailingOutputAtTheStopAreAnswered503) {
  Rig rig({}, 1024, "/dev/full");  // every write fails: ENOSPC
  std::string response;
  std::thread client([&] { response = Post(rig.port, JsonLogs({"x"})); });
  auto errors = [] {
    return MetricsRegistry::Global()
        .GetCounter("logsieve_output_errors_total", "", {{"output", "ndjson"}})
        .value();
  };
  double before = errors();
  while (errors() < before + 1) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  rig.Stop();
  client.join();
  EXPECT_EQ(StatusOf(response), 503) << response;
  EXPECT_EQ(rig.loop->stats().lost, 1u);
}

TEST(OtlpListenerTest, AStopUnderLoadAnswersEveryRequestTakenAndWritesEachRecordOnce) {
  Rig rig;
  std::atomic<int> ok_records{0};
  std::atomic<bool> run{true};
  std::vector<std::thread> clients;
  for (int c = 0; c < 4; ++c) {
    clients.emplace_back([&, c] {
      for (int i = 0; run; ++i) {
        std::vector<std::string> messages;
        for (int k = 0; k < 50; ++k) {
          messages.push_back("client " + std::to_string(c) + " request " + std::to_string(i) +
                             " record " + std::to_string(k));
        }
        int status = StatusOf(Post(rig.port, JsonLogs(messages)));
        if (status == 200) ok_records += 50;
        if (status == 0) break;  // the listener closed
        EXPECT_TRUE(status == 200 || status == 503 || status == 429) << status;
      }
    });
  }
  while (ok_records < 500) std::this_thread::sleep_for(std::chrono::milliseconds(5));
  rig.Stop();
  run = false;
  for (auto& t : clients) t.join();
  EXPECT_TRUE(rig.status.ok()) << rig.status.message();
  // Every record answered 200 is in the file once; nothing taken was lost.
  EXPECT_EQ(rig.loop->stats().records, rig.listener->received());
  EXPECT_EQ(Lines(rig.Written()), rig.listener->received());
  EXPECT_GE(rig.listener->received(), static_cast<uint64_t>(ok_records.load()));
}

TEST(OtlpListenerTest, ASlowClientIsClosedAfterTheReadTimeout) {
  OtlpListenerOptions o;
  o.read_timeout_ms = 200;
  Rig rig(o);
  int fd = Connect(rig.port);
  std::string head = "POST /v1/logs HTTP/1.1\r\nHost: x\r\n";
  send(fd, head.data(), head.size(), MSG_NOSIGNAL);
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(ReadAll(fd), "");  // closed without an answer
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(5));
  close(fd);
}

TEST(OtlpListenerTest, AConnectionPastMaxConnectionsIsClosedAndTheOthersServed) {
  OtlpListenerOptions o;
  o.max_connections = 1;
  Rig rig(o);
  int first = Connect(rig.port);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // accepted first
  int second = Connect(rig.port);
  EXPECT_EQ(ReadAll(second), "");
  close(second);
  std::string body = JsonLogs({"kept"});
  std::string request =
      "POST /v1/logs HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
      "Connection: close\r\nContent-Length: " +
      std::to_string(body.size()) + "\r\n\r\n" + body;
  send(first, request.data(), request.size(), MSG_NOSIGNAL);
  EXPECT_EQ(StatusOf(ReadAll(first)), 200);
  close(first);
}

}  // namespace
}  // namespace logsieve
