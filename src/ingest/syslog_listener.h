// SyslogListener: ingest.syslog.listen, syslog over UDP (RFC 5426: one
// message per datagram) and TCP (RFC 6587: octet counting or LF framing,
// detected per frame), on one thread with poll(2). Each message is parsed
// (syslog.h) and pushed to an IngestQueue as a record whose source is the
// APP-NAME and whose fields are the header's parts (SyslogRecord).
//
//   SyslogListenerOptions o;
//   o.listen = {"udp://127.0.0.1:5514", "tcp://127.0.0.1:5514"};
//   StatusOr<std::unique_ptr<SyslogListener>> l = SyslogListener::Start(o, &queue);
//   ...
//   (*l)->Stop();
//
// Bounds: a message keeps its first max_record_bytes (input.max_record_bytes)
// and the rest is dropped, counted and logged (reason "oversized"; the record
// carries `truncated_bytes`); at most max_connections TCP connections are
// open at once, and one past that is accepted and closed at once (counted in
// logsieve_ingest_connections_refused_total, logged). A line without <PRI>
// is classified as raw text (reason "unparsed"); a connection that ends
// inside an octet-counted frame gives what arrived (reason "incomplete").
// Nothing a sender does stops the listener.
//
// Thread safety: Start, Stop and the destructor on one thread.
#ifndef LOGSIEVE_INGEST_SYSLOG_LISTENER_H_
#define LOGSIEVE_INGEST_SYSLOG_LISTENER_H_

#include <atomic>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/status.h"
#include "ingest/ingest.h"
#include "ingest/syslog.h"

namespace logsieve {

struct SyslogListenerOptions {
  // "udp://HOST:PORT", "tcp://HOST:PORT" (HOST numeric, IPv4 or [IPv6]; PORT
  // 0: a free one, see addresses()).
  std::vector<std::string> listen;
  size_t max_record_bytes = 1 << 20;
  size_t max_connections = 256;
  std::string default_source = "unknown";  // for messages without APP-NAME
};

// The record of one parsed message: source = APP-NAME (else
// default_source), log_message = MSG (the whole text when unparsed), both
// trimmed; fields, when present: hostname, facility, severity (RFC names),
// timestamp, procid, msgid, structured_data, and truncated_bytes (`cut_bytes`,
// when not 0).
IngestRecord SyslogRecord(const SyslogMessage& m, size_t cut_bytes, std::string_view input,
                          const std::string& default_source);

class SyslogListener {
 public:
  // Binds every address and starts the thread. InvalidArgument naming
  // ingest.syslog.listen for an address it cannot read, Unavailable for one
  // it cannot bind.
  static StatusOr<std::unique_ptr<SyslogListener>> Start(const SyslogListenerOptions& options,
                                                         IngestQueue* queue);
  // Stops: reads what the sockets hold already (queued datagrams, bytes sent
  // on open and pending connections), pushes it, closes every socket and
  // joins. Idempotent.
  void Stop();
  ~SyslogListener();
  SyslogListener(const SyslogListener&) = delete;
  SyslogListener& operator=(const SyslogListener&) = delete;

  // The bound addresses, in the order of `listen`, with their real ports.
  const std::vector<std::string>& addresses() const { return addresses_; }
  // Messages pushed to the queue so far.
  uint64_t received() const { return received_.load(std::memory_order_relaxed); }

 private:
  struct Connection;
  SyslogListener(SyslogListenerOptions options, IngestQueue* queue);
  void Serve();
  // Reads what `fd` holds; false when the peer closed or failed.
  void ReadDatagrams(int fd, bool drain);
  bool ReadStream(Connection& c, bool drain);
  void Accept(int fd, bool drain);
  void Close(Connection& c);
  void PushFrame(std::string_view text, size_t cut_bytes, bool incomplete, std::string_view input);

  const SyslogListenerOptions options_;
  IngestQueue* queue_;
  std::vector<int> udp_fds_, tcp_fds_;
  std::vector<std::unique_ptr<Connection>> connections_;
  std::vector<std::string> addresses_;
  std::vector<char> buffer_;
  std::vector<SyslogFrame> frames_;
  std::atomic<uint64_t> received_{0};
  int stop_read_ = -1, stop_write_ = -1;
  std::thread thread_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_INGEST_SYSLOG_LISTENER_H_
