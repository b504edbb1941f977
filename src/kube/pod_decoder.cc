// Pod and pod-spec decoding: containers with requests/limits, placement constraints
// (nodeSelector, affinity, tolerations, topology spread), volumes, and container statuses.
#include "kube/object_decoders.h"

namespace cloudoptim::kube_json {
namespace {

Status ReadContainer(JsonValue value, Container* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "name") return ReadString(v, &out->name);
    if (key == "image") return ReadString(v, &out->image);
    if (key == "resources") {
      return ForEachField(v, [&](std::string_view field, JsonValue r) -> Status {
        if (field == "requests") return ReadResources(r, &out->resources.requests);
        if (field == "limits") return ReadResources(r, &out->resources.limits);
        return Ok();
      });
    }
    return Ok();
  });
}

Status ReadNodeSelectorTerm(JsonValue value, NodeSelectorTerm* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "matchExpressions") {
      return ReadArray(v, &out->match_expressions, ReadSelectorRequirement);
    }
    if (key == "matchFields") return ReadArray(v, &out->match_fields, ReadSelectorRequirement);
    return Ok();
  });
}

Status ReadPodAffinityTerm(JsonValue value, PodAffinityTerm* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "labelSelector") return ReadLabelSelector(v, &out->label_selector);
    if (key == "namespaces") return ReadStringList(v, &out->namespaces);
    if (key == "topologyKey") return ReadString(v, &out->topology_key);
    return Ok();
  });
}

Status ReadWeightedTerm(JsonValue value, WeightedPodAffinityTerm* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "weight") return ReadInt32(v, &out->weight);
    if (key == "podAffinityTerm") return ReadPodAffinityTerm(v, &out->term);
    return Ok();
  });
}

Status ReadPodAffinity(JsonValue value, InternedList<PodAffinityTerm>* required,
                       InternedList<WeightedPodAffinityTerm>* preferred) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "requiredDuringSchedulingIgnoredDuringExecution") {
      return ReadArray(v, required, ReadPodAffinityTerm);
    }
    if (key == "preferredDuringSchedulingIgnoredDuringExecution" && preferred != nullptr) {
      return ReadArray(v, preferred, ReadWeightedTerm);
    }
    return Ok();
  });
}

Status ReadAffinity(JsonValue value, Affinity* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "nodeAffinity") {
      return ForEachField(v, [&](std::string_view field, JsonValue n) -> Status {
        if (field != "requiredDuringSchedulingIgnoredDuringExecution") return Ok();
        return ForEachField(n, [&](std::string_view terms_key, JsonValue t) -> Status {
          if (terms_key != "nodeSelectorTerms") return Ok();
          return ReadArray(t, &out->required_node_terms, ReadNodeSelectorTerm);
        });
      });
    }
    if (key == "podAffinity") return ReadPodAffinity(v, &out->required_pod_affinity, nullptr);
    if (key == "podAntiAffinity") {
      return ReadPodAffinity(v, &out->required_pod_anti_affinity,
                             &out->preferred_pod_anti_affinity);
    }
    return Ok();
  });
}

// A toleration whose effect this version does not know tolerates nothing (it is dropped):
// keeping it with "every effect" would let pods onto nodes they must avoid.
Status ReadTolerations(JsonValue value, InternedList<Toleration>* out) {
  std::vector<Toleration> tolerations = out->vector();
  CO_RETURN_IF_ERROR(ForEachElement(value, [&](size_t, JsonValue element) -> Status {
    Toleration toleration;
    std::string op, effect;
    CO_RETURN_IF_ERROR(ForEachField(element, [&](std::string_view key, JsonValue v) -> Status {
      if (key == "key") return ReadString(v, &toleration.key);
      if (key == "operator") return ReadString(v, &op);
      if (key == "value") return ReadString(v, &toleration.value);
      if (key == "effect") return ReadString(v, &effect);
      if (key == "tolerationSeconds") {
        if (IsNull(v)) return Ok();
        int64_t seconds = 0;
        CO_RETURN_IF_ERROR(ReadInt64(v, &seconds));
        toleration.toleration_seconds = seconds;
      }
      return Ok();
    }));
    toleration.operator_exists = op == "Exists";
    if (!effect.empty()) {
      toleration.effect = ParseTaintEffect(effect);
      if (!toleration.effect) return Ok();
    }
    tolerations.push_back(std::move(toleration));
    return Ok();
  }));
  *out = std::move(tolerations);
  return Ok();
}

Status ReadSpreadConstraint(JsonValue value, TopologySpreadConstraint* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "maxSkew") return ReadInt32(v, &out->max_skew);
    if (key == "topologyKey") return ReadString(v, &out->topology_key);
    if (key == "whenUnsatisfiable") {
      std::string_view text;
      CO_RETURN_IF_ERROR(ReadStringView(v, &text));
      out->when_unsatisfiable = text == "ScheduleAnyway" ? UnsatisfiableAction::kScheduleAnyway
                                                         : UnsatisfiableAction::kDoNotSchedule;
      return Ok();
    }
    if (key == "labelSelector") return ReadLabelSelector(v, &out->label_selector);
    if (key == "minDomains") {
      if (IsNull(v)) return Ok();
      int32_t min_domains = 0;
      CO_RETURN_IF_ERROR(ReadInt32(v, &min_domains));
      out->min_domains = min_domains;
    }
    return Ok();
  });
}

