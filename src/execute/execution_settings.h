// The executor's gate configuration from a cluster's stored settings: its mode
// (recommend-only unless a person chose otherwise), its kill switch and the service's global
// kill switch. Shared by `cloudoptim execute`, the control plane's execution pass and the
// spot-interruption responder.
//
//   CO_ASSIGN_OR_RETURN(GateConfig config, LoadGateConfig(store, tenant, cluster_id, "prod"));
//   ExecutionGate gate(std::move(config));
#pragma once

#include <string>

#include "safety/execution_gate.h"
#include "store/store.h"

namespace cloudoptim {

// `mode_override` replaces the stored mode when not empty ("recommend-only", "approve",
// "autopilot"); InvalidArgument naming it otherwise. The store's error when the settings
// or the global kill switch cannot be read (the caller must not act without knowing).
Result<GateConfig> LoadGateConfig(store::Store& store, const std::string& tenant_id,
                                  const std::string& cluster_id, const std::string& cluster_name,
                                  const std::string& mode_override = "");

// The cluster's and the service's kill switches as stored now. The executor re-reads them at
// every gate check (before every step), so a switch engaged while a plan runs stops it at its
// next step, not only at the next pass.
Result<KillSwitches> LoadKillSwitches(store::Store& store, const std::string& tenant_id,
                                      const std::string& cluster_id,
                                      const std::string& cluster_name);

}  // namespace cloudoptim
