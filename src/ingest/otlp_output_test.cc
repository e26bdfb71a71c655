#include "ingest/otlp_output.h"

#include <gtest/gtest.h>

#include <functional>
#include <nlohmann/json.hpp>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "common/metrics.h"
#include "ingest/ingest.h"
#include "ingest/otlp_json_writer.h"
#include "ingest/testing/otlp_receiver.h"

namespace logsieve {
namespace {

using nlohmann::json;
using namespace std::chrono_literals;

IngestRecord Record(const std::string& source, const std::string& message,
                    std::vector<std::pair<std::string, std::string>> fields = {}) {
  IngestRecord r;
  r.input = "syslog_tcp";
  r.record.source = source;
  r.record.message = message;
  r.fields = std::move(fields);
  return r;
}

Decision Labelled(const std::string& label) {
  Decision d;
  d.label = label;
  d.method = Method::kRegex;
  d.confidence = 1.0f;
  d.detail = "rule r";
  return d;
}

double Metric(const std::string& name) {
  return MetricsRegistry::Global().GetCounter(name, "", {{"output", "otlp"}}).value();
}

bool WaitFor(const std::function<bool()>& done, std::chrono::milliseconds limit = 20s) {
  for (auto until = std::chrono::steady_clock::now() + limit;
       std::chrono::steady_clock::now() < until; std::this_thread::sleep_for(5ms)) {
    if (done()) return true;
  }
  return done();
}

// --- the encoder ---------------------------------------------------------------

TEST(OtlpJsonWriterTest, RecordsAreGroupedBySourceInOrderWithTheirFieldsAndDecisionAsAttributes) {
  std::vector<EncodedOtlpRecord> records = {
      EncodeOtlpLogRecord(
          Record("crm", "User U1 logged in.", {{"hostname", "web-1"}, {"severity", "err"}}),
          Labelled("User Action"), 42),
      EncodeOtlpLogRecord(Record("hr", "two"), Decision{}, 43),
      EncodeOtlpLogRecord(Record("crm", "three"), Labelled("Backup"), 44)};
  json request = json::parse(EncodeOtlpExportRequest(records));

  ASSERT_EQ(request["resourceLogs"].size(), 2u) << request.dump();
  const json& crm = request["resourceLogs"][0];
  EXPECT_EQ(crm["resource"]["attributes"][0],
            (json{{"key", "service.name"}, {"value", {{"stringValue", "crm"}}}}));
  EXPECT_EQ(crm["scopeLogs"][0]["scope"]["name"], "logsieve");
  const json& logs = crm["scopeLogs"][0]["logRecords"];
  ASSERT_EQ(logs.size(), 2u);
  EXPECT_EQ(logs[0]["body"]["stringValue"], "User U1 logged in.");
  EXPECT_EQ(logs[0]["observedTimeUnixNano"], "42");  // int64 as a string, as protobuf JSON writes
  EXPECT_EQ(logs[0]["severityNumber"], 17);
  EXPECT_EQ(logs[0]["severityText"], "err");
  EXPECT_EQ(logs[0]["attributes"],
            json::parse(R"([{"key":"hostname","value":{"stringValue":"web-1"}},
                            {"key":"severity","value":{"stringValue":"err"}},
                            {"key":"logsieve.label","value":{"stringValue":"User Action"}},
                            {"key":"logsieve.method","value":{"stringValue":"Regex"}},
                            {"key":"logsieve.confidence","value":{"doubleValue":1.0}},
                            {"key":"logsieve.degraded","value":{"boolValue":false}},
                            {"key":"logsieve.detail","value":{"stringValue":"rule r"}}])"));
  EXPECT_EQ(logs[1]["body"]["stringValue"], "three");
  const json& hr = request["resourceLogs"][1];
  EXPECT_EQ(hr["resource"]["attributes"][0]["value"]["stringValue"], "hr");
  const json& undecided = hr["scopeLogs"][0]["logRecords"][0];
  EXPECT_FALSE(undecided.contains("severityNumber"));
  std::set<std::string> keys;
  for (const json& a : undecided["attributes"]) keys.insert(a["key"]);
  EXPECT_EQ(keys, (std::set<std::string>{"logsieve.label", "logsieve.method", "logsieve.degraded",
                                         "logsieve.detail"}));  // no confidence: none given
}

TEST(OtlpJsonWriterTest, InvalidUtf8IsWrittenAsTheReplacementCharacterSoTheBodyStaysJson) {
  std::vector<EncodedOtlpRecord> records = {EncodeOtlpLogRecord(
      Record("a\xff", "bad \xc3 byte, caf\xc3\xa9", {{"k\xfe", "v\x80"}}), Labelled("x"), 1)};
  std::string body = EncodeOtlpExportRequest(records);
  json request = json::parse(body);  // throws on invalid UTF-8
  const json& r = request["resourceLogs"][0];
  EXPECT_EQ(r["resource"]["attributes"][0]["value"]["stringValue"], "a\xEF\xBF\xBD");
  EXPECT_EQ(r["scopeLogs"][0]["logRecords"][0]["body"]["stringValue"],
            "bad \xEF\xBF\xBD byte, caf\xC3\xA9");
  EXPECT_EQ(r["scopeLogs"][0]["logRecords"][0]["attributes"][0]["key"], "k\xEF\xBF\xBD");
}

TEST(OtlpJsonWriterTest, NoRecordsIsAnEmptyRequest) {
  EXPECT_EQ(EncodeOtlpExportRequest({}), R"({"resourceLogs":[]})");
}

TEST(OtlpLogsUrlTest, ABaseUrlGetsV1LogsAndAUrlWithAPathIsUsedAsItIs) {
  EXPECT_EQ(*OtlpLogsUrl("http://collector:4318"), "http://collector:4318/v1/logs");
  EXPECT_EQ(*OtlpLogsUrl("https://collector:4318/"), "https://collector:4318/v1/logs");
  EXPECT_EQ(*OtlpLogsUrl("http://gw/otlp/v1/logs"), "http://gw/otlp/v1/logs");
  StatusOr<std::string> bad = OtlpLogsUrl("collector:4318");
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().message(),
            "output.otlp.endpoint: 'collector:4318' is not an http:// or https:// URL");
}

TEST(OtlpOutputTest, AHeaderWithoutAColonIsRefusedNamingTheKey) {
  OtlpOutputOptions o;
  o.endpoint = "http://127.0.0.1:1";
  o.headers = {"Authorization Bearer x"};
  auto out = OtlpOutput::Start(o);
  ASSERT_FALSE(out.ok());
  EXPECT_NE(out.status().message().find("output.otlp.headers"), std::string::npos);
}

// --- the output against a loopback receiver ------------------------------------

// `n` records of `source`, "line 0" ... in a batch the output can Write.
struct TestBatch {
  TestBatch(const std::string& source, int first, int n) {
    for (int i = first; i < first + n; ++i) {
      records.push_back(Record(source, "line " + std::to_string(i)));
      decisions.push_back(Labelled("L"));
    }
  }
  ClassifiedBatch view() const { return {records, decisions}; }
  std::vector<IngestRecord> records;
  std::vector<Decision> decisions;
};

OtlpOutputOptions To(const OtlpReceiver& receiver) {
  OtlpOutputOptions o;
  o.endpoint = receiver.url();
  o.flush_interval = 20ms;
  o.max_backoff = 200ms;
  return o;
}

std::multiset<std::string> Bodies(const OtlpReceiver& receiver) {
  std::multiset<std::string> out;
  for (const OtlpReceivedRecord& r : receiver.Records()) out.insert(r.body);
  return out;
}

std::multiset<std::string> Lines(int n) {
  std::multiset<std::string> out;
  for (int i = 0; i < n; ++i) out.insert("line " + std::to_string(i));
  return out;
}

TEST(OtlpOutputTest, EveryRecordReachesTheReceiverOnceInRequestsOfAtMostBatchSize) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  OtlpOutputOptions o = To(*receiver);
  o.batch_size = 300;
  o.headers = {"Authorization: Bearer t0ken"};
  auto out = OtlpOutput::Start(o);
  ASSERT_TRUE(out.ok()) << out.status().message();
  const double written = Metric("logsieve_output_records_total");
  for (int i = 0; i < 1000; i += 100)
    ASSERT_TRUE((*out)->Write(TestBatch("app", i, 100).view()).ok());
  EXPECT_EQ((*out)->Finish(std::chrono::steady_clock::now() + 10s), 0u);

