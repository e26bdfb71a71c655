// Metrics: counters, gauges and histograms, rendered in Prometheus text format.
//
// Look a metric up once (it is created on first use), keep the reference, and
// update it on the hot path with one atomic operation:
//
//   Counter& hits = MetricsRegistry::Global().GetCounter(
//       "logsieve_cache_hits_total", "Decisions served from the template cache");
//   hits.Inc();
//
// A metric is identified by its name plus its label set; the same name must
// always be used with the same kind and help text.
//
// Thread safety: everything here is safe to use from any thread. References
// returned by Get* stay valid for the registry's lifetime.
#ifndef LOGSIEVE_COMMON_METRICS_H_
#define LOGSIEVE_COMMON_METRICS_H_

#include <atomic>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/thread_annotations.h"

namespace logsieve {

// {{"method", "ML"}, {"label", "Error"}}; order as given.
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

class Counter {
 public:
  void Inc(double by = 1.0);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Gauge {
 public:
  void Set(double v) { value_.store(v, std::memory_order_relaxed); }
  void Add(double by);
  double value() const { return value_.load(std::memory_order_relaxed); }

 private:
  std::atomic<double> value_{0.0};
};

class Histogram {
 public:
  // `bounds`: increasing upper bounds of the buckets (+Inf is implied).
  explicit Histogram(std::vector<double> bounds);
  void Observe(double v);
  const std::vector<double>& bounds() const { return bounds_; }
  // Cumulative counts per bound, then the +Inf count (== count()).
  std::vector<uint64_t> CumulativeCounts() const;
  uint64_t count() const { return count_.load(std::memory_order_relaxed); }
  double sum() const { return sum_.load(std::memory_order_relaxed); }

 private:
  std::vector<double> bounds_;
  std::unique_ptr<std::atomic<uint64_t>[]> buckets_;  // bounds_.size() + 1
  std::atomic<uint64_t> count_{0};
  std::atomic<double> sum_{0.0};
};

// Latency buckets in seconds, 100 µs to 30 s.
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  MetricsRegistry() = default;
  MetricsRegistry(const MetricsRegistry&) = delete;
  MetricsRegistry& operator=(const MetricsRegistry&) = delete;

  // The process-wide registry that stages and the server report to.
  static MetricsRegistry& Global();

  Counter& GetCounter(std::string_view name, std::string_view help, const MetricLabels& labels = {})
      EXCLUDES(mu_);
  Gauge& GetGauge(std::string_view name, std::string_view help, const MetricLabels& labels = {})
      EXCLUDES(mu_);
  Histogram& GetHistogram(std::string_view name, std::string_view help, std::vector<double> bounds,
                          const MetricLabels& labels = {}) EXCLUDES(mu_);

  // Prometheus text exposition format 0.0.4.
  std::string RenderPrometheus() const EXCLUDES(mu_);

 private:
  enum class Kind { kCounter, kGauge, kHistogram };
  struct Family {
    Kind kind;
    std::string help;
    std::map<MetricLabels, std::unique_ptr<Counter>> counters;
    std::map<MetricLabels, std::unique_ptr<Gauge>> gauges;
    std::map<MetricLabels, std::unique_ptr<Histogram>> histograms;
  };
  Family& FamilyFor(std::string_view name, std::string_view help, Kind kind) REQUIRES(mu_);

  mutable Mutex mu_;
  std::map<std::string, Family, std::less<>> families_ GUARDED_BY(mu_);
};

}  // namespace logsieve

#endif  // LOGSIEVE_COMMON_METRICS_H_
