#include "ingest/ingest.h"

#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/config.h"
#include "common/metrics.h"
#include "ingest/ndjson_output.h"
#include "ingest/otlp_output.h"
#include "ingest/syslog_listener.h"
#include "ingest/testing/otlp_receiver.h"
#include "io/records.h"
#include "testing/testing.h"

namespace logsieve {
namespace {

int Port(const std::string& address) { return std::stoi(address.substr(address.rfind(':') + 1)); }

// A loopback socket of `type` connected to `port`.
int Connect(int type, int port) {
  int fd = socket(AF_INET, type, 0);
  sockaddr_in a{};
  a.sin_family = AF_INET;
  a.sin_port = htons(static_cast<uint16_t>(port));
  a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  EXPECT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&a), sizeof a), 0);
  return fd;
}

void Send(int fd, const std::string& bytes) {
  ASSERT_EQ(send(fd, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
}

std::vector<IngestRecord> Drain(IngestQueue& queue) {
  queue.Close();
  std::vector<IngestRecord> out;
  while (queue.Pop(1000, std::chrono::milliseconds(10), &out)) {
  }
  return out;
}

double Metric(const std::string& name, const MetricLabels& labels) {
  return MetricsRegistry::Global().GetCounter(name, "", labels).value();
}

TEST(SyslogRecordTest, TheSourceIsTheAppNameAndTheHeaderPartsAreFieldsInOrder) {
  IngestRecord r = SyslogRecord(ParseSyslog("<34>1 2026-12-07T19:00:00Z web-1 sshd 42 AUTH "
                                            "[a b=\"c\"]   Failed password  "),
                                0, "syslog_udp", "unknown");
  EXPECT_EQ(r.record.source, "sshd");
  EXPECT_EQ(r.record.message, "Failed password");
  std::vector<std::pair<std::string, std::string>> expected = {
      {"hostname", "web-1"},
      {"facility", "auth"},
      {"severity", "crit"},
      {"timestamp", "2026-12-07T19:00:00Z"},
      {"procid", "42"},
      {"msgid", "AUTH"},
      {"structured_data", "[a b=\"c\"]"}};
  EXPECT_EQ(r.fields, expected);
}

TEST(SyslogRecordTest, AMessageWithoutAppNameTakesTheDefaultSourceAndATruncationIsAField) {
  IngestRecord r = SyslogRecord(ParseSyslog("no pri at all"), 7, "syslog_tcp", "fallback");
  EXPECT_EQ(r.record.source, "fallback");
  EXPECT_EQ(r.record.message, "no pri at all");
  std::vector<std::pair<std::string, std::string>> expected = {{"truncated_bytes", "7"}};
  EXPECT_EQ(r.fields, expected);
}

TEST(SyslogListenerTest, AnAddressThatIsNotUdpOrTcpIsRefusedNamingTheKey) {
  IngestQueue queue(10);
  SyslogListenerOptions o;
  o.listen = {"http://127.0.0.1:1"};
  auto l = SyslogListener::Start(o, &queue);
  ASSERT_FALSE(l.ok());
  EXPECT_NE(l.status().message().find("ingest.syslog.listen: 'http://127.0.0.1:1'"),
            std::string::npos)
      << l.status().message();
}

TEST(SyslogListenerTest, UdpDatagramsAndBothTcpFramingsBecomeRecordsAndAStopReadsWhatWasSent) {
  IngestQueue queue(100);
  SyslogListenerOptions o;
  o.listen = {"udp://127.0.0.1:0", "tcp://127.0.0.1:0"};
  auto l = SyslogListener::Start(o, &queue);
  ASSERT_TRUE(l.ok()) << l.status().message();
  int udp = Connect(SOCK_DGRAM, Port((*l)->addresses()[0]));
  int tcp = Connect(SOCK_STREAM, Port((*l)->addresses()[1]));
  Send(udp, "<13>Oct 11 22:14:15 host a[1]: over udp");
  Send(tcp, "<13>b: counted and\n multi-line");
  Send(tcp, "\n");
  Send(tcp, "20 <13>c: octet counted");
  Send(tcp, "<13>d: no newline at the end");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // the UDP datagram travels
  (*l)->Stop();
  close(udp);
  close(tcp);
  std::vector<IngestRecord> records = Drain(queue);
  std::vector<std::string> got;
  for (const IngestRecord& r : records) got.push_back(r.record.source + ":" + r.record.message);
  std::sort(got.begin(), got.end());
  EXPECT_EQ(got, (std::vector<std::string>{"a:over udp", "b:counted and", "c:octet counted",
                                           "d:no newline at the end", "unknown:multi-line"}));
}

TEST(SyslogListenerTest, ALineOverTheLimitKeepsItsHeadAndIsCounted) {
  IngestQueue queue(100);
  SyslogListenerOptions o;
  o.listen = {"tcp://127.0.0.1:0"};
  o.max_record_bytes = 16;
  double before = Metric("logsieve_ingest_bad_records_total",
                         {{"input", "syslog_tcp"}, {"reason", "oversized"}});
  auto l = SyslogListener::Start(o, &queue);
  ASSERT_TRUE(l.ok());
  int tcp = Connect(SOCK_STREAM, Port((*l)->addresses()[0]));
  Send(tcp, "<13>app: " + std::string(100, 'x') + "\n<13>app: next\n");
  close(tcp);
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  (*l)->Stop();
  std::vector<IngestRecord> records = Drain(queue);
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[0].record.message, "xxxxxxx");
  EXPECT_EQ(records[0].fields.back(),
            (std::pair<std::string, std::string>{"truncated_bytes", "93"}));
  EXPECT_EQ(records[1].record.message, "next");
  EXPECT_EQ(Metric("logsieve_ingest_bad_records_total",
                   {{"input", "syslog_tcp"}, {"reason", "oversized"}}),
            before + 1);
}

TEST(SyslogListenerTest, AConnectionPastMaxConnectionsIsClosedAndTheOthersServed) {
  IngestQueue queue(100);
  SyslogListenerOptions o;
  o.listen = {"tcp://127.0.0.1:0"};
  o.max_connections = 1;
  auto l = SyslogListener::Start(o, &queue);
  ASSERT_TRUE(l.ok());
  int port = Port((*l)->addresses()[0]);
  int first = Connect(SOCK_STREAM, port);
  Send(first, "<13>one: kept\n");
  std::this_thread::sleep_for(std::chrono::milliseconds(50));  // accepted before the second
  int second = Connect(SOCK_STREAM, port);
  char b;
  EXPECT_EQ(recv(second, &b, 1, 0), 0);  // closed by the listener
  (*l)->Stop();
  close(first);
  close(second);
  std::vector<IngestRecord> records = Drain(queue);
  ASSERT_EQ(records.size(), 1u);
  EXPECT_EQ(records[0].record.message, "kept");
}

std::unique_ptr<Classifier> RulesOnly() {
  Config config;
  EXPECT_TRUE(config.Set("pipeline.stages", "[rules]", "test").ok());
  EXPECT_TRUE(config.Set("pipeline.routes", "[]", "test").ok());
  return std::move(Classifier::Create(config)).value();
}

TEST(IngestLoopTest, EachRecordIsWrittenAsClassifyWritesItThenTheFileIsReopenedOnRequest) {
  testing::ScratchDir dir;
  std::unique_ptr<Classifier> classifier = RulesOnly();
  auto output = NdjsonOutput::Open(dir.File("out.ndjson"));
  ASSERT_TRUE(output.ok());
  IngestQueue queue(10);
  IngestLoop loop(*classifier, &queue, {output->get()}, {});
  std::thread t([&] { EXPECT_TRUE(loop.Run().ok()); });
  IngestRecord r =
      SyslogRecord(ParseSyslog("<38>Oct 11 22:14:15 h ModernCRM: User User1 logged in."), 0,
                   "syslog_udp", "unknown");
  queue.Push(r);
  while (testing::ReadFile(dir.File("out.ndjson")).empty())
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  ASSERT_EQ(std::rename(dir.File("out.ndjson").c_str(), dir.File("out.1").c_str()), 0);
  (*output)->RequestReopen();
  queue.Push(r);
  queue.Close();
  t.join();
  EXPECT_EQ(loop.stats().records, 2u);

  Batch batch;
  batch.records = {r.record};
  batch.Reset();
  classifier->Classify(batch);
  std::vector<std::pair<std::string, std::string>> fields = {{"log_message", r.record.message},
                                                             {"source", r.record.source}};
  fields.insert(fields.end(), r.fields.begin(), r.fields.end());
  std::string expected;
  AppendNdjsonDecision(fields, batch.decisions[0], &expected);
  EXPECT_EQ(testing::ReadFile(dir.File("out.1")), expected);
  EXPECT_EQ(testing::ReadFile(dir.File("out.ndjson")), expected);
  EXPECT_NE(expected.find("\"target_label\":\"User Action\""), std::string::npos) << expected;
}

TEST(IngestLoopTest, AnOutputThatCannotBeWrittenKeepsItsBatchUntilTheStopThenCountsItLost) {
  std::unique_ptr<Classifier> classifier = RulesOnly();
  auto output = NdjsonOutput::Open("/dev/full");  // every write fails: ENOSPC
  ASSERT_TRUE(output.ok());
  IngestQueue queue(10);
  IngestLoop loop(*classifier, &queue, {output->get()},
                  {.drain_timeout = std::chrono::milliseconds(300)});
  double errors = Metric("logsieve_output_errors_total", {{"output", "ndjson"}});
  Status status;
  std::thread t([&] { status = loop.Run(); });
  queue.Push(SyslogRecord(ParseSyslog("<13>app: x"), 0, "syslog_udp", "unknown"));
  while (Metric("logsieve_output_errors_total", {{"output", "ndjson"}}) < errors + 2)
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // retried, not dropped
  loop.RequestStop();
  queue.Close();
  t.join();
  EXPECT_EQ(status.code(), StatusCode::kUnavailable);
  EXPECT_NE(status.message().find("1 records not written"), std::string::npos) << status.message();
  EXPECT_EQ(loop.stats().lost, 1u);
  EXPECT_EQ(loop.stats().records, 0u);
}

TEST(IngestLoopTest, AReceiverDownHoldsTheSendersBackWhileNdjsonTakesEachBatchOnceThenNoneIsLost) {
  testing::ScratchDir dir;
  std::unique_ptr<Classifier> classifier = RulesOnly();
  auto ndjson = NdjsonOutput::Open(dir.File("out.ndjson"));
  ASSERT_TRUE(ndjson.ok());
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->Down();
  OtlpOutputOptions o;
  o.endpoint = receiver->url();
  o.batch_size = 10;
  o.queue_records = 20;
  o.flush_interval = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(100);
  o.write_wait = std::chrono::milliseconds(20);
  auto otlp = OtlpOutput::Start(o);
  ASSERT_TRUE(otlp.ok());
  IngestQueue queue(10);
  IngestLoop loop(*classifier, &queue, {ndjson->get(), otlp->get()}, {.batch_size = 10});
  Status status;
  std::thread t([&] { status = loop.Run(); });
  const int n = 100;
  std::atomic<int> pushed{0};
  std::thread sender([&] {
    for (int i = 0; i < n; ++i, ++pushed) {
      queue.Push(SyslogRecord(ParseSyslog("<13>app: line " + std::to_string(i)), 0, "syslog_tcp",
                              "unknown"));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(1000));
  // Held back: the OTLP queue (20), the loop's batch (10) and the ingest queue (10) are full.
  EXPECT_LE(pushed.load(), 40);
  ASSERT_TRUE(receiver->Up());
  sender.join();
  queue.Close();
  t.join();
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(loop.stats().records, static_cast<uint64_t>(n));

  std::multiset<std::string> expected, in_ndjson, in_otlp;
  for (int i = 0; i < n; ++i) expected.insert("line " + std::to_string(i));
  std::string text = testing::ReadFile(dir.File("out.ndjson"));
  for (size_t at = 0; (at = text.find("\"log_message\":\"", at)) != std::string::npos;) {
    at += 15;
    in_ndjson.insert(text.substr(at, text.find('"', at) - at));
  }
  for (const OtlpReceivedRecord& r : receiver->Records()) in_otlp.insert(r.body);
  EXPECT_EQ(in_ndjson, expected);
  EXPECT_EQ(in_otlp, expected);
}

TEST(IngestLoopTest, AReceiverBackWithinTheDrainTimeoutAfterTheStopStillGetsEveryRecord) {
  std::unique_ptr<Classifier> classifier = RulesOnly();
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->Down();
  OtlpOutputOptions o;
  o.endpoint = receiver->url();
  o.batch_size = 10;
  o.queue_records = 10;
  o.flush_interval = std::chrono::milliseconds(10);
  o.max_backoff = std::chrono::milliseconds(100);
  o.write_wait = std::chrono::milliseconds(20);
  auto otlp = OtlpOutput::Start(o);
  ASSERT_TRUE(otlp.ok());
  IngestQueue queue(10);
  IngestLoop loop(*classifier, &queue, {otlp->get()},
                  {.batch_size = 10, .drain_timeout = std::chrono::seconds(20)});
  Status status;
  std::thread t([&] { status = loop.Run(); });
  // More than the OTLP queue, the loop's batch and the ingest queue hold: the sender waits.
  std::thread sender([&] {
    for (int i = 0; i < 40; ++i) {
      queue.Push(SyslogRecord(ParseSyslog("<13>app: line " + std::to_string(i)), 0, "syslog_tcp",
                              "unknown"));
    }
  });
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  loop.RequestStop();
  std::this_thread::sleep_for(std::chrono::milliseconds(500));
  ASSERT_TRUE(receiver->Up());
  sender.join();
  queue.Close();
  t.join();
  EXPECT_TRUE(status.ok()) << status.message();
  EXPECT_EQ(loop.stats().records, 40u);
  EXPECT_EQ(receiver->Records().size(), 40u);
}

}  // namespace
}  // namespace logsieve
