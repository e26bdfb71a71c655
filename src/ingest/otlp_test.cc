#include "ingest/otlp.h"

#include <gtest/gtest.h>
#include <zlib.h>

#include <string>
#include <utility>
#include <vector>

#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"

namespace logsieve {
namespace {

namespace collector = opentelemetry::proto::collector::logs::v1;
using Fields = std::vector<std::pair<std::string, std::string>>;

std::string Gzip(const std::string& plain) {
  z_stream zs{};
  EXPECT_EQ(deflateInit2(&zs, Z_BEST_COMPRESSION, Z_DEFLATED, 15 + 16, 9, Z_DEFAULT_STRATEGY),
            Z_OK);
  std::string out(deflateBound(&zs, plain.size()), '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(plain.data()));
  zs.avail_in = static_cast<uInt>(plain.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  EXPECT_EQ(deflate(&zs, Z_FINISH), Z_STREAM_END);
  out.resize(zs.total_out);
  deflateEnd(&zs);
  return out;
}

// One resource (service.name checkout, host.name h1), one scope, two records.
constexpr char kJson[] = R"({"resourceLogs":[{
  "resource":{"attributes":[
    {"key":"service.name","value":{"stringValue":"checkout"}},
    {"key":"host.name","value":{"stringValue":"h1"}}]},
  "scopeLogs":[{"scope":{"name":"app","version":"1.2"},"logRecords":[
    {"timeUnixNano":"1733600000000000001","observedTimeUnixNano":1733600000000000002,
     "severityNumber":17,"severityText":"ERROR","body":{"stringValue":"  Payment failed  "},
     "attributes":[{"key":"user","value":{"stringValue":"u1"}},
                   {"key":"attempt","value":{"intValue":"3"}}],
     "traceId":"5B8EFFF798038103D269B633813FC60C","spanId":"EEE19B7EC3C1B174","flags":1},
    {"body":{"stringValue":"second"},"someFutureField":{"x":1}}]}]}]})";

TEST(OtlpJsonTest, ARecordMapsItsBodySourceSeverityTimesTraceScopeAndAttributes) {
  StatusOr<OtlpLogs> logs = DecodeOtlpLogs(OtlpEncoding::kJson, kJson, "unknown");
  ASSERT_TRUE(logs.ok()) << logs.status().message();
  ASSERT_EQ(logs->records.size(), 2u);
  EXPECT_EQ(logs->rejected, 0u);
  const OtlpLogRecord& r = logs->records[0];
  EXPECT_EQ(r.source, "checkout");
  EXPECT_EQ(r.message, "Payment failed");
  Fields expected = {{"severity", "ERROR"},
                     {"severity_number", "17"},
                     {"time_unix_nano", "1733600000000000001"},
                     {"observed_time_unix_nano", "1733600000000000002"},
                     {"trace_id", "5b8efff798038103d269b633813fc60c"},
                     {"span_id", "eee19b7ec3c1b174"},
                     {"flags", "1"},
                     {"scope.name", "app"},
                     {"scope.version", "1.2"},
                     {"resource.host.name", "h1"},
                     {"attributes.user", "u1"},
                     {"attributes.attempt", "3"}};
  EXPECT_EQ(r.fields, expected);
  EXPECT_EQ(logs->records[1].message, "second");  // the unknown key is ignored
}

TEST(OtlpJsonTest, ProtoFieldNamesAreAcceptedAsWellAsCamelCase) {
  StatusOr<OtlpLogs> logs = DecodeOtlpLogs(
      OtlpEncoding::kJson,
      R"({"resource_logs":[{"scope_logs":[{"log_records":[{"body":{"string_value":"x"},
          "time_unix_nano":5}]}]}]})",
      "dflt");
  ASSERT_TRUE(logs.ok()) << logs.status().message();
  ASSERT_EQ(logs->records.size(), 1u);
  EXPECT_EQ(logs->records[0].source, "dflt");
  EXPECT_EQ(logs->records[0].fields, (Fields{{"time_unix_nano", "5"}}));
}

