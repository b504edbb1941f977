#include "server/metrics.h"

#include <algorithm>
#include <cmath>
#include <cstdio>

namespace cloudoptim::server {
namespace {

MetricLabels Sorted(MetricLabels labels) {
  std::sort(labels.begin(), labels.end());
  return labels;
}

// Label values escape backslash, double quote and newline (exposition format 0.0.4).
std::string EscapeLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\' || c == '"') {
      out.push_back('\\');
      out.push_back(c);
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

std::string FormatNumber(double value) {
  if (std::isinf(value)) return value > 0 ? "+Inf" : "-Inf";
  if (std::isnan(value)) return "NaN";
  char buffer[64];
  std::snprintf(buffer, sizeof(buffer), "%.17g", value);
  return buffer;
}

// `{a="1",b="2"}` with an optional extra label (le for buckets); empty when no labels.
std::string LabelText(const MetricLabels& labels, std::string_view extra_name = {},
                      std::string_view extra_value = {}) {
  if (labels.empty() && extra_name.empty()) return "";
  std::string out = "{";
  bool first = true;
  auto add = [&](std::string_view name, std::string_view value) {
    if (!first) out.push_back(',');
    first = false;
    out.append(name);
    out.append("=\"");
    out.append(EscapeLabelValue(value));
    out.push_back('"');
  };
  for (const auto& [name, value] : labels) add(name, value);
  if (!extra_name.empty()) add(extra_name, extra_value);
  out.push_back('}');
  return out;
}

std::string_view TypeName(MetricType type) {
  switch (type) {
    case MetricType::kCounter:
      return "counter";
    case MetricType::kGauge:
      return "gauge";
    case MetricType::kHistogram:
      return "histogram";
  }
  return "untyped";
}

}  // namespace

std::vector<double> DefaultLatencyBuckets() {
  return {0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
}

MetricsRegistry::Family& MetricsRegistry::FamilyFor(std::string_view name, MetricType type) {
  auto it = families_.find(name);
  if (it == families_.end()) {
    Family family;
    family.type = type;
    if (type == MetricType::kHistogram) family.buckets = DefaultLatencyBuckets();
    it = families_.emplace(std::string(name), std::move(family)).first;
  }
  return it->second;
}

void MetricsRegistry::Describe(std::string_view name, MetricType type, std::string_view help,
                               std::vector<double> buckets) {
  std::lock_guard lock(mutex_);
  if (families_.contains(name)) return;
  Family& family = FamilyFor(name, type);
  family.help = std::string(help);
  if (type == MetricType::kHistogram && !buckets.empty()) {
    std::sort(buckets.begin(), buckets.end());
    family.buckets = std::move(buckets);
  }
}

void MetricsRegistry::Increment(std::string_view name, const MetricLabels& labels, double by) {
  std::lock_guard lock(mutex_);
  FamilyFor(name, MetricType::kCounter).series[Sorted(labels)].value += by;
}

void MetricsRegistry::SetGauge(std::string_view name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mutex_);
  FamilyFor(name, MetricType::kGauge).series[Sorted(labels)].value = value;
}

void MetricsRegistry::Observe(std::string_view name, const MetricLabels& labels, double value) {
  std::lock_guard lock(mutex_);
  Family& family = FamilyFor(name, MetricType::kHistogram);
  Series& series = family.series[Sorted(labels)];
  if (series.bucket_hits.size() != family.buckets.size()) {
    series.bucket_hits.assign(family.buckets.size(), 0);
  }
  auto bound = std::lower_bound(family.buckets.begin(), family.buckets.end(), value);
  if (bound != family.buckets.end()) ++series.bucket_hits[bound - family.buckets.begin()];
  series.value += value;
  ++series.count;
}

double MetricsRegistry::Value(std::string_view name, const MetricLabels& labels) const {
  std::lock_guard lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) return 0;
  auto series = family->second.series.find(Sorted(labels));
  return series == family->second.series.end() ? 0 : series->second.value;
}

uint64_t MetricsRegistry::ObservationCount(std::string_view name,
                                           const MetricLabels& labels) const {
  std::lock_guard lock(mutex_);
  auto family = families_.find(name);
  if (family == families_.end()) return 0;
  auto series = family->second.series.find(Sorted(labels));
  return series == family->second.series.end() ? 0 : series->second.count;
}

std::string MetricsRegistry::RenderText() const {
  std::lock_guard lock(mutex_);
  std::string out;
  for (const auto& [name, family] : families_) {
    if (!family.help.empty()) out += "# HELP " + name + " " + family.help + "\n";
    out += "# TYPE " + name + " " + std::string(TypeName(family.type)) + "\n";
    for (const auto& [labels, series] : family.series) {
      if (family.type != MetricType::kHistogram) {
        out += name + LabelText(labels) + " " + FormatNumber(series.value) + "\n";
        continue;
      }
      uint64_t cumulative = 0;
      for (size_t i = 0; i < family.buckets.size(); ++i) {
        if (i < series.bucket_hits.size()) cumulative += series.bucket_hits[i];
        out += name + "_bucket" + LabelText(labels, "le", FormatNumber(family.buckets[i])) + " " +
               std::to_string(cumulative) + "\n";
      }
      out += name + "_bucket" + LabelText(labels, "le", "+Inf") + " " +
             std::to_string(series.count) + "\n";
      out += name + "_sum" + LabelText(labels) + " " + FormatNumber(series.value) + "\n";
      out += name + "_count" + LabelText(labels) + " " + std::to_string(series.count) + "\n";
    }
  }
  return out;
}

}  // namespace cloudoptim::server
