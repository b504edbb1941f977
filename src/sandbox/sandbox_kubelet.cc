#include "sandbox/sandbox_kubelet.h"

#include <vector>

#include <nlohmann/json.hpp>

#include "sandbox/quantity_text.h"
#include "sandbox/workload_controllers.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

std::string PodIp(uint64_t n) {
  return "10.1." + std::to_string((n / 250) % 250) + "." + std::to_string(n % 250 + 2);
}

// An OOM kill counts once per container per 10 minutes of simulated time: the usage model
// keeps memory above the limit for a while, and a real container would restart, start
// small and be killed again only as it grows back.
constexpr auto kOomCooldown = std::chrono::minutes(10);

}  // namespace

void SandboxKubelet::MarkRunning(json& pod, TimePoint now, const std::string& pod_ip) {
  std::string when = FormatRfc3339(now);
  json statuses = json::array();
  for (const json& c : pod["spec"].value("containers", json::array())) {
    statuses.push_back(
        {{"name", c.value("name", "")},
         {"image", c.value("image", "")},
         {"imageID", c.value("image", "")},
         {"containerID", "containerd://" + pod["metadata"].value("uid", "") + c.value("name", "")},
         {"ready", true},
         {"started", true},
         {"restartCount", 0},
         {"state", {{"running", {{"startedAt", when}}}}}});
  }
  json& status = pod["status"];
  status["phase"] = "Running";
  status["podIP"] = pod_ip;
  status["podIPs"] = json::array({{{"ip", pod_ip}}});
  status["hostIP"] = pod_ip.substr(0, pod_ip.rfind('.')) + ".1";
  status["startTime"] = when;
  status["qosClass"] = "Burstable";
  status["containerStatuses"] = statuses;
  status["conditions"] = json::array();
  for (const char* type :
       {"PodReadyToStartContainers", "Initialized", "Ready", "ContainersReady", "PodScheduled"}) {
    status["conditions"].push_back(
        {{"type", type}, {"status", "True"}, {"lastTransitionTime", when}});
  }
}

ContainerUsage SandboxKubelet::UsageOf(const PodRecord& pod, const ContainerRecord& container,
                                       TimePoint now) const {
  return SampleUsage(pod.profile, seed_, pod.Key() + "/" + container.name,
                     container.cpu_request_millis, container.memory_request_bytes,
                     container.memory_limit_bytes, now);
}

void SandboxKubelet::Tick(TimePoint now) {
  std::vector<PodRecord> to_start;
  std::vector<PodRecord> to_complete;
  std::vector<PodRecord> to_check;
  std::vector<std::pair<std::string, std::string>> to_delete;
  index_->ForEach([&](const PodRecord& p) {
    if (p.deleting) {
      if (now >= p.delete_at || p.node_name.empty())
        to_delete.emplace_back(p.namespace_name, p.name);
      return;
    }
    if (p.node_name.empty()) return;
    if (p.phase == "Pending") {
      to_start.push_back(p);
    } else if (p.phase == "Running" && p.owner_kind == "Job") {
      to_complete.push_back(p);
    } else if (p.phase == "Running" && p.profile.oom_prone) {
      to_check.push_back(p);
    }
  });
  for (const auto& [ns, name] : to_delete) (void)store_->Delete("pods", ns, name);
  for (const PodRecord& p : to_start) StartPod(p, now);
  for (const PodRecord& p : to_complete) CompleteJobPod(p, now);
  for (const PodRecord& p : to_check) CheckOom(p, now);
}

void SandboxKubelet::StartPod(const PodRecord& p, TimePoint now) {
  std::string ip = PodIp(++next_ip_ + seed_ % 1000);
  (void)store_->Mutate("pods", p.namespace_name, p.name, [&](json& pod) -> Status {
    MarkRunning(pod, now, ip);
    return Ok();
  });
}

void SandboxKubelet::CompleteJobPod(const PodRecord& p, TimePoint now) {
  Result<json> pod = store_->Get("pods", p.namespace_name, p.name);
  if (!pod) return;
  int64_t run_seconds = 60;
  const json& meta = (*pod)["metadata"];
  if (meta.contains("annotations") && meta["annotations"].contains(kRunSecondsAnnotation) &&
      meta["annotations"][std::string(kRunSecondsAnnotation)].is_string()) {
    run_seconds = std::strtoll(
        meta["annotations"][std::string(kRunSecondsAnnotation)].get<std::string>().c_str(), nullptr,
        10);
  }
  int64_t exit_code = 0;
  if (meta.contains("annotations") && meta["annotations"].contains(kExitCodeAnnotation) &&
      meta["annotations"][std::string(kExitCodeAnnotation)].is_string()) {
    exit_code = std::strtoll(
        meta["annotations"][std::string(kExitCodeAnnotation)].get<std::string>().c_str(), nullptr,
        10);
  }
  TimePoint started;
  if (!ParseRfc3339((*pod)["status"].value("startTime", ""), &started)) return;
  if (now < started + std::chrono::seconds(run_seconds)) return;
  std::string when = FormatRfc3339(now);
  (void)store_->Mutate("pods", p.namespace_name, p.name, [&](json& o) -> Status {
    o["status"]["phase"] = exit_code == 0 ? "Succeeded" : "Failed";
    for (json& c : o["status"]["containerStatuses"]) {
      c["ready"] = false;
      c["started"] = false;
      c["state"] = {{"terminated",
                     {{"exitCode", exit_code},
                      {"reason", exit_code == 0 ? "Completed" : "Error"},
                      {"startedAt", FormatRfc3339(started)},
                      {"finishedAt", when}}}};
    }
    for (json& c : o["status"]["conditions"]) {
      if (c["type"] == "Ready" || c["type"] == "ContainersReady") c["status"] = "False";
    }
    return Ok();
  });
}

void SandboxKubelet::CheckOom(const PodRecord& p, TimePoint now) {
  for (const ContainerRecord& c : p.containers) {
    if (c.memory_limit_bytes <= 0) continue;
    ContainerUsage usage = UsageOf(p, c, now);
    if (usage.memory_bytes <= c.memory_limit_bytes) continue;
    std::string key = p.Key() + "/" + c.name;
    auto last = last_oom_.find(key);
    if (last != last_oom_.end() && now - last->second < kOomCooldown) continue;
    last_oom_[key] = now;
    std::string when = FormatRfc3339(now);
    auto updated = store_->Mutate("pods", p.namespace_name, p.name, [&](json& pod) -> Status {
      for (json& status : pod["status"]["containerStatuses"]) {
        if (status.value("name", "") != c.name) continue;
        std::string started = when;
        if (status.contains("state") && status["state"].contains("running")) {
          started = status["state"]["running"].value("startedAt", when);
        }
        status["lastState"] = {{"terminated",
                                {{"exitCode", 137},
                                 {"reason", "OOMKilled"},
                                 {"startedAt", started},
                                 {"finishedAt", when},
                                 {"containerID", status.value("containerID", "")}}}};
        status["restartCount"] = status.value("restartCount", 0) + 1;
        status["state"] = {{"running", {{"startedAt", when}}}};
      }
      return Ok();
    });
    if (updated) {
      RecordEvent(*store_, *updated, "Warning", "OOMKilling",
                  "Memory cgroup out of memory: Killed process of container " + c.name +
                      " (limit " + FormatMemory(c.memory_limit_bytes) + ")",
                  "kubelet", now);
    }
  }
}

}  // namespace cloudoptim::sandbox