Status ReadVolume(JsonValue value, Volume* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "name") return ReadString(v, &out->name);
    if (key == "persistentVolumeClaim") {
      return ForEachField(v, [&](std::string_view field, JsonValue c) -> Status {
        if (field == "claimName") return ReadString(c, &out->pvc_claim_name);
        return Ok();
      });
    }
    if (key == "emptyDir") out->empty_dir = !IsNull(v);
    if (key == "hostPath") out->host_path = !IsNull(v);
    return Ok();
  });
}

// Only volumes something reads are kept: claims (zones, drain) and local storage (eviction
// safety). The rest (the projected service-account token every pod gets, configMaps,
// secrets) would make each pod's list unique by name and cost ~200 bytes a pod.
Status ReadVolumes(JsonValue value, InternedList<Volume>* out) {
  std::vector<Volume> volumes = out->vector();
  CO_RETURN_IF_ERROR(ReadArray(value, &volumes, ReadVolume));
  std::erase_if(volumes, [](const Volume& v) {
    return v.pvc_claim_name.empty() && !v.empty_dir && !v.host_path;
  });
  *out = std::move(volumes);
  return Ok();
}

Status ReadContainerState(JsonValue value, ContainerState* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key != "waiting" && key != "running" && key != "terminated") return Ok();
    if (IsNull(v)) return Ok();
    // The API sets exactly one; the most final state wins if a producer sets several.
    if (out->state == "terminated" || (out->state == "running" && key == "waiting")) return Ok();
    out->state = std::string(key);
    out->reason.clear();
    return ForEachField(v, [&](std::string_view field, JsonValue s) -> Status {
      if (field == "reason") return ReadString(s, &out->reason);
      if (field == "exitCode") return ReadInt32(s, &out->exit_code);
      if (field == "finishedAt") {
        if (IsNull(s)) return Ok();
        TimePoint when{};
        CO_RETURN_IF_ERROR(ReadTime(s, &when));
        out->finished_at = when;
      }
      return Ok();
    });
  });
}

Status ReadContainerStatus(JsonValue value, ContainerStatus* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "name") return ReadString(v, &out->name);
    if (key == "ready") return ReadBool(v, &out->ready);
    if (key == "restartCount") return ReadInt32(v, &out->restart_count);
    if (key == "state") return ReadContainerState(v, &out->current);
    if (key == "lastState") {
      ContainerState last;
      CO_RETURN_IF_ERROR(ReadContainerState(v, &last));
      if (!last.state.empty()) out->last_state = std::move(last);
    }
    return Ok();
  });
}

PodPhase ParsePodPhase(std::string_view text) {
  if (text == "Pending") return PodPhase::kPending;
  if (text == "Running") return PodPhase::kRunning;
  if (text == "Succeeded") return PodPhase::kSucceeded;
  if (text == "Failed") return PodPhase::kFailed;
  return PodPhase::kUnknown;
}

Status ReadPodStatus(JsonValue value, Pod* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "phase") {
      std::string_view text;
      CO_RETURN_IF_ERROR(ReadStringView(v, &text));
      out->phase = text.empty() ? PodPhase::kPending : ParsePodPhase(text);
      return Ok();
    }
    if (key == "containerStatuses") {
      return ReadArray(v, &out->container_statuses, ReadContainerStatus);
    }
    return Ok();
  });
}

}  // namespace

Status ReadPodSpec(JsonValue value, Pod* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "containers") return ReadArray(v, &out->containers, ReadContainer);
    if (key == "initContainers") return ReadArray(v, &out->init_containers, ReadContainer);
    if (key == "nodeName") return ReadString(v, &out->node_name);
    if (key == "schedulerName") return ReadString(v, &out->scheduler_name);
    if (key == "nodeSelector") return ReadStringMap(v, &out->node_selector);
    if (key == "affinity") return ReadAffinity(v, &out->affinity);
    if (key == "tolerations") return ReadTolerations(v, &out->tolerations);
    if (key == "topologySpreadConstraints") {
      return ReadArray(v, &out->topology_spread, ReadSpreadConstraint);
    }
    if (key == "volumes") return ReadVolumes(v, &out->volumes);
    if (key == "priority") return ReadInt32(v, &out->priority);
    if (key == "priorityClassName") return ReadString(v, &out->priority_class_name);
    if (key == "overhead") return ReadResources(v, &out->overhead);
    return Ok();
  });
}

Status ReadPodTemplate(JsonValue value, Pod* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "spec") return ReadPodSpec(v, out);
    return Ok();
  });
}

Status DecodeInto(JsonValue value, Pod* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "spec") return ReadPodSpec(v, out);
    if (key == "status") return ReadPodStatus(v, out);
    return Ok();
  });
}

std::string_view KindName(const Pod*) { return "Pod"; }

}  // namespace cloudoptim::kube_json
