// Decoding of the smaller cluster objects: Namespace, PodDisruptionBudget, PersistentVolume,
// PersistentVolumeClaim, Service, EndpointSlice, Event (core/v1 and events.k8s.io/v1) and
// the Status body of errors and watch ERROR events.
#include "kube/object_decoders.h"

namespace cloudoptim::kube_json {
namespace {

constexpr std::string_view kEbsCsiDriver = "ebs.csi.aws.com";
constexpr std::string_view kTopologyModeAnnotation = "service.kubernetes.io/topology-mode";
constexpr std::string_view kServiceNameLabel = "kubernetes.io/service-name";

// Reads a field of an object into `fn` when the key matches; every other key is skipped.
template <typename Fn>
Status ReadField(JsonValue value, std::string_view wanted, Fn&& fn) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    return key == wanted ? fn(v) : Ok();
  });
}

// The zone a PV is pinned to, from nodeAffinity.required.nodeSelectorTerms.
Status ReadVolumeZone(JsonValue value, std::string* zone) {
  return ReadField(value, "required", [&](JsonValue required) {
    return ReadField(required, "nodeSelectorTerms", [&](JsonValue terms) {
      std::vector<NodeSelectorTerm> parsed;
      return ReadArray(terms, &parsed, [&](JsonValue term, NodeSelectorTerm*) {
        return ReadField(term, "matchExpressions", [&](JsonValue expressions) -> Status {
          std::vector<SelectorRequirement> requirements;
          CO_RETURN_IF_ERROR(ReadArray(expressions, &requirements, ReadSelectorRequirement));
          for (const SelectorRequirement& r : requirements) {
            const bool zone_key = r.key == labels::kZone ||
                                  r.key == "topology.ebs.csi.aws.com/zone" ||
                                  r.key == "failure-domain.beta.kubernetes.io/zone";
            if (zone_key && !r.values.empty() && zone->empty()) *zone = r.values.front();
          }
          return Ok();
        });
      });
    });
  });
}

// "aws://us-east-1a/vol-0abc" or "vol-0abc" -> "vol-0abc".
std::string EbsVolumeIdFromLegacy(std::string_view volume_id) {
  size_t slash = volume_id.rfind('/');
  return std::string(slash == std::string_view::npos ? volume_id : volume_id.substr(slash + 1));
}

Status ReadPersistentVolumeSpec(JsonValue value, PersistentVolume* out) {
  std::string csi_driver, csi_handle;
  CO_RETURN_IF_ERROR(ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "capacity") {
      return ReadField(v, "storage",
                       [&](JsonValue s) { return ReadQuantityValue(s, &out->capacity_bytes); });
    }
    if (key == "storageClassName") return ReadString(v, &out->storage_class);
    if (key == "csi") {
      return ForEachField(v, [&](std::string_view field, JsonValue c) -> Status {
        if (field == "driver") return ReadString(c, &csi_driver);
        if (field == "volumeHandle") return ReadString(c, &csi_handle);
        return Ok();
      });
    }
    if (key == "awsElasticBlockStore") {
      return ReadField(v, "volumeID", [&](JsonValue id) -> Status {
        std::string text;
        CO_RETURN_IF_ERROR(ReadString(id, &text));
        out->ebs_volume_id = EbsVolumeIdFromLegacy(text);
        return Ok();
      });
    }
    if (key == "nodeAffinity") return ReadVolumeZone(v, &out->zone);
    if (key == "claimRef") {
      std::string claim_namespace, claim_name;
      CO_RETURN_IF_ERROR(ForEachField(v, [&](std::string_view field, JsonValue c) -> Status {
        if (field == "namespace") return ReadString(c, &claim_namespace);
        if (field == "name") return ReadString(c, &claim_name);
        return Ok();
      }));
      if (!claim_name.empty()) out->claim_ref = claim_namespace + "/" + claim_name;
    }
    return Ok();
  }));
  if (csi_driver == kEbsCsiDriver && !csi_handle.empty()) out->ebs_volume_id = csi_handle;
  return Ok();
}

Status ReadEventSource(JsonValue value, ClusterEvent* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "kind") return ReadString(v, &out->involved_kind);
    if (key == "name") return ReadString(v, &out->involved_name);
    return Ok();
  });
}

}  // namespace

Status DecodeInto(JsonValue value, Namespace* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "status")
      return ReadField(v, "phase", [&](JsonValue p) { return ReadString(p, &out->phase); });
    return Ok();
  });
}

Status DecodeInto(JsonValue value, PodDisruptionBudget* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "spec") {
      return ForEachField(v, [&](std::string_view field, JsonValue s) -> Status {
        if (field == "selector") return ReadLabelSelector(s, &out->selector);
        if (field == "minAvailable" || field == "maxUnavailable") {
          if (IsNull(s)) return Ok();
          std::string text;
          CO_RETURN_IF_ERROR(ReadIntOrString(s, &text));
          (field == "minAvailable" ? out->min_available : out->max_unavailable) = std::move(text);
        }
        return Ok();
      });
    }
    if (key == "status") {
      return ForEachField(v, [&](std::string_view field, JsonValue s) -> Status {
        if (field == "currentHealthy") return ReadInt32(s, &out->current_healthy);
        if (field == "desiredHealthy") return ReadInt32(s, &out->desired_healthy);
        if (field == "expectedPods") return ReadInt32(s, &out->expected_pods);
        if (field == "disruptionsAllowed") return ReadInt32(s, &out->disruptions_allowed);
        return Ok();
      });
    }
    return Ok();
  });
}