  EXPECT_EQ(Bodies(*receiver), Lines(1000));
  for (const OtlpRequest& r : receiver->Requests()) {
    EXPECT_LE(json::parse(r.body)["resourceLogs"][0]["scopeLogs"][0]["logRecords"].size(), 300u);
    EXPECT_EQ(r.headers.at("authorization"), "Bearer t0ken");
    EXPECT_EQ(r.headers.at("content-type"), "application/json");
  }
  EXPECT_EQ((*out)->delivered(), 1000u);
  EXPECT_EQ(Metric("logsieve_output_records_total"), written + 1000);
}

TEST(OtlpOutputTest, AReceiverDownThenBackLosesNothingAndAFullQueueRefusesTheWriterMeanwhile) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->Down();  // connection refused
  OtlpOutputOptions o = To(*receiver);
  o.batch_size = 10;
  o.queue_records = 50;
  o.write_wait = 50ms;
  auto out = OtlpOutput::Start(o);
  ASSERT_TRUE(out.ok());
  const double errors = Metric("logsieve_output_errors_total");

  ASSERT_TRUE((*out)->Write(TestBatch("app", 0, 40).view()).ok());  // queued
  TestBatch second("app", 40, 40);
  Status full = (*out)->Write(second.view());  // 10 more fit, then the queue is full
  ASSERT_EQ(full.code(), StatusCode::kUnavailable);
  EXPECT_NE(full.message().find("the queue is full (50 records)"), std::string::npos)
      << full.message();
  EXPECT_NE(full.message().find("last error"), std::string::npos) << full.message();
  EXPECT_EQ(MetricsRegistry::Global()
                .GetGauge("logsieve_output_queued_records", "", {{"output", "otlp"}})
                .value(),
            50);
  EXPECT_GT(Metric("logsieve_output_errors_total"), errors);
  EXPECT_TRUE(receiver->Records().empty());

  ASSERT_TRUE(receiver->Up());
  ASSERT_TRUE(WaitFor([&] { return (*out)->Write(second.view()).ok(); }));  // the rest of it
  EXPECT_EQ((*out)->Finish(std::chrono::steady_clock::now() + 10s), 0u);
  EXPECT_EQ(Bodies(*receiver), Lines(80));
}

