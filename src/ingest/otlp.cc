#include "ingest/otlp.h"

#include <zlib.h>

#include <algorithm>
#include <cctype>
#include <charconv>
#include <climits>
#include <mutex>
#include <nlohmann/json.hpp>

#include "common/json.h"
#include "io/ndjson.h"
#include "opentelemetry/proto/collector/logs/v1/logs_service.pb.h"

namespace logsieve {
namespace {

namespace collector = opentelemetry::proto::collector::logs::v1;
namespace logs = opentelemetry::proto::logs::v1;
namespace common = opentelemetry::proto::common::v1;
using Json =
    nlohmann::ordered_json;  // fewer allocations than std::map; keeps the sender's key order

// A JSON path, built on the stack as the walk descends and rendered only for
// an error: resourceLogs[0].scopeLogs[1].logRecords[2].body.
struct Path {
  const Path* parent = nullptr;
  std::string_view key;  // empty: an array element
  size_t index = 0;

  Path Field(std::string_view k) const { return {this, k, 0}; }
  Path At(size_t i) const { return {this, {}, i}; }
  std::string Render() const {
    if (parent == nullptr) return {};  // the document
    std::string head = parent->Render();
    if (key.empty()) return head + "[" + std::to_string(index) + "]";
    return head.empty() ? std::string(key) : head + "." + std::string(key);
  }
};

std::string Shown(const Json& v) {
  std::string s = DumpJson(v);
  if (s.size() > 60) s = s.substr(0, 57) + "...";
  return s;
}

Status Bad(const Path& p, std::string_view expected, const Json& got) {
  return InvalidArgumentError(p.Render() + ": expected " + std::string(expected) + ", got " +
                              Shown(got));
}

// The member `camel` (or its proto name `snake`) of object `o`; null when
// absent or JSON null.
const Json* Member(const Json& o, std::string_view camel, std::string_view snake) {
  auto it = o.find(camel);
  if (it == o.end() && !snake.empty()) it = o.find(snake);
  if (it == o.end() || it->is_null()) return nullptr;
  return &*it;
}

Status ExpectObject(const Json& v, const Path& p) {
  return v.is_object() ? OkStatus() : Bad(p, "an object", v);
}

StatusOr<const Json*> ArrayMember(const Json& o, const Path& p, std::string_view camel,
                                  std::string_view snake) {
  const Json* v = Member(o, camel, snake);
  if (v != nullptr && !v->is_array()) return Bad(p.Field(camel), "an array", *v);
  return v;
}

StatusOr<std::string> StringOf(const Json& v, const Path& p) {
  if (!v.is_string()) return Bad(p, "a string", v);
  return v.get<std::string>();
}

StatusOr<uint64_t> Uint64Of(const Json& v, const Path& p) {
  if (v.is_number_unsigned()) return v.get<uint64_t>();
  if (v.is_number_integer() && v.get<int64_t>() >= 0)
    return static_cast<uint64_t>(v.get<int64_t>());
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    uint64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return n;
  }
  return Bad(p, "an unsigned integer (a number or a decimal string)", v);
}

StatusOr<int64_t> Int64Of(const Json& v, const Path& p) {
  if (v.is_number_integer()) {
    if (v.is_number_unsigned() && v.get<uint64_t>() > uint64_t{INT64_MAX}) {
      return Bad(p, "a 64-bit integer", v);
    }
    return v.get<int64_t>();
  }
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    int64_t n = 0;
    auto [end, ec] = std::from_chars(s.data(), s.data() + s.size(), n);
    if (ec == std::errc() && end == s.data() + s.size() && !s.empty()) return n;
  }
  return Bad(p, "a 64-bit integer (a number or a decimal string)", v);
}

