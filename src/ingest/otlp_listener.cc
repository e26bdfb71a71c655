#include "ingest/otlp_listener.h"

#include <algorithm>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <charconv>
#include <cstdio>
#include <optional>
#include <thread>
#include <unordered_set>
#include <vector>

#include "common/thread_annotations.h"
#include "ingest/otlp.h"

namespace logsieve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;

constexpr std::string_view kInput = "otlp_http";
constexpr std::string_view kPath = "/v1/logs";
// A request head larger than this is answered 431.
constexpr uint32_t kMaxHeaderBytes = 16 << 10;

StatusOr<tcp::endpoint> ParseListen(const std::string& text) {
  auto bad = [&](const std::string& why) {
    return InvalidArgumentError("ingest.otlp.listen: '" + text + "': " + why +
                                " (expected HOST:PORT, HOST numeric, e.g. 0.0.0.0:4318)");
  };
  size_t colon = text.rfind(':');
  if (colon == std::string::npos || colon + 1 == text.size()) return bad("no port");
  std::string host = text.substr(0, colon);
  std::string_view port_text = std::string_view(text).substr(colon + 1);
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  if (host.empty()) return bad("no host");
  unsigned port = 0;
  auto [end, ec] = std::from_chars(port_text.data(), port_text.data() + port_text.size(), port);
  if (ec != std::errc() || end != port_text.data() + port_text.size() || port > 65535) {
    return bad("the port is not a number from 0 to 65535");
  }
  boost::system::error_code aec;
  asio::ip::address address = asio::ip::make_address(host, aec);
  if (aec) return bad("the host is not a numeric address");
  return tcp::endpoint(address, static_cast<uint16_t>(port));
}

}  // namespace

// The encoding of a request's answer: its Content-Type's, else JSON.
template <typename Request>
OtlpEncoding EncodingOf(const Request& req) {
  auto type = req[http::field::content_type];
  StatusOr<OtlpEncoding> e = OtlpEncodingOf(std::string_view(type.data(), type.size()));
  return e.ok() ? *e : OtlpEncoding::kJson;
}

class OtlpSession;

struct OtlpListener::Impl {
  Impl(OtlpListenerOptions o, IngestQueue* q)
      : options(std::move(o)),
        queue(q),
        io(std::max(options.io_threads, 1)),
        acceptor(asio::make_strand(io)) {}

  void Accept();

  const OtlpListenerOptions options;
  IngestQueue* queue;
  // Declared before io: a session that io destroys leaves this set.
  Mutex mu;
  std::unordered_set<OtlpSession*> sessions GUARDED_BY(mu);
  std::atomic<bool> stopping{false};
  asio::io_context io;
  tcp::acceptor acceptor;  // on its own strand
  std::string address;
  std::atomic<uint64_t> received{0};
  std::vector<std::thread> threads;
};

// One connection: read a request, answer it, again, until the peer closes,
// an error, or the stop. Lives in shared_ptrs held by its pending operation
// (a read, a write, or the IngestAck of the request it waits on).
class OtlpSession : public std::enable_shared_from_this<OtlpSession> {
 public:
  OtlpSession(tcp::socket socket, OtlpListener::Impl* owner)
      : stream_(std::move(socket)), owner_(owner) {
    MutexLock lock(&owner_->mu);
    owner_->sessions.insert(this);
    IngestConnections(kInput).Add(1);
  }
  ~OtlpSession() {
    MutexLock lock(&owner_->mu);
    owner_->sessions.erase(this);
    IngestConnections(kInput).Add(-1);
  }

  void Read() {
    parser_.emplace();
    parser_->header_limit(kMaxHeaderBytes);
    parser_->body_limit(owner_->options.max_body_bytes);
    stream_.expires_after(std::chrono::milliseconds(owner_->options.read_timeout_ms));
    reading_ = true;
    http::async_read(stream_, buffer_, *parser_,
                     [self = shared_from_this()](beast::error_code ec, size_t) {
                       self->reading_ = false;
                       self->OnRequest(ec);
                     });
  }