Status DecodeInto(JsonValue value, PersistentVolume* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "spec") return ReadPersistentVolumeSpec(v, out);
    if (key == "status")
      return ReadField(v, "phase", [&](JsonValue p) { return ReadString(p, &out->phase); });
    return Ok();
  });
}

Status DecodeInto(JsonValue value, PersistentVolumeClaim* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "spec") {
      return ForEachField(v, [&](std::string_view field, JsonValue s) -> Status {
        if (field == "storageClassName") return ReadString(s, &out->storage_class);
        if (field == "volumeName") return ReadString(s, &out->volume_name);
        if (field == "resources") {
          return ReadField(s, "requests", [&](JsonValue r) {
            return ReadField(r, "storage", [&](JsonValue q) {
              return ReadQuantityValue(q, &out->requested_bytes);
            });
          });
        }
        return Ok();
      });
    }
    if (key == "status")
      return ReadField(v, "phase", [&](JsonValue p) { return ReadString(p, &out->phase); });
    return Ok();
  });
}

Status DecodeInto(JsonValue value, Service* out, const DecodeOptions&) {
  CO_RETURN_IF_ERROR(ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "spec") {
      return ForEachField(v, [&](std::string_view field, JsonValue s) -> Status {
        if (field == "type") return ReadString(s, &out->type);
        if (field == "selector") return ReadStringMap(s, &out->selector);
        if (field == "trafficDistribution") return ReadString(s, &out->traffic_distribution);
        return Ok();
      });
    }
    return Ok();
  }));
  if (out->traffic_distribution.empty()) {
    if (const std::string* mode = out->meta.Annotation(kTopologyModeAnnotation)) {
      out->traffic_distribution = *mode;
    }
  }
  return Ok();
}

Status DecodeInto(JsonValue value, EndpointSlice* out, const DecodeOptions&) {
  auto read_endpoint = [](JsonValue element, Endpoint* endpoint) {
    return ForEachField(element, [&](std::string_view key, JsonValue v) -> Status {
      if (key == "addresses") {
        std::vector<std::string> addresses;
        CO_RETURN_IF_ERROR(ReadStringList(v, &addresses));
        if (!addresses.empty()) endpoint->address = std::move(addresses.front());
        return Ok();
      }
      if (key == "nodeName") return ReadString(v, &endpoint->node_name);
      if (key == "zone") return ReadString(v, &endpoint->zone);
      if (key == "conditions") {
        return ReadField(v, "ready", [&](JsonValue r) { return ReadBool(r, &endpoint->ready); });
      }
      return Ok();
    });
  };
  CO_RETURN_IF_ERROR(ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "endpoints") return ReadArray(v, &out->endpoints, read_endpoint);
    return Ok();
  }));
  if (const std::string* service = out->meta.Label(kServiceNameLabel)) out->service_name = *service;
  return Ok();
}

// core/v1 Events carry lastTimestamp; newer producers (events.k8s.io/v1) leave it empty and
// set series.lastObservedTime or eventTime instead. The latest one present wins.
Status DecodeInto(JsonValue value, ClusterEvent* out, const DecodeOptions&) {
  TimePoint last{}, series_last{}, event_time{}, created{};
  CO_RETURN_IF_ERROR(ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") {
      ObjectMeta meta;
      CO_RETURN_IF_ERROR(ReadObjectMeta(v, &meta));
      out->namespace_name = std::move(meta.namespace_name);
      created = meta.creation_timestamp;
      return Ok();
    }
    if (key == "involvedObject" || key == "regarding") return ReadEventSource(v, out);
    if (key == "reason") return ReadString(v, &out->reason);
    if (key == "message" || key == "note") return ReadString(v, &out->message);
    if (key == "type") return ReadString(v, &out->type);
    if (key == "count" || key == "deprecatedCount") {
      int32_t count = 0;
      CO_RETURN_IF_ERROR(ReadInt32(v, &count));
      if (count > 0) out->count = count;
      return Ok();
    }
    if (key == "lastTimestamp" || key == "deprecatedLastTimestamp") return ReadTime(v, &last);
    if (key == "eventTime") return ReadTime(v, &event_time);
    if (key == "series") {
      return ReadField(v, "lastObservedTime",
                       [&](JsonValue t) { return ReadTime(t, &series_last); });
    }
    return Ok();
  }));
  out->last_timestamp = std::max({last, series_last, event_time, created});
  return Ok();
}

Status DecodeInto(JsonValue value, KubeStatus* out, const DecodeOptions&) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "code") return ReadInt32(v, &out->code);
    if (key == "reason") return ReadString(v, &out->reason);
    if (key == "message") return ReadString(v, &out->message);
    if (key == "details") {
      return ForEachField(v, [&](std::string_view field, JsonValue d) -> Status {
        if (field == "kind") return ReadString(d, &out->details_kind);
        if (field == "name") return ReadString(d, &out->details_name);
        if (field == "group") return ReadString(d, &out->details_group);
        if (field == "retryAfterSeconds") return ReadInt32(d, &out->retry_after_seconds);
        return Ok();
      });
    }
    return Ok();
  });
}

std::string_view KindName(const Namespace*) { return "Namespace"; }
std::string_view KindName(const PodDisruptionBudget*) { return "PodDisruptionBudget"; }
std::string_view KindName(const PersistentVolume*) { return "PersistentVolume"; }
std::string_view KindName(const PersistentVolumeClaim*) { return "PersistentVolumeClaim"; }
std::string_view KindName(const Service*) { return "Service"; }
std::string_view KindName(const EndpointSlice*) { return "EndpointSlice"; }
std::string_view KindName(const ClusterEvent*) { return "Event"; }
std::string_view KindName(const KubeStatus*) { return "Status"; }

}  // namespace cloudoptim::kube_json
