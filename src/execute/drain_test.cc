#include "execute/drain.h"

#include <condition_variable>
#include <functional>
#include <mutex>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "execute/execute_test_util.h"
#include "kube/fake_cluster_api.h"

namespace cloudoptim {
namespace {

using ::testing::Contains;
using ::testing::Not;
using testutil::AppPod;
using testutil::ReadyNode;

using testutil::kT0;

// Delegates to a FakeClusterApi and lets a test intercept evictions (to refuse, delay or
// observe them) without a mock framework.
class InterceptingApi final : public ClusterApi {
 public:
  using EvictHook = std::function<std::optional<Result<EvictionOutcome>>(const std::string& key)>;
  explicit InterceptingApi(FakeClusterApi& fake) : fake_(fake) {}
  void OnEvict(EvictHook hook) { hook_ = std::move(hook); }

  Result<std::string> List(ClusterResource r, const ListOptions& o, Snapshot* out) override {
    return fake_.List(r, o, out);
  }
  Result<Node> GetNode(std::string_view name) override { return fake_.GetNode(name); }
  Result<Pod> GetPod(std::string_view ns, std::string_view name) override {
    return fake_.GetPod(ns, name);
  }
  Status Watch(ClusterResource r, std::string_view rv, const ChangeCallback& cb,
               const std::atomic<bool>* cancelled) override {
    return fake_.Watch(r, rv, cb, cancelled);
  }
  Status SetUnschedulable(std::string_view node, bool u, const ActOptions& o) override {
    return fake_.SetUnschedulable(node, u, o);
  }
  Status SetTaint(std::string_view node, const Taint& t, bool p, const ActOptions& o) override {
    return fake_.SetTaint(node, t, p, o);
  }
  Status PatchMetadata(const ObjectRef& ref,
                       const std::map<std::string, std::optional<std::string>>& labels,
                       const std::map<std::string, std::optional<std::string>>& annotations,
                       const ActOptions& o) override {
    return fake_.PatchMetadata(ref, labels, annotations, o);
  }
  Result<EvictionOutcome> Evict(std::string_view ns, std::string_view pod,
                                const ActOptions& o) override {
    if (hook_) {
      if (auto answer = hook_(std::string(ns) + "/" + std::string(pod))) return *answer;
    }
    return fake_.Evict(ns, pod, o);
  }
  Status DeletePod(std::string_view ns, std::string_view pod, const ActOptions& o) override {
    return fake_.DeletePod(ns, pod, o);
  }
  Status Scale(WorkloadKind k, std::string_view ns, std::string_view n, int32_t r,
               const ActOptions& o) override {
    return fake_.Scale(k, ns, n, r, o);
  }
  Status PatchContainerResources(WorkloadKind k, std::string_view ns, std::string_view n,
                                 std::string_view c, const ContainerResources& res,
                                 const ActOptions& o) override {
    return fake_.PatchContainerResources(k, ns, n, c, res, o);
  }

 private:
  FakeClusterApi& fake_;
  EvictHook hook_;
};

class DrainTest : public ::testing::Test {
 protected:
  void SetUp() override {
    fake_.AddNode(ReadyNode("n1", "i-0001"));
    fake_.AddNode(ReadyNode("n2", "i-0002"));
    options_.deadline = std::chrono::seconds(60);
    options_.pdb_retry_backoff = std::chrono::seconds(5);
  }
  const PodDrainResult* Find(const DrainReport& report, const std::string& key) {
    for (const PodDrainResult& pod : report.pods) {
      if (pod.pod == key) return &pod;
    }
    return nullptr;
  }