TEST(OtlpOutputTest, ARefusalWith400IsCountedAndNotRetriedAndTheNextRequestGoes) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->AnswerWith([](int n) {
    return n == 0 ? OtlpAnswer{400, R"({"code":3,"message":"bad attribute"})", ""} : OtlpAnswer{};
  });
  OtlpOutputOptions o = To(*receiver);
  o.batch_size = 10;
  auto out = OtlpOutput::Start(o);
  ASSERT_TRUE(out.ok());
  const double rejected = Metric("logsieve_output_rejected_records_total");
  ASSERT_TRUE((*out)->Write(TestBatch("app", 0, 10).view()).ok());
  ASSERT_TRUE(WaitFor([&] { return receiver->Requests().size() == 1; }));
  ASSERT_TRUE((*out)->Write(TestBatch("app", 10, 10).view()).ok());
  EXPECT_EQ((*out)->Finish(std::chrono::steady_clock::now() + 10s), 0u);

  EXPECT_EQ(receiver->Requests().size(), 2u);  // the refused one was not sent again
  EXPECT_EQ((*out)->rejected(), 10u);
  EXPECT_EQ((*out)->delivered(), 10u);
  EXPECT_EQ(Metric("logsieve_output_rejected_records_total"), rejected + 10);
  EXPECT_EQ(Bodies(*receiver).count("line 15"), 1u);
}

TEST(OtlpOutputTest, A503WithRetryAfterIsRetriedAfterThatWaitAndDeliveredOnce) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->AnswerWith([](int n) { return n == 0 ? OtlpAnswer{503, "busy", "1"} : OtlpAnswer{}; });
  auto out = OtlpOutput::Start(To(*receiver));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->Write(TestBatch("app", 0, 5).view()).ok());
  EXPECT_EQ((*out)->Finish(std::chrono::steady_clock::now() + 10s), 0u);

  std::vector<OtlpRequest> requests = receiver->Requests();
  ASSERT_EQ(requests.size(), 2u);
  EXPECT_EQ(requests[0].body, requests[1].body);
  EXPECT_GE(requests[1].at - requests[0].at, 900ms);  // Retry-After: 1, not the 100 ms backoff
  EXPECT_EQ(Bodies(*receiver), Lines(5));
}

TEST(OtlpOutputTest, APartialSuccessCountsTheRecordsTheReceiverRejected) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->AnswerWith([](int) {
    return OtlpAnswer{200, R"({"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"x"}})",
                      ""};
  });
  auto out = OtlpOutput::Start(To(*receiver));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->Write(TestBatch("app", 0, 5).view()).ok());
  EXPECT_EQ((*out)->Finish(std::chrono::steady_clock::now() + 10s), 0u);
  EXPECT_EQ((*out)->rejected(), 2u);
  EXPECT_EQ((*out)->delivered(), 3u);
}

TEST(OtlpOutputTest, FinishWithTheReceiverDownGivesUpAtTheDeadlineAndCountsWhatIsLeft) {
  auto receiver = OtlpReceiver::Start();
  ASSERT_NE(receiver, nullptr);
  receiver->Down();
  auto out = OtlpOutput::Start(To(*receiver));
  ASSERT_TRUE(out.ok());
  ASSERT_TRUE((*out)->Write(TestBatch("app", 0, 7).view()).ok());
  const auto start = std::chrono::steady_clock::now();
  EXPECT_EQ((*out)->Finish(start + 300ms), 7u);
  EXPECT_LT(std::chrono::steady_clock::now() - start, 2s);
}

}  // namespace
}  // namespace logsieve
