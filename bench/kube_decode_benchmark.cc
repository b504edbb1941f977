// Decodes a generated 5,000-node / 150,000-pod cluster in realistic Kubernetes JSON (List
// pages of 500 as the API server sends them with limit=500, objects carrying managedFields,
// status.images, conditions, probes, env, projected volumes) into the model, then applies
// watch events to a ClusterCache holding all pods. Prints MB/s, CPU time, model memory per
// pod, peak RSS and the time per watch event.
//
//   build/release/bench/kube_decode_benchmark [nodes=5000] [pods=150000]
#include <malloc.h>
#include <sys/resource.h>
#include <time.h>

#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <fmt/format.h>

#include "kube/cluster_cache.h"
#include "kube/fake_cluster_api.h"
#include "kube/kube_json.h"

namespace cloudoptim {
namespace {

constexpr int kPageSize = 500;
const char* kZones[] = {"us-east-1a", "us-east-1b", "us-east-1c"};
const char* kTypes[] = {"m5.xlarge", "m6i.2xlarge", "c5.4xlarge", "r5.2xlarge", "m5a.8xlarge"};

double CpuSeconds() {
  timespec t{};
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
  return static_cast<double>(t.tv_sec) + static_cast<double>(t.tv_nsec) * 1e-9;
}

long CurrentRssKib() {
  std::ifstream status("/proc/self/status");
  std::string line;
  while (std::getline(status, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtol(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

long PeakRssKib() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return usage.ru_maxrss;
}

// managedFields as kubectl/controllers leave them: big nested fieldsV1 objects.
std::string ManagedFields(int fields) {
  std::string out = R"("managedFields":[)";
  for (int m = 0; m < 3; ++m) {
    if (m) out += ",";
    out += fmt::format(
        R"({{"manager":"manager-{}","operation":"Update","apiVersion":"v1","time":"2026-11-20T10:0{}:00Z","fieldsType":"FieldsV1","fieldsV1":{{"f:metadata":{{"f:labels":{{)",
        m, m);
    for (int f = 0; f < fields; ++f)
      out += fmt::format(R"({}"f:label-{}-{}":{{}})", f ? "," : "", m, f);
    out +=
        R"(}},"f:status":{"f:conditions":{"k:{\"type\":\"Ready\"}":{".":{},"f:lastHeartbeatTime":{},"f:status":{},"f:type":{}}}}}})";
  }
  return out + "]";
}

std::string NodeJson(int i) {
  const char* zone = kZones[i % 3];
  const char* type = kTypes[i % 5];
  std::string out = fmt::format(
      R"({{"metadata":{{"name":"ip-10-{}-{}-{}.ec2.internal","uid":"8c1e6f2a-{:08d}","resourceVersion":"{}","creationTimestamp":"2026-11-01T08:00:00Z","labels":{{"beta.kubernetes.io/arch":"amd64","beta.kubernetes.io/instance-type":"{}","beta.kubernetes.io/os":"linux","eks.amazonaws.com/capacityType":"{}","eks.amazonaws.com/nodegroup":"ng-{}","eks.amazonaws.com/nodegroup-image":"ami-0abcdef1234567890","failure-domain.beta.kubernetes.io/region":"us-east-1","failure-domain.beta.kubernetes.io/zone":"{}","k8s.io/cloud-provider-aws":"a1b2c3","kubernetes.io/arch":"amd64","kubernetes.io/hostname":"ip-10-{}-{}-{}.ec2.internal","kubernetes.io/os":"linux","node.kubernetes.io/instance-type":"{}","topology.ebs.csi.aws.com/zone":"{}","topology.kubernetes.io/region":"us-east-1","topology.kubernetes.io/zone":"{}"}},"annotations":{{"alpha.kubernetes.io/provided-node-ip":"10.0.{}.{}","csi.volume.kubernetes.io/nodeid":"{{\"ebs.csi.aws.com\":\"i-0{:016x}\"}}","node.alpha.kubernetes.io/ttl":"0","volumes.kubernetes.io/controller-managed-attach-detach":"true"}},)",
      i / 65536, (i / 256) % 256, i % 256, i, 1000 + i, type, i % 4 ? "ON_DEMAND" : "SPOT", i % 7,
      zone, i / 65536, (i / 256) % 256, i % 256, type, zone, zone, (i / 256) % 256, i % 256, i);
  out += ManagedFields(40);
  out += fmt::format(
      R"(}},"spec":{{"providerID":"aws:///{}/i-0{:016x}"{}}},"status":{{"capacity":{{"cpu":"16","ephemeral-storage":"83873772Ki","hugepages-1Gi":"0","hugepages-2Mi":"0","memory":"64968436Ki","pods":"234"}},"allocatable":{{"cpu":"15890m","ephemeral-storage":"76224326324","hugepages-1Gi":"0","hugepages-2Mi":"0","memory":"63951604Ki","pods":"234"}},"conditions":[)",
      zone, i,
      i % 50 == 0 ? R"(,"taints":[{"key":"dedicated","value":"batch","effect":"NoSchedule"}])"
                  : "");
  const char* conditions[] = {"MemoryPressure", "DiskPressure", "PIDPressure", "Ready"};
  for (int c = 0; c < 4; ++c) {
    out += fmt::format(
        R"({}{{"type":"{}","status":"{}","lastHeartbeatTime":"2026-11-26T04:00:00Z","lastTransitionTime":"2026-11-01T08:01:00Z","reason":"Kubelet{}","message":"kubelet has sufficient resources or is posting ready status"}})",
        c ? "," : "", conditions[c], c == 3 ? "True" : "False", conditions[c]);
  }
  out += fmt::format(
      R"(],"addresses":[{{"type":"InternalIP","address":"10.0.{}.{}"}},{{"type":"Hostname","address":"ip-10-0-{}-{}.ec2.internal"}},{{"type":"InternalDNS","address":"ip-10-0-{}-{}.ec2.internal"}}],"daemonEndpoints":{{"kubeletEndpoint":{{"Port":10250}}}},"nodeInfo":{{"machineID":"ec2{:029x}","systemUUID":"ec2{:029x}","bootID":"b{:031x}","kernelVersion":"5.10.225-213.878.amzn2.x86_64","osImage":"Amazon Linux 2","containerRuntimeVersion":"containerd://1.7.22","kubeletVersion":"v1.30.4-eks-a737599","kubeProxyVersion":"v1.30.4-eks-a737599","operatingSystem":"linux","architecture":"amd64"}},"images":[)",
      (i / 256) % 256, i % 256, (i / 256) % 256, i % 256, (i / 256) % 256, i % 256, i, i, i);
  int images = 95 + (i * 37) % 100;  // 27-55 KB nodes
  for (int m = 0; m < images; ++m) {
    out += fmt::format(
        R"({}{{"names":["602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/app-image-{}@sha256:{:064x}","602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/app-image-{}:v1.{}.{}-eksbuild.1"],"sizeBytes":{}}})",
        m ? "," : "", m, static_cast<uint64_t>(m) * 2654435761u + static_cast<uint64_t>(i), m,
        m % 30, i % 9, 10000000 + m * 1234567);
  }
  out += R"(],"volumesInUse":["kubernetes.io/csi/ebs.csi.aws.com^vol-0123456789abcdef0"]}})";
  return out;
}