  FakeClusterApi fake_;
  FakeClock clock_{kT0};
  DrainOptions options_;
};

TEST_F(DrainTest, CordonsAndEvictsEveryPodButDaemonSetMirrorAndFinishedOnes) {
  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  fake_.AddPod(AppPod("shop", "web-2", "n1"));
  fake_.AddPod(AppPod("shop", "other", "n2"));
  fake_.AddPod(testutil::DaemonPod("fluent-bit-x", "n1"));
  fake_.AddPod(testutil::MirrorPod("kube-proxy-n1", "n1"));
  Pod done = AppPod("batch", "job-1", "n1");
  done.phase = PodPhase::kSucceeded;
  fake_.AddPod(done);

  DrainReport report = DrainNode(fake_, "n1", options_, clock_);

  EXPECT_TRUE(report.Complete()) << report.Summary();
  EXPECT_TRUE(report.cordoned);
  EXPECT_TRUE(fake_.GetNode("n1")->unschedulable);
  EXPECT_EQ(report.Count(PodDrainOutcome::kGone), 2) << report.Summary();
  EXPECT_EQ(report.Count(PodDrainOutcome::kSkipped), 3);
  EXPECT_EQ(Find(report, "kube-system/fluent-bit-x")->detail, "DaemonSet pod");
  EXPECT_EQ(Find(report, "kube-system/kube-proxy-n1")->detail, "mirror pod");
  EXPECT_TRUE(fake_.GetPod("shop", "other").has_value());  // another node's pod stays
  EXPECT_THAT(fake_.calls(), Not(Contains("Evict kube-system/fluent-bit-x")));
  EXPECT_THAT(fake_.calls(), Not(Contains(::testing::StartsWith("DeletePod"))));
}

TEST_F(DrainTest, IssuesEvictionsConcurrently) {
  for (int i = 0; i < 30; ++i) fake_.AddPod(AppPod("shop", "web-" + std::to_string(i), "n1"));
  // Each eviction waits until another one is in flight: a drain that evicted one pod after
  // another would see no overlap and report it. The wait is long (60 s of real time: the
  // second eviction's thread may start late on a loaded machine) but happens at most once:
  // after one wait in vain the rest do not wait, so a sequential drain fails in 60 s, not 30 x.
  std::mutex mutex;
  std::condition_variable changed;
  int in_flight = 0;
  int max_in_flight = 0;
  bool waited_in_vain = false;
  InterceptingApi api(fake_);
  api.OnEvict([&](const std::string&) -> std::optional<Result<EvictionOutcome>> {
    std::unique_lock lock(mutex);
    max_in_flight = std::max(max_in_flight, ++in_flight);
    changed.notify_all();
    if (!waited_in_vain) {
      waited_in_vain =
          !changed.wait_for(lock, std::chrono::seconds(60), [&] { return max_in_flight >= 2; });
    }
    --in_flight;
    return std::nullopt;
  });

  DrainReport report = DrainNode(api, "n1", options_, clock_);

  EXPECT_TRUE(report.Complete()) << report.Summary();
  EXPECT_EQ(report.Count(PodDrainOutcome::kGone), 30);
  EXPECT_GE(max_in_flight, 2);
}

TEST_F(DrainTest, RetriesAnEvictionAPdbRefusedWithGrowingBackoff) {
  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  fake_.AddPod(AppPod("shop", "web-2", "n1"));
  int refusals = 0;
  InterceptingApi api(fake_);
  api.OnEvict([&](const std::string& key) -> std::optional<Result<EvictionOutcome>> {
    if (key == "shop/web-2" && refusals < 2) {
      ++refusals;
      return EvictionOutcome::kBlockedByDisruptionBudget;
    }
    return std::nullopt;
  });

  DrainReport report = DrainNode(api, "n1", options_, clock_);

  EXPECT_TRUE(report.Complete()) << report.Summary();
  EXPECT_EQ(Find(report, "shop/web-2")->attempts, 3);
  EXPECT_EQ(Find(report, "shop/web-1")->attempts, 1);
  // 5 s, then 10 s of backoff before the third attempt succeeded.
  EXPECT_EQ(clock_.Now() - kT0, std::chrono::seconds(15));
}

TEST_F(DrainTest, ReportsAPodAPdbStillProtectsAtTheDeadlineAndNeverDeletesIt) {
  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  fake_.AddPod(AppPod("db", "pg-0", "n1", {{"app", "pg"}}));
  fake_.AddDisruptionBudget(testutil::Budget("db", "pg", {{"app", "pg"}}, /*allowed=*/0));

  DrainReport report = DrainNode(fake_, "n1", options_, clock_);

  EXPECT_FALSE(report.Complete());
  const PodDrainResult* pg = Find(report, "db/pg-0");
  ASSERT_NE(pg, nullptr);
  EXPECT_EQ(pg->outcome, PodDrainOutcome::kBlockedByDisruptionBudget);
  EXPECT_GE(pg->attempts, 4);  // 0, 5, 15, 35 and the deadline at 60 s
  EXPECT_EQ(Find(report, "shop/web-1")->outcome, PodDrainOutcome::kGone);
  EXPECT_TRUE(fake_.GetPod("db", "pg-0").has_value());
  EXPECT_THAT(fake_.calls(), Not(Contains(::testing::StartsWith("DeletePod"))));
  EXPECT_EQ(clock_.Now() - kT0, std::chrono::seconds(60));
  EXPECT_THAT(report.Summary(), ::testing::HasSubstr("1 blocked by a PDB"));
}

TEST_F(DrainTest, RetriesTransientApiFailures) {
  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  int failures = 0;
  InterceptingApi api(fake_);
  api.OnEvict([&](const std::string&) -> std::optional<Result<EvictionOutcome>> {
    if (failures++ == 0) return std::unexpected(Error{ErrorCode::kUnavailable, "connection reset"});
    return std::nullopt;
  });
  DrainReport report = DrainNode(api, "n1", options_, clock_);
  EXPECT_TRUE(report.Complete()) << report.Summary();
  EXPECT_EQ(report.pods[0].attempts, 2);
}

TEST_F(DrainTest, WaitsForEvictedPodsToLeaveTheNodeUntilTheDeadline) {
  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  // The eviction is accepted but the pod keeps terminating (a long grace period).
  InterceptingApi api(fake_);
  api.OnEvict([&](const std::string&) -> std::optional<Result<EvictionOutcome>> {
    return EvictionOutcome::kEvicted;
  });
  DrainReport report = DrainNode(api, "n1", options_, clock_);
  EXPECT_EQ(report.pods[0].outcome, PodDrainOutcome::kEvicted);
  EXPECT_EQ(clock_.Now() - kT0, std::chrono::seconds(60));

  // A StatefulSet pod recreated under the same name elsewhere counts as gone.
  fake_.RemovePod("shop", "web-1");
  Pod again = AppPod("shop", "web-1", "n2");
  again.meta.uid = "another-uid";
  fake_.AddPod(again);
  Pod stays = AppPod("shop", "web-2", "n1");
  fake_.AddPod(stays);
  api.OnEvict([&](const std::string& key) -> std::optional<Result<EvictionOutcome>> {
    if (key == "shop/web-2") {
      fake_.RemovePod("shop", "web-2");
      Pod moved = AppPod("shop", "web-2", "n2");
      moved.meta.uid = "new";
      fake_.AddPod(moved);
    }
    return EvictionOutcome::kEvicted;
  });
  DrainReport second = DrainNode(api, "n1", options_, clock_);
  EXPECT_TRUE(second.Complete()) << second.Summary();
  EXPECT_EQ(second.Count(PodDrainOutcome::kGone), 1);
}

TEST_F(DrainTest, TheGateRefusesADrainOfADoNotDisruptPodForARecommendation) {
  Pod pinned = AppPod("shop", "web-1", "n1");
  pinned.meta.annotations["karpenter.sh/do-not-disrupt"] = "true";
  fake_.AddPod(pinned);
  GateConfig config;
  config.default_mode = ExecutionMode::kAutopilot;
  ExecutionGate gate(config);
  options_.gate = &gate;
  options_.cluster_name = "prod";

  DrainReport refused = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_TRUE(refused.refused);
  EXPECT_EQ(refused.refused_by, Guard::kDoNotDisrupt);
  EXPECT_FALSE(fake_.GetNode("n1")->unschedulable);  // not even cordoned
  EXPECT_THAT(fake_.calls(), Not(Contains(::testing::StartsWith("Evict"))));

  // An interruption drain goes ahead: the node is going away anyway.
  options_.request.origin = ActionOrigin::kInterruption;
  DrainReport drained = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_TRUE(drained.Complete()) << drained.Summary();
}

TEST_F(DrainTest, TheGateRefusesInRecommendOnlyModeAndWithTheKillSwitch) {
  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  ExecutionGate gate{GateConfig{}};
  options_.gate = &gate;
  options_.cluster_name = "prod";
  DrainReport report = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_EQ(report.refused_by, Guard::kMode);

  gate.config().default_mode = ExecutionMode::kAutopilot;
  gate.config().kill_switches.EngageGlobal("incident 4711");
  options_.request.origin = ActionOrigin::kInterruption;
  report = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_EQ(report.refused_by, Guard::kKillSwitch);
  EXPECT_TRUE(fake_.GetPod("shop", "web-1").has_value());
}

TEST_F(DrainTest, AGatePdbObjectionIsLeftToTheServerSideEvictions) {
  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  fake_.AddPod(AppPod("shop", "web-2", "n1"));
  fake_.AddDisruptionBudget(testutil::Budget("shop", "web", {{"app", "web"}}, /*allowed=*/1));
  GateConfig config;
  config.default_mode = ExecutionMode::kAutopilot;
  ExecutionGate gate(config);
  options_.gate = &gate;
  options_.cluster_name = "prod";
  options_.deadline = std::chrono::seconds(20);
  DrainReport report = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_FALSE(report.refused) << report.reason;
  EXPECT_EQ(report.Count(PodDrainOutcome::kGone), 1);
  EXPECT_EQ(report.Count(PodDrainOutcome::kBlockedByDisruptionBudget), 1);
}

TEST_F(DrainTest, AMissingNodeOrAFailedCordonEndsTheDrainWithAReason) {
  DrainReport missing = DrainNode(fake_, "nope", options_, clock_);
  EXPECT_FALSE(missing.Complete());
  EXPECT_EQ(missing.reason, "node nope not found");

  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  fake_.FailNext(Error{ErrorCode::kPermissionDenied, "nodes \"n1\" is forbidden"});
  DrainReport forbidden = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_FALSE(forbidden.Complete());
  EXPECT_FALSE(forbidden.reason.empty());
  EXPECT_TRUE(fake_.GetPod("shop", "web-1").has_value());
}

// The halt question is asked before every eviction, one at a time even with parallel workers:
// once it answers, no further eviction is issued, nothing is waited for, and the report says
// halted (not complete) with the pods left on the node.
TEST_F(DrainTest, AHaltStopsTheDrainBeforeTheNextEviction) {
  for (int i = 0; i < 6; ++i) fake_.AddPod(AppPod("shop", "web-" + std::to_string(i), "n1"));
  options_.parallelism = 4;
  int questions = 0;
  options_.halt = [&]() -> std::optional<std::string> {
    if (++questions <= 2) return std::nullopt;
    return "kill switch engaged";
  };
  DrainReport report = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_TRUE(report.halted);
  EXPECT_FALSE(report.Complete());
  EXPECT_THAT(report.reason, ::testing::HasSubstr("kill switch engaged"));
  int evictions = 0;
  for (const std::string& call : fake_.calls()) evictions += call.starts_with("Evict ");
  EXPECT_EQ(evictions, 2);
  EXPECT_EQ(report.Count(PodDrainOutcome::kEvicted) + report.Count(PodDrainOutcome::kGone), 2);
  EXPECT_EQ(report.Count(PodDrainOutcome::kFailed), 4) << report.Summary();
  EXPECT_EQ(clock_.Now(), kT0);  // no backoff, no waiting for pods to go
}

// A pod already terminating (evicted by an earlier, halted pass of the drain) is waited for,
// not evicted a second time.
TEST_F(DrainTest, APodAlreadyTerminatingIsNotEvictedAgain) {
  Pod leaving = AppPod("shop", "web-1", "n1");
  leaving.meta.deletion_timestamp = kT0;
  fake_.AddPod(leaving);
  fake_.AddPod(AppPod("shop", "web-2", "n1"));
  options_.wait_for_pods_gone = false;
  DrainReport report = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_TRUE(report.Complete()) << report.Summary();
  EXPECT_THAT(fake_.calls(), Not(Contains("Evict shop/web-1")));
  EXPECT_THAT(fake_.calls(), Contains("Evict shop/web-2"));
  EXPECT_EQ(Find(report, "shop/web-1")->attempts, 0);
}

TEST_F(DrainTest, DryRunEvictsNothing) {
  fake_.AddPod(AppPod("shop", "web-1", "n1"));
  options_.act.dry_run = true;
  DrainReport report = DrainNode(fake_, "n1", options_, clock_);
  EXPECT_EQ(report.pods[0].outcome, PodDrainOutcome::kEvicted);
  EXPECT_TRUE(fake_.GetPod("shop", "web-1").has_value());
  EXPECT_FALSE(fake_.GetNode("n1")->unschedulable);
}

}  // namespace
}  // namespace cloudoptim
