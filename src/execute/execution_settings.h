// The executor's gate configuration from a cluster's stored settings: its mode
// (recommend-only unless a person chose otherwise), its kill switch and the service's global
// kill switch. Shared by `cloudoptim execute`, the control plane's execution pass and the
// spot-interruption responder.
//
//   CO_ASSIGN_OR_RETURN(GateConfig config, LoadGateConfig(store, tenant, cluster_id, "prod"));
//   ExecutionGate gate(std::move(config));
#pragma once

#include <chrono>
#include <string>

#include "common/clock.h"
#include "safety/execution_gate.h"
#include "store/store.h"

namespace cloudoptim {

// `mode_override` replaces the stored mode when not empty ("recommend-only", "approve",
// "autopilot"); InvalidArgument naming it otherwise. The store's error when the settings
// or the global kill switch cannot be read (the caller must not act without knowing).
Result<GateConfig> LoadGateConfig(store::Store& store, const std::string& tenant_id,
                                  const std::string& cluster_id, const std::string& cluster_name,
                                  const std::string& mode_override = "");

// How LoadGateConfigRetrying waits out a store that is briefly unavailable (a PostgreSQL
// failover, a SQLite writer holding the lock past the busy timeout): `attempts` reads in all,
// the waits between them doubling from `first_wait` (0.5 + 1 + 2 s by default).
struct GateConfigRetry {
  int attempts = 4;
  Duration first_wait = std::chrono::milliseconds(500);
};

// LoadGateConfig, read again after a transient store error (IsRetryable: unavailable, busy,
// timed out). A transient error that persists through every attempt is returned with its
// code, the message saying how many reads failed; any other error (a bad mode override, a
// cluster that is gone) at once, unretried.
Result<GateConfig> LoadGateConfigRetrying(store::Store& store, const std::string& tenant_id,
                                          const std::string& cluster_id,
                                          const std::string& cluster_name,
                                          const std::string& mode_override, Clock& clock,
                                          GateConfigRetry retry = {});

// The cluster's and the service's kill switches as stored now. The executor re-reads them at
// every gate check (before every step), so a switch engaged while a plan runs stops it at its
// next step, not only at the next pass.
Result<KillSwitches> LoadKillSwitches(store::Store& store, const std::string& tenant_id,
                                      const std::string& cluster_id,
                                      const std::string& cluster_name);

}  // namespace cloudoptim
