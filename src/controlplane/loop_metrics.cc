#include "controlplane/loop_metrics.h"

namespace cloudoptim::controlplane {
namespace {

constexpr const char* kDuration = "cloudoptim_engine_cycle_duration_seconds";
constexpr const char* kCycles = "cloudoptim_engine_cycles_total";
constexpr const char* kRecommendations = "cloudoptim_recommendations";
constexpr const char* kSavings = "cloudoptim_projected_monthly_savings_usd";

double Seconds(Duration d) { return std::chrono::duration<double>(d).count(); }

}  // namespace

LoopMetrics::LoopMetrics(server::MetricsRegistry& registry) : registry_(registry) {
  registry_.Describe(kDuration, server::MetricType::kHistogram,
                     "Time of one engine cycle of a cluster (snapshot, engines, store)",
                     {0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120});
  registry_.Describe(kCycles, server::MetricType::kCounter,
                     "Engine cycles run, by cluster and result (ok, error)");
  registry_.Describe(kRecommendations, server::MetricType::kGauge,
                     "Recommendations of the last cycle, by cluster and engine");
  registry_.Describe(kSavings, server::MetricType::kGauge,
                     "Monthly savings the last cycle's recommendations project, by cluster "
                     "and engine (engines overlap: do not sum across engines)");
}

void LoopMetrics::OnCycle(const store::Cluster& cluster, const EngineCycleResult& result,
                          Duration elapsed) {
  registry_.Observe(kDuration, {{"cluster", cluster.id}}, Seconds(elapsed));
  registry_.Increment(kCycles, {{"cluster", cluster.id}, {"result", "ok"}});
  for (const EngineSummary& summary : result.summaries) {
    server::MetricLabels labels = {{"cluster", cluster.id},
                                   {"engine", std::string(EngineNameString(summary.engine))}};
    registry_.SetGauge(kRecommendations, labels, static_cast<double>(summary.recommendation_count));
    registry_.SetGauge(kSavings, labels, summary.monthly_savings.usd());
  }
}

void LoopMetrics::OnCycleFailed(const store::Cluster& cluster, const Error& error,
                                Duration elapsed) {
  (void)error;  // the reason is in the log and the cluster's status, not in a label
  registry_.Observe(kDuration, {{"cluster", cluster.id}}, Seconds(elapsed));
  registry_.Increment(kCycles, {{"cluster", cluster.id}, {"result", "error"}});
}

}  // namespace cloudoptim::controlplane
