#include "model/pod.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

Container WithRequests(std::string name, int64_t cpu_millis, int64_t memory_bytes) {
  Container c;
  c.name = std::move(name);
  c.resources.requests.cpu_millis = cpu_millis;
  c.resources.requests.memory_bytes = memory_bytes;
  return c;
}

constexpr int64_t kMi = int64_t{1} << 20;

TEST(PodRequestsTest, SumsContainersAndCountsOnePodSlot) {
  Pod pod;
  pod.containers = {WithRequests("app", 250, 256 * kMi), WithRequests("sidecar", 50, 64 * kMi)};
  const Resources r = pod.Requests();
  EXPECT_EQ(r.cpu_millis, 300);
  EXPECT_EQ(r.memory_bytes, 320 * kMi);
  EXPECT_EQ(r.pods, 1);
}

TEST(PodRequestsTest, TakesTheLargerOfAppContainersAndEachInitContainerPerDimension) {
  Pod pod;
  pod.containers = {WithRequests("app", 200, 100 * kMi), WithRequests("b", 100, 100 * kMi)};
  // Init containers run one at a time: the largest counts, not their sum.
  pod.init_containers = {WithRequests("migrate", 500, 50 * kMi),
                         WithRequests("warm", 100, 150 * kMi)};
  const Resources r = pod.Requests();
  EXPECT_EQ(r.cpu_millis, 500);          // init "migrate" beats the 300m sum
  EXPECT_EQ(r.memory_bytes, 200 * kMi);  // the 200Mi sum beats init "warm"
  EXPECT_EQ(r.pods, 1);
}

TEST(PodRequestsTest, AddsRuntimeClassOverhead) {
  Pod pod;
  pod.containers = {WithRequests("app", 100, 100 * kMi)};
  pod.init_containers = {WithRequests("init", 400, 10 * kMi)};
  pod.overhead.cpu_millis = 250;
  pod.overhead.memory_bytes = 120 * kMi;
  const Resources r = pod.Requests();
  EXPECT_EQ(r.cpu_millis, 650);
  EXPECT_EQ(r.memory_bytes, 220 * kMi);
  EXPECT_EQ(r.pods, 1);
}

TEST(PodRequestsTest, SidecarInitContainersAddToTheAppContainers) {
  Pod pod;
  pod.containers = {WithRequests("app", 500, 200 * kMi)};
  Container proxy = WithRequests("proxy", 100, 64 * kMi);
  proxy.restart_policy_always = true;
  // A plain init container that starts after the sidecar runs beside it.
  pod.init_containers = {proxy, WithRequests("migrate", 550, 10 * kMi)};
  const Resources r = pod.Requests();
  EXPECT_EQ(r.cpu_millis, 650);          // migrate 550m + proxy 100m beats app 500m + proxy
  EXPECT_EQ(r.memory_bytes, 264 * kMi);  // app + proxy
  EXPECT_EQ(r.pods, 1);
}

TEST(PodRequestsTest, InitContainersBeforeASidecarDoNotRunBesideIt) {
  Pod pod;
  pod.containers = {WithRequests("app", 100, 100 * kMi)};
  Container proxy = WithRequests("proxy", 100, 100 * kMi);
  proxy.restart_policy_always = true;
  pod.init_containers = {WithRequests("first", 300, 10 * kMi), proxy};
  const Resources r = pod.Requests();
  EXPECT_EQ(r.cpu_millis, 300);  // "first" alone; app + proxy is only 200m
  EXPECT_EQ(r.memory_bytes, 200 * kMi);
}

TEST(PodRequestsTest, PodWithoutRequestsStillTakesASlot) {
  Pod pod;
  pod.containers = {Container{}};
  EXPECT_EQ(pod.Requests(), (Resources{0, 0, 0, 1, 0}));
}

TEST(PodLimitsTest, UsesTheSameRuleWithoutPodSlots) {
  Pod pod;
  Container app;
  app.resources.limits.cpu_millis = 1000;
  app.resources.limits.memory_bytes = 512 * kMi;
  Container init;
  init.resources.limits.cpu_millis = 2000;
  pod.containers = {app};
  pod.init_containers = {init};
  const Resources l = pod.Limits();
  EXPECT_EQ(l.cpu_millis, 2000);
  EXPECT_EQ(l.memory_bytes, 512 * kMi);
  EXPECT_EQ(l.pods, 0);
  // Overhead is added only where a limit is set.
  pod.overhead = {100, 64 * kMi, kMi, 0, 0};
  const Resources with_overhead = pod.Limits();
  EXPECT_EQ(with_overhead.cpu_millis, 2100);
  EXPECT_EQ(with_overhead.memory_bytes, 576 * kMi);
  EXPECT_EQ(with_overhead.ephemeral_storage_bytes, 0);
}

TEST(PodTest, DetectsDaemonSetPodsByControllerReference) {
  Pod pod;
  EXPECT_FALSE(pod.IsDaemonSetPod());
  pod.meta.owner_references = {{"apps/v1", "DaemonSet", "aws-node", "uid-1", false}};
  EXPECT_FALSE(pod.IsDaemonSetPod());  // an owner, but not the controller
  pod.meta.owner_references.Edit([](auto& refs) { refs[0].controller = true; });
  EXPECT_TRUE(pod.IsDaemonSetPod());
  pod.meta.owner_references.Edit([](auto& refs) { refs[0].kind = "ReplicaSet"; });
  EXPECT_FALSE(pod.IsDaemonSetPod());
}

TEST(PodTest, DetectsMirrorPodsByAnnotation) {
  Pod pod;
  EXPECT_FALSE(pod.IsMirrorPod());
  pod.meta.annotations["kubernetes.io/config.mirror"] = "abc123";
  EXPECT_TRUE(pod.IsMirrorPod());
}

TEST(PodTest, DetectsLocalStorage) {
  Pod pod;
  pod.volumes = {Volume{"data", "my-claim", false, false}};
  EXPECT_FALSE(pod.HasLocalStorage());
  pod.volumes.push_back(Volume{"scratch", "", true, false});
  EXPECT_TRUE(pod.HasLocalStorage());
  pod.volumes = {Volume{"host", "", false, true}};
  EXPECT_TRUE(pod.HasLocalStorage());
}

TEST(PodTest, SumsRestartsAndReportsOomKills) {
  Pod pod;
  ContainerStatus a;
  a.restart_count = 3;
  a.last_state = ContainerState{"terminated", "OOMKilled", 137, std::nullopt};
  ContainerStatus b;
  b.restart_count = 2;
  pod.container_statuses = {a, b};
  EXPECT_EQ(pod.RestartCount(), 5);
  EXPECT_TRUE(pod.container_statuses[0].LastTerminationWasOomKilled());
  EXPECT_FALSE(pod.container_statuses[1].LastTerminationWasOomKilled());
}

TEST(PodTest, SucceededAndFailedPodsAreTerminal) {
  Pod pod;
  EXPECT_FALSE(pod.IsTerminal());
  pod.phase = PodPhase::kSucceeded;
  EXPECT_TRUE(pod.IsTerminal());
  pod.phase = PodPhase::kFailed;
  EXPECT_TRUE(pod.IsTerminal());
  EXPECT_EQ(PodPhaseName(PodPhase::kRunning), "Running");
  EXPECT_EQ(PodPhaseName(PodPhase::kPending), "Pending");
}

}  // namespace
}  // namespace cloudoptim
