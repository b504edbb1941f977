#include "engines/binpack.h"

#include "engines/binpack_provisioning.h"
#include "engines/consolidation.h"
#include "engines/launch_catalog.h"

namespace cloudoptim {

Recommendations RunBinPack(const EngineInput& input) {
  LaunchCatalog launch = LaunchCatalog::Build(input);
  Recommendations out;
  ProvisioningPlan provisioning = PlanProvisioning(input, launch);
  out.items = std::move(provisioning.recommendations);
  for (Recommendation& r : RunConsolidation(input, launch)) out.items.push_back(std::move(r));
  return out;
}

}  // namespace cloudoptim