StatusOr<std::string> HexBytesOf(const Json& v, const Path& p) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::string out;
    bool ok = s.size() % 2 == 0;
    for (size_t i = 0; ok && i < s.size(); i += 2) {
      int hi = 0, lo = 0;
      auto digit = [](char c, int* d) {
        if (c >= '0' && c <= '9')
          *d = c - '0';
        else if (c >= 'a' && c <= 'f')
          *d = c - 'a' + 10;
        else if (c >= 'A' && c <= 'F')
          *d = c - 'A' + 10;
        else
          return false;
        return true;
      };
      ok = digit(s[i], &hi) && digit(s[i + 1], &lo);
      out.push_back(static_cast<char>(hi * 16 + lo));
    }
    if (ok) return out;
  }
  return Bad(p, "a hex string", v);
}

constexpr std::string_view kBase64 =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

std::string Base64(std::string_view bytes) {
  std::string out;
  out.reserve((bytes.size() + 2) / 3 * 4);
  for (size_t i = 0; i < bytes.size(); i += 3) {
    uint32_t n = static_cast<uint8_t>(bytes[i]) << 16;
    if (i + 1 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 1]) << 8;
    if (i + 2 < bytes.size()) n |= static_cast<uint8_t>(bytes[i + 2]);
    out.push_back(kBase64[(n >> 18) & 63]);
    out.push_back(kBase64[(n >> 12) & 63]);
    out.push_back(i + 1 < bytes.size() ? kBase64[(n >> 6) & 63] : '=');
    out.push_back(i + 2 < bytes.size() ? kBase64[n & 63] : '=');
  }
  return out;
}

// Standard or URL-safe alphabet, padding optional (proto3 JSON accepts both).
StatusOr<std::string> Base64BytesOf(const Json& v, const Path& p) {
  if (v.is_string()) {
    const std::string& s = v.get_ref<const std::string&>();
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    bool ok = true;
    size_t end = s.size();
    while (end > 0 && s[end - 1] == '=') --end;
    for (size_t i = 0; ok && i < end; ++i) {
      char c = s[i];
      int d;
      if (c >= 'A' && c <= 'Z')
        d = c - 'A';
      else if (c >= 'a' && c <= 'z')
        d = c - 'a' + 26;
      else if (c >= '0' && c <= '9')
        d = c - '0' + 52;
      else if (c == '+' || c == '-')
        d = 62;
      else if (c == '/' || c == '_')
        d = 63;
      else {
        ok = false;
        break;
      }
      acc = (acc << 6) | static_cast<uint32_t>(d);
      bits += 6;
      if (bits >= 8) {
        bits -= 8;
        out.push_back(static_cast<char>((acc >> bits) & 0xff));
      }
    }
    if (ok && end % 4 != 1) return out;
  }
  return Bad(p, "a base64 string", v);
}

Status AnyValueFromJson(const Json& v, const Path& p, common::AnyValue* out);

Status KeyValuesFromJson(const Json& arr, const Path& p,
                         google::protobuf::RepeatedPtrField<common::KeyValue>* out) {
  out->Reserve(static_cast<int>(arr.size()));
  for (size_t i = 0; i < arr.size(); ++i) {
    Path at = p.At(i);
    const Json& kv = arr[i];
    LOGSIEVE_RETURN_IF_ERROR(ExpectObject(kv, at));
    common::KeyValue* k = out->Add();
    const Json* key = Member(kv, "key", "");
    if (key == nullptr) return InvalidArgumentError(at.Render() + ": no key");
    LOGSIEVE_ASSIGN_OR_RETURN(*k->mutable_key(), StringOf(*key, at.Field("key")));
    if (const Json* value = Member(kv, "value", "")) {
      LOGSIEVE_RETURN_IF_ERROR(AnyValueFromJson(*value, at.Field("value"), k->mutable_value()));
    }
  }
  return OkStatus();
}

