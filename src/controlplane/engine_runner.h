// Where an engine cycle runs: in this process (the default) or on a remote `cloudoptim
// ml-server` (one setting, ml_server_url). The engine loop only sees this interface.
//
//   InProcessEngineRunner runner(catalog);
//   RemoteEngineRunner runner(http, "http://ml:8001");
//   CO_ASSIGN_OR_RETURN(EngineCycleResult result, runner.Run(request));
#pragma once

#include <map>
#include <string>
#include <utility>

#include "catalog/catalog.h"
#include "engines/engine_cycle.h"
#include "risk/pool_score.h"

namespace cloudoptim::controlplane {

struct EngineRunRequest {
  const Snapshot& snapshot;
  const Policy& policy;
  const PoolScoreTable& pool_scores;
  const std::map<std::pair<std::string, std::string>, Money>& spot_prices;
};

class EngineRunner {
 public:
  virtual ~EngineRunner() = default;
  // Every engine over the request, in RunEngineCycle's order. In process this cannot fail;
  // remote: Unavailable / DeadlineExceeded when the ML server cannot be reached, the ML
  // server's mapped error otherwise.
  virtual Result<EngineCycleResult> Run(const EngineRunRequest& request) = 0;
  // "in-process" or "remote".
  virtual std::string mode() const = 0;
};

class InProcessEngineRunner final : public EngineRunner {
 public:
  explicit InProcessEngineRunner(const Catalog& catalog) : catalog_(catalog) {}
  Result<EngineCycleResult> Run(const EngineRunRequest& request) override;
  std::string mode() const override { return "in-process"; }

 private:
  const Catalog& catalog_;
};

// Per-engine summaries of recommendations produced elsewhere (the remote runner gets only
// the recommendations back), as RunEngineCycle makes them.
EngineCycleResult SummarizeCycle(Recommendations recommendations);

}  // namespace cloudoptim::controlplane