  auto executor() { return stream_.get_executor(); }

  // The stop: a connection waiting for a request that has not begun closes.
  void CloseIfIdle() {
    if (reading_ && buffer_.size() == 0 && !parser_->got_some()) stream_.socket().cancel();
  }

 private:
  void OnRequest(beast::error_code ec) {
    if (ec == http::error::body_limit) {
      CountBad(kInput, "oversized",
               "a body over ingest.otlp.max_body_bytes (" +
                   std::to_string(owner_->options.max_body_bytes) + ")");
      const OtlpEncoding e = EncodingOf(parser_->get());
      return Answer(http::status::payload_too_large, e,
                    OtlpStatusBody(e, ResourceExhaustedError(
                                          "the body is over ingest.otlp.max_body_bytes (" +
                                          std::to_string(owner_->options.max_body_bytes) + ")")),
                    false);
    }
    if (ec == http::error::header_limit) {
      return Answer(http::status::request_header_fields_too_large, OtlpEncoding::kJson,
                    OtlpStatusBody(OtlpEncoding::kJson,
                                   InvalidArgumentError("the request head is over 16 KiB")),
                    false);
    }
    if (ec) {
      // The peer closed, the read timed out (ingest.otlp.read_timeout_ms), or
      // the stop: nothing was taken. A framing error is answered.
      if (ec.category() == http::make_error_code(http::error::bad_target).category() &&
          ec != http::error::end_of_stream && ec != http::error::partial_message) {
        Answer(http::status::bad_request, OtlpEncoding::kJson,
               OtlpStatusBody(OtlpEncoding::kJson,
                              InvalidArgumentError("malformed HTTP request: " + ec.message())),
               false);
        return;
      }
      beast::error_code ignored;
      stream_.socket().shutdown(tcp::socket::shutdown_both, ignored);
      return;
    }
    Handle(parser_->release());
  }

  void Handle(http::request<http::string_body> req) {
    keep_alive_ = req.keep_alive();
    std::string_view target(req.target().data(), req.target().size());
    target = target.substr(0, target.find('?'));
    auto refuse = [&](http::status code, const Status& why, OtlpEncoding e) {
      Answer(code, e, OtlpStatusBody(e, why), keep_alive_);
    };
    const OtlpEncoding declared = EncodingOf(req);
    if (target != kPath) {
      return refuse(http::status::not_found,
                    NotFoundError("no such path: '" + std::string(target) +
                                  "' (OTLP logs go to POST /v1/logs)"),
                    declared);
    }
    if (req.method() != http::verb::post) {
      res_.set(http::field::allow, "POST");
      return refuse(http::status::method_not_allowed, InvalidArgumentError("/v1/logs takes POST"),
                    declared);
    }
    auto content_type = req[http::field::content_type];
    StatusOr<OtlpEncoding> encoding =
        OtlpEncodingOf(std::string_view(content_type.data(), content_type.size()));
    if (!encoding.ok()) {
      CountBad(kInput, "unsupported", encoding.status().message());
      return refuse(http::status::unsupported_media_type, encoding.status(), OtlpEncoding::kJson);
    }
    beast::string_view coding = req[http::field::content_encoding];
    std::string inflated;
    std::string_view body = req.body();
    if (beast::iequals(coding, "gzip") || beast::iequals(coding, "x-gzip")) {
      StatusOr<std::string> plain = Gunzip(body, owner_->options.max_body_bytes);
      if (!plain.ok()) {
        bool big = plain.status().code() == StatusCode::kResourceExhausted;
        CountBad(kInput, big ? "oversized" : "malformed", plain.status().message());
        return refuse(big ? http::status::payload_too_large : http::status::bad_request,
                      plain.status(), *encoding);
      }
      inflated = *std::move(plain);
      body = inflated;
    } else if (!coding.empty() && !beast::iequals(coding, "identity")) {
      Status why =
          InvalidArgumentError("Content-Encoding '" + std::string(coding.data(), coding.size()) +
                               "' is not supported: send gzip or identity");
      CountBad(kInput, "unsupported", why.message());
      return refuse(http::status::unsupported_media_type, why, *encoding);
    }
    StatusOr<OtlpLogs> logs = DecodeOtlpLogs(*encoding, body, owner_->options.default_source);
    if (!logs.ok()) {
      CountBad(kInput, "malformed", logs.status().message());
      return refuse(http::status::bad_request, logs.status(), *encoding);
    }
    CountReceived(kInput, logs->records.size() + logs->rejected);
    for (uint64_t i = 0; i < logs->rejected; ++i) {
      CountBad(kInput, "no_body", logs->rejected_reason);
    }
    Take(*std::move(logs), *encoding);
  }