Status AnyValueFromJson(const Json& v, const Path& p, common::AnyValue* out) {
  LOGSIEVE_RETURN_IF_ERROR(ExpectObject(v, p));
  if (const Json* s = Member(v, "stringValue", "string_value")) {
    LOGSIEVE_ASSIGN_OR_RETURN(*out->mutable_string_value(), StringOf(*s, p.Field("stringValue")));
  } else if (const Json* b = Member(v, "boolValue", "bool_value")) {
    if (!b->is_boolean()) return Bad(p.Field("boolValue"), "true or false", *b);
    out->set_bool_value(b->get<bool>());
  } else if (const Json* i = Member(v, "intValue", "int_value")) {
    LOGSIEVE_ASSIGN_OR_RETURN(int64_t n, Int64Of(*i, p.Field("intValue")));
    out->set_int_value(n);
  } else if (const Json* d = Member(v, "doubleValue", "double_value")) {
    if (!d->is_number()) return Bad(p.Field("doubleValue"), "a number", *d);
    out->set_double_value(d->get<double>());
  } else if (const Json* a = Member(v, "arrayValue", "array_value")) {
    Path ap = p.Field("arrayValue");
    LOGSIEVE_RETURN_IF_ERROR(ExpectObject(*a, ap));
    common::ArrayValue* array = out->mutable_array_value();
    LOGSIEVE_ASSIGN_OR_RETURN(const Json* values, ArrayMember(*a, ap, "values", ""));
    if (values != nullptr) {
      Path vp = ap.Field("values");
      for (size_t k = 0; k < values->size(); ++k) {
        LOGSIEVE_RETURN_IF_ERROR(AnyValueFromJson((*values)[k], vp.At(k), array->add_values()));
      }
    }
  } else if (const Json* kv = Member(v, "kvlistValue", "kvlist_value")) {
    Path kp = p.Field("kvlistValue");
    LOGSIEVE_RETURN_IF_ERROR(ExpectObject(*kv, kp));
    common::KeyValueList* list = out->mutable_kvlist_value();
    LOGSIEVE_ASSIGN_OR_RETURN(const Json* values, ArrayMember(*kv, kp, "values", ""));
    if (values != nullptr) {
      LOGSIEVE_RETURN_IF_ERROR(
          KeyValuesFromJson(*values, kp.Field("values"), list->mutable_values()));
    }
  } else if (const Json* by = Member(v, "bytesValue", "bytes_value")) {
    LOGSIEVE_ASSIGN_OR_RETURN(*out->mutable_bytes_value(),
                              Base64BytesOf(*by, p.Field("bytesValue")));
  }
  // {} (or only unknown keys): an AnyValue with no value.
  return OkStatus();
}

Status AttributesFromJson(const Json& o, const Path& p,
                          google::protobuf::RepeatedPtrField<common::KeyValue>* out) {
  LOGSIEVE_ASSIGN_OR_RETURN(const Json* attrs, ArrayMember(o, p, "attributes", ""));
  if (attrs == nullptr) return OkStatus();
  return KeyValuesFromJson(*attrs, p.Field("attributes"), out);
}