TEST(OtlpJsonTest, BodiesAndAttributesOfOtherKindsAreWrittenAsJsonText) {
  StatusOr<OtlpLogs> logs =
      DecodeOtlpLogs(OtlpEncoding::kJson, R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"body":{"kvlistValue":{"values":[{"key":"a","value":{"intValue":1}},
                                        {"key":"b","value":{"arrayValue":{"values":[
                                           {"boolValue":true},{"doubleValue":1.5},{"bytesValue":"aGk="}]}}}]}},
       "attributes":[{"key":"ok","value":{"boolValue":false}},{"key":"none","value":{}}]},
      {"body":{"intValue":"-42"}}]}]}]})",
                     "u");
  ASSERT_TRUE(logs.ok()) << logs.status().message();
  ASSERT_EQ(logs->records.size(), 2u);
  EXPECT_EQ(logs->records[0].message, R"({"a":1,"b":[true,1.5,"aGk="]})");
  EXPECT_EQ(logs->records[0].fields,
            (Fields{{"attributes.ok", "false"}, {"attributes.none", "null"}}));
  EXPECT_EQ(logs->records[1].message, "-42");
}

TEST(OtlpJsonTest, RecordsWithoutABodyAreRejectedCountedAndTheFirstIsNamed) {
  StatusOr<OtlpLogs> logs =
      DecodeOtlpLogs(OtlpEncoding::kJson, R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[
      {"body":{"stringValue":"kept"}},{"severityText":"INFO"},{"body":{"stringValue":"  "}}]}]}]})",
                     "u");
  ASSERT_TRUE(logs.ok()) << logs.status().message();
  ASSERT_EQ(logs->records.size(), 1u);
  EXPECT_EQ(logs->rejected, 2u);
  EXPECT_EQ(logs->rejected_reason,
            "resourceLogs[0].scopeLogs[0].logRecords[1]: no body (a log record needs a non-blank "
            "body)");
}

TEST(OtlpJsonTest, AMalformedValueIsRefusedNamingItsPath) {
  auto error = [](const std::string& body) {
    StatusOr<OtlpLogs> logs = DecodeOtlpLogs(OtlpEncoding::kJson, body, "u");
    EXPECT_EQ(logs.status().code(), StatusCode::kInvalidArgument);
    return logs.status().message();
  };
  EXPECT_EQ(
      error(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{},{"timeUnixNano":"soon"}]}]}]})"),
      "resourceLogs[0].scopeLogs[0].logRecords[1].timeUnixNano: expected an unsigned "
      "integer (a number or a decimal string), got \"soon\"");
  EXPECT_EQ(error(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"traceId":"xyz1"}]}]}]})"),
            "resourceLogs[0].scopeLogs[0].logRecords[0].traceId: expected a hex string, got "
            "\"xyz1\"");
  EXPECT_EQ(error(R"({"resourceLogs":{}})"), "resourceLogs: expected an array, got {}");
  EXPECT_EQ(error(R"({"resourceLogs":[{"resource":{"attributes":[{"value":{}}]}}]})"),
            "resourceLogs[0].resource.attributes[0]: no key");
  EXPECT_EQ(
      error(R"({"resourceLogs":[{"scopeLogs":[{"logRecords":[{"body":{"intValue":true}}]}]}]})"),
      "resourceLogs[0].scopeLogs[0].logRecords[0].body.intValue: expected a 64-bit integer "
      "(a number or a decimal string), got true");
  EXPECT_NE(error(R"({"resourceLogs":[)").find("OTLP JSON body: invalid JSON"), std::string::npos);
  EXPECT_EQ(error("[]"), "OTLP JSON body: expected an object, got []");
}