std::string Container(const std::string& name, int i, int cpu_millis, int memory_mib) {
  std::string env;
  for (int e = 0; e < 8; ++e) {
    env += fmt::format(R"({}{{"name":"ENV_VAR_{}","value":"value-of-environment-variable-{}-{}"}})",
                       e ? "," : "", e, e, i % 100);
  }
  return fmt::format(
      R"({{"name":"{}","image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/{}:2026.11.{}","ports":[{{"name":"http","containerPort":8080,"protocol":"TCP"}}],"env":[{}],"resources":{{"limits":{{"cpu":"{}m","memory":"{}Mi"}},"requests":{{"cpu":"{}m","memory":"{}Mi"}}}},"volumeMounts":[{{"name":"kube-api-access-x{:04x}","readOnly":true,"mountPath":"/var/run/secrets/kubernetes.io/serviceaccount"}}],"livenessProbe":{{"httpGet":{{"path":"/healthz","port":8080,"scheme":"HTTP"}},"initialDelaySeconds":10,"timeoutSeconds":1,"periodSeconds":10,"successThreshold":1,"failureThreshold":3}},"readinessProbe":{{"httpGet":{{"path":"/ready","port":8080,"scheme":"HTTP"}},"timeoutSeconds":1,"periodSeconds":5,"successThreshold":1,"failureThreshold":3}},"terminationMessagePath":"/dev/termination-log","terminationMessagePolicy":"File","imagePullPolicy":"IfNotPresent","securityContext":{{"runAsNonRoot":true,"readOnlyRootFilesystem":true,"allowPrivilegeEscalation":false,"capabilities":{{"drop":["ALL"]}}}}}})",
      name, name, i % 28, env, cpu_millis * 2, memory_mib * 2, cpu_millis, memory_mib, i % 65536);
}

