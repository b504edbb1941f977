#include "sandbox/sandbox_scheduler.h"

#include <algorithm>
#include <set>

#include "sandbox/object_filter.h"
#include "sandbox/quantity_text.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

json LabelsJson(const std::map<std::string, std::string, std::less<>>& labels) {
  json out = json::object();
  for (const auto& [k, v] : labels) out[k] = v;
  return out;
}

bool MatchesNodeRequirement(const json& expr, const json& labels) {
  std::string key = expr.value("key", "");
  std::string op = expr.value("operator", "");
  bool has = labels.contains(key) && labels[key].is_string();
  std::string value = has ? labels[key].get<std::string>() : "";
  std::vector<std::string> values;
  if (expr.contains("values")) {
    for (const json& v : expr["values"]) values.push_back(v.is_string() ? v.get<std::string>() : v.dump());
  }
  bool in = has && std::find(values.begin(), values.end(), value) != values.end();
  if (op == "In") return in;
  if (op == "NotIn") return !in;
  if (op == "Exists") return has;
  if (op == "DoesNotExist") return !has;
  if ((op == "Gt" || op == "Lt") && has && values.size() == 1) {
    long long a = std::strtoll(value.c_str(), nullptr, 10);
    long long b = std::strtoll(values[0].c_str(), nullptr, 10);
    return op == "Gt" ? a > b : a < b;
  }
  return false;
}

// requiredDuringSchedulingIgnoredDuringExecution: terms ORed, expressions ANDed.
bool MatchesNodeAffinity(const json& spec, const json& labels) {
  if (!spec.contains("affinity") || !spec["affinity"].contains("nodeAffinity")) return true;
  const json& na = spec["affinity"]["nodeAffinity"];
  if (!na.contains("requiredDuringSchedulingIgnoredDuringExecution")) return true;
  const json& terms = na["requiredDuringSchedulingIgnoredDuringExecution"].value(
      "nodeSelectorTerms", json::array());
  if (terms.empty()) return true;
  for (const json& term : terms) {
    bool all = true;
    for (const json& expr : term.value("matchExpressions", json::array())) {
      if (!MatchesNodeRequirement(expr, labels)) all = false;
    }
    if (all) return true;
  }
  return false;
}

bool MatchesNodeSelector(const json& spec, const json& labels) {
  if (!spec.contains("nodeSelector")) return true;
  for (const auto& [k, v] : spec["nodeSelector"].items()) {
    if (!labels.contains(k) || labels[k] != v) return false;
  }
  return true;
}

std::string Domain(const NodeCandidate& node, const std::string& key) {
  if (node.labels.contains(key) && node.labels[key].is_string()) {
    return node.labels[key].get<std::string>();
  }
  return "";
}

int64_t CountMatching(const NodeCandidate& node, const json& selector, const std::string& ns) {
  int64_t count = 0;
  for (const PlacedPod& p : node.pods) {
    if (p.namespace_name == ns && SelectorMatches(selector, LabelsJson(p.labels))) ++count;
  }
  return count;
}

// Required pod anti-affinity: no pod matching a term's selector in the same topology domain.
bool SatisfiesAntiAffinity(const json& spec, const std::string& ns, const NodeCandidate& node,
                           const std::vector<NodeCandidate>& nodes) {
  if (!spec.contains("affinity") || !spec["affinity"].contains("podAntiAffinity")) return true;
  const json& anti = spec["affinity"]["podAntiAffinity"];
  for (const json& term :
       anti.value("requiredDuringSchedulingIgnoredDuringExecution", json::array())) {
    std::string key = term.value("topologyKey", "kubernetes.io/hostname");
    std::string domain = Domain(node, key);
    const json selector = term.value("labelSelector", json::object());
    for (const NodeCandidate& other : nodes) {
      if (Domain(other, key) != domain) continue;
      if (CountMatching(other, selector, ns) > 0) return false;
    }
  }
  return true;
}

