// The one table of logsieve's settings, and the key names checked against it
// when the program is compiled.
//
// Each module owns its section; add a key here (name, type, default, doc,
// range or choices) and it is parsed, validated, overridable from the
// environment and documented in `logsieve config --print-defaults`. A module
// reads it through its Options struct's binding (common/config_binding.h) or
// Config's typed accessors, whose key parameter is a KeyName:
//
//   config.GetInt("server.port");   // compiles: a key of the table
//   config.GetInt("server.prot");   // does not compile (KeyName's consteval check)
//   config.GetJson(KeyName::Runtime(name));  // a name from data: checked when run
//
// The table is constexpr so that the check runs in the compiler; the
// documented default file is written from it in this order.
//
// Thread safety: constants only.
#ifndef LOGSIEVE_COMMON_CONFIG_SCHEMA_H_
#define LOGSIEVE_COMMON_CONFIG_SCHEMA_H_

#include <array>
#include <cassert>
#include <cstdlib>
#include <optional>
#include <span>
#include <string>
#include <string_view>

namespace logsieve {

enum class ConfigType { kBool, kInt, kDouble, kString, kStringList, kJson };

struct ConfigKey {
  std::string_view name;  // "pipeline.threshold"
  ConfigType type;
  std::string_view default_yaml;  // "0.75", "[rules, model, llm]", multi-line YAML for kJson
  std::string_view doc;
  std::string_view env_alias = {};  // extra variable read after LOGSIEVE_<KEY>, e.g. GROQ_API_KEY
  bool secret = false;              // never printed (API keys)
  // kInt, kDouble: the closed range [min, max] a value must lie in.
  std::optional<double> min = std::nullopt;
  std::optional<double> max = std::nullopt;
  // kString, kStringList: the values allowed (of each element), "fail|skip".
  std::string_view choices = {};

  // Table helpers: ConfigKey{...}.Range(1, 256), ConfigKey{...}.OneOf("a|b").
  constexpr ConfigKey Range(double lo, double hi) const {
    ConfigKey k = *this;
    k.min = lo;
    k.max = hi;
    return k;
  }
  constexpr ConfigKey OneOf(std::string_view values) const {
    ConfigKey k = *this;
    k.choices = values;
    return k;
  }
  // "[1, 256]" or "fail, skip" for messages and docs; empty when unconstrained.
  std::string ConstraintText() const;
};

namespace config_schema_internal {

using T = ConfigType;

inline constexpr double kNoMax = 9007199254740992.0;  // 2^53: any count a process can reach
inline constexpr double kMaxBytes = 1099511627776.0;  // 1 TiB
inline constexpr double kDayMs = 86400000.0;

inline constexpr std::string_view kDefaultLabels = R"(- name: HTTP Status
  description: HTTP request/response access lines, any status code.
- name: Security Alert
  description: Failed or suspicious logins, brute force, privilege escalation, blocked IPs, unauthorized access.
- name: System Notification
  description: "Routine events that went as planned: service start/stop, backups, updates, planned reboots, clean-ups, internal traces, a business process completed by the system (payment processed, order shipped)."
- name: User Action
  description: User logins and logouts, account creation, user-initiated changes.
- name: Resource Usage
  description: Memory, CPU, disk and quota figures and limits.
- name: Error
  description: An operation failed; the system goes on.
- name: Critical Error
  description: "Failures threatening availability or data: crashes, hardware faults, corruption, outages."
- name: Workflow Error
  description: "A business or data process failed or only partly succeeded: order, invoice, payment, ticket, escalation, job, pipeline, deploy, sync, ETL."
- name: Deprecation Warning
  description: A feature, API or module is deprecated, retired or unsupported.)";

inline constexpr std::string_view kDefaultRoutes = R"(- sources: [LegacyCRM]
  stages: [llm])";

inline constexpr std::string_view kDefaultLlmExamples = R"(- source: LegacyCRM
  log: "Case escalation for ticket ID 7324 failed because the assigned support agent is no longer active."
  label: Workflow Error
- source: LegacyCRM
  log: "The 'ReportGenerator' module will be retired in version 4.0. Please migrate to the 'AdvancedAnalyticsSuite' by Dec 2025"
  label: Deprecation Warning
- source: ModernHR
  log: "Multiple login failures occurred on user 6454 account"
  label: Security Alert)";

