// Workload decoding for the six controller kinds. They share one model struct; the kind comes
// from the caller (List items carry no "kind"), and each kind keeps its template and replica
// count in slightly different places (CronJob: spec.jobTemplate.spec.template).
#include "kube/object_decoders.h"

namespace cloudoptim::kube_json {
namespace {

Status ReadClaimTemplateName(JsonValue value, std::string* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key != "metadata") return Ok();
    return ForEachField(v, [&](std::string_view field, JsonValue m) -> Status {
      if (field == "name") return ReadString(m, out);
      return Ok();
    });
  });
}

// The spec of a Job, or of a CronJob's jobTemplate.
Status ReadJobSpec(JsonValue value, Workload* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "parallelism") {
      if (IsNull(v)) return Ok();
      int32_t parallelism = 0;
      CO_RETURN_IF_ERROR(ReadInt32(v, &parallelism));
      out->replicas = parallelism;
      return Ok();
    }
    if (key == "suspend") return ReadBool(v, &out->suspended);
    if (key == "selector") return ReadLabelSelector(v, &out->selector);
    if (key == "template") return ReadPodTemplate(v, &out->pod_template);
    return Ok();
  });
}

Status ReadCronJobSpec(JsonValue value, Workload* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "schedule") return ReadString(v, &out->schedule);
    if (key == "suspend") return ReadBool(v, &out->suspended);
    if (key == "jobTemplate") {
      return ForEachField(v, [&](std::string_view field, JsonValue t) -> Status {
        if (field == "metadata") return Ok();
        if (field == "spec") {
          bool cron_suspended = out->suspended;
          CO_RETURN_IF_ERROR(ReadJobSpec(t, out));
          out->suspended = cron_suspended;  // the CronJob's own suspend is what counts
        }
        return Ok();
      });
    }
    return Ok();
  });
}

Status ReadControllerSpec(JsonValue value, Workload* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "replicas") {
      if (IsNull(v)) return Ok();
      int32_t replicas = 0;
      CO_RETURN_IF_ERROR(ReadInt32(v, &replicas));
      out->replicas = replicas;
      return Ok();
    }
    if (key == "selector") return ReadLabelSelector(v, &out->selector);
    if (key == "template") return ReadPodTemplate(v, &out->pod_template);
    if (key == "volumeClaimTemplates") {
      return ReadArray(v, &out->volume_claim_templates, ReadClaimTemplateName);
    }
    return Ok();
  });
}

Status ReadWorkloadStatus(JsonValue value, Workload* out) {
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "readyReplicas" && out->kind != WorkloadKind::kDaemonSet) {
      return ReadInt32(v, &out->ready_replicas);
    }
    if (key == "numberReady" && out->kind == WorkloadKind::kDaemonSet) {
      return ReadInt32(v, &out->ready_replicas);
    }
    if (key == "ready" && out->kind == WorkloadKind::kJob)
      return ReadInt32(v, &out->ready_replicas);
    return Ok();
  });
}

}  // namespace

Status DecodeInto(JsonValue value, Workload* out, const DecodeOptions& options) {
  out->kind = options.workload_kind;
  return ForEachField(value, [&](std::string_view key, JsonValue v) -> Status {
    if (key == "metadata") return ReadObjectMeta(v, &out->meta);
    if (key == "spec") {
      if (out->kind == WorkloadKind::kCronJob) return ReadCronJobSpec(v, out);
      if (out->kind == WorkloadKind::kJob) return ReadJobSpec(v, out);
      return ReadControllerSpec(v, out);
    }
    if (key == "status") return ReadWorkloadStatus(v, out);
    return Ok();
  });
}

std::string_view KindName(const Workload*) { return "Workload"; }

}  // namespace cloudoptim::kube_json
