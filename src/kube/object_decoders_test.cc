// Decoding of realistic API server output: quantities, Lists, watch events, Status bodies,
// metrics, storage and networking objects, and the error messages for bad input.
#include <gtest/gtest.h>

#include "kube/kube_json.h"

namespace cloudoptim {
namespace {

constexpr std::string_view kPodJson = R"({
  "metadata": {"name": "web-7d9f", "namespace": "shop", "uid": "u1",
    "labels": {"app": "web"},
    "annotations": {"kubectl.kubernetes.io/last-applied-configuration": "{\"huge\":1}",
                    "karpenter.sh/do-not-disrupt": "true"},
    "ownerReferences": [{"apiVersion": "apps/v1", "kind": "ReplicaSet", "name": "web-7d", "uid": "r", "controller": true}],
    "managedFields": [{"manager": "kubectl", "fieldsV1": {"f:spec": {"f:containers": {}}}}]},
  "spec": {"nodeName": "ip-10-0-1-2",
    "containers": [{"name": "app", "image": "nginx",
      "resources": {"requests": {"cpu": "250m", "memory": "512Mi", "hugepages-2Mi": "2Mi"},
                    "limits": {"cpu": "1", "memory": "1Gi", "nvidia.com/gpu": "1"}}},
      {"name": "sidecar", "resources": {"requests": {"cpu": "0.1", "memory": "64M"}}}],
    "tolerations": [{"key": "spot", "operator": "Exists", "effect": "NoSchedule"},
                    {"operator": "Exists"}],
    "topologySpreadConstraints": [{"maxSkew": 2, "topologyKey": "topology.kubernetes.io/zone",
      "whenUnsatisfiable": "ScheduleAnyway", "labelSelector": {"matchLabels": {"app": "web"}}}],
    "volumes": [{"name": "data", "persistentVolumeClaim": {"claimName": "data-0"}},
                {"name": "tmp", "emptyDir": {}}]},
  "status": {"phase": "Running", "containerStatuses": [{"name": "app", "ready": true,
    "restartCount": 3, "state": {"running": {"startedAt": "2026-11-26T01:00:00Z"}},
    "lastState": {"terminated": {"reason": "OOMKilled", "exitCode": 137,
                                 "finishedAt": "2026-11-26T00:59:00Z"}}}]}})";

TEST(PodDecoder, ReadsQuantitiesPlacementAndStatus) {
  Result<Pod> pod = DecodePod(kPodJson);
  ASSERT_TRUE(pod.has_value()) << pod.error().ToString();
  ASSERT_EQ(pod->containers.size(), 2u);
  EXPECT_EQ(pod->containers[0].resources.requests.cpu_millis, 250);
  EXPECT_EQ(pod->containers[0].resources.requests.memory_bytes, 512ll << 20);
  EXPECT_EQ(pod->containers[0].resources.limits.cpu_millis, 1000);
  EXPECT_EQ(pod->containers[0].resources.limits.gpus, 1);
  EXPECT_EQ(pod->containers[1].resources.requests.cpu_millis, 100);
  EXPECT_EQ(pod->containers[1].resources.requests.memory_bytes, 64000000);
  EXPECT_EQ(pod->meta.Annotation("kubectl.kubernetes.io/last-applied-configuration"), nullptr);
  EXPECT_NE(pod->meta.Annotation("karpenter.sh/do-not-disrupt"), nullptr);
  EXPECT_EQ(pod->meta.ControllerRef()->kind, "ReplicaSet");
  ASSERT_EQ(pod->tolerations.size(), 2u);
  EXPECT_TRUE(pod->tolerations[0].operator_exists);
  EXPECT_EQ(pod->tolerations[0].effect, TaintEffect::kNoSchedule);
  EXPECT_FALSE(pod->tolerations[1].effect.has_value());
  EXPECT_EQ(pod->topology_spread[0].when_unsatisfiable, UnsatisfiableAction::kScheduleAnyway);
  EXPECT_EQ(pod->volumes[0].pvc_claim_name, "data-0");
  EXPECT_TRUE(pod->volumes[1].empty_dir);
  EXPECT_EQ(pod->phase, PodPhase::kRunning);
  EXPECT_EQ(pod->container_statuses[0].current.state, "running");
  EXPECT_TRUE(pod->container_statuses[0].LastTerminationWasOomKilled());
  EXPECT_EQ(pod->container_statuses[0].last_state->exit_code, 137);
}

