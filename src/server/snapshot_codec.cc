#include "server/snapshot_codec.h"

#include <array>

namespace cloudoptim::server {
namespace {

// Parses an enum from its name by trying every value: the name functions of src/model stay
// the one place the spellings live.
template <typename E, size_t N>
E ParseEnum(const std::array<E, N>& values, std::string_view (*name_of)(E), const Json& object,
            const char* key, const std::string& path, FieldReader& in, E fallback) {
  std::string text = in.String(object, key, path);
  if (text.empty()) return fallback;
  for (E value : values) {
    if (name_of(value) == text) return value;
  }
  std::string expected;
  for (E value : values) expected += (expected.empty() ? "" : ", ") + std::string(name_of(value));
  in.Fail(Child(path, key), "unknown value \"" + text + "\" (expected one of " + expected + ")");
  return fallback;
}

std::string_view OperatorName(SelectorOperator op) {
  switch (op) {
    case SelectorOperator::kIn:
      return "In";
    case SelectorOperator::kNotIn:
      return "NotIn";
    case SelectorOperator::kExists:
      return "Exists";
    case SelectorOperator::kDoesNotExist:
      return "DoesNotExist";
    case SelectorOperator::kEquals:
      return "Equals";
    case SelectorOperator::kNotEquals:
      return "NotEquals";
    case SelectorOperator::kGt:
      return "Gt";
    case SelectorOperator::kLt:
      return "Lt";
  }
  return "In";
}
constexpr std::array kOperators = {SelectorOperator::kIn,     SelectorOperator::kNotIn,
                                   SelectorOperator::kExists, SelectorOperator::kDoesNotExist,
                                   SelectorOperator::kEquals, SelectorOperator::kNotEquals,
                                   SelectorOperator::kGt,     SelectorOperator::kLt};
constexpr std::array kEffects = {TaintEffect::kNoSchedule, TaintEffect::kPreferNoSchedule,
                                 TaintEffect::kNoExecute};
constexpr std::array kPhases = {PodPhase::kPending, PodPhase::kRunning, PodPhase::kSucceeded,
                                PodPhase::kFailed, PodPhase::kUnknown};
constexpr std::array kKinds = {WorkloadKind::kDeployment,  WorkloadKind::kReplicaSet,
                               WorkloadKind::kStatefulSet, WorkloadKind::kDaemonSet,
                               WorkloadKind::kJob,         WorkloadKind::kCronJob};
std::string_view UnsatisfiableName(UnsatisfiableAction action) {
  return action == UnsatisfiableAction::kDoNotSchedule ? "DoNotSchedule" : "ScheduleAnyway";
}
constexpr std::array kUnsatisfiable = {UnsatisfiableAction::kDoNotSchedule,
                                       UnsatisfiableAction::kScheduleAnyway};

// ---- metadata and resources ----
Json EncodeMeta(const ObjectMeta& meta) {
  Json out = Json::object();
  PutString(out, "name", meta.name);
  PutString(out, "namespace", meta.namespace_name);
  PutString(out, "uid", meta.uid);
  PutStringMap(out, "labels", meta.labels);
  PutStringMap(out, "annotations", meta.annotations);
  PutTime(out, "creation_timestamp", meta.creation_timestamp);
  if (meta.deletion_timestamp) out["deletion_timestamp"] = FormatRfc3339(*meta.deletion_timestamp);
  for (const OwnerReference& owner : meta.owner_references) {
    Json ref = Json::object();
    PutString(ref, "api_version", owner.api_version);
    PutString(ref, "kind", owner.kind);
    PutString(ref, "name", owner.name);
    PutString(ref, "uid", owner.uid);
    PutBool(ref, "controller", owner.controller);
    out["owner_references"].push_back(std::move(ref));
  }
  return out;
}

ObjectMeta DecodeMeta(const Json& parent, const std::string& parent_path, FieldReader& in) {
  std::string path = Child(parent_path, "meta");
  const Json& object = in.Object(parent, "meta", parent_path);
  ObjectMeta meta;
  meta.name = in.String(object, "name", path);
  meta.namespace_name = in.String(object, "namespace", path);
  meta.uid = in.String(object, "uid", path);
  meta.labels = in.StringMap(object, "labels", path);
  meta.annotations = in.StringMap(object, "annotations", path);
  meta.creation_timestamp = in.Time(object, "creation_timestamp", path);
  meta.deletion_timestamp = in.OptionalTime(object, "deletion_timestamp", path);
  const Json& owners = in.Array(object, "owner_references", path);
  for (size_t i = 0; i < owners.size(); ++i) {
    std::string owner_path = Index(Child(path, "owner_references"), i);
    meta.owner_references.push_back({.api_version = in.String(owners[i], "api_version", owner_path),
                                     .kind = in.String(owners[i], "kind", owner_path),
                                     .name = in.String(owners[i], "name", owner_path),
                                     .uid = in.String(owners[i], "uid", owner_path),
                                     .controller = in.Bool(owners[i], "controller", owner_path)});
  }
  return meta;
}

Json EncodeResources(const Resources& r) {
  Json out = Json::object();
  PutInt(out, "cpu_millis", r.cpu_millis);
  PutInt(out, "memory_bytes", r.memory_bytes);
  PutInt(out, "ephemeral_storage_bytes", r.ephemeral_storage_bytes);
  PutInt(out, "pods", r.pods);
  PutInt(out, "gpus", r.gpus);
  return out;
}

Resources DecodeResources(const Json& parent, const char* key, const std::string& parent_path,
                          FieldReader& in) {
  std::string path = Child(parent_path, key);
  const Json& object = in.Object(parent, key, parent_path);
  return {.cpu_millis = in.Int(object, "cpu_millis", path),
          .memory_bytes = in.Int(object, "memory_bytes", path),
          .ephemeral_storage_bytes = in.Int(object, "ephemeral_storage_bytes", path),
          .pods = in.Int(object, "pods", path),
          .gpus = in.Int(object, "gpus", path)};
}

// ---- selectors, taints, affinity ----
Json EncodeRequirements(const std::vector<SelectorRequirement>& requirements) {
  Json out = Json::array();
  for (const SelectorRequirement& r : requirements) {
    Json item = {{"key", r.key}, {"operator", std::string(OperatorName(r.op))}};
    PutStringList(item, "values", r.values);
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<SelectorRequirement> DecodeRequirements(const Json& parent, const char* key,
                                                    const std::string& parent_path,
                                                    FieldReader& in) {
  std::vector<SelectorRequirement> out;
  const Json& list = in.Array(parent, key, parent_path);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = Index(Child(parent_path, key), i);
    SelectorRequirement r;
    r.key = in.String(list[i], "key", path);
    r.op =
        ParseEnum(kOperators, OperatorName, list[i], "operator", path, in, SelectorOperator::kIn);
    r.values = in.StringList(list[i], "values", path);
    out.push_back(std::move(r));
  }
  return out;
}

Json EncodeSelector(const LabelSelector& selector) {
  return {{"requirements", EncodeRequirements(selector.requirements)}};
}
LabelSelector DecodeSelector(const Json& parent, const char* key, const std::string& parent_path,
                             FieldReader& in) {
  const Json& object = in.Object(parent, key, parent_path);
  return {.requirements = DecodeRequirements(object, "requirements", Child(parent_path, key), in)};
}

Json EncodePodAffinityTerm(const PodAffinityTerm& term) {
  Json out = {{"label_selector", EncodeSelector(term.label_selector)}};
  PutStringList(out, "namespaces", term.namespaces);
  PutString(out, "topology_key", term.topology_key);
  return out;
}
PodAffinityTerm DecodePodAffinityTerm(const Json& object, const std::string& path,
                                      FieldReader& in) {
  return {.label_selector = DecodeSelector(object, "label_selector", path, in),
          .namespaces = in.StringList(object, "namespaces", path),
          .topology_key = in.String(object, "topology_key", path)};
}

std::vector<PodAffinityTerm> DecodePodAffinityTerms(const Json& parent, const char* key,
                                                    const std::string& parent_path,
                                                    FieldReader& in) {
  std::vector<PodAffinityTerm> out;
  const Json& list = in.Array(parent, key, parent_path);
  for (size_t i = 0; i < list.size(); ++i) {
    out.push_back(DecodePodAffinityTerm(list[i], Index(Child(parent_path, key), i), in));
  }
  return out;
}

Json EncodeAffinity(const Affinity& a) {
  Json out = Json::object();
  for (const NodeSelectorTerm& term : a.required_node_terms) {
    out["required_node_terms"].push_back(
        {{"match_expressions", EncodeRequirements(term.match_expressions)},
         {"match_fields", EncodeRequirements(term.match_fields)}});
  }
  for (const PodAffinityTerm& t : a.required_pod_affinity) {
    out["required_pod_affinity"].push_back(EncodePodAffinityTerm(t));
  }
  for (const PodAffinityTerm& t : a.required_pod_anti_affinity) {
    out["required_pod_anti_affinity"].push_back(EncodePodAffinityTerm(t));
  }
  for (const WeightedPodAffinityTerm& t : a.preferred_pod_anti_affinity) {
    out["preferred_pod_anti_affinity"].push_back(
        {{"weight", t.weight}, {"term", EncodePodAffinityTerm(t.term)}});
  }
  return out;
}

Affinity DecodeAffinity(const Json& parent, const std::string& parent_path, FieldReader& in) {
  std::string path = Child(parent_path, "affinity");
  const Json& object = in.Object(parent, "affinity", parent_path);
  Affinity a;
  const Json& terms = in.Array(object, "required_node_terms", path);
  for (size_t i = 0; i < terms.size(); ++i) {
    std::string term_path = Index(Child(path, "required_node_terms"), i);
    a.required_node_terms.push_back(
        {.match_expressions = DecodeRequirements(terms[i], "match_expressions", term_path, in),
         .match_fields = DecodeRequirements(terms[i], "match_fields", term_path, in)});
  }
  a.required_pod_affinity = DecodePodAffinityTerms(object, "required_pod_affinity", path, in);
  a.required_pod_anti_affinity =
      DecodePodAffinityTerms(object, "required_pod_anti_affinity", path, in);
  const Json& preferred = in.Array(object, "preferred_pod_anti_affinity", path);
  for (size_t i = 0; i < preferred.size(); ++i) {
    std::string item_path = Index(Child(path, "preferred_pod_anti_affinity"), i);
    WeightedPodAffinityTerm t;
    t.weight = static_cast<int32_t>(in.Int(preferred[i], "weight", item_path));
    t.term = DecodePodAffinityTerm(in.Object(preferred[i], "term", item_path),
                                   Child(item_path, "term"), in);
    a.preferred_pod_anti_affinity.push_back(std::move(t));
  }
  return a;
}

Json EncodeTaints(const std::vector<Taint>& taints) {
  Json out = Json::array();
  for (const Taint& t : taints) {
    Json item = {{"key", t.key}, {"effect", std::string(TaintEffectName(t.effect))}};
    PutString(item, "value", t.value);
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<Taint> DecodeTaints(const Json& parent, const std::string& parent_path,
                                FieldReader& in) {
  std::vector<Taint> out;
  const Json& list = in.Array(parent, "taints", parent_path);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = Index(Child(parent_path, "taints"), i);
    out.push_back({.key = in.String(list[i], "key", path),
                   .value = in.String(list[i], "value", path),
                   .effect = ParseEnum(kEffects, TaintEffectName, list[i], "effect", path, in,
                                       TaintEffect::kNoSchedule)});
  }
  return out;
}

Json EncodeTolerations(const std::vector<Toleration>& tolerations) {
  Json out = Json::array();
  for (const Toleration& t : tolerations) {
    Json item = {{"operator", t.operator_exists ? "Exists" : "Equal"}};
    PutString(item, "key", t.key);
    PutString(item, "value", t.value);
    if (t.effect) item["effect"] = std::string(TaintEffectName(*t.effect));
    if (t.toleration_seconds) item["toleration_seconds"] = *t.toleration_seconds;
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<Toleration> DecodeTolerations(const Json& parent, const std::string& parent_path,
                                          FieldReader& in) {
  std::vector<Toleration> out;
  const Json& list = in.Array(parent, "tolerations", parent_path);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = Index(Child(parent_path, "tolerations"), i);
    Toleration t;
    t.key = in.String(list[i], "key", path);
    std::string op = in.String(list[i], "operator", path);
    if (!op.empty() && op != "Exists" && op != "Equal") {
      in.Fail(Child(path, "operator"), "unknown value \"" + op + "\" (expected Exists or Equal)");
    }
    t.operator_exists = op == "Exists";
    t.value = in.String(list[i], "value", path);
    if (list[i].contains("effect")) {
      t.effect = ParseEnum(kEffects, TaintEffectName, list[i], "effect", path, in,
                           TaintEffect::kNoSchedule);
    }
    t.toleration_seconds = in.OptionalInt(list[i], "toleration_seconds", path);
    out.push_back(std::move(t));
  }
  return out;
}

// ---- pods ----
Json EncodeContainers(const std::vector<Container>& containers) {
  Json out = Json::array();
  for (const Container& c : containers) {
    Json item = {{"name", c.name},
                 {"requests", EncodeResources(c.resources.requests)},
                 {"limits", EncodeResources(c.resources.limits)}};
    PutString(item, "image", c.image);
    PutBool(item, "restart_policy_always", c.restart_policy_always);
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<Container> DecodeContainers(const Json& parent, const char* key,
                                        const std::string& parent_path, FieldReader& in) {
  std::vector<Container> out;
  const Json& list = in.Array(parent, key, parent_path);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = Index(Child(parent_path, key), i);
    Container c;
    c.name = in.String(list[i], "name", path);
    c.image = in.String(list[i], "image", path);
    c.resources.requests = DecodeResources(list[i], "requests", path, in);
    c.resources.limits = DecodeResources(list[i], "limits", path, in);
    c.restart_policy_always = in.Bool(list[i], "restart_policy_always", path);
    out.push_back(std::move(c));
  }
  return out;
}

Json EncodeContainerState(const ContainerState& s) {
  Json out = Json::object();
  PutString(out, "state", s.state);
  PutString(out, "reason", s.reason);
  PutInt(out, "exit_code", s.exit_code);
  if (s.finished_at) out["finished_at"] = FormatRfc3339(*s.finished_at);
  return out;
}
ContainerState DecodeContainerState(const Json& object, const std::string& path, FieldReader& in) {
  return {.state = in.String(object, "state", path),
          .reason = in.String(object, "reason", path),
          .exit_code = static_cast<int32_t>(in.Int(object, "exit_code", path)),
          .finished_at = in.OptionalTime(object, "finished_at", path)};
}

Json EncodeStatuses(const std::vector<ContainerStatus>& statuses) {
  Json out = Json::array();
  for (const ContainerStatus& s : statuses) {
    Json item = {{"name", s.name}, {"current", EncodeContainerState(s.current)}};
    PutBool(item, "ready", s.ready);
    PutInt(item, "restart_count", s.restart_count);
    if (s.last_state) item["last_state"] = EncodeContainerState(*s.last_state);
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<ContainerStatus> DecodeStatuses(const Json& parent, const std::string& parent_path,
                                            FieldReader& in) {
  std::vector<ContainerStatus> out;
  const Json& list = in.Array(parent, "container_statuses", parent_path);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = Index(Child(parent_path, "container_statuses"), i);
    ContainerStatus s;
    s.name = in.String(list[i], "name", path);
    s.ready = in.Bool(list[i], "ready", path);
    s.restart_count = static_cast<int32_t>(in.Int(list[i], "restart_count", path));
    s.current =
        DecodeContainerState(in.Object(list[i], "current", path), Child(path, "current"), in);
    if (list[i].contains("last_state")) {
      s.last_state = DecodeContainerState(in.Object(list[i], "last_state", path),
                                          Child(path, "last_state"), in);
    }
    out.push_back(std::move(s));
  }
  return out;
}

Json EncodeSpread(const std::vector<TopologySpreadConstraint>& spread) {
  Json out = Json::array();
  for (const TopologySpreadConstraint& c : spread) {
    Json item = {{"max_skew", c.max_skew},
                 {"topology_key", c.topology_key},
                 {"when_unsatisfiable", std::string(UnsatisfiableName(c.when_unsatisfiable))},
                 {"label_selector", EncodeSelector(c.label_selector)}};
    if (c.min_domains) item["min_domains"] = *c.min_domains;
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<TopologySpreadConstraint> DecodeSpread(const Json& parent,
                                                   const std::string& parent_path,
                                                   FieldReader& in) {
  std::vector<TopologySpreadConstraint> out;
  const Json& list = in.Array(parent, "topology_spread", parent_path);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = Index(Child(parent_path, "topology_spread"), i);
    TopologySpreadConstraint c;
    c.max_skew = static_cast<int32_t>(in.Int(list[i], "max_skew", path, 1));
    c.topology_key = in.String(list[i], "topology_key", path);
    c.when_unsatisfiable =
        ParseEnum(kUnsatisfiable, UnsatisfiableName, list[i], "when_unsatisfiable", path, in,
                  UnsatisfiableAction::kDoNotSchedule);
    c.label_selector = DecodeSelector(list[i], "label_selector", path, in);
    if (auto min = in.OptionalInt(list[i], "min_domains", path)) {
      c.min_domains = static_cast<int32_t>(*min);
    }
    out.push_back(std::move(c));
  }
  return out;
}

Json EncodeVolumes(const std::vector<Volume>& volumes) {
  Json out = Json::array();
  for (const Volume& v : volumes) {
    Json item = {{"name", v.name}};
    PutString(item, "pvc_claim_name", v.pvc_claim_name);
    PutBool(item, "empty_dir", v.empty_dir);
    PutBool(item, "host_path", v.host_path);
    out.push_back(std::move(item));
  }
  return out;
}

std::vector<Volume> DecodeVolumes(const Json& parent, const std::string& parent_path,
                                  FieldReader& in) {
  std::vector<Volume> out;
  const Json& list = in.Array(parent, "volumes", parent_path);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string path = Index(Child(parent_path, "volumes"), i);
    out.push_back({.name = in.String(list[i], "name", path),
                   .pvc_claim_name = in.String(list[i], "pvc_claim_name", path),
                   .empty_dir = in.Bool(list[i], "empty_dir", path),
                   .host_path = in.Bool(list[i], "host_path", path)});
  }
  return out;
}

// ---- cluster objects ----
Json EncodeNode(const Node& node) {
  Json out = {{"meta", EncodeMeta(node.meta)},
              {"capacity", EncodeResources(node.capacity)},
              {"allocatable", EncodeResources(node.allocatable)}};
  PutString(out, "provider_id", node.provider_id);
  PutBool(out, "unschedulable", node.unschedulable);
  if (!node.taints.empty()) out["taints"] = EncodeTaints(node.taints);
  for (const NodeCondition& c : node.conditions) {
    out["conditions"].push_back({{"type", c.type}, {"status", c.status}, {"reason", c.reason}});
  }
  return out;
}

Node DecodeNode(const Json& object, const std::string& path, FieldReader& in) {
  Node node;
  node.meta = DecodeMeta(object, path, in);
  node.provider_id = in.String(object, "provider_id", path);
  node.unschedulable = in.Bool(object, "unschedulable", path);
  node.taints = DecodeTaints(object, path, in);
  node.capacity = DecodeResources(object, "capacity", path, in);
  node.allocatable = DecodeResources(object, "allocatable", path, in);
  const Json& conditions = in.Array(object, "conditions", path);
  for (size_t i = 0; i < conditions.size(); ++i) {
    std::string item = Index(Child(path, "conditions"), i);
    node.conditions.push_back({.type = in.String(conditions[i], "type", item),
                               .status = in.String(conditions[i], "status", item),
                               .reason = in.String(conditions[i], "reason", item)});
  }
  return node;
}

Json EncodeWorkload(const Workload& w) {
  Json out = {{"kind", std::string(WorkloadKindName(w.kind))},
              {"meta", EncodeMeta(w.meta)},
              {"selector", EncodeSelector(w.selector)},
              {"pod_template", EncodePod(w.pod_template)}};
  if (w.replicas) out["replicas"] = *w.replicas;
  PutInt(out, "ready_replicas", w.ready_replicas);
  PutString(out, "schedule", w.schedule);
  PutBool(out, "suspended", w.suspended);
  PutStringList(out, "volume_claim_templates", w.volume_claim_templates);
  return out;
}

Workload DecodeWorkload(const Json& object, const std::string& path, FieldReader& in) {
  Workload w;
  w.kind = ParseEnum(kKinds, WorkloadKindName, object, "kind", path, in, WorkloadKind::kDeployment);
  w.meta = DecodeMeta(object, path, in);
  if (auto replicas = in.OptionalInt(object, "replicas", path)) {
    w.replicas = static_cast<int32_t>(*replicas);
  }
  w.ready_replicas = static_cast<int32_t>(in.Int(object, "ready_replicas", path));
  w.selector = DecodeSelector(object, "selector", path, in);
  w.pod_template =
      DecodePod(in.Object(object, "pod_template", path), Child(path, "pod_template"), in);
  w.schedule = in.String(object, "schedule", path);
  w.suspended = in.Bool(object, "suspended", path);
  w.volume_claim_templates = in.StringList(object, "volume_claim_templates", path);
  return w;
}

Json EncodeBudget(const PodDisruptionBudget& b) {
  Json out = {{"meta", EncodeMeta(b.meta)}, {"selector", EncodeSelector(b.selector)}};
  if (b.min_available) out["min_available"] = *b.min_available;
  if (b.max_unavailable) out["max_unavailable"] = *b.max_unavailable;
  PutInt(out, "current_healthy", b.current_healthy);
  PutInt(out, "desired_healthy", b.desired_healthy);
  PutInt(out, "expected_pods", b.expected_pods);
  PutInt(out, "disruptions_allowed", b.disruptions_allowed);
  return out;
}

PodDisruptionBudget DecodeBudget(const Json& object, const std::string& path, FieldReader& in) {
  PodDisruptionBudget b;
  b.meta = DecodeMeta(object, path, in);
  b.selector = DecodeSelector(object, "selector", path, in);
  if (object.contains("min_available")) b.min_available = in.String(object, "min_available", path);
  if (object.contains("max_unavailable")) {
    b.max_unavailable = in.String(object, "max_unavailable", path);
  }
  b.current_healthy = static_cast<int32_t>(in.Int(object, "current_healthy", path));
  b.desired_healthy = static_cast<int32_t>(in.Int(object, "desired_healthy", path));
  b.expected_pods = static_cast<int32_t>(in.Int(object, "expected_pods", path));
  b.disruptions_allowed = static_cast<int32_t>(in.Int(object, "disruptions_allowed", path));
  return b;
}

Json EncodeVolume(const PersistentVolume& v) {
  Json out = {{"meta", EncodeMeta(v.meta)}};
  PutInt(out, "capacity_bytes", v.capacity_bytes);
  PutString(out, "storage_class", v.storage_class);
  PutString(out, "ebs_volume_id", v.ebs_volume_id);
  PutString(out, "zone", v.zone);
  PutString(out, "phase", v.phase);
  PutString(out, "claim_ref", v.claim_ref);
  return out;
}

PersistentVolume DecodeVolume(const Json& object, const std::string& path, FieldReader& in) {
  return {.meta = DecodeMeta(object, path, in),
          .capacity_bytes = in.Int(object, "capacity_bytes", path),
          .storage_class = in.String(object, "storage_class", path),
          .ebs_volume_id = in.String(object, "ebs_volume_id", path),
          .zone = in.String(object, "zone", path),
          .phase = in.String(object, "phase", path),
          .claim_ref = in.String(object, "claim_ref", path)};
}

Json EncodeClaim(const PersistentVolumeClaim& c) {
  Json out = {{"meta", EncodeMeta(c.meta)}};
  PutInt(out, "requested_bytes", c.requested_bytes);
  PutString(out, "storage_class", c.storage_class);
  PutString(out, "volume_name", c.volume_name);
  PutString(out, "phase", c.phase);
  return out;
}

PersistentVolumeClaim DecodeClaim(const Json& object, const std::string& path, FieldReader& in) {
  return {.meta = DecodeMeta(object, path, in),
          .requested_bytes = in.Int(object, "requested_bytes", path),
          .storage_class = in.String(object, "storage_class", path),
          .volume_name = in.String(object, "volume_name", path),
          .phase = in.String(object, "phase", path)};
}

Json EncodeNodeUsage(const NodeUsage& u) {
  Json out = {{"node_name", u.node_name}};
  PutTime(out, "timestamp", u.timestamp);
  PutInt(out, "cpu_millis", u.cpu_millis);
  PutInt(out, "memory_bytes", u.memory_bytes);
  return out;
}

NodeUsage DecodeNodeUsage(const Json& object, const std::string& path, FieldReader& in) {
  return {.node_name = in.String(object, "node_name", path),
          .timestamp = in.Time(object, "timestamp", path),
          .cpu_millis = in.Int(object, "cpu_millis", path),
          .memory_bytes = in.Int(object, "memory_bytes", path)};
}

Json EncodePodUsage(const PodUsage& u) {
  Json out = {{"namespace", u.namespace_name}, {"pod_name", u.pod_name}};
  PutTime(out, "timestamp", u.timestamp);
  for (const ContainerUsage& c : u.containers) {
    out["containers"].push_back({{"container_name", c.container_name},
                                 {"cpu_millis", c.cpu_millis},
                                 {"memory_bytes", c.memory_bytes}});
  }
  return out;
}

PodUsage DecodePodUsage(const Json& object, const std::string& path, FieldReader& in) {
  PodUsage u;
  u.namespace_name = in.String(object, "namespace", path);
  u.pod_name = in.String(object, "pod_name", path);
  u.timestamp = in.Time(object, "timestamp", path);
  const Json& list = in.Array(object, "containers", path);
  for (size_t i = 0; i < list.size(); ++i) {
    std::string item = Index(Child(path, "containers"), i);
    u.containers.push_back({.container_name = in.String(list[i], "container_name", item),
                            .cpu_millis = in.Int(list[i], "cpu_millis", item),
                            .memory_bytes = in.Int(list[i], "memory_bytes", item)});
  }
  return u;
}

Json EncodeNamespace(const Namespace& ns) {
  Json out = {{"meta", EncodeMeta(ns.meta)}};
  PutString(out, "phase", ns.phase);
  return out;
}

Namespace DecodeNamespace(const Json& object, const std::string& path, FieldReader& in) {
  return {.meta = DecodeMeta(object, path, in), .phase = in.String(object, "phase", path)};
}

// Encodes every element of `items` as an array under `key`, leaving out empty lists.
template <typename T>
void PutList(Json& out, const char* key, const std::vector<T>& items, Json (*encode)(const T&)) {
  if (items.empty()) return;
  Json list = Json::array();
  for (const T& item : items) list.push_back(encode(item));
  out[key] = std::move(list);
}

template <typename T>
std::vector<T> GetList(const Json& object, const char* key, const std::string& path,
                       FieldReader& in,
                       T (*decode)(const Json&, const std::string&, FieldReader&)) {
  std::vector<T> out;
  const Json& list = in.Array(object, key, path);
  out.reserve(list.size());
  for (size_t i = 0; i < list.size() && !in.failed(); ++i) {
    if (!list[i].is_object()) {
      in.Fail(Index(Child(path, key), i), "expected an object");
      break;
    }
    out.push_back(decode(list[i], Index(Child(path, key), i), in));
  }
  return out;
}

}  // namespace

Json EncodePod(const Pod& pod) {
  Json out = {{"meta", EncodeMeta(pod.meta)},
              {"containers", EncodeContainers(pod.containers)},
              {"phase", std::string(PodPhaseName(pod.phase))}};
  if (!pod.init_containers.empty()) out["init_containers"] = EncodeContainers(pod.init_containers);
  PutString(out, "node_name", pod.node_name);
  PutString(out, "scheduler_name", pod.scheduler_name);
  PutStringMap(out, "node_selector", pod.node_selector);
  Json affinity = EncodeAffinity(pod.affinity);
  if (!affinity.empty()) out["affinity"] = std::move(affinity);
  if (!pod.tolerations.empty()) out["tolerations"] = EncodeTolerations(pod.tolerations);
  if (!pod.topology_spread.empty()) out["topology_spread"] = EncodeSpread(pod.topology_spread);
  if (!pod.volumes.empty()) out["volumes"] = EncodeVolumes(pod.volumes);
  PutInt(out, "priority", pod.priority);
  PutString(out, "priority_class_name", pod.priority_class_name);
  if (!pod.overhead.IsZero()) out["overhead"] = EncodeResources(pod.overhead);
  if (!pod.container_statuses.empty()) {
    out["container_statuses"] = EncodeStatuses(pod.container_statuses);
  }
  return out;
}

Pod DecodePod(const Json& object, const std::string& path, FieldReader& in) {
  Pod pod;
  pod.meta = DecodeMeta(object, path, in);
  pod.containers = DecodeContainers(object, "containers", path, in);
  pod.init_containers = DecodeContainers(object, "init_containers", path, in);
  pod.node_name = in.String(object, "node_name", path);
  pod.scheduler_name = in.String(object, "scheduler_name", path);
  pod.node_selector = in.StringMap(object, "node_selector", path);
  pod.affinity = DecodeAffinity(object, path, in);
  pod.tolerations = DecodeTolerations(object, path, in);
  pod.topology_spread = DecodeSpread(object, path, in);
  pod.volumes = DecodeVolumes(object, path, in);
  pod.priority = static_cast<int32_t>(in.Int(object, "priority", path));
  pod.priority_class_name = in.String(object, "priority_class_name", path);
  pod.overhead = DecodeResources(object, "overhead", path, in);
  pod.phase = ParseEnum(kPhases, PodPhaseName, object, "phase", path, in, PodPhase::kPending);
  pod.container_statuses = DecodeStatuses(object, path, in);
  return pod;
}

Json EncodeSnapshot(const Snapshot& s) {
  Json out = {{"cluster_name", s.cluster_name}, {"region", s.region}};
  PutTime(out, "now", s.now);
  PutList(out, "namespaces", s.namespaces, EncodeNamespace);
  PutList(out, "nodes", s.nodes, EncodeNode);
  PutList(out, "pods", s.pods, EncodePod);
  PutList(out, "workloads", s.workloads, EncodeWorkload);
  PutList(out, "disruption_budgets", s.disruption_budgets, EncodeBudget);
  PutList(out, "persistent_volumes", s.persistent_volumes, EncodeVolume);
  PutList(out, "persistent_volume_claims", s.persistent_volume_claims, EncodeClaim);
  PutList(out, "node_usage", s.node_usage, EncodeNodeUsage);
  PutList(out, "pod_usage", s.pod_usage, EncodePodUsage);
  return out;
}

Snapshot DecodeSnapshot(const Json& object, const std::string& path, FieldReader& in) {
  Snapshot s;
  s.cluster_name = in.String(object, "cluster_name", path);
  s.region = in.String(object, "region", path);
  s.now = in.Time(object, "now", path);
  s.namespaces = GetList(object, "namespaces", path, in, DecodeNamespace);
  s.nodes = GetList(object, "nodes", path, in, DecodeNode);
  s.pods = GetList(object, "pods", path, in, DecodePod);
  s.workloads = GetList(object, "workloads", path, in, DecodeWorkload);
  s.disruption_budgets = GetList(object, "disruption_budgets", path, in, DecodeBudget);
  s.persistent_volumes = GetList(object, "persistent_volumes", path, in, DecodeVolume);
  s.persistent_volume_claims = GetList(object, "persistent_volume_claims", path, in, DecodeClaim);
  s.node_usage = GetList(object, "node_usage", path, in, DecodeNodeUsage);
  s.pod_usage = GetList(object, "pod_usage", path, in, DecodePodUsage);
  return s;
}

}  // namespace cloudoptim::server
