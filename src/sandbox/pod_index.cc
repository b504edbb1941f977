#include "sandbox/pod_index.h"

#include <nlohmann/json.hpp>

#include "sandbox/quantity_text.h"

namespace cloudoptim::sandbox {

using nlohmann::json;

int64_t PodRecord::CpuRequestMillis() const {
  int64_t total = 0;
  for (const ContainerRecord& c : containers) total += c.cpu_request_millis;
  return total;
}

int64_t PodRecord::MemoryRequestBytes() const {
  int64_t total = 0;
  for (const ContainerRecord& c : containers) total += c.memory_request_bytes;
  return total;
}

PodRecord SummarizePodObject(const json& pod) {
  PodRecord r;
  const json& meta = pod["metadata"];
  r.namespace_name = meta.value("namespace", "");
  r.name = meta.value("name", "");
  r.uid = meta.value("uid", "");
  if (meta.contains("labels") && meta["labels"].is_object()) {
    for (const auto& [k, v] : meta["labels"].items()) {
      if (v.is_string()) r.labels[k] = v.get<std::string>();
    }
  }
  if (meta.contains("ownerReferences")) {
    for (const json& ref : meta["ownerReferences"]) {
      if (!ref.value("controller", false)) continue;
      r.owner_uid = ref.value("uid", "");
      r.owner_kind = ref.value("kind", "");
    }
  }
  if (meta.contains("annotations") && meta["annotations"].contains(kUsageAnnotation)) {
    const json& text = meta["annotations"][std::string(kUsageAnnotation)];
    if (text.is_string()) r.profile = ParseUsageProfile(text.get<std::string>());
  }
  if (meta.contains("deletionTimestamp") && meta["deletionTimestamp"].is_string()) {
    r.deleting = ParseRfc3339(meta["deletionTimestamp"].get<std::string>(), &r.delete_at);
  }
  if (pod.contains("spec")) {
    const json& spec = pod["spec"];
    r.node_name = spec.value("nodeName", "");
    if (spec.contains("containers") && spec["containers"].is_array()) {
      for (const json& c : spec["containers"]) {
        ContainerRecord cr;
        cr.name = c.value("name", "");
        if (c.contains("resources")) {
          const json& res = c["resources"];
          if (res.contains("requests")) {
            cr.cpu_request_millis = CpuMillisOf(res["requests"].value("cpu", json()));
            cr.memory_request_bytes = MemoryBytesOf(res["requests"].value("memory", json()));
          }
          if (res.contains("limits")) {
            cr.memory_limit_bytes = MemoryBytesOf(res["limits"].value("memory", json()));
            // Kubernetes defaults requests to limits when only limits are set.
            if (cr.cpu_request_millis == 0) {
              cr.cpu_request_millis = CpuMillisOf(res["limits"].value("cpu", json()));
            }
            if (cr.memory_request_bytes == 0) cr.memory_request_bytes = cr.memory_limit_bytes;
          }
        }
        r.containers.push_back(std::move(cr));
      }
    }
  }
  if (pod.contains("status")) {
    r.phase = pod["status"].value("phase", "Pending");
    r.pod_ip = pod["status"].value("podIP", "");
    if (pod["status"].contains("conditions")) {
      for (const json& c : pod["status"]["conditions"]) {
        if (c.value("type", "") == "Ready") r.ready = c.value("status", "") == "True";
      }
    }
  } else {
    r.phase = "Pending";
  }
  return r;
}

void PodIndex::Apply(WatchEventType type, const json& pod) {
  PodRecord record = SummarizePodObject(pod);
  std::lock_guard lock(mutex_);
  ++generation_;
  if (type == WatchEventType::kDeleted) {
    pods_.erase(record.Key());
  } else {
    std::string key = record.Key();
    pods_[key] = std::move(record);
  }
}

void PodIndex::ForEach(const std::function<void(const PodRecord&)>& visit) const {
  std::lock_guard lock(mutex_);
  for (const auto& [key, record] : pods_) visit(record);
}

size_t PodIndex::size() const {
  std::lock_guard lock(mutex_);
  return pods_.size();
}

uint64_t PodIndex::generation() const {
  std::lock_guard lock(mutex_);
  return generation_;
}

}  // namespace cloudoptim::sandbox