TEST(OtlpProtobufTest, ARequestMapsAsItsJsonTwinDoes) {
  collector::ExportLogsServiceRequest req;
  auto* rl = req.add_resource_logs();
  auto* attr = rl->mutable_resource()->add_attributes();
  attr->set_key("service.name");
  attr->mutable_value()->set_string_value("checkout");
  auto* host = rl->mutable_resource()->add_attributes();
  host->set_key("host.name");
  host->mutable_value()->set_string_value("h1");
  auto* sl = rl->add_scope_logs();
  sl->mutable_scope()->set_name("app");
  sl->mutable_scope()->set_version("1.2");
  auto* r = sl->add_log_records();
  r->set_time_unix_nano(1733600000000000001u);
  r->set_observed_time_unix_nano(1733600000000000002u);
  r->set_severity_number(opentelemetry::proto::logs::v1::SEVERITY_NUMBER_ERROR);
  r->set_severity_text("ERROR");
  r->mutable_body()->set_string_value("  Payment failed  ");
  auto* user = r->add_attributes();
  user->set_key("user");
  user->mutable_value()->set_string_value("u1");
  auto* attempt = r->add_attributes();
  attempt->set_key("attempt");
  attempt->mutable_value()->set_int_value(3);
  r->set_trace_id(
      std::string("\x5b\x8e\xff\xf7\x98\x03\x81\x03\xd2\x69\xb6\x33\x81\x3f\xc6\x0c", 16));
  r->set_span_id(std::string("\xee\xe1\x9b\x7e\xc3\xc1\xb1\x74", 8));
  r->set_flags(1);
  sl->add_log_records()->mutable_body()->set_string_value("second");

  StatusOr<OtlpLogs> proto =
      DecodeOtlpLogs(OtlpEncoding::kProtobuf, req.SerializeAsString(), "unknown");
  StatusOr<OtlpLogs> json = DecodeOtlpLogs(OtlpEncoding::kJson, kJson, "unknown");
  ASSERT_TRUE(proto.ok()) << proto.status().message();
  ASSERT_TRUE(json.ok());
  ASSERT_EQ(proto->records.size(), 2u);
  for (size_t i = 0; i < 2; ++i) {
    EXPECT_EQ(proto->records[i].source, json->records[i].source);
    EXPECT_EQ(proto->records[i].message, json->records[i].message);
    EXPECT_EQ(proto->records[i].fields, json->records[i].fields);
  }
}