TEST(PodDecoder, BadQuantityNamesFieldAndValue) {
  std::string json = R"({"spec": {"containers": [{"name": "a",
      "resources": {"requests": {"cpu": "lots"}}}]}})";
  Result<Pod> pod = DecodePod(json);
  ASSERT_FALSE(pod.has_value());
  EXPECT_EQ(pod.error().code, ErrorCode::kInvalidArgument);
  EXPECT_NE(pod.error().message.find(
                "decoding Pod: spec.containers[0].resources.requests.cpu: bad quantity \"lots\""),
            std::string::npos)
      << pod.error().message;
}

TEST(PodDecoder, WrongTypeAndMalformedJsonAreInvalidArgument) {
  Result<Pod> wrong_type = DecodePod(R"({"spec": {"priority": "high"}})");
  ASSERT_FALSE(wrong_type.has_value());
  EXPECT_NE(wrong_type.error().message.find("spec.priority: expected an integer"),
            std::string::npos)
      << wrong_type.error().message;
  Result<Pod> truncated = DecodePod(R"({"metadata": {"name": "a")");
  ASSERT_FALSE(truncated.has_value());
  EXPECT_EQ(truncated.error().code, ErrorCode::kInvalidArgument);
  EXPECT_FALSE(DecodePod("").has_value());
}

TEST(PodDecoder, NullsMeanAbsent) {
  Result<Pod> pod = DecodePod(R"({"metadata": {"name": "a", "labels": null,
      "creationTimestamp": null}, "spec": {"containers": null, "nodeName": null}})");
  ASSERT_TRUE(pod.has_value()) << pod.error().ToString();
  EXPECT_EQ(pod->meta.name, "a");
  EXPECT_TRUE(pod->containers.empty());
}

TEST(ListDecoder, ReadsItemsContinueAndResourceVersion) {
  std::string json = R"({"kind": "NodeList", "apiVersion": "v1",
    "metadata": {"resourceVersion": "12345", "continue": "tok-2", "remainingItemCount": 3},
    "items": [
      {"metadata": {"name": "n1", "labels": {"node.kubernetes.io/instance-type": "m5.large",
        "topology.kubernetes.io/zone": "us-east-1a", "karpenter.sh/capacity-type": "spot"}},
       "spec": {"providerID": "aws:///us-east-1a/i-0abc", "taints": [{"key": "k", "effect": "NoExecute"}]},
       "status": {"allocatable": {"cpu": "1930m", "memory": "7291760Ki", "pods": "29"},
                  "capacity": {"cpu": "2", "memory": "8023408Ki", "pods": "29"},
                  "conditions": [{"type": "Ready", "status": "True"}],
                  "images": [{"names": ["nginx"], "sizeBytes": 1}]}},
      {"metadata": {"name": "n2"}}]})";
  Result<NodeList> list = DecodeNodeList(json);
  ASSERT_TRUE(list.has_value()) << list.error().ToString();
  EXPECT_EQ(list->resource_version, "12345");
  EXPECT_EQ(list->continue_token, "tok-2");
  ASSERT_EQ(list->items.size(), 2u);
  const Node& n1 = list->items[0];
  EXPECT_EQ(n1.allocatable.cpu_millis, 1930);
  EXPECT_EQ(n1.allocatable.memory_bytes, 7291760ll * 1024);
  EXPECT_EQ(n1.allocatable.pods, 29);
  EXPECT_EQ(n1.taints[0].effect, TaintEffect::kNoExecute);
  EXPECT_TRUE(n1.IsReady());
  EXPECT_EQ(n1.Capacity(), CapacityType::kSpot);
  EXPECT_EQ(n1.InstanceId(), "i-0abc");
  EXPECT_EQ(list->items[1].meta.name, "n2");
}

TEST(ListDecoder, ErrorInSecondItemNamesItsIndex) {
  Result<PodList> list = DecodePodList(
      R"({"items": [{"metadata": {"name": "ok"}}, {"spec": {"overhead": {"memory": "1.2.3"}}}]})");
  ASSERT_FALSE(list.has_value());
  EXPECT_NE(list.error().message.find("items[1].spec.overhead.memory: bad quantity \"1.2.3\""),
            std::string::npos)
      << list.error().message;
}