  // Pushes the records with one ack; answers when the loop settled it.
  void Take(OtlpLogs logs, OtlpEncoding encoding) {
    std::string ok_body = OtlpExportResponse(encoding, logs.rejected, logs.rejected_reason);
    if (logs.records.empty()) return Answer(http::status::ok, encoding, ok_body, keep_alive_);
    const size_t n = logs.records.size();
    auto ack = std::make_shared<IngestAck>(n, [self = shared_from_this(),
                                               work = asio::make_work_guard(owner_->io),
                                               strand = stream_.get_executor(), encoding,
                                               ok_body = std::move(ok_body)](bool written) mutable {
      // On the loop's thread: hand the answer to the session's strand, moving
      // every reference out so that nothing of the session dies here.
      asio::post(strand, [self = std::move(self), work = std::move(work), encoding,
                          ok_body = std::move(ok_body), written]() mutable {
        work.reset();
        if (written) {
          return self->Answer(http::status::ok, encoding, std::move(ok_body), self->keep_alive_);
        }
        self->Answer(
            http::status::service_unavailable, encoding,
            OtlpStatusBody(encoding, UnavailableError("the records were not written: the "
                                                      "output failed until the worker stopped")),
            false);
      });
    });
    std::vector<IngestRecord> records;
    records.reserve(n);
    for (OtlpLogRecord& r : logs.records) {
      IngestRecord& i = records.emplace_back();
      i.input = kInput;
      i.record.source = std::move(r.source);
      i.record.message = std::move(r.message);
      i.fields = std::move(r.fields);
      i.ack = ack;
    }
    ack.reset();
    if (owner_->stopping || !owner_->queue->TryPushAll(&records)) {
      bool stopping = owner_->stopping;
      records.clear();  // the ack dies unsettled: its answer is given here
      if (stopping) {
        return Answer(http::status::service_unavailable, encoding,
                      OtlpStatusBody(encoding, UnavailableError("the worker is stopping")), false);
      }
      CountBad(kInput, "queue_full", std::to_string(n) + " records answered 429");
      res_.set(http::field::retry_after, std::to_string(owner_->options.retry_after_s));
      return Answer(
          http::status::too_many_requests, encoding,
          OtlpStatusBody(encoding, ResourceExhaustedError("the ingest queue is full: retry later")),
          keep_alive_);
    }
    owner_->received.fetch_add(n, std::memory_order_relaxed);
  }

  void Answer(http::status code, OtlpEncoding encoding, std::string body, bool keep_alive) {
    keep_alive = keep_alive && !owner_->stopping;
    res_.result(code);
    res_.version(11);
    res_.set(http::field::content_type,
             encoding == OtlpEncoding::kJson ? "application/json" : "application/x-protobuf");
    res_.keep_alive(keep_alive);
    res_.body() = std::move(body);
    res_.prepare_payload();
    stream_.expires_after(std::chrono::milliseconds(owner_->options.read_timeout_ms));
    http::async_write(stream_, res_,
                      [self = shared_from_this(), keep_alive](beast::error_code ec, size_t) {
                        self->res_ = {};
                        if (ec) return;
                        if (keep_alive && !self->owner_->stopping) return self->Read();
                        beast::error_code ignored;
                        self->stream_.socket().shutdown(tcp::socket::shutdown_send, ignored);
                      });
  }

