#include "sandbox/disruption_budget.h"

#include <map>

#include <nlohmann/json.hpp>

#include "sandbox/object_filter.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

const json& MetadataLabels(const json& object) {
  static const json kEmpty = json::object();
  if (!object.contains("metadata") || !object["metadata"].contains("labels")) return kEmpty;
  return object["metadata"]["labels"];
}

// Expected pods for a PDB: the sum of the scales of the controllers that own the matching
// pods (so a PDB over a Deployment of 3 expects 3 even while one pod is missing), plus one for
// each pod without a controller.
int64_t ExpectedPods(const ObjectStore& store, const std::vector<const json*>& pods) {
  std::map<std::string, int64_t> controller_scale;
  int64_t loose = 0;
  for (const json* pod : pods) {
    const json* owner = nullptr;
    if ((*pod)["metadata"].contains("ownerReferences")) {
      for (const json& ref : (*pod)["metadata"]["ownerReferences"]) {
        if (ref.value("controller", false)) owner = &ref;
      }
    }
    if (owner == nullptr) {
      ++loose;
      continue;
    }
    std::string kind = owner->value("kind", "");
    std::string key = kind + "/" + owner->value("name", "");
    if (controller_scale.contains(key)) continue;
    std::string resource = kind == "ReplicaSet"    ? "replicasets.apps"
                           : kind == "StatefulSet" ? "statefulsets.apps"
                           : kind == "Job"         ? "jobs.batch"
                                                   : "";
    int64_t scale = 1;
    if (!resource.empty()) {
      auto controller =
          store.Get(resource, (*pod)["metadata"].value("namespace", ""), owner->value("name", ""));
      if (controller) {
        scale = (*controller)["spec"].value(kind == "Job" ? "parallelism" : "replicas", 1);
      }
    }
    controller_scale[key] = scale;
  }
  int64_t total = loose;
  for (const auto& [key, scale] : controller_scale) total += scale;
  return total;
}

}  // namespace

Result<int64_t> ScaledIntOrPercent(const json& value, int64_t total) {
  if (value.is_number_integer()) return value.get<int64_t>();
  if (value.is_string()) {
    std::string text = value.get<std::string>();
    if (text.size() >= 2 && text.back() == '%') {
      std::string digits = text.substr(0, text.size() - 1);
      if (digits.find_first_not_of("0123456789") == std::string::npos) {
        int64_t percent = std::stoll(digits);
        return (percent * total + 99) / 100;
      }
    }
    if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) {
      return std::stoll(text);
    }
  }
  return InvalidArgument("invalid value for IntOrString: " + value.dump());
}

Result<BudgetStatus> ComputeBudget(const json& pdb, int64_t expected_pods,
                                   int64_t current_healthy) {
  BudgetStatus status{expected_pods, current_healthy, 0, 0};
  const json& spec = pdb.contains("spec") ? pdb["spec"] : json::object();
  if (spec.contains("minAvailable")) {
    CO_ASSIGN_OR_RETURN(status.desired_healthy,
                        ScaledIntOrPercent(spec["minAvailable"], expected_pods));
  } else if (spec.contains("maxUnavailable")) {
    CO_ASSIGN_OR_RETURN(int64_t max_unavailable,
                        ScaledIntOrPercent(spec["maxUnavailable"], expected_pods));
    status.desired_healthy = std::max<int64_t>(0, expected_pods - max_unavailable);
  }
  status.disruptions_allowed = std::max<int64_t>(0, current_healthy - status.desired_healthy);
  return status;
}

bool IsPodHealthy(const json& pod) {
  if (pod["metadata"].contains("deletionTimestamp")) return false;
  if (!pod.contains("status") || pod["status"].value("phase", "") != "Running") return false;
  if (!pod["status"].contains("conditions")) return false;
  for (const json& c : pod["status"]["conditions"]) {
    if (c.value("type", "") == "Ready") return c.value("status", "") == "True";
  }
  return false;
}

std::vector<std::pair<json, BudgetStatus>> BudgetsInNamespace(const ObjectStore& store,
                                                              const std::string& namespace_name) {
  std::vector<std::pair<json, BudgetStatus>> out;
  std::vector<json> pdbs = store.ParsedAll("poddisruptionbudgets.policy", namespace_name);
  if (pdbs.empty()) return out;
  std::vector<json> pods = store.ParsedAll("pods", namespace_name);
  for (json& pdb : pdbs) {
    std::vector<const json*> matching;
    int64_t healthy = 0;
    const json& selector = pdb["spec"].contains("selector") ? pdb["spec"]["selector"] : json();
    for (const json& pod : pods) {
      if (!SelectorMatches(selector, MetadataLabels(pod))) continue;
      std::string phase = pod.contains("status") ? pod["status"].value("phase", "") : "";
      if (phase == "Succeeded" || phase == "Failed") continue;
      matching.push_back(&pod);
      if (IsPodHealthy(pod)) ++healthy;
    }
    auto status = ComputeBudget(pdb, ExpectedPods(store, matching), healthy);
    if (status) out.emplace_back(std::move(pdb), *status);
  }
  return out;
}

Status CheckEviction(const ObjectStore& store, const json& pod) {
  // A pod that is not healthy (pending, failing) can always be evicted: evicting it does not
  // reduce availability, which is what Kubernetes does as well.
  if (!IsPodHealthy(pod)) return Ok();
  for (const auto& [pdb, status] :
       BudgetsInNamespace(store, pod["metadata"].value("namespace", ""))) {
    const json& selector = pdb["spec"].contains("selector") ? pdb["spec"]["selector"] : json();
    if (!SelectorMatches(selector, MetadataLabels(pod))) continue;
    if (status.disruptions_allowed <= 0) {
      return ResourceExhausted(
          "Cannot evict pod as it would violate the pod's disruption budget.|The disruption "
          "budget " +
          pdb["metadata"].value("name", "") + " needs " + std::to_string(status.desired_healthy) +
          " healthy pods and has " + std::to_string(status.current_healthy) + " currently");
    }
  }
  return Ok();
}

}  // namespace cloudoptim::sandbox
