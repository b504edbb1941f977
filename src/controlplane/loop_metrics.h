// The engine loop's figures in the shared Prometheus registry (server/metrics.h), next to
// the API's: cycle durations, recommendations and projected savings per cluster and engine,
// failed cycles.
//
//   LoopMetrics metrics(api.metrics());
//   EngineLoop loop(..., &metrics);
#pragma once

#include "controlplane/engine_loop.h"
#include "server/metrics.h"

namespace cloudoptim::controlplane {

class LoopMetrics final : public EngineLoopObserver {
 public:
  explicit LoopMetrics(server::MetricsRegistry& registry);
  void OnCycle(const store::Cluster& cluster, const EngineCycleResult& result,
               Duration elapsed) override;
  void OnCycleFailed(const store::Cluster& cluster, const Error& error, Duration elapsed) override;

 private:
  server::MetricsRegistry& registry_;
};

}  // namespace cloudoptim::controlplane