Status LogRecordFromJson(const Json& r, const Path& p, logs::LogRecord* out) {
  LOGSIEVE_RETURN_IF_ERROR(ExpectObject(r, p));
  if (const Json* t = Member(r, "timeUnixNano", "time_unix_nano")) {
    LOGSIEVE_ASSIGN_OR_RETURN(uint64_t n, Uint64Of(*t, p.Field("timeUnixNano")));
    out->set_time_unix_nano(n);
  }
  if (const Json* t = Member(r, "observedTimeUnixNano", "observed_time_unix_nano")) {
    LOGSIEVE_ASSIGN_OR_RETURN(uint64_t n, Uint64Of(*t, p.Field("observedTimeUnixNano")));
    out->set_observed_time_unix_nano(n);
  }
  if (const Json* s = Member(r, "severityNumber", "severity_number")) {
    if (!s->is_number_integer() || s->get<int64_t>() < 0 || s->get<int64_t>() > 24) {
      return Bad(p.Field("severityNumber"), "a severity number from 0 to 24", *s);
    }
    out->set_severity_number(static_cast<logs::SeverityNumber>(s->get<int>()));
  }
  if (const Json* s = Member(r, "severityText", "severity_text")) {
    LOGSIEVE_ASSIGN_OR_RETURN(*out->mutable_severity_text(), StringOf(*s, p.Field("severityText")));
  }
  if (const Json* b = Member(r, "body", "")) {
    LOGSIEVE_RETURN_IF_ERROR(AnyValueFromJson(*b, p.Field("body"), out->mutable_body()));
  }
  LOGSIEVE_RETURN_IF_ERROR(AttributesFromJson(r, p, out->mutable_attributes()));
  if (const Json* f = Member(r, "flags", "")) {
    LOGSIEVE_ASSIGN_OR_RETURN(uint64_t n, Uint64Of(*f, p.Field("flags")));
    if (n > UINT32_MAX) return Bad(p.Field("flags"), "a 32-bit unsigned integer", *f);
    out->set_flags(static_cast<uint32_t>(n));
  }
  if (const Json* t = Member(r, "traceId", "trace_id")) {
    LOGSIEVE_ASSIGN_OR_RETURN(*out->mutable_trace_id(), HexBytesOf(*t, p.Field("traceId")));
  }
  if (const Json* s = Member(r, "spanId", "span_id")) {
    LOGSIEVE_ASSIGN_OR_RETURN(*out->mutable_span_id(), HexBytesOf(*s, p.Field("spanId")));
  }
  if (const Json* e = Member(r, "eventName", "event_name")) {
    LOGSIEVE_ASSIGN_OR_RETURN(*out->mutable_event_name(), StringOf(*e, p.Field("eventName")));
  }
  return OkStatus();
}

StatusOr<collector::ExportLogsServiceRequest> RequestFromJson(std::string_view body) {
  LOGSIEVE_ASSIGN_OR_RETURN(Json doc, ParseJson<Json>(body, "OTLP JSON body"));
  collector::ExportLogsServiceRequest req;
  const Path root;
  if (!doc.is_object())
    return InvalidArgumentError("OTLP JSON body: expected an object, got " + Shown(doc));
  LOGSIEVE_ASSIGN_OR_RETURN(const Json* rls,
                            ArrayMember(doc, root, "resourceLogs", "resource_logs"));
  if (rls == nullptr) return req;
  const Path rlp = root.Field("resourceLogs");
  for (size_t i = 0; i < rls->size(); ++i) {
    const Json& rl = (*rls)[i];
    Path p = rlp.At(i);
    LOGSIEVE_RETURN_IF_ERROR(ExpectObject(rl, p));
    logs::ResourceLogs* out = req.add_resource_logs();
    if (const Json* res = Member(rl, "resource", "")) {
      LOGSIEVE_RETURN_IF_ERROR(ExpectObject(*res, p.Field("resource")));
      LOGSIEVE_RETURN_IF_ERROR(AttributesFromJson(*res, p.Field("resource"),
                                                  out->mutable_resource()->mutable_attributes()));
    }
    LOGSIEVE_ASSIGN_OR_RETURN(const Json* sls, ArrayMember(rl, p, "scopeLogs", "scope_logs"));
    if (sls == nullptr) continue;
    const Path slp = p.Field("scopeLogs");
    for (size_t j = 0; j < sls->size(); ++j) {
      const Json& sl = (*sls)[j];
      Path sp = slp.At(j);
      LOGSIEVE_RETURN_IF_ERROR(ExpectObject(sl, sp));
      logs::ScopeLogs* sout = out->add_scope_logs();
      if (const Json* scope = Member(sl, "scope", "")) {
        Path scp = sp.Field("scope");
        LOGSIEVE_RETURN_IF_ERROR(ExpectObject(*scope, scp));
        if (const Json* n = Member(*scope, "name", "")) {
          LOGSIEVE_ASSIGN_OR_RETURN(*sout->mutable_scope()->mutable_name(),
                                    StringOf(*n, scp.Field("name")));
        }
        if (const Json* v = Member(*scope, "version", "")) {
          LOGSIEVE_ASSIGN_OR_RETURN(*sout->mutable_scope()->mutable_version(),
                                    StringOf(*v, scp.Field("version")));
        }
      }
      LOGSIEVE_ASSIGN_OR_RETURN(const Json* lrs, ArrayMember(sl, sp, "logRecords", "log_records"));
      if (lrs == nullptr) continue;
      const Path lrp = sp.Field("logRecords");
      sout->mutable_log_records()->Reserve(static_cast<int>(lrs->size()));
      for (size_t k = 0; k < lrs->size(); ++k) {
        LOGSIEVE_RETURN_IF_ERROR(LogRecordFromJson((*lrs)[k], lrp.At(k), sout->add_log_records()));
      }
    }
  }
  return req;
}