std::string ContainerStatus(const std::string& name, int i) {
  return fmt::format(
      R"({{"name":"{}","state":{{"running":{{"startedAt":"2026-11-25T10:00:00Z"}}}},"lastState":{{}},"ready":true,"restartCount":{},"image":"123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/{}:2026.11.{}","imageID":"123456789012.dkr.ecr.us-east-1.amazonaws.com/shop/{}@sha256:{:064x}","containerID":"containerd://{:064x}","started":true}})",
      name, i % 3, name, i % 28, name, static_cast<uint64_t>(i) * 11400714819323198485ull, i);
}

std::string PodJson(int i, int nodes, const std::string& resource_version) {
  int deployment = i / 30;
  std::string ns = fmt::format("team-{}", deployment % 40);
  std::string name = fmt::format("svc-{}-7d9f8b6c5d-{:05x}", deployment, i);
  std::string out = fmt::format(
      R"({{"metadata":{{"name":"{}","generateName":"svc-{}-7d9f8b6c5d-","namespace":"{}","uid":"5f0c3b7e-{:08d}","resourceVersion":"{}","creationTimestamp":"2026-11-25T10:00:00Z","labels":{{"app.kubernetes.io/name":"svc-{}","app.kubernetes.io/part-of":"shop","pod-template-hash":"7d9f8b6c5d","version":"v2"}},"annotations":{{"kubectl.kubernetes.io/restartedAt":"2026-11-20T09:00:00Z","prometheus.io/scrape":"true","prometheus.io/port":"9090"}},"ownerReferences":[{{"apiVersion":"apps/v1","kind":"ReplicaSet","name":"svc-{}-7d9f8b6c5d","uid":"1a2b3c4d-{:08d}","controller":true,"blockOwnerDeletion":true}}],)",
      name, deployment, ns, i, resource_version, deployment, deployment, deployment);
  out += ManagedFields(6);
  out += fmt::format(
      R"(}},"spec":{{"volumes":[{{"name":"kube-api-access-x{:04x}","projected":{{"sources":[{{"serviceAccountToken":{{"expirationSeconds":3607,"path":"token"}}}},{{"configMap":{{"name":"kube-root-ca.crt","items":[{{"key":"ca.crt","path":"ca.crt"}}]}}}},{{"downwardAPI":{{"items":[{{"path":"namespace","fieldRef":{{"apiVersion":"v1","fieldPath":"metadata.namespace"}}}}]}}}}],"defaultMode":420}}}}],"containers":[{},{}],"restartPolicy":"Always","terminationGracePeriodSeconds":30,"dnsPolicy":"ClusterFirst","serviceAccountName":"default","serviceAccount":"default","nodeName":"ip-10-{}-{}-{}.ec2.internal","securityContext":{{"fsGroup":2000}},"affinity":{{"podAntiAffinity":{{"preferredDuringSchedulingIgnoredDuringExecution":[{{"weight":100,"podAffinityTerm":{{"labelSelector":{{"matchLabels":{{"app.kubernetes.io/name":"svc-{}"}}}},"topologyKey":"kubernetes.io/hostname"}}}}]}}}},"schedulerName":"default-scheduler","tolerations":[{{"key":"node.kubernetes.io/not-ready","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}},{{"key":"node.kubernetes.io/unreachable","operator":"Exists","effect":"NoExecute","tolerationSeconds":300}}],"priority":0,"enableServiceLinks":true,"preemptionPolicy":"PreemptLowerPriority"}},"status":{{"phase":"Running","conditions":[)",
      i % 65536, Container("app", i, 100 + (i % 8) * 50, 128 + (i % 4) * 128),
      Container("envoy", i, 50, 64), (i % nodes) / 65536, ((i % nodes) / 256) % 256,
      (i % nodes) % 256, deployment);
  const char* conditions[] = {"PodReadyToStartContainers", "Initialized", "Ready",
                              "ContainersReady", "PodScheduled"};
  for (int c = 0; c < 5; ++c) {
    out += fmt::format(
        R"({}{{"type":"{}","status":"True","lastProbeTime":null,"lastTransitionTime":"2026-11-25T10:00:0{}Z"}})",
        c ? "," : "", conditions[c], c);
  }
  out += fmt::format(
      R"(],"hostIP":"10.0.{}.{}","hostIPs":[{{"ip":"10.0.{}.{}"}}],"podIP":"10.1.{}.{}","podIPs":[{{"ip":"10.1.{}.{}"}}],"startTime":"2026-11-25T10:00:00Z","containerStatuses":[{},{}],"qosClass":"Burstable"}}}})",
      i % 256, i % 200, i % 256, i % 200, (i / 256) % 256, i % 256, (i / 256) % 256, i % 256,
      ContainerStatus("app", i), ContainerStatus("envoy", i));
  return out;
}

