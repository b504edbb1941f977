// A small thread-safe Prometheus registry: counters, gauges and histograms with labels,
// rendered in the text exposition format (version 0.0.4). The API servers record request
// counts and latencies into it; the control plane adds its own (loop durations,
// recommendations, savings, actions) to the same registry so one /metrics shows everything.
//
//   MetricsRegistry& m = api.metrics();
//   m.Describe("cloudoptim_loop_duration_seconds", MetricType::kHistogram, "Engine cycle time");
//   m.Observe("cloudoptim_loop_duration_seconds", {{"cluster", id}}, 0.84);
//   m.SetGauge("cloudoptim_recommendations", {{"cluster", id}, {"engine", "bin-pack"}}, 12);
//   m.Increment("cloudoptim_actions_total", {{"kind", "drain"}, {"result", "done"}});
#pragma once

#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cloudoptim::server {

enum class MetricType { kCounter, kGauge, kHistogram };

// Label name/value pairs; order does not matter (they are sorted by name on record).
using MetricLabels = std::vector<std::pair<std::string, std::string>>;

// Latency buckets in seconds, from 0.5 ms to 10 s.
std::vector<double> DefaultLatencyBuckets();

class MetricsRegistry {
 public:
  // Declares a metric's type, help text and (histograms) bucket bounds. Optional: a metric
  // recorded without it is a counter/gauge/histogram per the call used, with empty help and
  // the default latency buckets. Describing an existing metric again changes nothing.
  void Describe(std::string_view name, MetricType type, std::string_view help,
                std::vector<double> buckets = {});

  void Increment(std::string_view name, const MetricLabels& labels = {}, double by = 1);
  void SetGauge(std::string_view name, const MetricLabels& labels, double value);
  void Observe(std::string_view name, const MetricLabels& labels, double value);

  // The value of a counter or gauge series (0 when never recorded): for tests.
  double Value(std::string_view name, const MetricLabels& labels = {}) const;
  // How many observations a histogram series has (0 when never recorded): for tests.
  uint64_t ObservationCount(std::string_view name, const MetricLabels& labels = {}) const;

  // Every metric, sorted by name then labels, in the Prometheus text format.
  std::string RenderText() const;

 private:
  struct Series {
    double value = 0;                   // counter or gauge; histogram sum
    uint64_t count = 0;                 // histogram observations
    std::vector<uint64_t> bucket_hits;  // histogram, per bound (not cumulative)
  };
  struct Family {
    MetricType type = MetricType::kCounter;
    std::string help;
    std::vector<double> buckets;
    std::map<MetricLabels, Series> series;
  };
  Family& FamilyFor(std::string_view name, MetricType type);

  mutable std::mutex mutex_;
  std::map<std::string, Family, std::less<>> families_;
};

}  // namespace cloudoptim::server
