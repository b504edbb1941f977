#include "execute/execution_settings.h"

namespace cloudoptim {

Result<GateConfig> LoadGateConfig(store::Store& store, const std::string& tenant_id,
                                  const std::string& cluster_id, const std::string& cluster_name,
                                  const std::string& mode_override) {
  CO_ASSIGN_OR_RETURN(store::ClusterSettings settings,
                      store.clusters().GetSettings(tenant_id, cluster_id));
  std::string mode =
      mode_override.empty() ? std::string(store::ClusterModeName(settings.mode)) : mode_override;
  std::optional<ExecutionMode> parsed = ParseExecutionMode(mode);
  if (!parsed) {
    return InvalidArgument("mode " + mode + " is not recommend-only|approve|autopilot");
  }
  GateConfig config;
  config.cluster_modes[cluster_name] = *parsed;
  CO_ASSIGN_OR_RETURN(config.kill_switches,
                      LoadKillSwitches(store, tenant_id, cluster_id, cluster_name));
  return config;
}

Result<GateConfig> LoadGateConfigRetrying(store::Store& store, const std::string& tenant_id,
                                          const std::string& cluster_id,
                                          const std::string& cluster_name,
                                          const std::string& mode_override, Clock& clock,
                                          GateConfigRetry retry) {
  Duration wait = retry.first_wait;
  for (int attempt = 1;; ++attempt) {
    Result<GateConfig> config =
        LoadGateConfig(store, tenant_id, cluster_id, cluster_name, mode_override);
    if (config || !IsRetryable(config.error())) return config;
    if (attempt >= retry.attempts) {
      return std::unexpected(Annotate(
          config.error(), "reading the cluster's gate settings failed " + std::to_string(attempt) +
                              " times; the store is unavailable"));
    }
    clock.SleepFor(wait);
    wait *= 2;
  }
}

Result<KillSwitches> LoadKillSwitches(store::Store& store, const std::string& tenant_id,
                                      const std::string& cluster_id,
                                      const std::string& cluster_name) {
  CO_ASSIGN_OR_RETURN(store::ClusterSettings settings,
                      store.clusters().GetSettings(tenant_id, cluster_id));
  KillSwitches switches;
  if (settings.kill_switch) switches.Engage(cluster_name, "cluster kill switch");
  // The service-wide switch is read on every load, like the cluster's, so engaging it stops
  // every cluster at its next gate check without restarting anything.
  CO_ASSIGN_OR_RETURN(store::GlobalKillSwitch global,
                      store.service_settings().GetGlobalKillSwitch());
  if (global.engaged) switches.EngageGlobal(global.reason);
  return switches;
}

}  // namespace cloudoptim