// AnyValue as the JSON a reader expects: {"kvlistValue":...} as an object.
Json Plain(const common::AnyValue& v) {
  switch (v.value_case()) {
    case common::AnyValue::kStringValue:
      return v.string_value();
    case common::AnyValue::kBoolValue:
      return v.bool_value();
    case common::AnyValue::kIntValue:
      return v.int_value();
    case common::AnyValue::kDoubleValue:
      return v.double_value();
    case common::AnyValue::kArrayValue: {
      Json a = Json::array();
      for (const common::AnyValue& e : v.array_value().values()) a.push_back(Plain(e));
      return a;
    }
    case common::AnyValue::kKvlistValue: {
      Json o = Json::object();
      for (const common::KeyValue& kv : v.kvlist_value().values()) o[kv.key()] = Plain(kv.value());
      return o;
    }
    case common::AnyValue::kBytesValue:
      return Base64(v.bytes_value());
    case common::AnyValue::VALUE_NOT_SET:
      break;
  }
  return nullptr;
}

std::string Text(const common::AnyValue& v) {
  if (v.value_case() == common::AnyValue::kStringValue) return v.string_value();
  return DumpJson(Plain(v));
}

std::string Hex(std::string_view bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string out;
  out.reserve(bytes.size() * 2);
  for (char c : bytes) {
    out.push_back(kDigits[static_cast<uint8_t>(c) >> 4]);
    out.push_back(kDigits[static_cast<uint8_t>(c) & 15]);
  }
  return out;
}

