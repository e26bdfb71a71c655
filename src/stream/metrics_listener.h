// MetricsListener: the worker's small HTTP/1.1 listener for probes and
// Prometheus. GET /metrics answers MetricsRegistry::Global() in text format;
// GET /readyz answers 200 while `ready()` holds, else 503; GET /healthz 200.
// Anything else is 404 (405 for other methods). One request per connection
// (Connection: close), served one at a time on the listener's own thread, a
// request head of at most 8 KiB read within 2 s: it is meant for a scraper
// and a probe on a private port, not for the public (`logsieve serve` is).
//
// Thread safety: Start and the destructor on one thread; `ready` is called
// from the listener's thread.
#ifndef LOGSIEVE_STREAM_METRICS_LISTENER_H_
#define LOGSIEVE_STREAM_METRICS_LISTENER_H_

#include <functional>
#include <memory>
#include <string>
#include <thread>

#include "common/status.h"

namespace logsieve {

class MetricsListener {
 public:
  // Binds host:port (port 0: a free one) and starts serving.
  static StatusOr<std::unique_ptr<MetricsListener>> Start(const std::string& host, int port,
                                                          std::function<bool()> ready);
  // Stops serving and joins the thread.
  ~MetricsListener();
  MetricsListener(const MetricsListener&) = delete;
  MetricsListener& operator=(const MetricsListener&) = delete;

  int port() const { return port_; }

 private:
  MetricsListener(int listen_fd, int port, int stop_read, int stop_write,
                  std::function<bool()> ready);
  void Serve();
  void Answer(int fd) const;

  int listen_fd_;
  int port_;
  int stop_read_;
  int stop_write_;
  std::function<bool()> ready_;
  std::thread thread_;
};

}  // namespace logsieve

#endif  // LOGSIEVE_STREAM_METRICS_LISTENER_H_
