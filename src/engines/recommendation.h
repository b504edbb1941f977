// What every decision engine returns: a target, typed actions, estimated monthly savings,
// a confidence and a one-sentence explanation. Serialises to and from JSON unchanged, so
// the ML server's API exposes exactly what the engines produce.
#pragma once

#include <map>
#include <string>
#include <vector>

#include "common/error.h"
#include "common/money.h"
#include "model/node.h"

namespace cloudoptim {

enum class EngineName {
  kSpotOptimize,
  kBinPack,
  kRightsize,
  kSchedule,
  kGhostProbe,
  kVolumeCleanup,
  kNetworkOptimize,
  kOomKilledRemediate,
};
std::string_view EngineNameString(EngineName engine);  // "spot-optimize", "bin-pack", ...

enum class ActionType {
  kLaunchNodes,  // instance types (flexible list), zone(s), capacity type, count
  kCordonNode,
  kDrainNode,       // cordon + evict respecting PDBs
  kTerminateNode,   // after drain
  kReplaceNode,     // launch replacement, drain, terminate
  kPatchResources,  // container requests/limits
  kScaleWorkload,
  kTerminateInstance,  // EC2 instance that is not a node
  kSnapshotVolume,
  kDeleteVolume,
  kChangeNodeGroupMix,  // target composition of a node group (spot-optimize)
  kAnnotate,
};
std::string_view ActionTypeString(ActionType type);  // "launch-nodes", "drain-node", ...

// A typed action. `target` names the object ("node/ip-10-0-1-2", "deployment/shop/cart",
// "instance/i-0abc", "volume/vol-0abc"); `parameters` carries the typed details as strings
// (instance types are comma-separated) so the JSON form stays flat and stable.
struct Action {
  ActionType type = ActionType::kCordonNode;
  std::string target;
  std::map<std::string, std::string> parameters;
};

struct Recommendation {
  std::string id;  // deterministic: engine + target + content hash, so re-runs dedupe
  EngineName engine = EngineName::kBinPack;
  std::string target;
  std::vector<Action> actions;
  Money monthly_savings;    // positive = cheaper
  double confidence = 0;    // [0, 1]
  std::string explanation;  // one sentence a person can act on
};

// A deterministic id: "<engine>/<target>/<16 hex digits of FNV-1a over content>", so that
// re-running an engine on the same snapshot yields the same ids and stores can dedupe.
std::string MakeRecommendationId(EngineName engine, std::string_view target,
                                 std::string_view content);

struct Recommendations {
  std::vector<Recommendation> items;
  Money TotalMonthlySavings() const;
};

// JSON (nlohmann) form: {"id","engine","target","actions":[{"type","target","parameters"}],
// "monthly_savings_usd": "12.34", "confidence", "explanation"}. Money travels as a decimal
// string so it is never rounded through a double.
std::string RecommendationsToJson(const Recommendations& recommendations);
Result<Recommendations> RecommendationsFromJson(std::string_view json);
// One recommendation's actions alone, as the store keeps them (StoredRecommendation's
// actions_json): [{"type","target","parameters"}, ...].
std::string ActionsToJson(const std::vector<Action>& actions);
Result<std::vector<Action>> ActionsFromJson(std::string_view json);

}  // namespace cloudoptim