TEST(WatchEventDecoder, ReadsTypesBookmarksAndExpiry) {
  auto added = DecodeWatchEvent<Pod>(R"({"type": "ADDED", "object": {"metadata": {"name": "p"}}})");
  ASSERT_TRUE(added.has_value()) << added.error().ToString();
  EXPECT_EQ(added->type, WatchEventType::kAdded);
  EXPECT_EQ(added->object.meta.name, "p");

  auto bookmark = DecodeWatchEvent<Pod>(
      R"({"type": "BOOKMARK", "object": {"kind": "Pod", "metadata": {"resourceVersion": "99"}}})");
  ASSERT_TRUE(bookmark.has_value());
  EXPECT_EQ(bookmark->type, WatchEventType::kBookmark);
  EXPECT_EQ(bookmark->object.meta.resource_version, "99");

  auto expired = DecodeWatchEvent<Node>(R"json({"type": "ERROR", "object": {"kind": "Status",
      "status": "Failure", "message": "too old resource version: 1 (5)", "reason": "Expired",
      "code": 410}})json");
  ASSERT_TRUE(expired.has_value()) << expired.error().ToString();
  EXPECT_EQ(expired->type, WatchEventType::kError);
  EXPECT_EQ(expired->status.code, 410);
  EXPECT_EQ(expired->status.reason, "Expired");

  // Object before type: still read as a Status.
  auto reordered = DecodeWatchEvent<Node>(
      R"({"object": {"kind": "Status", "code": 410, "reason": "Gone"}, "type": "ERROR"})");
  ASSERT_TRUE(reordered.has_value()) << reordered.error().ToString();
  EXPECT_EQ(reordered->status.code, 410);

  auto unknown = DecodeWatchEvent<Pod>(R"({"type": "RENAMED", "object": {}})");
  ASSERT_FALSE(unknown.has_value());
  EXPECT_NE(unknown.error().message.find("RENAMED"), std::string::npos);
}

TEST(StatusDecoder, ReadsForbiddenDetailsAndRetryAfter) {
  auto status = DecodeStatus(R"({"kind": "Status", "status": "Failure",
    "message": "pods is forbidden: User \"system:serviceaccount:x:y\" cannot list resource \"pods\" in API group \"\" at the cluster scope",
    "reason": "Forbidden", "details": {"kind": "pods", "retryAfterSeconds": 2}, "code": 403})");
  ASSERT_TRUE(status.has_value()) << status.error().ToString();
  EXPECT_EQ(status->code, 403);
  EXPECT_EQ(status->reason, "Forbidden");
  EXPECT_EQ(status->details_kind, "pods");
  EXPECT_EQ(status->retry_after_seconds, 2);
  EXPECT_NE(status->message.find("cannot list"), std::string::npos);
}

TEST(MetricsDecoder, NodeAndPodMetricsBecomeUsage) {
  auto nodes = DecodeList<NodeUsage>(R"({"kind": "NodeMetricsList", "items": [
    {"metadata": {"name": "n1"}, "timestamp": "2026-11-26T04:00:00Z", "window": "20s",
     "usage": {"cpu": "123456789n", "memory": "2048Ki"}}]})");
  ASSERT_TRUE(nodes.has_value()) << nodes.error().ToString();
  EXPECT_EQ(nodes->items[0].node_name, "n1");
  EXPECT_EQ(nodes->items[0].cpu_millis, 124);  // rounded up, as MilliValue does
  EXPECT_EQ(nodes->items[0].memory_bytes, 2048 * 1024);
  auto pods = DecodeList<PodUsage>(R"({"items": [{"metadata": {"name": "p", "namespace": "ns"},
    "containers": [{"name": "app", "usage": {"cpu": "5m", "memory": "10Mi"}}]}]})");
  ASSERT_TRUE(pods.has_value()) << pods.error().ToString();
  EXPECT_EQ(pods->items[0].namespace_name, "ns");
  EXPECT_EQ(pods->items[0].containers[0].cpu_millis, 5);
  EXPECT_EQ(pods->items[0].containers[0].memory_bytes, 10 << 20);
}

