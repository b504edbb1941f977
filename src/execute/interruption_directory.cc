#include "execute/interruption_directory.h"

namespace cloudoptim {

std::string_view RebalancePolicyName(RebalancePolicy policy) {
  switch (policy) {
    case RebalancePolicy::kIgnore:
      return "ignore";
    case RebalancePolicy::kCordon:
      return "cordon";
    case RebalancePolicy::kLaunchBeforeDrain:
      return "launch-before-drain";
  }
  return "unknown";
}

Result<RebalancePolicy> ParseRebalancePolicy(std::string_view text) {
  for (RebalancePolicy policy :
       {RebalancePolicy::kIgnore, RebalancePolicy::kCordon, RebalancePolicy::kLaunchBeforeDrain}) {
    if (text == RebalancePolicyName(policy)) return policy;
  }
  return InvalidArgument("rebalance policy \"" + std::string(text) +
                         "\" is not one of ignore, cordon, launch-before-drain");
}

}  // namespace cloudoptim