OtlpLogs Map(const collector::ExportLogsServiceRequest& req, std::string_view default_source) {
  OtlpLogs out;
  std::vector<std::pair<std::string, std::string>> resource_fields;
  for (int i = 0; i < req.resource_logs_size(); ++i) {
    const logs::ResourceLogs& rl = req.resource_logs(i);
    std::string source(default_source);
    resource_fields.clear();
    for (const common::KeyValue& kv : rl.resource().attributes()) {
      if (kv.key() == "service.name") {
        const std::string name = Text(kv.value());
        std::string_view s = TrimRecordField(name);
        if (!s.empty()) source = s;
        continue;
      }
      resource_fields.emplace_back("resource." + kv.key(), Text(kv.value()));
    }
    for (int j = 0; j < rl.scope_logs_size(); ++j) {
      const logs::ScopeLogs& sl = rl.scope_logs(j);
      for (int k = 0; k < sl.log_records_size(); ++k) {
        const logs::LogRecord& r = sl.log_records(k);
        std::string body = r.has_body() ? Text(r.body()) : std::string();
        std::string_view message = TrimRecordField(body);
        if (message.empty() || r.body().value_case() == common::AnyValue::VALUE_NOT_SET) {
          if (out.rejected++ == 0) {
            out.rejected_reason = "resourceLogs[" + std::to_string(i) + "].scopeLogs[" +
                                  std::to_string(j) + "].logRecords[" + std::to_string(k) +
                                  "]: no body (a log record needs a non-blank body)";
          }
          continue;
        }
        OtlpLogRecord& o = out.records.emplace_back();
        o.source = source;
        o.message = message;
        auto& f = o.fields;
        if (!r.severity_text().empty()) f.emplace_back("severity", r.severity_text());
        if (r.severity_number() != 0)
          f.emplace_back("severity_number", std::to_string(r.severity_number()));
        if (r.time_unix_nano() != 0)
          f.emplace_back("time_unix_nano", std::to_string(r.time_unix_nano()));
        if (r.observed_time_unix_nano() != 0)
          f.emplace_back("observed_time_unix_nano", std::to_string(r.observed_time_unix_nano()));
        if (!r.trace_id().empty()) f.emplace_back("trace_id", Hex(r.trace_id()));
        if (!r.span_id().empty()) f.emplace_back("span_id", Hex(r.span_id()));
        if (r.flags() != 0) f.emplace_back("flags", std::to_string(r.flags()));
        if (!r.event_name().empty()) f.emplace_back("event_name", r.event_name());
        if (!sl.scope().name().empty()) f.emplace_back("scope.name", sl.scope().name());
        if (!sl.scope().version().empty()) f.emplace_back("scope.version", sl.scope().version());
        f.insert(f.end(), resource_fields.begin(), resource_fields.end());
        for (const common::KeyValue& kv : r.attributes()) {
          f.emplace_back("attributes." + kv.key(), Text(kv.value()));
        }
      }
    }
  }
  return out;
}

int GrpcCode(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return 0;
    case StatusCode::kInvalidArgument:
      return 3;
    case StatusCode::kDeadlineExceeded:
      return 4;
    case StatusCode::kNotFound:
      return 5;
    case StatusCode::kPermissionDenied:
      return 7;
    case StatusCode::kResourceExhausted:
      return 8;
    case StatusCode::kFailedPrecondition:
      return 9;
    case StatusCode::kOutOfRange:
      return 11;
    case StatusCode::kUnimplemented:
      return 12;
    case StatusCode::kInternal:
      return 13;
    case StatusCode::kUnavailable:
      return 14;
    case StatusCode::kDataLoss:
      return 15;
    case StatusCode::kUnauthenticated:
      return 16;
  }
  return 2;  // UNKNOWN
}

// libprotobuf logs why a parse failed (invalid UTF-8 in a string field, ...)
// to stderr, once per bad request; the message is kept instead for the 400.
thread_local std::string protobuf_error;

void KeepProtobufError(google::protobuf::LogLevel /*level*/, const char* /*file*/, int /*line*/,
                       const std::string& message) {
  protobuf_error = message;
}

void AppendVarint(uint64_t n, std::string* out) {
  while (n >= 0x80) {
    out->push_back(static_cast<char>((n & 0x7f) | 0x80));
    n >>= 7;
  }
  out->push_back(static_cast<char>(n));
}

}  // namespace

StatusOr<OtlpLogs> DecodeOtlpLogs(OtlpEncoding encoding, std::string_view body,
                                  std::string_view default_source) {
  if (encoding == OtlpEncoding::kJson) {
    LOGSIEVE_ASSIGN_OR_RETURN(collector::ExportLogsServiceRequest req, RequestFromJson(body));
    return Map(req, default_source);
  }
  static std::once_flag once;
  std::call_once(once, [] { google::protobuf::SetLogHandler(KeepProtobufError); });
  collector::ExportLogsServiceRequest req;
  protobuf_error.clear();
  if (body.size() > static_cast<size_t>(INT_MAX) ||
      !req.ParseFromArray(body.data(), static_cast<int>(body.size()))) {
    return InvalidArgumentError("OTLP protobuf body: not an ExportLogsServiceRequest (" +
                                std::to_string(body.size()) + " bytes" +
                                (protobuf_error.empty() ? std::string(" that do not parse as one")
                                                        : ": " + protobuf_error) +
                                ")");
  }
  return Map(req, default_source);
}

