#include "stream/worker.h"

#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <thread>

#include "common/config_binding.h"
#include "common/metrics.h"
#include "ingest/ingest.h"
#include "io/records.h"

namespace logsieve {
namespace {

using Clock = std::chrono::steady_clock;

constexpr std::chrono::milliseconds kFirstBackoff{100};
constexpr std::chrono::milliseconds kMaxBackoff{5000};
// A blocking read may take block_ms; the reply timeout allows this much more.
constexpr int kReplyMarginMs = 5000;

struct WorkerMetrics {
  Counter& consumed;
  Counter& produced;
  Counter& dead_lettered;
  Counter& claimed;
  Counter& reconnects;
  Gauge& pending;
  Gauge& lag;
  Histogram& batch_seconds;

  static WorkerMetrics& Get() {
    MetricsRegistry& r = MetricsRegistry::Global();
    static WorkerMetrics m{
        r.GetCounter("logsieve_worker_consumed_total", "Stream entries read and acknowledged"),
        r.GetCounter("logsieve_worker_produced_total", "Output stream entries written"),
        r.GetCounter("logsieve_worker_dead_lettered_total", "Dead-letter stream entries written"),
        r.GetCounter("logsieve_worker_claimed_total",
                     "Entries taken over from other consumers (XAUTOCLAIM)"),
        r.GetCounter("logsieve_worker_reconnects_total", "Redis connections lost and made again"),
        r.GetGauge("logsieve_worker_pending",
                   "Entries delivered to the group but not acknowledged (all consumers)"),
        r.GetGauge("logsieve_worker_lag",
                   "Entries in the input streams not yet delivered to the group"),
        r.GetHistogram("logsieve_worker_batch_seconds",
                       "Time from a batch read to its acknowledgement", DefaultLatencyBuckets()),
    };
    return m;
  }
  // `reason`: the error reply's code (WRONGTYPE, OOM, READONLY...), or
  // "connection", or "other".
  static Counter& OutputErrors(const std::string& reason) {
    return MetricsRegistry::Global().GetCounter(
        "logsieve_worker_output_errors_total",
        "Failed tries to write a batch's output and dead-letter entries or to acknowledge it "
        "(retried; never counted as a delivery of the input)",
        {{"reason", reason}});
  }
};

// The code of an error reply ("WRONGTYPE Operation against a key..." ->
// WRONGTYPE): a metric label, so anything else is "other".
std::string ErrorCode(std::string_view reply) {
  std::string_view code = reply.substr(0, reply.find(' '));
  bool word = !code.empty() && code.size() <= 16 &&
              std::all_of(code.begin(), code.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
  return word ? std::string(code) : "other";
}

size_t EntryBytes(const StreamEntry& e) {
  size_t bytes = 0;
  for (const auto& [name, value] : e.fields) bytes += name.size() + value.size();
  return bytes;
}

std::string HostPid() {
  char host[256] = {};
  if (gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return std::string(host[0] != '\0' ? host : "worker") + "-" + std::to_string(getpid());
}

// [[id, [field, value, ...]], ...] of XREADGROUP and XAUTOCLAIM, moved out of
// `list`. An entry deleted while pending comes as [id, nil].
void ParseEntries(const std::string& stream, RedisReply& list, std::vector<StreamEntry>* entries,
                  std::vector<std::pair<std::string, std::string>>* gone) {
  for (RedisReply& e : list.elements) {
    if (e.elements.size() != 2) continue;
    if (e.elements[1].type != RedisReply::Type::kArray) {
      gone->emplace_back(stream, std::move(e.elements[0].str));
      continue;
    }
    StreamEntry entry{stream, std::move(e.elements[0].str), {}};
    std::vector<RedisReply>& kv = e.elements[1].elements;
    entry.fields.reserve(kv.size() / 2);
    for (size_t i = 0; i + 1 < kv.size(); i += 2)
      entry.fields.emplace_back(std::move(kv[i].str), std::move(kv[i + 1].str));
    entries->push_back(std::move(entry));
  }
}

// XREADGROUP's reply: nil (nothing), or [[stream, entries], ...].
void ParseReadGroup(RedisReply& reply, std::vector<StreamEntry>* entries,
                    std::vector<std::pair<std::string, std::string>>* gone) {
  for (RedisReply& s : reply.elements) {
    if (s.elements.size() == 2) ParseEntries(s.elements[0].str, s.elements[1], entries, gone);
  }
}

constexpr ConfigBinding<WorkerOptions> kWorkerBindings[] = {
    {"worker.streams", &WorkerOptions::streams},
    {"worker.group", &WorkerOptions::group},
    {"worker.consumer", &WorkerOptions::consumer},
    {"worker.source", &WorkerOptions::default_source},
    {"worker.output_stream", &WorkerOptions::output_stream},
    {"worker.dead_letter_stream", &WorkerOptions::dead_letter_stream},
    {"worker.output_maxlen", &WorkerOptions::output_maxlen},
    {"worker.batch_size", &WorkerOptions::batch_size},
    {"worker.max_entry_bytes", &WorkerOptions::max_entry_bytes},
    {"worker.max_batch_bytes", &WorkerOptions::max_batch_bytes},
    {"worker.block_ms", &WorkerOptions::block_ms},
    {"worker.claim_idle_ms", &WorkerOptions::claim_idle_ms},
    {"worker.max_deliveries", &WorkerOptions::max_deliveries},
    {"worker.classify_timeout_ms", &WorkerOptions::classify_timeout_ms},
    {"worker.metrics_host", &WorkerOptions::metrics_host},
    {"worker.metrics_port", &WorkerOptions::metrics_port},
};

}  // namespace

StatusOr<WorkerOptions> WorkerOptions::FromConfig(const Config& config) {
  WorkerOptions o;
  if (const std::string& url = config.GetString("worker.redis_url"); !url.empty()) {
    LOGSIEVE_ASSIGN_OR_RETURN(o.redis, RedisEndpoint::FromUrl(url));
  } else {
    o.redis.host = config.GetString("worker.host");
    o.redis.port = static_cast<int>(config.GetInt("worker.port"));
    o.redis.password = config.GetString("worker.password");
    o.redis.db = static_cast<int>(config.GetInt("worker.db"));
  }
  BindConfig(config, kWorkerBindings, &o);
  if (o.consumer.empty()) o.consumer = HostPid();
  LOGSIEVE_ASSIGN_OR_RETURN(o.multiline, MultilineOptions::FromConfig(config));
  o.redis.timeout_ms = o.block_ms + kReplyMarginMs;

  if (o.streams.empty()) return InvalidArgumentError("worker.streams: name at least one stream");
  if (o.group.empty()) return InvalidArgumentError("worker.group: must not be empty");
  for (const std::string& s : o.streams) {
    if (s.empty()) return InvalidArgumentError("worker.streams: a stream name is empty");
    if (s == o.output_stream || s == o.dead_letter_stream) {
      return InvalidArgumentError("worker.streams: '" + s +
                                  "' is also the output or dead-letter stream (a loop)");
    }
  }
  if (o.output_stream.empty() || o.dead_letter_stream.empty()) {
    return InvalidArgumentError(
        "worker.output_stream and worker.dead_letter_stream must not be empty");
  }
  return o;
}

Worker::Worker(const Classifier& classifier, WorkerOptions options, NdjsonOutput* ndjson)
    : classifier_(classifier),
      options_(std::move(options)),
      ndjson_(ndjson),
      claim_cursor_(options_.streams.size(), "0-0") {
  WorkerMetrics::Get();
}

Worker::~Worker() = default;

WorkerStats Worker::stats() const {
  return {consumed_.load(),   produced_.load(),      dead_lettered_.load(), claimed_.load(),
          reconnects_.load(), output_errors_.load(), batches_.load()};
}

void Worker::SleepUnlessStopped(std::chrono::milliseconds ms) const {
  auto until = Clock::now() + ms;
  while (!stop_.load(std::memory_order_relaxed) && Clock::now() < until) {
    std::this_thread::sleep_for(
        std::min<Clock::duration>(std::chrono::milliseconds(20), until - Clock::now()));
  }
}

Status Worker::Run() {
  std::chrono::milliseconds backoff = kFirstBackoff;
  // A held batch is retried before other consumers could claim it.
  const std::chrono::milliseconds max_retry_wait{std::max(1, options_.claim_idle_ms / 2)};
  bool ever_connected = false;
  std::string last_error;
  while (!stop_.load(std::memory_order_relaxed)) {
    Status s = conn_ == nullptr ? Connect() : OkStatus();
    std::string reason = "connection";
    if (s.ok()) {
      if (!ready_.load()) {
        std::fprintf(stderr, "logsieve worker: %s %s as '%s' in group '%s'\n",
                     ever_connected ? "reconnected to" : "connected to",
                     options_.redis.Describe().c_str(), options_.consumer.c_str(),
                     options_.group.c_str());
        if (ever_connected) {
          reconnects_.fetch_add(1);
          WorkerMetrics::Get().reconnects.Inc();
        }
        ever_connected = true;
        ready_ = true;
        last_error.clear();
      }
      if (outbox_ == nullptr) {
        StatusOr<Read> read = NextEntries();
        s = read.status();
        if (read.ok() && (!read->entries.empty() || !read->gone.empty())) {
          outbox_ = std::make_unique<Outbox>(Prepare(*read));
        }
      } else {
        KeepClaimed(*outbox_);
      }
      if (s.ok() && outbox_ != nullptr) {
        s = Deliver(*outbox_, &reason);
        if (s.ok()) {
          if (outbox_->failures > 0) {
            std::fprintf(stderr,
                         "logsieve worker: the output is written again (after %d failed tries)\n",
                         outbox_->failures);
            last_error.clear();
          }
          outbox_.reset();
          output_failing_ = false;
        }
      }
      if (s.ok()) {
        backoff = kFirstBackoff;
        continue;
      }
    }
    if (outbox_ != nullptr) {
      // The worker's own fault, not the input's: the batch stays here and
      // only what failed is retried; nothing is read meanwhile.
      ++outbox_->failures;
      output_errors_.fetch_add(1);
      WorkerMetrics::OutputErrors(reason).Inc();
      if (outbox_->failures >= kUnreadyAfterOutputFailures) output_failing_ = true;
      // A group deleted under the worker is made again by Connect.
      if (conn_ != nullptr && (conn_->broken() || reason == "NOGROUP")) {
        conn_.reset();
        ready_ = false;
      }
      if (s.message() != last_error) {
        std::fprintf(stderr,
                     "logsieve worker: %s; keeping the batch of %zu entries and retrying with "
                     "backoff\n",
                     s.message().c_str(), outbox_->entries);
        last_error = s.message();
      }
      SleepUnlessStopped(std::min(backoff, max_retry_wait));
      backoff = std::min(backoff * 2, kMaxBackoff);
      continue;
    }
    // A fault retrying cannot fix ends the worker, but only before it has
    // ever worked: later, every fault (a group deleted under us, a full
    // server refusing writes) is waited out, and logged.
    if (!ever_connected && s.code() != StatusCode::kUnavailable) return s;
    conn_.reset();
    ready_ = false;
    if (s.message() != last_error) {
      std::fprintf(stderr, "logsieve worker: %s; retrying with backoff\n", s.message().c_str());
      last_error = s.message();
    }
    SleepUnlessStopped(backoff);
    backoff = std::min(backoff * 2, kMaxBackoff);
  }
  if (outbox_ != nullptr) {
    std::fprintf(stderr,
                 "logsieve worker: stopping with a batch of %zu entries not written; they stay "
                 "pending and are read again by the next worker of this name or claimed\n",
                 outbox_->entries);
  }
  return OkStatus();
}

Status Worker::Connect() {
  LOGSIEVE_ASSIGN_OR_RETURN(conn_, RedisConnection::Connect(options_.redis));
  for (const std::string& stream : options_.streams) {
    // From "0": entries added before the first worker started are read too.
    StatusOr<RedisReply> r =
        conn_->Command({"XGROUP", "CREATE", stream, options_.group, "0", "MKSTREAM"});
    if (!r.ok() && r.status().message().find("BUSYGROUP") == std::string::npos) {
      conn_.reset();
      return Status(r.status().code(), "cannot create group '" + options_.group + "' on stream '" +
                                           stream + "': " + r.status().message());
    }
  }
  own_pending_first_ = true;
  claiming_ = true;
  claim_stream_ = 0;
  std::fill(claim_cursor_.begin(), claim_cursor_.end(), "0-0");
  return OkStatus();
}

StatusOr<Worker::Read> Worker::NextEntries() {
  if (own_pending_first_) {
    LOGSIEVE_ASSIGN_OR_RETURN(Read read, ReadOwnPending());
    if (!read.entries.empty() || !read.gone.empty()) return read;
    own_pending_first_ = false;
  }
  if (claiming_ || Clock::now() >= next_claim_) {
    claiming_ = true;
    LOGSIEVE_ASSIGN_OR_RETURN(Read read, ClaimIdle());
    if (!read.entries.empty()) return read;
  }
  if (stop_.load(std::memory_order_relaxed)) return Read{};
  return ReadNew();
}

size_t Worker::ReadCount(size_t entries, size_t bytes) const {
  size_t by_count = entries < options_.batch_size ? options_.batch_size - entries : 0;
  size_t by_bytes = bytes < options_.max_batch_bytes
                        ? (options_.max_batch_bytes - bytes) / options_.max_entry_bytes
                        : 0;
  // COUNT applies to each stream of a read.
  return std::min(by_count, by_bytes) / options_.streams.size();
}

StatusOr<Worker::Read> Worker::ReadOwnPending() {
  std::vector<std::string> argv = {
      "XREADGROUP",      "GROUP", options_.group,
      options_.consumer, "COUNT", std::to_string(std::max<size_t>(1, ReadCount(0, 0))),
      "STREAMS"};
  for (const std::string& s : options_.streams) argv.push_back(s);
  for (size_t i = 0; i < options_.streams.size(); ++i) argv.emplace_back("0");
  LOGSIEVE_ASSIGN_OR_RETURN(RedisReply reply, conn_->Command(argv));
  Read read;
  ParseReadGroup(reply, &read.entries, &read.gone);
  LOGSIEVE_RETURN_IF_ERROR(MarkPoison(&read));
  return read;
}

StatusOr<Worker::Read> Worker::ClaimIdle() {
  Read read;
  while (claim_stream_ < options_.streams.size()) {
    const std::string& stream = options_.streams[claim_stream_];
    LOGSIEVE_ASSIGN_OR_RETURN(
        RedisReply reply,
        conn_->Command({"XAUTOCLAIM", stream, options_.group, options_.consumer,
                        std::to_string(options_.claim_idle_ms), claim_cursor_[claim_stream_],
                        "COUNT", std::to_string(std::max<size_t>(1, ReadCount(0, 0)))}));
    // [next cursor, entries, ids deleted meanwhile (Redis 7; it drops them from the PEL)]
    if (reply.elements.size() < 2) return InternalError("XAUTOCLAIM: unexpected reply");
    claim_cursor_[claim_stream_] = reply.elements[0].str;
    ParseEntries(stream, reply.elements[1], &read.entries, &read.gone);
    if (claim_cursor_[claim_stream_] == "0-0") ++claim_stream_;
    if (!read.entries.empty()) break;
  }
  if (claim_stream_ >= options_.streams.size()) {
    claiming_ = false;
    claim_stream_ = 0;
    next_claim_ = Clock::now() + std::chrono::milliseconds(std::max(1, options_.claim_idle_ms / 2));
    UpdateGauges();
  }
  claimed_.fetch_add(read.entries.size());
  WorkerMetrics::Get().claimed.Inc(static_cast<double>(read.entries.size()));
  LOGSIEVE_RETURN_IF_ERROR(MarkPoison(&read));
  return read;
}

// The first read waits up to block_ms; then, while entries keep coming and
// the budget allows another worst-case entry, the batch is topped up without
// waiting.
StatusOr<Worker::Read> Worker::ReadNew() {
  Read read;
  size_t bytes = 0;
  size_t count = std::max<size_t>(1, ReadCount(0, 0));
  for (bool first = true; count > 0; first = false) {
    std::vector<std::string> argv = {"XREADGROUP",      "GROUP", options_.group,
                                     options_.consumer, "COUNT", std::to_string(count)};
    if (first) {
      argv.emplace_back("BLOCK");
      argv.push_back(std::to_string(options_.block_ms));
    }
    argv.emplace_back("STREAMS");
    for (const std::string& s : options_.streams) argv.push_back(s);
    for (size_t i = 0; i < options_.streams.size(); ++i) argv.emplace_back(">");
    StatusOr<RedisReply> reply = conn_->Command(argv);
    if (!reply.ok()) {
      // A failed top-up keeps what was read: reading it again later would
      // count a delivery the entries did not cause.
      if (read.entries.empty()) return reply.status();
      break;
    }
    size_t before = read.entries.size();
    ParseReadGroup(*reply, &read.entries, &read.gone);
    for (size_t i = before; i < read.entries.size(); ++i) bytes += EntryBytes(read.entries[i]);
    if (read.entries.size() - before < count || stop_.load(std::memory_order_relaxed)) break;
    count = ReadCount(read.entries.size(), bytes);
  }
  read.poison.resize(read.entries.size());
  return read;
}

// Entries that come back (own pending, claimed) may be poison: ask how often
// each was delivered (one pipelined XPENDING per entry; only on these paths).
Status Worker::MarkPoison(Read* read) {
  read->poison.assign(read->entries.size(), "");
  if (read->entries.empty()) return OkStatus();
  std::vector<std::vector<std::string>> commands;
  commands.reserve(read->entries.size());
  for (const StreamEntry& e : read->entries) {
    commands.push_back({"XPENDING", e.stream, options_.group, e.id, e.id, "1"});
  }
  LOGSIEVE_ASSIGN_OR_RETURN(std::vector<RedisReply> replies, conn_->Pipeline(commands));
  for (size_t i = 0; i < replies.size(); ++i) {
    // [[id, consumer, idle ms, deliveries]]
    if (replies[i].elements.size() != 1 || replies[i].elements[0].elements.size() != 4) continue;
    int64_t deliveries = replies[i].elements[0].elements[3].integer;
    if (deliveries > options_.max_deliveries) {
      read->poison[i] = "delivered " + std::to_string(deliveries) +
                        " times, more than worker.max_deliveries (" +
                        std::to_string(options_.max_deliveries) + ")";
    }
  }
  return OkStatus();
}

Batch Worker::JoinEvents(Batch lines, const std::vector<size_t>& entry_of,
                         const std::vector<StreamEntry>& entries,
                         std::vector<size_t>* event_of) const {
  Batch events;
  std::vector<Event> out;
  size_t run_start = 0;
  // Each completed event becomes one record; its lines point at it.
  auto take = [&] {
    for (Event& e : out) {
      for (size_t line = 0; line < e.lines; ++line)
        (*event_of)[e.first_line + line] = events.size();
      events.records.push_back({lines.records[run_start].source, std::move(e.text)});
    }
    out.clear();
  };
  // Entries join only within a run of one stream and one source.
  std::unique_ptr<EventJoiner> joiner;
  for (size_t k = 0; k < lines.size(); ++k) {
    if (k > run_start && (lines.records[k].source != lines.records[run_start].source ||
                          entries[entry_of[k]].stream != entries[entry_of[run_start]].stream)) {
      joiner->Flush(&out);
      take();
      joiner.reset();
      run_start = k;
    }
    if (joiner == nullptr) {
      joiner = EventJoiner::Create(options_.multiline).value();  // options checked in FromConfig
    }
    joiner->Add(lines.records[k].message, k, 0, &out);
    take();
  }
  if (joiner != nullptr) joiner->Flush(&out);
  take();
  return events;
}

Worker::Outbox Worker::Prepare(Read& read) {
  Outbox out;
  out.start = Clock::now();
  Batch batch;
  std::vector<size_t> classified;  // entry index of each batch record
  std::vector<std::vector<std::string>>& writes = out.writes;
  size_t dead = 0;
  batch.records.reserve(read.entries.size());
  for (size_t i = 0; i < read.entries.size(); ++i) {
    const StreamEntry& e = read.entries[i];
    if (!read.poison[i].empty()) {
      writes.push_back(DeadLetterCommand(e, read.poison[i], options_.dead_letter_stream,
                                         options_.output_maxlen));
      ++dead;
      continue;
    }
    StatusOr<LogRecord> record = DecodeEntry(e, options_.default_source, options_.max_entry_bytes);
    if (!record.ok()) {
      writes.push_back(DeadLetterCommand(e, record.status().message(), options_.dead_letter_stream,
                                         options_.output_maxlen));
      ++dead;
      continue;
    }
    batch.records.push_back(*std::move(record));
    classified.push_back(i);
  }
  // Multi-line events: the joined records are classified; record k's
  // decision is its event's.
  std::vector<size_t> event_of(batch.size());
  for (size_t k = 0; k < event_of.size(); ++k) event_of[k] = k;
  if (options_.multiline.mode != MultilineMode::kOff && batch.size() > 1) {
    batch = JoinEvents(std::move(batch), classified, read.entries, &event_of);
  }
  batch.Reset();
  batch.deadline = Batch::DeadlineAfter(options_.classify_timeout_ms);
  if (batch.size() > 0) classifier_.Classify(batch);
  for (size_t k = 0; k < classified.size(); ++k) {
    writes.push_back(OutputCommand(read.entries[classified[k]], batch.decisions[event_of[k]],
                                   options_.output_stream, options_.output_maxlen));
  }
  if (ndjson_ != nullptr) {
    std::vector<std::pair<std::string, std::string>> fields;
    for (size_t k = 0; k < classified.size(); ++k) {
      const StreamEntry& e = read.entries[classified[k]];
      fields = e.fields;
      fields.emplace_back("source_stream", e.stream);
      fields.emplace_back("source_id", e.id);
      AppendNdjsonDecision(fields, batch.decisions[event_of[k]], &out.ndjson);
    }
  }
  out.entries = read.entries.size();
  out.produced = classified.size();
  out.dead = dead;
  for (const StreamEntry& e : read.entries) out.to_ack.emplace_back(e.stream, e.id);
  for (auto& gone : read.gone) out.to_ack.push_back(std::move(gone));
  return out;
}

Status Worker::Deliver(Outbox& out, std::string* reason) {
  if (!out.writes.empty()) {
    StatusOr<std::vector<RedisReply>> replies = conn_->Pipeline(out.writes);
    if (!replies.ok()) {
      *reason = "connection";  // all of them are tried again: some may be written twice
      return replies.status();
    }
    std::vector<std::vector<std::string>> failed;
    std::string error;
    for (size_t i = 0; i < replies->size(); ++i) {
      if (!(*replies)[i].is_error()) continue;
      if (error.empty()) error = (*replies)[i].str;
      failed.push_back(std::move(out.writes[i]));
    }
    out.writes = std::move(failed);
    if (!out.writes.empty()) {
      *reason = ErrorCode(error);
      return FailedPreconditionError("writing the output: " + error + " (" +
                                     std::to_string(out.writes.size()) + " of " +
                                     std::to_string(replies->size()) + " writes failed)");
    }
  }
  if (!out.ndjson.empty()) {
    if (Status s = ndjson_->Write(&out.ndjson); !s.ok()) {
      *reason = "ndjson";
      CountOutputError("ndjson");
      return s;
    }
    CountWritten("ndjson", out.produced);
  }
  // Only now that every output is written: acknowledge, one XACK per stream.
  std::vector<std::vector<std::string>> acks;
  for (const std::string& stream : options_.streams) {
    std::vector<std::string> ack = {"XACK", stream, options_.group};
    for (const auto& [s, id] : out.to_ack) {
      if (s == stream) ack.push_back(id);
    }
    if (ack.size() > 3) acks.push_back(std::move(ack));
  }
  StatusOr<std::vector<RedisReply>> replies = conn_->Pipeline(acks);
  if (!replies.ok()) {
    *reason = "connection";
    return replies.status();
  }
  for (const RedisReply& r : *replies) {
    if (r.is_error()) {
      *reason = ErrorCode(r.str);
      return FailedPreconditionError("acknowledging: " + r.str);
    }
  }

  WorkerMetrics& m = WorkerMetrics::Get();
  consumed_.fetch_add(out.entries);
  produced_.fetch_add(out.produced);
  dead_lettered_.fetch_add(out.dead);
  batches_.fetch_add(1);
  m.consumed.Inc(static_cast<double>(out.entries));
  m.produced.Inc(static_cast<double>(out.produced));
  m.dead_lettered.Inc(static_cast<double>(out.dead));
  m.batch_seconds.Observe(std::chrono::duration<double>(Clock::now() - out.start).count());
  return OkStatus();
}

void Worker::KeepClaimed(const Outbox& out) {
  std::vector<std::vector<std::string>> claims;
  for (const std::string& stream : options_.streams) {
    std::vector<std::string> claim = {"XCLAIM", stream, options_.group, options_.consumer, "0"};
    for (const auto& [s, id] : out.to_ack) {
      if (s == stream) claim.push_back(id);
    }
    if (claim.size() == 5) continue;
    claim.emplace_back("JUSTID");
    claims.push_back(std::move(claim));
  }
  // A failure here shows again in the write that follows.
  if (!claims.empty()) {
    [[maybe_unused]] StatusOr<std::vector<RedisReply>> r = conn_->Pipeline(claims);
  }
}

// Pending and lag of the group over all input streams (XINFO GROUPS; lag is
// Redis 7's and may be unknown, then left out).
void Worker::UpdateGauges() {
  double pending = 0, lag = 0;
  for (const std::string& stream : options_.streams) {
    StatusOr<RedisReply> r = conn_->Command({"XINFO", "GROUPS", stream});
    if (!r.ok()) return;
    for (const RedisReply& group : r->elements) {
      const std::vector<RedisReply>& kv = group.elements;
      bool ours = false;
      for (size_t i = 0; i + 1 < kv.size(); i += 2) {
        if (kv[i].str == "name") ours = kv[i + 1].str == options_.group;
      }
      if (!ours) continue;
      for (size_t i = 0; i + 1 < kv.size(); i += 2) {
        if (kv[i].str == "pending") pending += static_cast<double>(kv[i + 1].integer);
        if (kv[i].str == "lag") lag += static_cast<double>(kv[i + 1].integer);
      }
    }
  }
  WorkerMetrics::Get().pending.Set(pending);
  WorkerMetrics::Get().lag.Set(lag);
}

}  // namespace logsieve
