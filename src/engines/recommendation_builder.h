// Small helpers every bin-pack recommendation uses: a deterministic id (engine, target and a
// hash of the actions, so re-runs dedupe) and the node actions.
//
//   Recommendation r = MakeRecommendation("node/ip-10-0-1-2", actions, savings, 0.9, "...");
#pragma once

#include <string>
#include <vector>

#include "engines/bin_packer.h"
#include "engines/recommendation.h"

namespace cloudoptim {

Recommendation MakeBinPackRecommendation(std::string target, std::vector<Action> actions,
                                         Money monthly_savings, double confidence,
                                         std::string explanation);
// Drain then terminate: the two actions that remove a node.
std::vector<Action> RemoveNodeActions(const std::string& node_name);
std::string NodeTarget(const std::string& node_name);  // "node/<name>"
// The launch-nodes action for a planned node (flexible type list for spot).
Action LaunchAction(const NewNode& node, int32_t count = 1);
// Comma-joined list ("a,b,c").
std::string JoinNames(const std::vector<std::string>& names);

}  // namespace cloudoptim