  beast::tcp_stream stream_;
  OtlpListener::Impl* owner_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  http::response<http::string_body> res_;
  bool reading_ = false;
  bool keep_alive_ = false;
};

void OtlpListener::Impl::Accept() {
  // Each connection gets a strand: its handlers never run at once.
  acceptor.async_accept(asio::make_strand(io), [this](beast::error_code ec, tcp::socket socket) {
    if (ec) {
      if (ec == asio::error::operation_aborted || stopping) return;
      std::fprintf(stderr, "logsieve worker: otlp_http: accept: %s\n", ec.message().c_str());
      return Accept();
    }
    size_t open;
    {
      MutexLock lock(&mu);
      open = sessions.size();
    }
    if (open >= options.max_connections) {
      Counter& refused = IngestConnectionsRefused(kInput);
      refused.Inc();
      if (auto n = static_cast<uint64_t>(refused.value()); n <= 10 || n % 1000 == 0) {
        std::fprintf(stderr,
                     "logsieve worker: otlp_http: a connection over ingest.otlp.max_connections "
                     "(%zu) closed (%llu so far)\n",
                     options.max_connections, static_cast<unsigned long long>(n));
      }
    } else {
      std::make_shared<OtlpSession>(std::move(socket), this)->Read();
    }
    Accept();
  });
}

OtlpListener::OtlpListener(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

StatusOr<std::unique_ptr<OtlpListener>> OtlpListener::Start(const OtlpListenerOptions& options,
                                                            IngestQueue* queue) {
  LOGSIEVE_ASSIGN_OR_RETURN(tcp::endpoint endpoint, ParseListen(options.listen));
  auto impl = std::make_unique<Impl>(options, queue);
  beast::error_code ec;
  impl->acceptor.open(endpoint.protocol(), ec);
  if (!ec) impl->acceptor.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) impl->acceptor.bind(endpoint, ec);
  if (!ec) impl->acceptor.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    return UnavailableError("ingest.otlp.listen: cannot listen on " + options.listen + ": " +
                            ec.message());
  }
  tcp::endpoint bound = impl->acceptor.local_endpoint();
  std::string host = bound.address().to_string();
  if (bound.address().is_v6()) host = "[" + host + "]";
  impl->address = "http://" + host + ":" + std::to_string(bound.port());
  impl->Accept();
  Impl* p = impl.get();
  for (int i = 0; i < std::max(options.io_threads, 1); ++i) {
    impl->threads.emplace_back([p] { p->io.run(); });
  }
  return std::unique_ptr<OtlpListener>(new OtlpListener(std::move(impl)));
}

void OtlpListener::Stop() {
  if (impl_->threads.empty()) return;
  impl_->stopping = true;
  asio::post(impl_->acceptor.get_executor(), [p = impl_.get()] {
    beast::error_code ignored;
    p->acceptor.close(ignored);
    MutexLock lock(&p->mu);
    for (OtlpSession* s : p->sessions) {
      // A session whose last reference is going has no operation left.
      if (std::shared_ptr<OtlpSession> live = s->weak_from_this().lock()) {
        asio::post(live->executor(), [live] { live->CloseIfIdle(); });
      }
    }
  });
  // io.run returns once no session has an operation or an ack pending.
  for (std::thread& t : impl_->threads) t.join();
  impl_->threads.clear();
}

OtlpListener::~OtlpListener() { Stop(); }

const std::string& OtlpListener::address() const { return impl_->address; }

uint64_t OtlpListener::received() const { return impl_->received.load(std::memory_order_relaxed); }

}  // namespace logsieve
