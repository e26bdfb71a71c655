// The HTTP edge on Boost.Beast: connections, deadlines, framing, the worker
// pool hand-off. Each connection is one C++20 coroutine (plus a watchdog that
// enforces its deadline) on a strand of the I/O context.
#include "server/http_edge.h"

#include <sys/resource.h>
#include <sys/socket.h>

#include <array>
#include <atomic>
#include <boost/asio.hpp>
#include <boost/asio/awaitable.hpp>
#include <boost/asio/co_spawn.hpp>
#include <boost/asio/detached.hpp>
#include <boost/asio/redirect_error.hpp>
#include <boost/asio/use_awaitable.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <cerrno>
#include <chrono>
#include <cstdint>
#include <exception>
#include <limits>
#include <optional>
#include <thread>
#include <unordered_map>
#include <utility>

#include "common/thread_annotations.h"
#include "server/admission.h"
#include "server/codec.h"

namespace logsieve {
namespace {

namespace asio = boost::asio;
namespace beast = boost::beast;
namespace http = beast::http;
using tcp = asio::ip::tcp;
using Clock = std::chrono::steady_clock;
using asio::awaitable;
using asio::use_awaitable;
using Parser = http::request_parser<http::buffer_body>;

constexpr size_t kHeaderLimit = 64 << 10;  // the whole head: request line and fields
constexpr size_t kDrainBytes = 1 << 20;    // read away past a limit, so the answer arrives
constexpr size_t kPieceBytes = 64 << 10;   // one body read
constexpr int kLingerMs = 1000;            // after a closing answer: read away, then close
constexpr size_t kMaxLingering = 256;      // refused connections lingering at once

Clock::time_point Far() { return Clock::now() + std::chrono::hours(24 * 365); }

void ConfigureParser(Parser& p) {
  p.header_limit(kHeaderLimit);
  // Counted by the edge, per endpoint. Not boost::none: Boost 1.74 compares
  // the length with the optional and reads none as "over the limit".
  p.body_limit(std::numeric_limits<std::uint64_t>::max());
}

// The status to answer for a head the parser refused.
int StatusForParseError(const beast::error_code& ec) {
  if (ec == http::error::header_limit) return 431;
  return 400;
}

ApiRequest ToRequest(const Parser::value_type& msg, std::string remote) {
  ApiRequest req;
  req.method = std::string(msg.method_string());
  req.target = std::string(msg.target());
  req.path = req.target.substr(0, req.target.find('?'));
  for (const auto& field : msg) {
    req.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
  }
  req.remote = std::move(remote);
  return req;
}

// One connection: its socket, read buffer and deadline. Everything on it runs
// on its strand.
struct Conn {
  explicit Conn(tcp::socket s) : socket(std::move(s)), timer(socket.get_executor()) {}

  tcp::socket socket;
  asio::steady_timer timer;
  Clock::time_point deadline = Far();
  bool timed_out = false;  // the watchdog cancelled the socket's operations
  bool closed = false;
  bool idle = false;  // between requests: Stop closes it now
  bool stop_requested = false;
  beast::flat_buffer buffer;
  std::vector<char> piece;  // one body read; allocated only while a body is read
  std::string remote;