TEST(OtlpProtobufTest, BytesThatAreNotARequestAreRefused) {
  StatusOr<OtlpLogs> logs = DecodeOtlpLogs(OtlpEncoding::kProtobuf, "\x0a\xff\xff\x01", "u");
  EXPECT_EQ(logs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(logs.status().message().find("not an ExportLogsServiceRequest"), std::string::npos);
}

TEST(OtlpProtobufTest, AStringThatIsNotUtf8IsRefusedSayingSo) {
  collector::ExportLogsServiceRequest req;
  req.add_resource_logs()->add_scope_logs()->add_log_records()->mutable_body()->set_bytes_value(
      "\xff");  // bytes: no UTF-8 check; the same field as a string has one
  std::string wire = req.SerializeAsString();
  // AnyValue.bytes_value is field 7 (tag 0x3a); string_value field 1 (tag 0x0a).
  size_t at = wire.find("\x3a\x01\xff");
  ASSERT_NE(at, std::string::npos);
  wire[at] = '\x0a';
  StatusOr<OtlpLogs> logs = DecodeOtlpLogs(OtlpEncoding::kProtobuf, wire, "u");
  EXPECT_EQ(logs.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(logs.status().message().find("invalid UTF-8"), std::string::npos)
      << logs.status().message();
}

TEST(OtlpJsonTest, ServiceNameLongerThanTheSmallStringBufferIsTheSource) {
  // Regression (otlp_json fuzz): the source was a view of a temporary.
  const std::string name(100, 'n');
  StatusOr<OtlpLogs> logs =
      DecodeOtlpLogs(OtlpEncoding::kJson,
                     R"({"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":)"
                     R"({"stringValue":")" +
                         name +
                         R"("}}]},"scopeLogs":[{"logRecords":[{"body":)"
                         R"({"stringValue":"x"}}]}]}]})",
                     "u");
  ASSERT_TRUE(logs.ok()) << logs.status().message();
  ASSERT_EQ(logs->records.size(), 1u);
  EXPECT_EQ(logs->records[0].source, name);
}

TEST(GunzipTest, AGzipBodyInflatesToWhatWasCompressed) {
  std::string plain(100000, 'x');
  StatusOr<std::string> out = Gunzip(Gzip(plain), 1 << 20);
  ASSERT_TRUE(out.ok()) << out.status().message();
  EXPECT_EQ(*out, plain);
}

TEST(GunzipTest, ABombIsRefusedOnceItPassesTheLimit) {
  std::string bomb = Gzip(std::string(16 << 20, '\0'));  // 16 MiB of zeros in ~16 KiB
  ASSERT_LT(bomb.size(), 100u << 10);
  StatusOr<std::string> out = Gunzip(bomb, 1 << 20);
  EXPECT_EQ(out.status().code(), StatusCode::kResourceExhausted);
  EXPECT_NE(out.status().message().find("inflates past 1048576 bytes"), std::string::npos);
}

TEST(GunzipTest, BytesThatAreNotGzipOrEndEarlyAreRefused) {
  EXPECT_EQ(Gunzip("plain text", 1000).status().code(), StatusCode::kInvalidArgument);
  std::string cut = Gzip(std::string(1000, 'a'));
  cut.resize(cut.size() / 2);
  StatusOr<std::string> out = Gunzip(cut, 1 << 20);
  EXPECT_EQ(out.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(out.status().message().find("ends early"), std::string::npos) << out.status().message();
}

TEST(OtlpResponseTest, APartialSuccessNamesTheRejectedRecordsInBothEncodings) {
  EXPECT_EQ(OtlpExportResponse(OtlpEncoding::kJson, 0, ""), "{}");
  EXPECT_EQ(OtlpExportResponse(OtlpEncoding::kJson, 2, "no body"),
            R"({"partialSuccess":{"rejectedLogRecords":"2","errorMessage":"no body"}})");
  collector::ExportLogsServiceResponse r;
  ASSERT_TRUE(r.ParseFromString(OtlpExportResponse(OtlpEncoding::kProtobuf, 2, "no body")));
  EXPECT_EQ(r.partial_success().rejected_log_records(), 2);
  EXPECT_EQ(r.partial_success().error_message(), "no body");
  EXPECT_TRUE(OtlpExportResponse(OtlpEncoding::kProtobuf, 0, "").empty());
}

TEST(OtlpResponseTest, AnErrorIsAGoogleRpcStatusWithItsGrpcCode) {
  Status bad = InvalidArgumentError("x: bad");
  EXPECT_EQ(OtlpStatusBody(OtlpEncoding::kJson, bad), R"({"code":3,"message":"x: bad"})");
  EXPECT_EQ(OtlpStatusBody(OtlpEncoding::kProtobuf, bad), std::string("\x08\x03\x12\x06x: bad"));
}

TEST(OtlpEncodingTest, JsonAndProtobufContentTypesAreKnownAndOthersNamed) {
  EXPECT_EQ(*OtlpEncodingOf("application/json; charset=utf-8"), OtlpEncoding::kJson);
  EXPECT_EQ(*OtlpEncodingOf("Application/X-Protobuf"), OtlpEncoding::kProtobuf);
  StatusOr<OtlpEncoding> other = OtlpEncodingOf("text/plain");
  EXPECT_EQ(other.status().code(), StatusCode::kInvalidArgument);
  EXPECT_NE(other.status().message().find("'text/plain'"), std::string::npos);
}

}  // namespace
}  // namespace logsieve