inline constexpr auto kSchema = std::to_array<ConfigKey>({
    // --- labels -------------------------------------------------------------
    {"labels", T::kJson, kDefaultLabels,
     "The label set: each entry is a name, or a {name, description, from} mapping (the LLM "
     "prompt shows the descriptions; `from` lists the bundled rules' and model's labels the "
     "entry answers, doc/labels.md). Names are unique and not Unclassified."},

    // --- pipeline -----------------------------------------------------------
    ConfigKey{"pipeline.stages", T::kStringList, "[rules, model, llm]",
              "Stages in order for sources without a route."}
        .OneOf("rules|model|llm"),
    {"pipeline.routes", T::kJson, kDefaultRoutes,
     "Per-source stage lists; the first route naming a line's source wins. As in the original, "
     "LegacyCRM goes straight to the LLM."},
    ConfigKey{
        "pipeline.threshold", T::kDouble, "0.8",
        "The model stage decides when its confidence (calibrated top probability) is >= this; "
        "otherwise the line goes on. 0.8 was chosen on two out-of-distribution dev sets "
        "(doc/model.md)."}
        .Range(0, 1),
    ConfigKey{"pipeline.batch_size", T::kInt, "256", "Lines per batch handed to the stages."}.Range(
        1, 1000000),
    ConfigKey{"pipeline.threads", T::kInt, "0",
              "Worker threads for batch classification; 0 = all cores."}
        .Range(0, 4096),
    ConfigKey{
        "pipeline.cache_size", T::kInt, "100000",
        "Decisions kept in the template cache (by source route and template); 0 turns it off."}
        .Range(0, kNoMax),

    // --- normalizer ---------------------------------------------------------
    ConfigKey{
        "normalizer.masks", T::kStringList,
        "[timestamp, uuid, email, url, ipv6, ipv4, path, hex, number]",
        "Variable parts masked in the template text, in this order. Known: timestamp, uuid, email, "
        "url, ipv6, ipv4, path, hex, number."}
        .OneOf("timestamp|uuid|email|url|ipv6|ipv4|path|hex|number"),

    // --- input --------------------------------------------------------------
    ConfigKey{
        "input.max_record_bytes", T::kInt, "1048576",
        "Largest input record (a CSV row, an NDJSON object, a line); larger ones are malformed."}
        .Range(1, kMaxBytes),
    ConfigKey{"input.on_error", T::kString, "fail",
              "What a malformed input row does: fail (stop with its line number) or skip (count "
              "and report)."}
        .OneOf("fail|skip"),
    ConfigKey{"input.multiline.mode", T::kString, "off",
              "Joining continuation lines into one event before classification (--format lines: "
              "files, stdin, --follow): off; pattern (a line matching "
              "input.multiline.start_pattern starts an event); java (indented lines, `at `, "
              "`Caused by:`, `... N more`, exception headers continue); python (tracebacks); "
              "auto (java and python). See doc/input.md."}
        .OneOf("off|pattern|java|python|auto"),
    {"input.multiline.start_pattern", T::kString, "",
     "pattern mode: an ECMAScript regex, searched in each line, that marks the first line of an "
     "event (e.g. '^\\d{4}-\\d\\d-\\d\\d '); other lines continue the event."},
    ConfigKey{"input.multiline.max_lines", T::kInt, "500",
              "Most lines in one event; the line past it starts a new event and the cut is "
              "reported."}
        .Range(1, 1000000),
    ConfigKey{"input.multiline.max_bytes", T::kInt, "65536",
              "Most bytes in one joined event; a line that would pass it starts a new event and "
              "the cut is reported (one line alone is bounded by input.max_record_bytes)."}
        .Range(1, kMaxBytes),
    ConfigKey{"input.multiline.flush_ms", T::kInt, "1000",
              "Live input (--follow, a pipe): how long an event waits for a continuation line "
              "before it is classified as it is, ms."}
        .Range(1, 3600000),
    ConfigKey{"input.follow.poll_ms", T::kInt, "250",
              "classify --follow: how often the followed file is checked for new lines, rotation "
              "and truncation, ms."}
        .Range(1, 60000),

    // --- rules --------------------------------------------------------------
    {"rules.file", T::kString, "",
     "Rule file (YAML). Empty: the bundled rules/default.yaml. \"none\": no rules."},
    {"rules.spans", T::kBool, "true",
     "Add the matched bytes [begin,end) to a rule decision's detail. Costs a second, "
     "start-of-match "
     "scan of each matched line (about 1-2 us); lines over 240 bytes never get a span."},
    {"rules.cache_dir", T::kString, "",
     "Where compiled rule databases are kept between runs (keyed by patterns, engine and CPU). "
     "Empty: $XDG_CACHE_HOME/logsieve/rules, else ~/.cache/logsieve/rules. \"off\": no cache."},

    // --- model --------------------------------------------------------------
    {"model.file", T::kString, "",
     "Model file from `logsieve train`. Empty: the bundled models/default.lsm. \"none\": no "
     "model."},
    ConfigKey{"model.hashing.dims", T::kInt, "262144",
              "Buckets of the hashing encoder that `logsieve train` builds (a power of two). A "
              "model file "
              "carries its own encoder settings; these keys only shape new models."}
        .Range(16, 16777216),
    ConfigKey{"model.hashing.word_ngram_min", T::kInt, "1",
              "Shortest word n-gram of the hashing encoder."}
        .Range(1, 16),
    ConfigKey{"model.hashing.word_ngram_max", T::kInt, "2",
              "Longest word n-gram of the hashing encoder; 0 turns word features off."}
        .Range(0, 16),
    ConfigKey{"model.hashing.char_ngram_min", T::kInt, "3",
              "Shortest character n-gram (inside words) of the hashing encoder."}
        .Range(1, 16),
    ConfigKey{"model.hashing.char_ngram_max", T::kInt, "5",
              "Longest character n-gram of the hashing encoder; 0 turns character features off."}
        .Range(0, 16),

    // --- llm ----------------------------------------------------------------
    {"llm.base_url", T::kString, "https://api.groq.com/openai/v1",
     "OpenAI-compatible API base; POST {base_url}/chat/completions."},
    {"llm.model", T::kString, "llama-3.3-70b-versatile", "The `model` of each request."},
    {"llm.api_key", T::kString, "", "API key, sent as a Bearer token. Never printed.",
     "GROQ_API_KEY", true},
    {"llm.require_key", T::kBool, "true",
     "Without a key, lines get the degraded decision. Set false for keyless local servers (Ollama, "
     "llama.cpp, vLLM)."},
    ConfigKey{"llm.connect_timeout_ms", T::kInt, "5000",
              "Connect timeout of one request (TCP + TLS), ms."}
        .Range(1, 600000),
    ConfigKey{"llm.timeout_ms", T::kInt, "30000",
              "Total timeout of one request (connect to last byte), ms."}
        .Range(1, 3600000),
    ConfigKey{"llm.warn_after_ms", T::kInt, "10000",
              "Warn on stderr (and count in logsieve_llm_warnings_total) when the endpoint has "
              "answered nothing for this long while requests wait, or requests fail; ms, 0 = "
              "never."}
        .Range(0, 3600000),
    ConfigKey{"llm.concurrency", T::kInt, "8",
              "Requests in flight at once (for the whole process)."}
        .Range(1, 256),
    ConfigKey{"llm.max_retries", T::kInt, "3",
              "Retries of one request after a timeout, a dropped connection, 408, 429 or 5xx "
              "(never other 4xx; after a 401, 403 or 404 the endpoint is not asked again until "
              "a reload)."}
        .Range(0, 20),
    ConfigKey{"llm.backoff_base_ms", T::kInt, "250",
              "First retry waits up to this (full jitter); each retry doubles the ceiling."}
        .Range(0, 600000),
    ConfigKey{"llm.backoff_max_ms", T::kInt, "10000", "Ceiling of one backoff wait, ms."}.Range(
        0, 3600000),
    ConfigKey{
        "llm.retry_after_max_ms", T::kInt, "60000",
        "Longest Retry-After honoured; a server asking for longer makes the line degraded instead."}
        .Range(0, 3600000),
    ConfigKey{"llm.max_retry_wait_ms", T::kInt, "300000",
              "Total wait before retries (backoff and Retry-After, all requests together) per run; "
              "a retry "
              "that does not fit is not taken and its line is degraded. Bounds a run against a "
              "rate-limited "
              "or failing endpoint. 0 = no limit."}
        .Range(0, kDayMs),
    ConfigKey{"llm.max_calls_per_run", T::kInt, "0",
              "HTTP requests (retries included) one process may send; then lines are degraded. 0 = "
              "no limit."}
        .Range(0, kNoMax),
    ConfigKey{"llm.max_calls_per_minute", T::kInt, "0",
              "HTTP requests per sliding minute; over it lines are degraded. 0 = no limit."}
        .Range(0, kNoMax),
    ConfigKey{"llm.batch_lines", T::kInt, "1",
              "Lines per request. 1 (default) sends each line alone; more asks for a JSON list of "
              "answers."}
        .Range(1, 100),
    ConfigKey{"llm.breaker_failures", T::kInt, "5",
              "Consecutive failed requests (timeouts, connection errors, 5xx) that open the "
              "circuit breaker."}
        .Range(0, 1000000),
    ConfigKey{"llm.breaker_open_ms", T::kInt, "30000",
              "How long an open breaker fails lines fast before one probe request is let through."}
        .Range(0, 3600000),
    {"llm.response_format", T::kBool, "true",
     "Send response_format {type: json_object} (OpenAI, Groq, vLLM, Ollama, llama.cpp support "
     "it)."},
    {"llm.logprobs", T::kBool, "false",
     "Ask for token log probabilities; when returned, the confidence is the label tokens' "
     "probability."},
    ConfigKey{"llm.audit_rate", T::kDouble, "0.01",
              "The audit: the LLM also answers a share of the templates the model decides (chosen "
              "by template, so each is audited once); where it disagrees, its answer is served and "
              "the store records the model's error for `logsieve learn`. This is the share for a "
              "label and confidence band the LLM has agreed with often (llm.audit_trust times); "
              "0: no audit. Nothing without an LLM."}
        .Range(0, 1),
    ConfigKey{"llm.audit_new_rate", T::kDouble, "0.3",
              "The audit's share for a label and confidence band until the LLM agreed "
              "llm.audit_trust times, and again after each disagreement; it then decays to "
              "llm.audit_rate."}
        .Range(0, 1),
    ConfigKey{"llm.audit_trust", T::kInt, "10",
              "Agreements of the LLM after which a label and band is audited less (see "
              "llm.audit_new_rate)."}
        .Range(1, 1000000),
    ConfigKey{"llm.audit_budget", T::kDouble, "0.05",
              "The audit asks the LLM about at most this share of the lines classified."}
        .Range(0, 1),
    ConfigKey{"llm.fixed_confidence", T::kDouble, "0.8",
              "Confidence reported for an LLM label when the server gives no log probabilities (a "
              "declared "
              "constant, see doc/llm.md)."}
        .Range(0, 1),
    ConfigKey{
        "llm.max_tokens_per_line", T::kInt, "100",
        "Cap on the answer's tokens (max_tokens = this x lines in the request); 0 sends no cap."}
        .Range(0, 100000),
    ConfigKey{"llm.max_line_bytes", T::kInt, "2000",
              "Log text longer than this is cut before it is sent."}
        .Range(16, 1 << 20),
    ConfigKey{"llm.mask_pii", T::kStringList, "[]",
              "Personal data masked before text leaves the machine. Known: email, ipv4, ipv6. E.g. "
              "[email, ipv4]."}
        .OneOf("email|ipv4|ipv6"),
    {"llm.mask_patterns", T::kJson, "[]",
     "Extra masks: a list of {name, pattern} (ECMAScript regex); the first capture group, or the "
     "whole "
     "match, becomes <NAME>. E.g. [{name: user, pattern: 'user (\\w+)'}]."},
    {"llm.examples", T::kJson, kDefaultLlmExamples,
     "Worked examples shown in the prompt: a list of {source, log, label}; labels must be in the "
     "set."},

    // --- server -------------------------------------------------------------
    {"server.host", T::kString, "127.0.0.1", "Address `logsieve serve` listens on."},
    ConfigKey{"server.port", T::kInt, "8000",
              "Port `logsieve serve` listens on (0: any free port)."}
        .Range(0, 65535),
    ConfigKey{"server.threads", T::kInt, "0",
              "Classification worker threads (apart from the I/O threads); 0 = max(8, 4 x cores)."}
        .Range(0, 4096),
    ConfigKey{"server.io_threads", T::kInt, "0",
              "Threads that own every socket (event loop, no thread per connection); 0 = min(2, "
              "cores)."}
        .Range(0, 256),
    ConfigKey{"server.max_connections", T::kInt, "4096",
              "Open connections at most; one more is answered 503 (Connection: close) without "
              "being read."}
        .Range(1, 1000000),
    ConfigKey{"server.max_queued", T::kInt, "1024",
              "Classify requests waiting for a worker at most; one more is answered 503 with "
              "Retry-After."}
        .Range(1, 1000000),
    ConfigKey{"server.header_timeout_ms", T::kInt, "10000",
              "Whole-header deadline of a request, however slowly its bytes arrive; then the "
              "connection is closed."}
        .Range(1, kDayMs),
    ConfigKey{"server.classify_timeout_ms", T::kInt, "0",
              "Classification deadline of a request: lines the LLM has not answered by then take "
              "its degraded path; 0 = none."}
        .Range(0, kDayMs),
    ConfigKey{"server.max_upload_bytes", T::kInt, "33554432",
              "Largest request body of POST /classify/, /classify-single/ and /v1/classify; larger "
              "is 413."}
        .Range(1, kMaxBytes),
    ConfigKey{
        "server.max_stream_bytes", T::kInt, "0",
        "Largest body of POST /v1/classify/stream (read in batches, bounded memory); 0 = no limit."}
        .Range(0, kMaxBytes),
    ConfigKey{"server.max_batch", T::kInt, "10000",
              "Most logs in one POST /v1/classify request; more is 413."}
        .Range(1, 100000000),
    ConfigKey{"server.max_rows", T::kInt, "1000000",
              "Most data rows in one POST /classify/ upload; more is 413."}
        .Range(1, 1000000000),
    ConfigKey{"server.request_timeout_ms", T::kInt, "60000",
              "Whole-body deadline of a request (not the stream endpoint); slower clients get 408."}
        .Range(1, kDayMs),
    ConfigKey{"server.read_timeout_ms", T::kInt, "10000",
              "Socket read timeout (each read of a stream body)."}
        .Range(1, kDayMs),
    ConfigKey{"server.write_timeout_ms", T::kInt, "10000", "Socket write timeout (each write)."}
        .Range(1, kDayMs),
    {"server.keep_alive", T::kBool, "true",
     "Serve many requests per connection (HTTP keep-alive)."},
    ConfigKey{"server.keep_alive_timeout_ms", T::kInt, "5000",
              "Idle time before a keep-alive connection is closed."}
        .Range(1, kDayMs),
    ConfigKey{"server.keep_alive_max_requests", T::kInt, "1000",
              "Requests per keep-alive connection."}
        .Range(1, 1000000000),
    {"server.api_keys", T::kString, "",
     "Comma-separated bearer tokens accepted on the classify endpoints and /metrics; empty: no "
     "authentication. Never printed.",
     "", true},
    {"server.access_log", T::kBool, "true", "One JSON line per request on stderr."},

    // --- worker (`logsieve worker`: Redis Streams, src/stream) ---------------
    {"worker.redis_url", T::kString, "",
     "redis://[[USER]:PASSWORD@]HOST[:PORT][/DB]; when set it replaces worker.host, port, "
     "password and db. rediss:// (TLS) is refused: Debian's hiredis 0.14 has no TLS.",
     "", true},
    {"worker.host", T::kString, "127.0.0.1", "Redis host."},
    ConfigKey{"worker.port", T::kInt, "6379", "Redis port."}.Range(1, 65535),
    {"worker.password", T::kString, "", "Redis password (AUTH); empty: none. Never printed.", "",
     true},
    ConfigKey{"worker.db", T::kInt, "0", "Redis database number (SELECT)."}.Range(0, 1000000),
    ConfigKey{"worker.streams", T::kStringList, "[logsieve:in]",
              "Input streams; entries carry `log_message` and optionally `source`. [] turns the "
              "Redis input off (then ingest.syslog.listen or ingest.otlp.listen must be set)."},
    {"worker.group", T::kString, "logsieve",
     "Consumer group on every input stream; created (MKSTREAM, from the stream's start) when "
     "missing."},
    {"worker.consumer", T::kString, "",
     "This worker's consumer name in the group; empty: HOST-PID."},
    {"worker.source", T::kString, "unknown", "Source of entries without a `source` field."},
    {"worker.output_stream", T::kString, "logsieve:out",
     "Where each classified entry goes: its fields plus target_label, method_used, confidence, "
     "detail, source_stream and source_id."},
    ConfigKey{"worker.output_maxlen", T::kInt, "1000000",
              "Trim the output and dead-letter streams to about this many entries (MAXLEN ~); 0: "
              "never trim."}
        .Range(0, kNoMax),
    ConfigKey{"worker.batch_size", T::kInt, "256",
              "Entries read (and classified, written, acknowledged) together: the entries in "
              "flight per worker."}
        .Range(1, 100000),
    ConfigKey{"worker.block_ms", T::kInt, "1000",
              "How long one read waits for new entries; also the longest a stop waits."}
        .Range(1, 60000),
    ConfigKey{"worker.claim_idle_ms", T::kInt, "30000",
              "Entries pending this long at another consumer (a dead worker) are claimed "
              "(XAUTOCLAIM)."}
        .Range(1, kDayMs),
    ConfigKey{
        "worker.classify_timeout_ms", T::kInt, "0",
        "Deadline of each batch's classification; lines the LLM has not answered by then take "
        "its degraded path, so a SIGTERM drain lasts at most block_ms plus this. 0: none."}
        .Range(0, kDayMs),
    ConfigKey{"worker.max_deliveries", T::kInt, "5",
              "An entry delivered more often than this goes to the dead-letter stream."}
        .Range(1, 1000000),
    {"worker.dead_letter_stream", T::kString, "logsieve:dead",
     "Where malformed and poison entries go: their fields plus source_stream, source_id and "
     "reason."},
    ConfigKey{"worker.max_entry_bytes", T::kInt, "1048576",
              "An entry whose fields and values together are larger is dead-lettered."}
        .Range(1, kMaxBytes),
    ConfigKey{"worker.max_batch_bytes", T::kInt, "33554432",
              "Bytes of entries one batch may hold: a read asks for at most this divided by "
              "max_entry_bytes entries, and tops the batch up while the budget allows."}
        .Range(1, kMaxBytes),
    {"worker.metrics_host", T::kString, "127.0.0.1", "Address of the /metrics, /readyz listener."},
    ConfigKey{"worker.metrics_port", T::kInt, "0",
              "Port of the /metrics and /readyz listener; 0: no listener."}
        .Range(0, 65535),
    // --- ingest and output (`logsieve worker` without Redis; doc/ingest.md) ----
    {"ingest.syslog.listen", T::kStringList, "[]",
     "Syslog listeners of `logsieve worker`: udp://HOST:PORT (RFC 5426) and tcp://HOST:PORT "
     "(RFC 6587: octet counting or LF framing, per frame); RFC 5424 and RFC 3164 messages. "
     "Set without a Redis setting, the worker uses no Redis."},
    ConfigKey{"ingest.syslog.max_connections", T::kInt, "256",
              "TCP connections open at once; one more is accepted and closed at once (counted)."}
        .Range(1, 65536),
    {"ingest.otlp.listen", T::kString, "",
     "OTLP/HTTP logs listener of `logsieve worker` (HOST:PORT, e.g. 0.0.0.0:4318): POST /v1/logs "
     "with JSON or protobuf bodies, gzip or not; answered once the records are written. Empty: "
     "off. Set without a Redis setting, the worker uses no Redis."},
    ConfigKey{"ingest.otlp.max_body_bytes", T::kInt, "4194304",
              "The largest OTLP request body, on the wire and after gzip is inflated; a larger "
              "one is answered 413."}
        .Range(1, kMaxBytes),
    ConfigKey{"ingest.otlp.max_connections", T::kInt, "256",
              "OTLP/HTTP connections open at once; one more is accepted and closed at once "
              "(counted)."}
        .Range(1, 65536),
    ConfigKey{"ingest.otlp.read_timeout_ms", T::kInt, "30000",
              "How long one OTLP request (head and body) may take to arrive; a slower one's "
              "connection is closed."}
        .Range(1, 3600000),
    {"output.ndjson", T::kString, "",
     "Where `logsieve worker` appends every classified record of the ingest inputs as classify's "
     "NDJSON (a path, or - for stdout); reopened on SIGHUP. Empty: no NDJSON output."},
    {"output.otlp.endpoint", T::kString, "",
     "Where `logsieve worker` forwards every classified record of the ingest inputs as OTLP/HTTP "
     "JSON, with logsieve.label, logsieve.method, logsieve.confidence attributes: an http(s) URL; "
     "without a path /v1/logs is appended. Empty: no OTLP output."},
    {"output.otlp.headers", T::kStringList, "[]",
     "Headers of each OTLP request, each 'Name: value' (e.g. 'Authorization: Bearer ...'). "
     "Never printed.",
     "", true},
    ConfigKey{"output.otlp.batch_size", T::kInt, "1000",
              "Records one OTLP request carries at most."}
        .Range(1, 1000000),
    ConfigKey{"output.otlp.flush_interval_ms", T::kInt, "200",
              "How long a record waits for a full OTLP batch before a smaller one is sent."}
        .Range(0, 3600000),
    ConfigKey{"output.otlp.queue_records", T::kInt, "10000",
              "Records the OTLP output holds (queued or in flight); when full, the ingest loop "
              "waits, so the inputs are held back. Nothing is dropped."}
        .Range(1, 100000000),
    ConfigKey{"output.otlp.timeout_ms", T::kInt, "10000",
              "Limit of one OTLP request (connect and answer); past it the request is retried."}
        .Range(1, 3600000),
    ConfigKey{"output.drain_timeout_ms", T::kInt, "10000",
              "At SIGTERM, how long the ingest outputs may go on: a failing output is still "
              "retried, the OTLP queue still sent; what is left then is reported lost (exit 1)."}
        .Range(0, 3600000),

    // --- store (the learning loop; doc/learning.md) -------------------------
    ConfigKey{"store.enabled", T::kString, "auto",
              "Record LLM answers, degraded and unclassified templates to the store (it holds log "
              "text): auto = in serve and the stream worker, on = also in classify, off = never."}
        .OneOf("auto|on|off"),
    {"store.path", T::kString, "",
     "The store's SQLite file; empty = $XDG_STATE_HOME/logsieve/store.db (else "
     "~/.local/state/logsieve/store.db)."},
    ConfigKey{"store.max_templates", T::kInt, "200000",
              "Templates kept at most; past it the least recently seen (then least used) go."}
        .Range(1, kNoMax),
    ConfigKey{"store.max_corrections", T::kInt, "100000",
              "Human corrections kept at most; past it the oldest go."}
        .Range(1, kNoMax),
    ConfigKey{"store.max_bytes", T::kInt, "1073741824",
              "Largest size of the store file; a write past it fails (logged, kept in memory)."}
        .Range(65536, kMaxBytes),
    ConfigKey{"store.busy_timeout_ms", T::kInt, "2000",
              "How long a write waits for another process's write to finish before failing."}
        .Range(0, kDayMs),
    ConfigKey{"store.examples", T::kInt, "3", "Raw example lines kept per template."}.Range(0, 100),
    ConfigKey{"store.flush_ms", T::kInt, "1000",
              "Observations are merged in memory and written once per this many milliseconds."}
        .Range(1, kDayMs),
    ConfigKey{"store.poll_ms", T::kInt, "500",
              "How often serve, the worker and classify read new corrections from the store, so "
              "that one made by any process answers within this time; 0 = only at start."}
        .Range(0, kDayMs),
    ConfigKey{"store.max_pending", T::kInt, "100000",
              "Templates held in memory while the store cannot be written; more are dropped and "
              "counted (logsieve_store_dropped_total)."}
        .Range(1, kNoMax),

    // --- learn (`logsieve learn`; doc/learning.md) ---------------------------
    {"learn.base_corpus", T::kString, "",
     "Labelled CSV (log_message, target_label, source) the candidate is trained on besides the "
     "store; empty = the synthetic corpus of the default model."},
    ConfigKey{"learn.base_rows", T::kInt, "27000",
              "Rows of the synthetic base corpus (when learn.base_corpus is empty)."}
        .Range(100, 10000000),
    {"learn.ood_dev", T::kString, "",
     "Labelled CSV of lines unlike the training data, one of the gate's sets; empty = the bundled "
     "tests/data/ood_dev.csv when present."},
    {"learn.registry", T::kString, "",
     "Folder of versioned models; empty = $XDG_STATE_HOME/logsieve/models (else "
     "~/.local/state/logsieve/models). Its active version runs wherever model.file is empty."},
    ConfigKey{"learn.auto", T::kBool, "true",
              "Autopilot: serve and the stream worker run a gated learn round in the background "
              "(when their store is on), and a promoted model replaces the one in service."},
    ConfigKey{"learn.auto_min_new", T::kInt, "50",
              "An autopilot round starts once the store holds this many new LLM answers and "
              "corrections together since the last round (a template whose model decision an "
              "answer contradicted counts 10)..."}
        .Range(1, kNoMax),
    ConfigKey{"learn.auto_interval_s", T::kInt, "3600",
              "...or once this many seconds passed since the last round with at least one new "
              "answer or correction."}
        .Range(1, 30 * 86400),
    ConfigKey{"learn.auto_check_s", T::kInt, "5",
              "How often the autopilot looks at the store's counts."}
        .Range(1, 3600),
    ConfigKey{"learn.min_llm_confidence", T::kDouble, "0.6",
              "Stored LLM answers below this confidence are not trained on."}
        .Range(0, 1),
    ConfigKey{"learn.correction_weight", T::kInt, "5",
              "Each human correction counts as this many training rows."}
        .Range(1, 1000),
    ConfigKey{"learn.llm_weight", T::kInt, "3",
              "Each stored LLM answer that is trained on counts as this many training rows (a "
              "few hundred answers among the base corpus's 27,000 rows need the weight to move "
              "the model; doc/learning.md)."}
        .Range(1, 1000),
    ConfigKey{"learn.holdout", T::kDouble, "0.2",
              "Share of the store's templates held out to gate the candidate (never trained on)."}
        .Range(0, 0.9),
    ConfigKey{"learn.max_accuracy_drop", T::kDouble, "0.02",
              "The candidate is refused when its accuracy on a gate set falls more than this below "
              "the current model's (0.02: within the sampling noise of a few hundred dev lines)."}
        .Range(0, 1),
    ConfigKey{"learn.min_label_support", T::kInt, "50",
              "learn.max_label_drop applies to labels with at least this many rows in a gate set "
              "(on fewer, one line moves F1 by more than the margin); the others count in the "
              "accuracy."}
        .Range(1, 1000000),
    ConfigKey{"learn.max_label_drop", T::kDouble, "0.05",
              "The candidate is refused when any label's F1 falls more than this below the "
              "current model's on a gate set."}
        .Range(0, 1),
});