template <typename Make>
std::string ListPage(int first, int count, const Make& make) {
  std::string out =
      R"({"kind":"List","apiVersion":"v1","metadata":{"resourceVersion":"99999","continue":"eyJ2IjoibWV0YS5rOHMuaW8vdjEiLCJydiI6OTk5OTl9"},"items":[)";
  for (int i = first; i < first + count; ++i) {
    if (i > first) out += ",";
    out += make(i);
  }
  return out + "]}";
}

struct DecodeFigures {
  double cpu_seconds = 0;
  double bytes = 0;
  size_t min_object = SIZE_MAX, max_object = 0;
};

}  // namespace
}  // namespace cloudoptim

int main(int argc, char** argv) {
  using namespace cloudoptim;
  const int node_count = argc > 1 ? std::atoi(argv[1]) : 5000;
  const int pod_count = argc > 2 ? std::atoi(argv[2]) : 150000;
  if (argc > 3 && std::string(argv[3]) == "--print-samples") {  // the generated JSON, to inspect
    std::printf("%s\n%s\n", NodeJson(1).c_str(), PodJson(1, node_count, "1").c_str());
    return 0;
  }

  std::vector<Node> nodes;
  nodes.reserve(node_count);
  DecodeFigures node_figures;
  for (int first = 0; first < node_count; first += kPageSize) {
    int count = std::min(kPageSize, node_count - first);
    std::string page = ListPage(first, count, [](int i) { return NodeJson(i); });
    if (first == 0) {
      for (int i = 0; i < 50; ++i) {
        size_t size = NodeJson(i).size();
        node_figures.min_object = std::min(node_figures.min_object, size);
        node_figures.max_object = std::max(node_figures.max_object, size);
      }
    }
    double start = CpuSeconds();
    Result<NodeList> list = DecodeNodeList(page);
    node_figures.cpu_seconds += CpuSeconds() - start;
    node_figures.bytes += static_cast<double>(page.size());
    if (!list) {
      std::fprintf(stderr, "node decode failed: %s\n", list.error().ToString().c_str());
      return 1;
    }
    std::move(list->items.begin(), list->items.end(), std::back_inserter(nodes));
  }

  malloc_trim(0);
  const long rss_before_pods = CurrentRssKib();
  std::vector<Pod> pods;
  pods.reserve(pod_count);
  DecodeFigures pod_figures;
  for (int first = 0; first < pod_count; first += kPageSize) {
    int count = std::min(kPageSize, pod_count - first);
    std::string page = ListPage(first, count, [&](int i) { return PodJson(i, node_count, "100"); });
    if (first == 0)
      pod_figures.min_object = pod_figures.max_object = PodJson(0, node_count, "1").size();
    double start = CpuSeconds();
    Result<PodList> list = DecodePodList(page);
    pod_figures.cpu_seconds += CpuSeconds() - start;
    pod_figures.bytes += static_cast<double>(page.size());
    if (!list) {
      std::fprintf(stderr, "pod decode failed: %s\n", list.error().ToString().c_str());
      return 1;
    }
    std::move(list->items.begin(), list->items.end(), std::back_inserter(pods));
  }
  malloc_trim(0);
  const long rss_after_pods = CurrentRssKib();
  const double pod_model_bytes = static_cast<double>(rss_after_pods - rss_before_pods) * 1024.0 /
                                 static_cast<double>(pod_count);

  // Watch events applied to a cache holding every pod.
  FakeClusterApi api;
  FakeClock clock(TimePoint{});
  ClusterCache cache(api, clock, {.resources = {ClusterResource::kPods}});
  for (Pod& pod : pods) {
    ClusterChange change{.resource = ClusterResource::kPods, .type = WatchEventType::kAdded};
    change.object = std::move(pod);
    cache.Apply(std::move(change));
  }
  pods.clear();
  pods.shrink_to_fit();
  const int events = 20000;
  std::vector<std::string> lines;
  lines.reserve(1000);
  for (int e = 0; e < 1000; ++e) {
    lines.push_back("{\"type\":\"MODIFIED\",\"object\":" +
                    PodJson((e * 149) % pod_count, node_count, std::to_string(200000 + e)) + "}");
  }
  double watch_start = CpuSeconds();
  for (int e = 0; e < events; ++e) {
    Result<WatchEvent<Pod>> event = DecodeWatchEvent<Pod>(lines[e % lines.size()]);
    if (!event) return 1;
    ClusterChange change{.resource = ClusterResource::kPods, .type = event->type};
    change.resource_version = event->object.meta.resource_version;
    change.object = std::move(event->object);
    cache.Apply(std::move(change));
  }
  const double watch_micros = (CpuSeconds() - watch_start) * 1e6 / events;

  const double total_cpu = node_figures.cpu_seconds + pod_figures.cpu_seconds;
  const double total_mb = (node_figures.bytes + pod_figures.bytes) / 1e6;
  std::printf("nodes: %d in %.1f MB (objects %.1f-%.1f KB): %.3f s CPU, %.0f MB/s\n", node_count,
              node_figures.bytes / 1e6, node_figures.min_object / 1e3,
              node_figures.max_object / 1e3, node_figures.cpu_seconds,
              node_figures.bytes / 1e6 / node_figures.cpu_seconds);
  std::printf("pods: %d in %.1f MB (%.1f KB each): %.3f s CPU, %.0f MB/s\n", pod_count,
              pod_figures.bytes / 1e6, pod_figures.min_object / 1e3, pod_figures.cpu_seconds,
              pod_figures.bytes / 1e6 / pod_figures.cpu_seconds);
  std::printf("whole snapshot: %.1f MB decoded in %.3f s CPU (%.0f MB/s)\n", total_mb, total_cpu,
              total_mb / total_cpu);
  std::printf("model memory per pod (RSS growth / pods): %.0f bytes (sizeof(Pod) = %zu)\n",
              pod_model_bytes, sizeof(Pod));
  std::printf("interned: %zu distinct strings, %zu distinct label sets\n",
              InternedString::DistinctValues(), Labels::DistinctSets());
  std::printf("watch event (decode + apply to a %zu-pod cache): %.1f us\n",
              cache.snapshot().pods.size(), watch_micros);
  std::printf("peak RSS: %.0f MB\n", static_cast<double>(PeakRssKib()) / 1024.0);
  return 0;
}