  // Wakes the watchdog only when `t` comes before the timer's expiry; a later
  // deadline waits for the timer to fire and re-arm, so a keep-alive request
  // (header, body, write, idle deadlines each later than the last) touches
  // no timer.
  void SetDeadline(Clock::time_point t) {
    if (t < timer.expiry()) timer.cancel();
    deadline = t;
    timed_out = false;
  }
  void SetTimeout(int ms) { SetDeadline(Clock::now() + std::chrono::milliseconds(ms)); }
  void Close() {
    closed = true;
    beast::error_code ignored;
    timer.cancel();
    socket.close(ignored);
  }
};

// Cancels the connection's socket operations when its deadline passes.
awaitable<void> Watchdog(std::shared_ptr<Conn> c) {
  while (!c->closed) {
    c->timer.expires_at(c->deadline);
    beast::error_code ec;
    co_await c->timer.async_wait(asio::redirect_error(use_awaitable, ec));
    if (c->closed) break;
    if (c->deadline <= Clock::now()) {
      c->timed_out = true;
      c->deadline = Far();
      beast::error_code ignored;
      c->socket.cancel(ignored);
    }
  }
}

// Shuts down sending, reads what the client still sends (bounded), closes:
// closing with unread bytes would reset the connection and could destroy the
// answer just written.
awaitable<void> Linger(std::shared_ptr<Conn> c) {
  beast::error_code ec;
  c->socket.shutdown(tcp::socket::shutdown_send, ec);
  c->SetTimeout(kLingerMs);
  std::array<char, 4096> sink;
  size_t total = c->buffer.size();
  while (!ec && total < kDrainBytes) {
    total += co_await c->socket.async_read_some(asio::buffer(sink),
                                                asio::redirect_error(use_awaitable, ec));
  }
  c->Close();
}

// On every answer: a browser must take each body for its declared type (a
// JSON error echoing input is never sniffed into HTML or script).
template <typename Message>
void SetNoSniff(Message& m) {
  m.set("X-Content-Type-Options", "nosniff");
}

// Whether the client closed its side (or the connection broke), looked at
// without waiting: a subscriber that only listens sends nothing, so EOF is
// the news. Whatever it did send is read away.
bool PeerClosed(tcp::socket& socket) {
  std::array<char, 512> sink;
  while (true) {
    const ssize_t n = ::recv(socket.native_handle(), sink.data(), sink.size(), MSG_DONTWAIT);
    if (n > 0) continue;
    if (n == 0) return true;
    return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR;
  }
}

ApiResponse InternalErrorAnswer() {
  return ErrorAnswer(500, "Internal Server Error: an exception escaped the handler");
}

// f(), or `on_exception` when it throws: no exception reaches Asio's threads.
template <typename R, typename F>
R RunGuarded(F& f, R on_exception) {
  try {
    return f();
  } catch (...) {
    return on_exception;
  }
}

}  // namespace

// ---------------------------------------------------------------------------

struct HttpEdge::Impl {
  Impl(Handlers& h, const ServerOptions& o)
      : handlers(h),
        options(o),
        ioc(o.IoThreads()),
        acceptor(asio::make_strand(ioc)),
        pool(static_cast<size_t>(o.WorkerThreads())),
        pool_capacity(static_cast<size_t>(o.WorkerThreads()) + o.max_queued) {}

  Handlers& handlers;
  const ServerOptions& options;
  asio::io_context ioc;
  tcp::acceptor acceptor;
  asio::thread_pool pool;
  const size_t pool_capacity;
  std::atomic<size_t> pool_pending{0};  // classify requests queued or running
  int port = -1;
  std::atomic<bool> stopping{false};
  std::atomic<bool> serve_done{false};
  std::atomic<size_t> live{0};       // open connections
  std::atomic<size_t> lingering{0};  // refused connections still open

  Mutex conns_mu;
  std::unordered_map<Conn*, std::weak_ptr<Conn>> conns GUARDED_BY(conns_mu);

  awaitable<void> Accept();
  awaitable<void> Session(std::shared_ptr<Conn> c);
  awaitable<void> Refuse(std::shared_ptr<Conn> c);
  // Serves one request whose head is parsed; false: close the connection.
  awaitable<bool> Serve(Conn& c, Parser& parser, ApiRequest& req, int served);
  awaitable<bool> Write(Conn& c, const ApiRequest& req, ApiResponse res, bool keep_alive,
                        int served, Clock::time_point start);
  awaitable<bool> ServeEvents(Conn& c, ApiRequest& req, std::shared_ptr<LiveFeed::Subscription> sub,
                              Clock::time_point start);
  // The end of a chunked 200: the last chunk while the connection is good
  // (`ok`), the access-log line, and a close after a failed write.
  awaitable<void> EndChunked(Conn& c, bool ok, const ApiRequest& req, size_t bytes_out,
                             Clock::time_point start);
  awaitable<bool> ServeStream(Conn& c, Parser& parser, ApiRequest& req, const Plan& plan,
                              Clock::time_point start);

  // Reads the next piece of the body into c.piece: its size, 0 at the end or
  // on failure (then `failure` is 408 or 400).
  awaitable<size_t> ReadPiece(Conn& c, Parser& parser, int& failure);
  // Reads the body whole into `out` (when not null) up to `limit` bytes;
  // past it reads up to kDrainBytes more. 0, or the status to answer;
  // `reusable` false when the body was not read to its end.
  awaitable<int> ReadBody(Conn& c, Parser& parser, size_t limit, std::string* out, bool& reusable);

