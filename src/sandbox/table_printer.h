// Server-side printing: the meta.k8s.io/v1 Table that kubectl asks for
// (Accept: application/json;as=Table;v=v1;g=meta.k8s.io) so `kubectl get` shows its usual
// columns. Nodes, pods, deployments, replicasets, namespaces and PDBs get Kubernetes' own
// columns (wide ones at priority 1); every other resource gets NAME and AGE.
//
//   nlohmann::json table = RenderTable("pods", pod_objects, clock.Now());
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/clock.h"

namespace cloudoptim::sandbox {

// `resource` is the plural ("pods"); `objects` are full objects. The Table's metadata gets
// resourceVersion and continue from the caller.
nlohmann::json RenderTable(std::string_view resource, const std::vector<nlohmann::json>& objects,
                           TimePoint now);

// Kubernetes' HumanDuration: "45s", "5m10s", "3h", "12d", "2y30d".
std::string HumanDuration(Duration d);

}  // namespace cloudoptim::sandbox