StatusOr<std::string> Gunzip(std::string_view body, size_t max_bytes) {
  z_stream zs{};
  if (inflateInit2(&zs, 15 + 32) != Z_OK) return InternalError("gzip: inflateInit2 failed");
  std::string out;
  constexpr size_t kChunk = 64 << 10;
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(body.data()));
  zs.avail_in = static_cast<uInt>(std::min<size_t>(body.size(), UINT32_MAX));
  int rc = Z_OK;
  for (;;) {
    size_t have = out.size();
    out.resize(have + kChunk);
    zs.next_out = reinterpret_cast<Bytef*>(out.data() + have);
    zs.avail_out = static_cast<uInt>(kChunk);
    rc = inflate(&zs, Z_NO_FLUSH);
    out.resize(have + kChunk - zs.avail_out);
    if (out.size() > max_bytes) {
      inflateEnd(&zs);
      return ResourceExhaustedError("gzip body inflates past " + std::to_string(max_bytes) +
                                    " bytes (ingest.otlp.max_body_bytes)");
    }
    if (rc == Z_STREAM_END) {
      if (zs.avail_in == 0) break;
      inflateReset(&zs);  // another gzip member follows
      continue;
    }
    if (rc != Z_OK && !(rc == Z_BUF_ERROR && zs.avail_in > 0)) {
      std::string why =
          zs.msg != nullptr ? zs.msg : (rc == Z_BUF_ERROR ? "the body ends early" : "error");
      inflateEnd(&zs);
      return InvalidArgumentError("Content-Encoding gzip: the body is not gzip: " + why);
    }
    if (zs.avail_in == 0 && zs.avail_out != 0) {
      inflateEnd(&zs);
      return InvalidArgumentError("Content-Encoding gzip: the body ends early");
    }
  }
  inflateEnd(&zs);
  return out;
}

std::string OtlpExportResponse(OtlpEncoding encoding, uint64_t rejected,
                               std::string_view error_message) {
  if (encoding == OtlpEncoding::kJson) {
    if (rejected == 0) return "{}";
    Json j = {{"partialSuccess",
               {{"rejectedLogRecords", std::to_string(rejected)},
                {"errorMessage", std::string(error_message)}}}};
    return DumpJson(j);
  }
  collector::ExportLogsServiceResponse r;
  if (rejected > 0) {
    r.mutable_partial_success()->set_rejected_log_records(static_cast<int64_t>(rejected));
    r.mutable_partial_success()->set_error_message(std::string(error_message));
  }
  return r.SerializeAsString();
}

std::string OtlpStatusBody(OtlpEncoding encoding, const Status& status) {
  int code = GrpcCode(status.code());
  if (encoding == OtlpEncoding::kJson) {
    return DumpJson(Json{{"code", code}, {"message", status.message()}});
  }
  std::string out;
  out.push_back(0x08);  // field 1, varint: code
  AppendVarint(static_cast<uint64_t>(code), &out);
  out.push_back(0x12);  // field 2, length-delimited: message
  AppendVarint(status.message().size(), &out);
  out += status.message();
  return out;
}

StatusOr<OtlpEncoding> OtlpEncodingOf(std::string_view content_type) {
  std::string t(content_type.substr(0, content_type.find(';')));
  while (!t.empty() && (t.back() == ' ' || t.back() == '\t')) t.pop_back();
  while (!t.empty() && (t.front() == ' ' || t.front() == '\t')) t.erase(0, 1);
  std::transform(t.begin(), t.end(), t.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (t == "application/json") return OtlpEncoding::kJson;
  if (t == "application/x-protobuf" || t == "application/protobuf") return OtlpEncoding::kProtobuf;
  return InvalidArgumentError("Content-Type '" + std::string(content_type) +
                              "' is not supported: send application/json or "
                              "application/x-protobuf");
}

}  // namespace logsieve