  // Runs `f` on the worker pool and resumes on the connection's strand.
  template <typename R, typename F>
  awaitable<R> OnPool(F f, R on_exception);
};

template <typename R, typename F>
awaitable<R> HttpEdge::Impl::OnPool(F f, R on_exception) {
  std::optional<R> result;
  auto ex = co_await asio::this_coro::executor;
  co_await asio::async_initiate<decltype(use_awaitable), void()>(
      [&](auto handler) {
        auto work = asio::make_work_guard(ex);
        asio::post(pool, [&, handler = std::move(handler), work = std::move(work)]() mutable {
          result.emplace(RunGuarded(f, std::move(on_exception)));
          asio::post(std::move(handler));
        });
      },
      use_awaitable);
  co_return std::move(*result);
}

awaitable<void> HttpEdge::Impl::Accept() {
  asio::steady_timer backoff(acceptor.get_executor());
  while (acceptor.is_open()) {
    tcp::socket socket(asio::make_strand(ioc));
    beast::error_code ec;
    co_await acceptor.async_accept(socket, asio::redirect_error(use_awaitable, ec));
    if (ec) {
      if (!acceptor.is_open() || stopping) break;
      // Out of descriptors (EMFILE) or a connection reset before accept:
      // pause a little instead of spinning.
      backoff.expires_after(std::chrono::milliseconds(20));
      co_await backoff.async_wait(asio::redirect_error(use_awaitable, ec));
      continue;
    }
    socket.set_option(tcp::no_delay(true), ec);
    auto c = std::make_shared<Conn>(std::move(socket));
    auto ep = c->socket.remote_endpoint(ec);
    if (!ec) c->remote = ep.address().to_string() + ":" + std::to_string(ep.port());
    auto strand = c->socket.get_executor();
    if (live.load() >= options.max_connections) {
      if (lingering.load() >= kMaxLingering) {
        c->Close();
        continue;
      }
      ++lingering;
      asio::co_spawn(strand, Refuse(c), asio::detached);
      asio::co_spawn(strand, Watchdog(c), asio::detached);
      continue;
    }
    ++live;
    {
      MutexLock lock(&conns_mu);
      conns[c.get()] = c;
    }
    asio::co_spawn(strand, Session(c), asio::detached);
    asio::co_spawn(strand, Watchdog(c), asio::detached);
  }
}

awaitable<void> HttpEdge::Impl::Refuse(std::shared_ptr<Conn> c) {
  static const std::string kAnswer = [] {
    std::string body = R"j({"detail":"too many connections (server.max_connections)"})j";
    return "HTTP/1.1 503 Service Unavailable\r\nContent-Type: application/json\r\n"
           "Retry-After: 1\r\nConnection: close\r\nContent-Length: " +
           std::to_string(body.size()) + "\r\n\r\n" + body;
  }();
  c->SetTimeout(options.write_timeout_ms);
  beast::error_code ec;
  co_await asio::async_write(c->socket, asio::buffer(kAnswer),
                             asio::redirect_error(use_awaitable, ec));
  co_await Linger(c);
  --lingering;
}

awaitable<void> HttpEdge::Impl::Session(std::shared_ptr<Conn> c) {
  bool linger = false;
  try {
    c->SetTimeout(options.header_timeout_ms);
    for (int served = 0;; ++served) {
      beast::error_code ec;
      if (served > 0 && c->buffer.size() == 0) {
        // Keep-alive: wait for the next request without holding a buffer.
        if (stopping) break;
        c->idle = true;
        c->buffer.shrink_to_fit();
        c->SetTimeout(options.keep_alive_timeout_ms);
        co_await c->socket.async_wait(tcp::socket::wait_read,
                                      asio::redirect_error(use_awaitable, ec));
        c->idle = false;
        if (ec || c->stop_requested) break;
        c->SetTimeout(options.header_timeout_ms);
      } else if (served > 0) {
        c->SetTimeout(options.header_timeout_ms);  // a pipelined request
      }
      Parser parser;
      ConfigureParser(parser);
      co_await http::async_read_header(c->socket, c->buffer, parser,
                                       asio::redirect_error(use_awaitable, ec));
      if (ec) {
        // A client gone or too slow is closed without an answer; a head the
        // parser refuses is answered.
        if (c->timed_out || ec == http::error::end_of_stream || ec == asio::error::eof ||
            ec == asio::error::operation_aborted || ec == asio::error::connection_reset ||
            ec == http::error::partial_message) {
          break;
        }
        ApiRequest none;
        int status = StatusForParseError(ec);
        ApiResponse res =
            ErrorAnswer(status, std::string(ReasonPhrase(status)) + ": " + ec.message());
        res.close = true;
        co_await Write(*c, none, std::move(res), false, served + 1, Clock::now());
        linger = true;
        break;
      }
      ApiRequest req = ToRequest(parser.get(), c->remote);
      handlers.in_flight().Add(1);
      bool keep = co_await Serve(*c, parser, req, served + 1);
      handlers.in_flight().Add(-1);
      if (!keep) {
        linger = !c->closed;
        break;
      }
    }
  } catch (const std::exception&) {
    // bad_alloc and the like: this connection ends, the server goes on.
  }
  {
    MutexLock lock(&conns_mu);
    conns.erase(c.get());
  }
  if (linger && c->socket.is_open()) {
    co_await Linger(c);
  } else {
    c->Close();
  }
  --live;
}

awaitable<size_t> HttpEdge::Impl::ReadPiece(Conn& c, Parser& parser, int& failure) {
  if (c.piece.size() != kPieceBytes) c.piece.resize(kPieceBytes);
  while (!parser.is_done()) {
    auto& body = parser.get().body();
    body.data = c.piece.data();
    body.size = c.piece.size();
    beast::error_code ec;
    co_await http::async_read_some(c.socket, c.buffer, parser,
                                   asio::redirect_error(use_awaitable, ec));
    if (ec == http::error::need_buffer) ec = {};
    size_t n = c.piece.size() - parser.get().body().size;
    if (ec) {
      failure = c.timed_out ? 408 : 400;
      co_return 0;
    }
    if (n > 0) co_return n;
  }
  co_return 0;
}

awaitable<int> HttpEdge::Impl::ReadBody(Conn& c, Parser& parser, size_t limit, std::string* out,
                                        bool& reusable) {
  reusable = true;
  size_t total = 0;
  int failure = 0;
  while (true) {
    size_t n = co_await ReadPiece(c, parser, failure);
    if (n == 0) break;
    total += n;
    if (limit != 0 && total > limit) {
      if (total - limit > kDrainBytes) {
        reusable = false;
        break;
      }
      continue;
    }
    if (out != nullptr) out->append(c.piece.data(), n);
  }
  c.piece = {};
  if (failure != 0) {
    reusable = false;
    co_return failure;
  }
  co_return (limit != 0 && total > limit) ? 413 : 0;
}

awaitable<bool> HttpEdge::Impl::Write(Conn& c, const ApiRequest& req, ApiResponse res,
                                      bool keep_alive, int served, Clock::time_point start) {
  keep_alive = keep_alive && !res.close && options.keep_alive && !stopping && !c.stop_requested &&
               served < options.keep_alive_max_requests;
  http::response<http::string_body> msg{static_cast<http::status>(res.status), 11};
  if (!res.content_type.empty()) msg.set(http::field::content_type, res.content_type);
  SetNoSniff(msg);
  for (auto& [name, value] : res.headers) msg.insert(name, value);
  const size_t bytes_out = res.body.size();
  msg.body() = std::move(res.body);
  msg.prepare_payload();
  msg.keep_alive(keep_alive);
  if (req.method == "HEAD") msg.body().clear();  // Content-Length stays
  c.SetTimeout(options.write_timeout_ms);
  beast::error_code ec;
  co_await http::async_write(c.socket, msg, asio::redirect_error(use_awaitable, ec));
  c.SetDeadline(Far());
  if (!req.method.empty()) {
    handlers.Log(req, res.status, bytes_out,
                 std::chrono::duration<double>(Clock::now() - start).count());
  }
  if (ec) {
    c.Close();
    co_return false;
  }
  co_return keep_alive;
}

awaitable<bool> HttpEdge::Impl::Serve(Conn& c, Parser& parser, ApiRequest& req, int served) {
  const Clock::time_point start = Clock::now();
  const bool keep_alive = parser.get().keep_alive();
  if (FramingProblem p = CheckFraming(req); p.status != 0) {
    ApiResponse res = ErrorAnswer(p.status, p.detail);
    res.close = true;
    co_return co_await Write(c, req, std::move(res), false, served, start);
  }
  Plan plan = handlers.Admit(req);
  if (plan.kind == Plan::kAnswerUnread) {
    co_return co_await Write(c, req, std::move(plan.answer), false, served, start);
  }
  if (plan.kind == Plan::kEvents) {
    co_return co_await ServeEvents(c, req, std::move(plan.events), start);
  }
  c.SetTimeout(options.request_timeout_ms);
  if (plan.kind == Plan::kAnswer) {
    bool reusable = true;
    if (!parser.is_done()) {
      co_await ReadBody(c, parser, options.max_upload_bytes, nullptr, reusable);
    }
    if (!reusable) plan.answer.close = true;
    co_return co_await Write(c, req, std::move(plan.answer), keep_alive, served, start);
  }
  if (parser.get().version() >= 11 && EqualsIgnoreCase(req.Header("Expect"), "100-continue") &&
      !parser.is_done()) {
    static constexpr std::string_view kContinue = "HTTP/1.1 100 Continue\r\n\r\n";
    beast::error_code ec;
    c.SetTimeout(options.write_timeout_ms);
    co_await asio::async_write(c.socket, asio::buffer(kContinue.data(), kContinue.size()),
                               asio::redirect_error(use_awaitable, ec));
    if (ec) co_return false;
    c.SetTimeout(options.request_timeout_ms);
  }
  if (plan.kind == Plan::kStream) co_return co_await ServeStream(c, parser, req, plan, start);

  // kBuffer: the whole body, then a worker. A declared length (within the
  // limit, Admit checked) is reserved at once: no doubling while it grows.
  const bool keeps_body = req.method != "GET" && req.method != "HEAD";  // a GET's is read away
  if (boost::optional<std::uint64_t> length = parser.content_length();
      keeps_body && length && *length > 0) {
    req.body.reserve(static_cast<size_t>(*length));
  }
  bool reusable = true;
  int failure =
      co_await ReadBody(c, parser, plan.limit, keeps_body ? &req.body : nullptr, reusable);
  if (failure != 0) {
    req.body.clear();
    ApiResponse res = handlers.BodyFailure(plan, failure);
    res.close = !reusable;
    co_return co_await Write(c, req, std::move(res), keep_alive, served, start);
  }
  c.SetDeadline(Far());
  if (handlers.RunsInline(plan, req)) {
    auto run = [&] { return handlers.Run(plan, req); };
    ApiResponse res = RunGuarded(run, InternalErrorAnswer());
    req.body.clear();
    co_return co_await Write(c, req, std::move(res), keep_alive, served, start);
  }
  if (pool_pending.fetch_add(1) >= pool_capacity) {
    --pool_pending;
    co_return co_await Write(c, req, handlers.Busy(), keep_alive, served, start);
  }
  ApiResponse res = co_await OnPool([&] { return handlers.Run(plan, req); }, InternalErrorAnswer());
  --pool_pending;
  req.body.clear();
  req.body.shrink_to_fit();
  co_return co_await Write(c, req, std::move(res), keep_alive, served, start);
}

// GET /v1/live: Server-Sent Events from a LiveFeed subscription, looked at
// every kLiveTickMs, with a comment line when nothing was sent for
// kLiveHeartbeatMs (so proxies keep it open and a gone client is noticed).
// Only the writes have a deadline (write_timeout_ms); between them the
// connection waits on its own timer, not on the client. Ends within a tick of
// Stop; the connection closes after it.
awaitable<bool> HttpEdge::Impl::ServeEvents(Conn& c, ApiRequest& req,
                                            std::shared_ptr<LiveFeed::Subscription> sub,
                                            Clock::time_point start) {
  constexpr auto kLiveTick = std::chrono::milliseconds(250);
  constexpr auto kLiveHeartbeat = std::chrono::seconds(10);
  http::response<http::empty_body> head{http::status::ok, 11};
  head.set(http::field::content_type, "text/event-stream");
  SetNoSniff(head);
  head.set(http::field::cache_control, "no-cache");
  head.chunked(true);
  head.keep_alive(false);
  http::response_serializer<http::empty_body> sr{head};
  beast::error_code ec;
  c.SetTimeout(options.write_timeout_ms);
  co_await http::async_write_header(c.socket, sr, asio::redirect_error(use_awaitable, ec));
  size_t bytes_out = 0;
  auto send = [&](std::string out) -> awaitable<bool> {
    bytes_out += out.size();
    c.SetTimeout(options.write_timeout_ms);
    beast::error_code wec;
    co_await asio::async_write(c.socket, http::make_chunk(asio::buffer(out)),
                               asio::redirect_error(use_awaitable, wec));
    c.SetDeadline(Far());
    co_return !wec;
  };
  bool ok = !ec && co_await send(": logsieve live decisions\nretry: 2000\n\n");
  asio::steady_timer tick(c.socket.get_executor());
  Clock::time_point last_write = Clock::now();
  while (ok && !stopping && !c.stop_requested && !handlers.stopping()) {
    tick.expires_after(kLiveTick);
    co_await tick.async_wait(asio::redirect_error(use_awaitable, ec));
    if (PeerClosed(c.socket)) {  // frees the subscription now, not at the next failed write
      ok = false;
      break;
    }
    std::string out = sub->Take();
    if (out.empty() && Clock::now() - last_write >= kLiveHeartbeat) out = ": keep-alive\n\n";
    if (out.empty()) continue;
    ok = co_await send(std::move(out));
    last_write = Clock::now();
  }
  co_await EndChunked(c, ok, req, bytes_out, start);
  co_return false;
}

awaitable<void> HttpEdge::Impl::EndChunked(Conn& c, bool ok, const ApiRequest& req,
                                           size_t bytes_out, Clock::time_point start) {
  if (ok) {
    beast::error_code ec;
    c.SetTimeout(options.write_timeout_ms);
    co_await asio::async_write(c.socket, http::make_chunk_last(),
                               asio::redirect_error(use_awaitable, ec));
  }
  c.SetDeadline(Far());
  handlers.Log(req, 200, bytes_out, std::chrono::duration<double>(Clock::now() - start).count());
  if (!ok) c.Close();
}

awaitable<bool> HttpEdge::Impl::ServeStream(Conn& c, Parser& parser, ApiRequest& req,
                                            const Plan& plan, Clock::time_point start) {
  std::unique_ptr<NdjsonStream> stream = handlers.NewStream(req);
  // The status goes out before the input is read: errors are in-band lines.
  http::response<http::empty_body> head{http::status::ok, 11};
  head.set(http::field::content_type, "application/x-ndjson");
  SetNoSniff(head);
  head.chunked(true);
  head.keep_alive(false);  // the body may not be read to its end
  http::response_serializer<http::empty_body> sr{head};
  beast::error_code ec;
  size_t bytes_out = 0;
  c.SetTimeout(options.write_timeout_ms);
  co_await http::async_write_header(c.socket, sr, asio::redirect_error(use_awaitable, ec));
  auto send = [&](std::string out) -> awaitable<bool> {
    if (out.empty()) co_return true;
    bytes_out += out.size();
    c.SetTimeout(options.write_timeout_ms);
    beast::error_code wec;
    co_await asio::async_write(c.socket, http::make_chunk(asio::buffer(out)),
                               asio::redirect_error(use_awaitable, wec));
    co_return !wec;
  };
  bool ok = !ec;
  size_t total = 0;
  bool over = false;
  int failure = 0;
  while (ok) {
    c.SetTimeout(options.read_timeout_ms);
    size_t n = co_await ReadPiece(c, parser, failure);
    if (n == 0) break;
    total += n;
    if (plan.limit != 0 && total > plan.limit) {
      over = true;  // read the rest away (bounded), so the client gets its answer
      if (total - plan.limit > kDrainBytes) break;
      continue;
    }
    c.SetDeadline(Far());
    std::string_view piece(c.piece.data(), n);
    ok = co_await send(co_await OnPool([&] { return stream->Feed(piece); }, std::string()));
  }
  c.piece = {};
  if (ok) {
    std::string last;
    if (over) {
      std::string detail =
          "stream over " + std::to_string(plan.limit) + " bytes (server.max_stream_bytes)";
      last = co_await OnPool([&] { return stream->Fail(detail); }, std::string());
    } else if (failure != 0) {  // NOLINT(bugprone-branch-clone): the lambdas differ
      last = co_await OnPool(
          [&] {
            return stream->Fail(
                "could not read the request body (malformed framing or "
                "connection lost)");
          },
          std::string());
    } else {
      last = co_await OnPool([&] { return stream->Finish(); }, std::string());
    }
    ok = co_await send(std::move(last));
  }
  co_await EndChunked(c, ok, req, bytes_out, start);
  co_return false;
}

// ---------------------------------------------------------------------------

HttpEdge::HttpEdge(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpEdge::~HttpEdge() {
  Stop();
  impl_->pool.join();
}

StatusOr<std::unique_ptr<HttpEdge>> HttpEdge::Create(Handlers& handlers) {
  return std::unique_ptr<HttpEdge>(
      new HttpEdge(std::make_unique<Impl>(handlers, handlers.options())));
}

Status HttpEdge::Bind() {
  const ServerOptions& o = impl_->options;
  beast::error_code ec;
  tcp::resolver resolver(impl_->ioc);
  auto results = resolver.resolve(o.host, std::to_string(o.port), tcp::resolver::passive, ec);
  std::string where = o.host + ":" + std::to_string(o.port);
  if (ec || results.empty())
    return UnavailableError("cannot listen on " + where + ": " + ec.message());
  tcp::endpoint endpoint = results.begin()->endpoint();
  tcp::acceptor& a = impl_->acceptor;
  a.open(endpoint.protocol(), ec);
  if (!ec) a.set_option(asio::socket_base::reuse_address(true), ec);
  if (!ec) a.bind(endpoint, ec);
  if (!ec) a.listen(asio::socket_base::max_listen_connections, ec);
  if (ec) {
    beast::error_code ignored;
    a.close(ignored);
    return UnavailableError(
        "cannot listen on " + where +
        " (address in use, or not an address of this machine): " + ec.message());
  }
  impl_->port = a.local_endpoint().port();
  return OkStatus();
}

int HttpEdge::port() const { return impl_->port; }

Status HttpEdge::Serve() {
  Impl& m = *impl_;
  if (m.stopping || !m.acceptor.is_open()) {
    m.serve_done = true;
    return OkStatus();
  }
  asio::co_spawn(m.acceptor.get_executor(), m.Accept(), asio::detached);
  std::vector<std::thread> threads;
  for (int i = 1; i < m.options.IoThreads(); ++i) threads.emplace_back([&m] { m.ioc.run(); });
  m.ioc.run();
  for (std::thread& t : threads) t.join();
  m.serve_done = true;
  return OkStatus();
}

void HttpEdge::Stop() {
  Impl& m = *impl_;
  if (m.stopping.exchange(true)) return;
  asio::post(m.acceptor.get_executor(), [&m] {
    beast::error_code ignored;
    m.acceptor.close(ignored);
  });
  MutexLock lock(&m.conns_mu);
  for (auto& [ptr, weak] : m.conns) {
    std::shared_ptr<Conn> c = weak.lock();
    if (!c) continue;
    asio::post(c->socket.get_executor(), [c] {
      c->stop_requested = true;
      if (c->idle) {
        beast::error_code ignored;
        c->socket.cancel(ignored);
      }
    });
  }
}

// ---------------------------------------------------------------------------

std::vector<ParsedRequest> ParseRequests(std::string_view bytes, size_t max_requests) {
  std::vector<ParsedRequest> out;
  std::array<char, 4096> piece;
  while (!bytes.empty() && out.size() < max_requests) {
    Parser parser;
    ConfigureParser(parser);
    parser.eager(false);
    beast::error_code ec;
    size_t used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
    if (ec == http::error::need_more) break;  // an incomplete head
    ParsedRequest r;
    if (ec) {
      r.status = StatusForParseError(ec);
      r.detail = ec.message();
      out.push_back(std::move(r));
      break;
    }
    bytes.remove_prefix(used);
    ApiRequest req = ToRequest(parser.get(), "");
    r.method = req.method;
    r.path = req.path;
    if (FramingProblem p = CheckFraming(req); p.status != 0) {
      r.status = p.status;
      r.detail = p.detail;
      out.push_back(std::move(r));
      break;
    }
    parser.eager(true);
    bool complete = true;
    while (!parser.is_done()) {
      parser.get().body().data = piece.data();
      parser.get().body().size = piece.size();
      used = parser.put(asio::buffer(bytes.data(), bytes.size()), ec);
      if (ec == http::error::need_buffer) ec = {};
      bytes.remove_prefix(used);
      r.body_bytes += piece.size() - parser.get().body().size;
      if (ec == http::error::need_more) {
        complete = false;
        break;
      }
      if (ec) {
        r.status = 400;
        r.detail = ec.message();
        break;
      }
      if (used == 0 && parser.get().body().size == piece.size()) {
        complete = false;  // no progress: the body needs more bytes
        break;
      }
    }
    out.push_back(r);
    if (!complete || r.status != 0) break;
  }
  return out;
}

}  // namespace logsieve