// Not constexpr on purpose: KeyName's consteval constructor calls it for a
// name that is not a key, so the compiler stops there and its message names
// this function.
inline void the_name_is_not_a_key_of_the_config_table() {}  // NOLINT(readability-identifier-naming)

// The index of `name` in kSchema, or -1.
constexpr int IndexOf(std::string_view name) {
  for (size_t i = 0; i < kSchema.size(); ++i) {
    if (kSchema[i].name == name) return static_cast<int>(i);
  }
  return -1;
}

}  // namespace config_schema_internal

// All keys, in the order of the documented default file.
constexpr std::span<const ConfigKey> ConfigSchema() { return config_schema_internal::kSchema; }

// The name of a key of the table. From a string literal, it is checked by the
// compiler: a name that is not in the table stops the build with "call to
// non-constexpr function the_name_is_not_a_key_of_the_config_table". A
// name that comes from data (a walk over the table) is made with Runtime,
// which stops the program on a name that is not a key. (A user's `--set`
// never makes a KeyName: Config::Set looks its text up and answers an
// unknown key with an error and a "did you mean".)
class KeyName {
 public:
  // NOLINTNEXTLINE(google-explicit-constructor): literals convert, checked.
  consteval KeyName(const char* name) : name_(name), index_(config_schema_internal::IndexOf(name)) {
    if (index_ < 0) config_schema_internal::the_name_is_not_a_key_of_the_config_table();
  }
  // REQUIRES: `name` is a key of the table (else the program aborts, in
  // every build: an index past the table must never be used).
  static KeyName Runtime(std::string_view name) {
    KeyName k(name, config_schema_internal::IndexOf(name));
    assert(k.index_ >= 0 && "unknown config key");
    if (k.index_ < 0) std::abort();
    return k;
  }
  constexpr std::string_view name() const { return name_; }
  // The key's position in ConfigSchema().
  constexpr size_t index() const { return static_cast<size_t>(index_); }
  constexpr const ConfigKey& key() const { return ConfigSchema()[index()]; }

 private:
  constexpr KeyName(std::string_view name, int index) : name_(name), index_(index) {}
  std::string_view name_;
  int index_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_CONFIG_SCHEMA_H_
