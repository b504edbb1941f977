// Data-driven tests of the bin-pack engine: every testdata/engines/*.yaml file is a cluster
// (nodes, pods, PDBs, volumes, policy, pool scores) and the actions expected from it. Adding
// a case means adding a file; the format is described in testdata/engines/README.md.
#include <gtest/gtest.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <filesystem>
#include <map>
#include <string>
#include <vector>

#include "catalog/catalog.h"
#include "engines/binpack.h"
#include "engines/binpack_provisioning.h"
#include "model/quantity.h"

namespace cloudoptim {
namespace {

namespace fs = std::filesystem;

const Catalog& SharedCatalog() {
  static const Catalog* catalog = [] {
    Result<Catalog> loaded = Catalog::Load(std::string(CO_SOURCE_DIR) + "/data");
    if (!loaded) {
      ADD_FAILURE() << loaded.error().ToString();
      return new Catalog();
    }
    return new Catalog(std::move(*loaded));
  }();
  return *catalog;
}

int64_t Millis(const YAML::Node& n) {
  if (!n) return 0;
  Result<Quantity> q = Quantity::Parse(n.as<std::string>());
  EXPECT_TRUE(q.has_value()) << n.as<std::string>();
  return q ? q->MilliValue() : 0;
}

int64_t Bytes(const YAML::Node& n) {
  if (!n) return 0;
  Result<Quantity> q = Quantity::Parse(n.as<std::string>());
  EXPECT_TRUE(q.has_value()) << n.as<std::string>();
  return q ? q->Value() : 0;
}

Labels StringMap(const YAML::Node& n) {
  Labels out;
  if (n) {
    for (const auto& kv : n) out[kv.first.as<std::string>()] = kv.second.as<std::string>();
  }
  return out;
}

std::string TopologyKey(const std::string& key) {
  if (key == "zone") return std::string(labels::kZone);
  if (key == "hostname") return std::string(labels::kHostname);
  return key;
}

SelectorOperator Operator(const std::string& op) {
  static const std::map<std::string, SelectorOperator> ops = {
      {"In", SelectorOperator::kIn},         {"NotIn", SelectorOperator::kNotIn},
      {"Exists", SelectorOperator::kExists}, {"DoesNotExist", SelectorOperator::kDoesNotExist},
      {"Gt", SelectorOperator::kGt},         {"Lt", SelectorOperator::kLt}};
  auto it = ops.find(op);
  EXPECT_NE(it, ops.end()) << op;
  return it == ops.end() ? SelectorOperator::kIn : it->second;
}

std::vector<SelectorRequirement> Requirements(const YAML::Node& list) {
  std::vector<SelectorRequirement> out;
  for (const YAML::Node& r : list) {
    SelectorRequirement req{r["key"].as<std::string>(), Operator(r["operator"].as<std::string>())};
    if (r["values"]) req.values = r["values"].as<std::vector<std::string>>();
    out.push_back(req);
  }
  return out;
}

std::vector<Toleration> Tolerations(const YAML::Node& list) {
  std::vector<Toleration> out;
  for (const YAML::Node& t : list) {
    Toleration tol;
    tol.key = t["key"].as<std::string>("");
    tol.operator_exists = t["operator"].as<std::string>("Equal") == "Exists";
    tol.value = t["value"].as<std::string>("");
    if (t["effect"]) tol.effect = ParseTaintEffect(t["effect"].as<std::string>());
    out.push_back(tol);
  }
  return out;
}

std::vector<PodAffinityTerm> AffinityTerms(const YAML::Node& list) {
  std::vector<PodAffinityTerm> out;
  for (const YAML::Node& t : list) {
    out.push_back({LabelSelector::FromMatchLabels(StringMap(t["selector"])),
                   {},
                   TopologyKey(t["key"].as<std::string>())});
  }
  return out;
}

Pod ParsePod(const YAML::Node& y, const std::string& name) {
  Pod pod;
  pod.meta.name = name;
  pod.meta.namespace_name = y["namespace"].as<std::string>("default");
  pod.meta.uid = pod.meta.namespace_name + "/" + name;
  pod.meta.labels = StringMap(y["labels"]);
  pod.meta.annotations = StringMap(y["annotations"]);
  std::string owner = y["owner"].as<std::string>("ReplicaSet");
  if (owner != "none") pod.meta.owner_references.push_back({"apps/v1", owner, "owner", "", true});
  Container c;
  c.name = "main";
  c.resources.requests.cpu_millis = Millis(y["cpu"]);
  c.resources.requests.memory_bytes = Bytes(y["memory"]);
  pod.containers.push_back(c);
  pod.node_name = y["node"].as<std::string>("");
  pod.phase = pod.node_name.empty() ? PodPhase::kPending : PodPhase::kRunning;
  pod.node_selector = StringMap(y["node_selector"]);
  for (const YAML::Node& term : y["node_affinity"]) {
    NodeSelectorTerm t;
    t.match_expressions = Requirements(term["expressions"]);
    t.match_fields = Requirements(term["fields"]);
    pod.affinity.required_node_terms.push_back(t);
  }
  pod.tolerations = Tolerations(y["tolerations"]);
  for (const YAML::Node& s : y["topology_spread"]) {
    TopologySpreadConstraint c;
    c.max_skew = s["max_skew"].as<int32_t>(1);
    c.topology_key = TopologyKey(s["key"].as<std::string>());
    c.when_unsatisfiable = s["when"].as<std::string>("DoNotSchedule") == "ScheduleAnyway"
                               ? UnsatisfiableAction::kScheduleAnyway
                               : UnsatisfiableAction::kDoNotSchedule;
    c.label_selector = LabelSelector::FromMatchLabels(StringMap(s["selector"]));
    if (s["min_domains"]) c.min_domains = s["min_domains"].as<int32_t>();
    pod.topology_spread.push_back(c);
  }
  pod.affinity.required_pod_affinity = AffinityTerms(y["affinity"]);
  pod.affinity.required_pod_anti_affinity = AffinityTerms(y["anti_affinity"]);
  for (const YAML::Node& v : y["volumes"]) {
    Volume vol;
    vol.name = v["name"].as<std::string>("v");
    vol.pvc_claim_name = v["pvc"].as<std::string>("");
    vol.empty_dir = v["empty_dir"].as<bool>(false);
    vol.host_path = v["host_path"].as<bool>(false);
    pod.volumes.push_back(vol);
  }
  return pod;
}

Node ParseNode(const YAML::Node& y, const Catalog& catalog) {
  Node node;
  node.meta.name = y["name"].as<std::string>();
  std::string type = y["type"].as<std::string>();
  std::string zone = y["zone"].as<std::string>("us-east-1a");
  std::string capacity = y["capacity"].as<std::string>("on-demand");
  node.meta.labels = StringMap(y["labels"]);
  node.meta.labels[std::string(labels::kHostname)] = node.meta.name;
  node.meta.labels[std::string(labels::kInstanceType)] = type;
  node.meta.labels[std::string(labels::kZone)] = zone;
  node.meta.labels[std::string(labels::kKarpenterCapacityType)] = capacity;
  node.meta.annotations = StringMap(y["annotations"]);
  node.provider_id = "aws:///" + zone + "/i-" + node.meta.name;
  node.unschedulable = y["unschedulable"].as<bool>(false);
  for (const YAML::Node& t : y["taints"]) {
    node.taints.push_back({t["key"].as<std::string>(), t["value"].as<std::string>(""),
                           ParseTaintEffect(t["effect"].as<std::string>("NoSchedule"))
                               .value_or(TaintEffect::kNoSchedule)});
  }
  const InstanceType* it = catalog.FindType(type);
  EXPECT_NE(it, nullptr) << type;
  if (it) node.allocatable = node.capacity = it->allocatable;
  if (y["max_pods"]) node.allocatable.pods = y["max_pods"].as<int64_t>();
  node.conditions.push_back({"Ready", "True", ""});
  return node;
}

struct Scenario {
  Snapshot snapshot;
  Policy policy;
  PoolScoreTable scores;
  YAML::Node expect;
};

void ParsePolicy(const YAML::Node& y, Policy* policy) {
  if (!y) return;
  if (y["min_monthly_savings_usd"]) {
    policy->min_monthly_savings = Money::FromUsd(y["min_monthly_savings_usd"].as<double>());
  }
  if (y["min_savings_percent"]) {
    policy->min_savings_percent_of_node_cost = y["min_savings_percent"].as<double>();
  }
  if (y["allowed_families"]) {
    policy->allowed_families = y["allowed_families"].as<std::vector<std::string>>();
  }
  if (y["spot_enabled"]) policy->spot_enabled = y["spot_enabled"].as<bool>();
  if (y["burstable_instances"]) {
    policy->burstable_instances =
        BurstableInstancesNamed(y["burstable_instances"].as<std::string>()).value();
  }
  if (y["min_pool_safety_score"]) {
    policy->safety.min_pool_safety_score = y["min_pool_safety_score"].as<double>();
  }
}

Scenario Load(const fs::path& path, const Catalog& catalog) {
  YAML::Node y = YAML::LoadFile(path.string());
  Scenario s;
  s.snapshot.cluster_name = path.stem().string();
  s.snapshot.region = "us-east-1";
  ParsePolicy(y["policy"], &s.policy);
  for (const YAML::Node& p : y["pool_scores"]) {
    std::string type = p["type"].as<std::string>("*");
    std::vector<std::string> zones = catalog.Zones("us-east-1");
    if (p["zone"]) zones = {p["zone"].as<std::string>()};
    for (const InstanceType& t : catalog.Types()) {
      if (type != "*" && t.name != type) continue;
      for (const std::string& z : zones) s.scores.Set({t.name, z, p["safety"].as<double>()});
    }
  }
  for (const YAML::Node& n : y["nodes"]) s.snapshot.nodes.push_back(ParseNode(n, catalog));
  for (const YAML::Node& p : y["pods"]) {
    int replicas = p["replicas"].as<int>(1);
    std::string name = p["name"].as<std::string>();
    for (int i = 0; i < replicas; ++i) {
      s.snapshot.pods.push_back(ParsePod(p, replicas == 1 ? name : name + "-" + std::to_string(i)));
    }
  }
  for (const YAML::Node& d : y["daemonsets"]) {
    Workload w;
    w.kind = WorkloadKind::kDaemonSet;
    w.meta.name = d["name"].as<std::string>();
    w.meta.namespace_name = "kube-system";
    w.pod_template = ParsePod(d, w.meta.name);
    w.pod_template.meta.owner_references = {{"apps/v1", "DaemonSet", w.meta.name, "", true}};
    s.snapshot.workloads.push_back(w);
    for (const Node& node : s.snapshot.nodes) {  // and its pod on every node
      Pod pod = w.pod_template;
      pod.meta.name = w.meta.name + "-" + node.meta.name;
      pod.meta.namespace_name = "kube-system";
      pod.node_name = node.meta.name;
      pod.phase = PodPhase::kRunning;
      s.snapshot.pods.push_back(pod);
    }
  }
  for (const YAML::Node& p : y["pdbs"]) {
    PodDisruptionBudget pdb;
    pdb.meta.name = p["name"].as<std::string>();
    pdb.meta.namespace_name = p["namespace"].as<std::string>("default");
    pdb.selector = LabelSelector::FromMatchLabels(StringMap(p["selector"]));
    pdb.disruptions_allowed = p["disruptions_allowed"].as<int32_t>(0);
    s.snapshot.disruption_budgets.push_back(pdb);
  }
  for (const YAML::Node& p : y["pvs"]) {
    PersistentVolume pv;
    pv.meta.name = p["name"].as<std::string>();
    pv.zone = p["zone"].as<std::string>();
    s.snapshot.persistent_volumes.push_back(pv);
  }
  for (const YAML::Node& p : y["pvcs"]) {
    PersistentVolumeClaim pvc;
    pvc.meta.name = p["name"].as<std::string>();
    pvc.meta.namespace_name = p["namespace"].as<std::string>("default");
    pvc.volume_name = p["volume"].as<std::string>();
    s.snapshot.persistent_volume_claims.push_back(pvc);
  }
  s.expect = y["expect"];
  return s;
}

// Our own names for action types, so the test does not depend on the JSON layer.
std::string TypeName(ActionType type) {
  switch (type) {
    case ActionType::kLaunchNodes:
      return "launch-nodes";
    case ActionType::kDrainNode:
      return "drain-node";
    case ActionType::kTerminateNode:
      return "terminate-node";
    default:
      return "other";
  }
}

std::string Describe(const Action& a) {
  std::string s = TypeName(a.type) + " " + a.target;
  for (const auto& [k, v] : a.parameters) s += " " + k + "=" + v;
  return s;
}

// An expected action matches when its type, target (if given) and every given parameter
// agree; "instance_types_min" checks the length of a flexible list, "instance_type_first"
// its first element.
bool Matches(const YAML::Node& e, const Action& a) {
  if (e["type"].as<std::string>() != TypeName(a.type)) return false;
  for (const auto& kv : e) {
    std::string key = kv.first.as<std::string>();
    std::string want = kv.second.as<std::string>();
    if (key == "type") continue;
    if (key == "target") {
      if (a.target != want) return false;
      continue;
    }
    auto types = a.parameters.find("instance_types");
    if (key == "instance_types_min" || key == "instance_type_first") {
      if (types == a.parameters.end()) return false;
      std::string list = types->second;
      size_t count = list.empty() ? 0 : std::count(list.begin(), list.end(), ',') + 1;
      if (key == "instance_types_min" && count < std::stoul(want)) return false;
      if (key == "instance_type_first" && list.substr(0, list.find(',')) != want) return false;
      continue;
    }
    auto it = a.parameters.find(key);
    if (it == a.parameters.end() || it->second != want) return false;
  }
  return true;
}

class BinPackScenarioTest : public testing::TestWithParam<fs::path> {};

TEST_P(BinPackScenarioTest, ProducesTheExpectedActions) {
  const Catalog& catalog = SharedCatalog();
  Scenario s;
  try {  // yaml-cpp reports malformed files by exception
    s = Load(GetParam(), catalog);
  } catch (const YAML::Exception& e) {
    FAIL() << GetParam() << ": " << e.what();
  }
  EngineInput input{s.snapshot, s.policy, catalog, &s.scores};
  Recommendations recs = RunBinPack(input);
  std::vector<Action> actions;
  std::string produced;
  for (const Recommendation& r : recs.items) {
    EXPECT_FALSE(r.explanation.empty());
    EXPECT_GE(r.monthly_savings.micros(), 0) << r.explanation;
    produced += "  [" + r.explanation + "]\n";
    for (const Action& a : r.actions) {
      actions.push_back(a);
      produced += "    " + Describe(a) + "\n";
    }
  }
  std::vector<bool> used(actions.size(), false);
  for (const YAML::Node& e : s.expect["actions"]) {
    bool found = false;
    for (size_t i = 0; i < actions.size() && !found; ++i) {
      if (!used[i] && Matches(e, actions[i])) used[i] = found = true;
    }
    EXPECT_TRUE(found) << "expected " << YAML::Dump(e) << "\nproduced:\n" << produced;
  }
  EXPECT_EQ(std::count(used.begin(), used.end(), true), static_cast<long>(actions.size()))
      << "unexpected actions; produced:\n"
      << produced;
  if (s.expect["unschedulable"]) {
    ProvisioningPlan plan = PlanProvisioning(input, LaunchCatalog::Build(input));
    std::vector<std::string> names;
    for (const UnschedulablePod& u : plan.unschedulable) names.push_back(u.pod);
    EXPECT_EQ(names, s.expect["unschedulable"].as<std::vector<std::string>>());
  }
  for (const YAML::Node& text : s.expect["explanation_contains"]) {
    EXPECT_NE(produced.find(text.as<std::string>()), std::string::npos)
        << "no explanation says \"" << text.as<std::string>() << "\"; produced:\n"
        << produced;
  }
  if (s.expect["min_total_monthly_savings_usd"]) {
    Money total;
    for (const Recommendation& r : recs.items) total += r.monthly_savings;
    EXPECT_GE(total.usd(), s.expect["min_total_monthly_savings_usd"].as<double>()) << produced;
  }
}

std::vector<fs::path> ScenarioFiles() {
  std::vector<fs::path> files;
  for (const auto& entry :
       fs::directory_iterator(std::string(CO_SOURCE_DIR) + "/testdata/engines")) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

INSTANTIATE_TEST_SUITE_P(Scenarios, BinPackScenarioTest, testing::ValuesIn(ScenarioFiles()),
                         [](const testing::TestParamInfo<fs::path>& info) {
                           std::string name = info.param.stem().string();
                           std::replace(name.begin(), name.end(), '-', '_');
                           return name;
                         });

}  // namespace
}  // namespace cloudoptim