// Topology spread, DoNotSchedule: after placing, the node's domain may exceed the least
// populated eligible domain by at most maxSkew.
bool SatisfiesSpread(const json& spec, const std::string& ns, const NodeCandidate& node,
                     const std::vector<NodeCandidate>& nodes) {
  for (const json& c : spec.value("topologySpreadConstraints", json::array())) {
    if (c.value("whenUnsatisfiable", "DoNotSchedule") != "DoNotSchedule") continue;
    std::string key = c.value("topologyKey", "");
    int64_t max_skew = c.value("maxSkew", 1);
    const json selector = c.value("labelSelector", json::object());
    std::map<std::string, int64_t> counts;
    for (const NodeCandidate& other : nodes) {
      std::string domain = Domain(other, key);
      if (domain.empty() || other.unschedulable || !other.ready) continue;
      counts[domain] += CountMatching(other, selector, ns);
    }
    std::string domain = Domain(node, key);
    if (domain.empty()) return false;
    int64_t min = INT64_MAX;
    for (const auto& [d, n] : counts) min = std::min(min, n);
    if (counts[domain] + 1 - min > max_skew) return false;
  }
  return true;
}

}  // namespace

json NodeLabelsOrEmpty(const json& node) {
  if (node.contains("metadata") && node["metadata"].contains("labels")) {
    return node["metadata"]["labels"];
  }
  return json::object();
}

NodeCandidate CandidateFromNode(const json& node) {
  NodeCandidate c;
  c.name = node["metadata"].value("name", "");
  c.labels = NodeLabelsOrEmpty(node);
  if (node.contains("spec")) {
    c.unschedulable = node["spec"].value("unschedulable", false);
    if (node["spec"].contains("taints")) c.taints = node["spec"]["taints"];
  }
  if (node.contains("status")) {
    const json& st = node["status"];
    if (st.contains("allocatable")) {
      c.cpu_allocatable_millis = CpuMillisOf(st["allocatable"].value("cpu", json()));
      c.memory_allocatable_bytes = MemoryBytesOf(st["allocatable"].value("memory", json()));
      c.pods_allocatable = MemoryBytesOf(st["allocatable"].value("pods", json()));
    }
    c.ready = false;
    for (const json& cond : st.value("conditions", json::array())) {
      if (cond.value("type", "") == "Ready") c.ready = cond.value("status", "") == "True";
    }
  }
  return c;
}

bool ToleratesTaints(const json& spec, const json& taints) {
  const json tolerations = spec.value("tolerations", json::array());
  for (const json& taint : taints) {
    std::string effect = taint.value("effect", "");
    if (effect != "NoSchedule" && effect != "NoExecute") continue;
    bool tolerated = false;
    for (const json& t : tolerations) {
      std::string key = t.value("key", "");
      std::string op = t.value("operator", "Equal");
      std::string t_effect = t.value("effect", "");
      if (!t_effect.empty() && t_effect != effect) continue;
      if (key.empty() && op == "Exists") tolerated = true;
      if (key == taint.value("key", "") &&
          (op == "Exists" || t.value("value", "") == taint.value("value", ""))) {
        tolerated = true;
      }
    }
    if (!tolerated) return false;
  }
  return true;
}

std::vector<NodeCandidate> BuildCandidates(const ObjectStore& store, const PodIndex& index) {
  std::vector<NodeCandidate> nodes;
  std::map<std::string, size_t> by_name;
  for (const json& node : store.ParsedAll("nodes")) {
    by_name[node["metadata"].value("name", "")] = nodes.size();
    nodes.push_back(CandidateFromNode(node));
  }
  index.ForEach([&](const PodRecord& pod) {
    if (pod.node_name.empty() || pod.IsTerminal()) return;
    auto it = by_name.find(pod.node_name);
    if (it == by_name.end()) return;
    NodeCandidate& n = nodes[it->second];
    n.cpu_requested_millis += pod.CpuRequestMillis();
    n.memory_requested_bytes += pod.MemoryRequestBytes();
    ++n.pods_count;
    n.pods.push_back({pod.namespace_name, pod.labels});
  });
  return nodes;
}

