#include "sandbox/node_factory.h"

#include <algorithm>
#include <optional>

#include <nlohmann/json.hpp>

#include "sandbox/quantity_text.h"

namespace cloudoptim::sandbox {

using nlohmann::json;

std::string NodeNameForIp(const std::string& private_ip) {
  std::string name = "ip-" + private_ip;
  std::replace(name.begin(), name.end(), '.', '-');
  return name + ".ec2.internal";
}

const Catalog* ShippedCatalog() {
  static const std::optional<Catalog> catalog = []() -> std::optional<Catalog> {
    Result<Catalog> loaded = Catalog::Load(DefaultDataDirectory());
    if (!loaded) return std::nullopt;
    return std::move(*loaded);
  }();
  return catalog ? &*catalog : nullptr;
}

Result<const InstanceType*> FindNodeType(const Catalog* catalog, std::string_view instance_type) {
  const InstanceType* type = catalog == nullptr ? nullptr : catalog->FindType(instance_type);
  if (type == nullptr) {
    return InvalidArgument("instance type \"" + std::string(instance_type) +
                           "\" has no entry in the instance catalogue");
  }
  return type;
}

json MakeNodeObject(const Ec2Instance& instance, const std::string& node_group,
                    const std::string& region, const InstanceType& type) {
  const std::string arch(ArchitectureName(type.arch));
  std::string name = NodeNameForIp(instance.private_ip);
  bool spot = instance.capacity == CapacityType::kSpot;
  json labels = {{"node.kubernetes.io/instance-type", instance.instance_type},
                 {"beta.kubernetes.io/instance-type", instance.instance_type},
                 {"topology.kubernetes.io/zone", instance.availability_zone},
                 {"topology.kubernetes.io/region", region},
                 {"failure-domain.beta.kubernetes.io/zone", instance.availability_zone},
                 {"kubernetes.io/hostname", name},
                 {"kubernetes.io/arch", arch},
                 {"kubernetes.io/os", "linux"},
                 {"karpenter.sh/capacity-type", spot ? "spot" : "on-demand"},
                 {"eks.amazonaws.com/capacityType", spot ? "SPOT" : "ON_DEMAND"},
                 {"eks.amazonaws.com/nodegroup", node_group},
                 {"cloudoptim.io/node-group", node_group}};
  const Resources& alloc = type.allocatable;
  json capacity = {{"cpu", std::to_string(type.vcpus)},
                   {"memory", std::to_string(type.memory_mib * 1024) + "Ki"},
                   {"pods", std::to_string(alloc.pods)},
                   {"ephemeral-storage", "20959212Ki"}};
  json allocatable = {
      {"cpu", FormatCpu(alloc.cpu_millis)},
      {"memory", std::to_string(alloc.memory_bytes >> 20) + "Mi"},
      {"pods", std::to_string(alloc.pods)},
      {"ephemeral-storage", std::to_string(alloc.ephemeral_storage_bytes >> 20) + "Mi"}};
  if (type.gpus > 0) {
    capacity["nvidia.com/gpu"] = std::to_string(type.gpus);
    allocatable["nvidia.com/gpu"] = std::to_string(type.gpus);
  }
  std::string since = FormatRfc3339(instance.launch_time);
  auto condition = [&](const char* type, const char* status, const char* reason,
                       const char* message) {
    return json{{"type", type},       {"status", status},           {"reason", reason},
                {"message", message}, {"lastHeartbeatTime", since}, {"lastTransitionTime", since}};
  };
  return {{"apiVersion", "v1"},
          {"kind", "Node"},
          {"metadata",
           {{"name", name},
            {"labels", labels},
            {"annotations",
             {{"alpha.kubernetes.io/provided-node-ip", instance.private_ip},
              {"node.alpha.kubernetes.io/ttl", "0"}}}}},
          {"spec",
           {{"providerID", "aws:///" + instance.availability_zone + "/" + instance.instance_id}}},
          {"status",
           {{"capacity", capacity},
            {"allocatable", allocatable},
            {"conditions",
             {condition("MemoryPressure", "False", "KubeletHasSufficientMemory",
                        "kubelet has sufficient memory available"),
              condition("DiskPressure", "False", "KubeletHasNoDiskPressure",
                        "kubelet has no disk pressure"),
              condition("PIDPressure", "False", "KubeletHasSufficientPID",
                        "kubelet has sufficient PID available"),
              condition("Ready", "True", "KubeletReady", "kubelet is posting ready status")}},
            {"addresses",
             {{{"type", "InternalIP"}, {"address", instance.private_ip}},
              {{"type", "InternalDNS"}, {"address", name}},
              {{"type", "Hostname"}, {"address", name}}}},
            {"daemonEndpoints", {{"kubeletEndpoint", {{"Port", 10250}}}}},
            {"nodeInfo",
             {{"machineID", instance.instance_id},
              {"systemUUID", instance.instance_id},
              {"bootID", instance.instance_id + "-boot"},
              {"kernelVersion", "6.1.112-124.190.amzn2023.x86_64"},
              {"osImage", "Amazon Linux 2023.6.20241111"},
              {"containerRuntimeVersion", "containerd://1.7.23"},
              {"kubeletVersion", "v1.32.0-eks-sandbox"},
              {"kubeProxyVersion", "v1.32.0-eks-sandbox"},
              {"operatingSystem", "linux"},
              {"architecture", arch}}}}}};
}

std::string InstanceIdOfNode(const json& node) {
  if (!node.contains("spec")) return "";
  std::string provider = node["spec"].value("providerID", "");
  if (!provider.starts_with("aws://")) return "";
  size_t slash = provider.rfind('/');
  return slash == std::string::npos ? "" : provider.substr(slash + 1);
}

}  // namespace cloudoptim::sandbox