TEST(StorageDecoder, PersistentVolumeFindsEbsVolumeZoneAndClaim) {
  auto pv = DecodeObject<PersistentVolume>(R"({"metadata": {"name": "pv-1"},
    "spec": {"capacity": {"storage": "20Gi"}, "storageClassName": "gp3",
      "csi": {"volumeHandle": "vol-0123", "driver": "ebs.csi.aws.com"},
      "claimRef": {"namespace": "db", "name": "data-0"},
      "nodeAffinity": {"required": {"nodeSelectorTerms": [{"matchExpressions": [
        {"key": "topology.ebs.csi.aws.com/zone", "operator": "In", "values": ["us-east-1b"]}]}]}}},
    "status": {"phase": "Bound"}})");
  ASSERT_TRUE(pv.has_value()) << pv.error().ToString();
  EXPECT_EQ(pv->capacity_bytes, 20ll << 30);
  EXPECT_EQ(pv->ebs_volume_id, "vol-0123");
  EXPECT_EQ(pv->zone, "us-east-1b");
  EXPECT_EQ(pv->claim_ref, "db/data-0");
  EXPECT_EQ(pv->phase, "Bound");
  auto legacy = DecodeObject<PersistentVolume>(
      R"({"spec": {"awsElasticBlockStore": {"volumeID": "aws://us-east-1a/vol-0legacy"}}})");
  ASSERT_TRUE(legacy.has_value());
  EXPECT_EQ(legacy->ebs_volume_id, "vol-0legacy");
  auto pvc = DecodeObject<PersistentVolumeClaim>(R"({"metadata": {"name": "data-0"},
    "spec": {"resources": {"requests": {"storage": "10G"}}, "volumeName": "pv-1"},
    "status": {"phase": "Bound"}})");
  ASSERT_TRUE(pvc.has_value()) << pvc.error().ToString();
  EXPECT_EQ(pvc->requested_bytes, 10000000000);
  EXPECT_EQ(pvc->volume_name, "pv-1");
}

TEST(NetworkDecoder, ServiceAndEndpointSlice) {
  auto service = DecodeObject<Service>(R"({"metadata": {"name": "web",
    "annotations": {"service.kubernetes.io/topology-mode": "Auto"}},
    "spec": {"type": "ClusterIP", "selector": {"app": "web"}}})");
  ASSERT_TRUE(service.has_value()) << service.error().ToString();
  EXPECT_EQ(service->traffic_distribution, "Auto");
  EXPECT_EQ(service->selector.at("app"), "web");
  auto slice = DecodeObject<EndpointSlice>(R"({"metadata": {"name": "web-abc",
    "labels": {"kubernetes.io/service-name": "web"}}, "addressType": "IPv4",
    "endpoints": [{"addresses": ["10.0.1.5"], "conditions": {"ready": true},
                   "nodeName": "n1", "zone": "us-east-1a"}]})");
  ASSERT_TRUE(slice.has_value()) << slice.error().ToString();
  EXPECT_EQ(slice->service_name, "web");
  ASSERT_EQ(slice->endpoints.size(), 1u);
  EXPECT_EQ(slice->endpoints[0].address, "10.0.1.5");
  EXPECT_TRUE(slice->endpoints[0].ready);
  EXPECT_EQ(slice->endpoints[0].zone, "us-east-1a");
}

TEST(WorkloadDecoder, DeploymentListCarriesKind) {
  auto list = DecodeList<Workload>(R"({"items": [{"metadata": {"name": "web"},
    "spec": {"replicas": 3, "selector": {"matchLabels": {"app": "web"}},
      "template": {"metadata": {"labels": {"app": "web"}}, "spec": {"containers": [
        {"name": "app", "resources": {"requests": {"cpu": "500m"}}}]}}},
    "status": {"readyReplicas": 2}}]})",
                                   {.workload_kind = WorkloadKind::kDeployment});
  ASSERT_TRUE(list.has_value()) << list.error().ToString();
  const Workload& w = list->items[0];
  EXPECT_EQ(w.kind, WorkloadKind::kDeployment);
  EXPECT_EQ(w.replicas, 3);
  EXPECT_EQ(w.ready_replicas, 2);
  EXPECT_EQ(w.pod_template.containers[0].resources.requests.cpu_millis, 500);
  EXPECT_TRUE(w.selector.Matches({{"app", "web"}}));
}

}  // namespace
}  // namespace cloudoptim