Result<std::string> ChooseNode(const json& pod, const std::vector<NodeCandidate>& nodes) {
  const json& spec = pod["spec"];
  std::string ns = pod["metadata"].value("namespace", "");
  PodRecord summary = SummarizePodObject(pod);
  int64_t cpu = summary.CpuRequestMillis();
  int64_t memory = summary.MemoryRequestBytes();
  std::map<std::string, int> reasons;
  const NodeCandidate* best = nullptr;
  double best_score = -1;
  for (const NodeCandidate& node : nodes) {
    std::string reason;
    if (!node.ready) {
      reason = "node(s) were not ready";
    } else if (node.unschedulable &&
               !ToleratesTaints(spec, json::array({{{"key", "node.kubernetes.io/unschedulable"},
                                                    {"effect", "NoSchedule"}}}))) {
      reason = "node(s) were unschedulable";
    } else if (!ToleratesTaints(spec, node.taints)) {
      reason = "node(s) had untolerated taint";
    } else if (!MatchesNodeSelector(spec, node.labels) || !MatchesNodeAffinity(spec, node.labels)) {
      reason = "node(s) didn't match Pod's node affinity/selector";
    } else if (node.pods_count + 1 > node.pods_allocatable) {
      reason = "Too many pods";
    } else if (node.cpu_requested_millis + cpu > node.cpu_allocatable_millis) {
      reason = "Insufficient cpu";
    } else if (node.memory_requested_bytes + memory > node.memory_allocatable_bytes) {
      reason = "Insufficient memory";
    } else if (!SatisfiesAntiAffinity(spec, ns, node, nodes)) {
      reason = "node(s) didn't match pod anti-affinity rules";
    } else if (!SatisfiesSpread(spec, ns, node, nodes)) {
      reason = "node(s) didn't match pod topology spread constraints";
    }
    if (!reason.empty()) {
      ++reasons[reason];
      continue;
    }
    double free_cpu = 1.0 - static_cast<double>(node.cpu_requested_millis + cpu) /
                                std::max<int64_t>(1, node.cpu_allocatable_millis);
    double free_memory = 1.0 - static_cast<double>(node.memory_requested_bytes + memory) /
                                   std::max<int64_t>(1, node.memory_allocatable_bytes);
    double score = free_cpu + free_memory;
    if (score > best_score) {
      best_score = score;
      best = &node;
    }
  }
  if (best != nullptr) return best->name;
  std::string message = "0/" + std::to_string(nodes.size()) + " nodes are available:";
  bool first = true;
  for (const auto& [reason, count] : reasons) {
    message += (first ? " " : ", ") + std::to_string(count) + " " + reason;
    first = false;
  }
  return FailedPrecondition(message + ".");
}

int SchedulePendingPods(ObjectStore& store, const PodIndex& index, TimePoint now) {
  std::vector<std::pair<std::string, std::string>> pending;
  index.ForEach([&](const PodRecord& pod) {
    if (pod.node_name.empty() && !pod.deleting && pod.phase == "Pending") {
      pending.emplace_back(pod.namespace_name, pod.name);
    }
  });
  if (pending.empty()) return 0;
  std::vector<NodeCandidate> nodes = BuildCandidates(store, index);
  int bound = 0;
  for (const auto& [ns, name] : pending) {
    Result<json> pod = store.Get("pods", ns, name);
    if (!pod) continue;
    if ((*pod)["spec"].value("schedulerName", "default-scheduler") != "default-scheduler") continue;
    Result<std::string> node = ChooseNode(*pod, nodes);
    std::string when = FormatRfc3339(now);
    if (!node) {
      (void)store.Mutate("pods", ns, name, [&](json& p) -> Status {
        json condition = {{"type", "PodScheduled"}, {"status", "False"},
                          {"reason", "Unschedulable"}, {"message", node.error().message},
                          {"lastTransitionTime", when}};
        json& conditions = p["status"]["conditions"];
        if (conditions.is_array() && !conditions.empty() &&
            conditions[0].value("message", "") == node.error().message) {
          return FailedPrecondition("unchanged");  // no write, no event churn
        }
        conditions = json::array({condition});
        return Ok();
      });
      continue;
    }
    auto bound_pod = store.Mutate("pods", ns, name, [&](json& p) -> Status {
      if (!p["spec"].value("nodeName", "").empty()) return Aborted("already bound");
      p["spec"]["nodeName"] = *node;
      p["status"]["conditions"] = json::array(
          {{{"type", "PodScheduled"}, {"status", "True"}, {"lastTransitionTime", when}}});
      return Ok();
    });
    if (!bound_pod) continue;
    ++bound;
    for (NodeCandidate& n : nodes) {
      if (n.name != *node) continue;
      PodRecord summary = SummarizePodObject(*bound_pod);
      n.cpu_requested_millis += summary.CpuRequestMillis();
      n.memory_requested_bytes += summary.MemoryRequestBytes();
      ++n.pods_count;
      n.pods.push_back({ns, summary.labels});
    }
  }
  return bound;
}

}  // namespace cloudoptim::sandbox
