#include "controlplane/execution_pass.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "execute/execute_test_util.h"
#include "execute/fake_cloud_actions.h"
#include "kube/fake_cluster_api.h"
#include "store/open_store.h"

namespace cloudoptim::controlplane {
namespace {

using store::PlanState;
using testutil::AppPod;
using testutil::ReadyNode;

const TimePoint kT0 = TimePoint(std::chrono::seconds(1'790'000'000));

// One cluster of three nodes in the store and in the fakes; recommendations replace n1.
class ExecutionPassTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::OpenInMemoryStore({.clock = &clock_}));
    tenant_ = store_->tenants().CreateTenant("acme")->id;
    cluster_ = *store_->clusters().RegisterCluster(tenant_, {"prod", "us-east-1", "", "", "k"});
    for (int i = 1; i <= 3; ++i) {
      const std::string n = std::to_string(i);
      kube_.AddNode(ReadyNode("n" + n, "i-old" + n));
      cloud_.AddInstance({.instance_id = "i-old" + n,
                          .instance_type = "m5.large",
                          .availability_zone = "us-east-1a",
                          .state = InstanceState::kRunning,
                          .tags = {{"eks:nodegroup-name", "general"}}});
    }
    kube_.AddPod(AppPod("shop", "web-1", "n1"));
    cloud_.OnLaunch([this](const Ec2Instance& instance) {
      kube_.AddNode(ReadyNode("node-" + instance.instance_id, instance.instance_id));
    });
    options_ = {.tenant_id = tenant_, .cluster_id = cluster_.id, .cluster_name = "prod"};
    options_.timeouts.ready = std::chrono::minutes(1);
    options_.drain.deadline = std::chrono::seconds(30);
  }

  void Recommend(const std::string& id, bool approved) {
    store::StoredRecommendation rec;
    rec.id = id;
    rec.cluster_id = cluster_.id;
    rec.engine = "bin-pack";
    rec.target = "node/n1";
    rec.actions_json =
        ActionsToJson({{ActionType::kReplaceNode, "node/n1", {{"instance_types", "m5.large"}}}});
    rec.confidence = 0.9;
    rec.explanation = "cheaper node";
    ASSERT_TRUE(store_->recommendations().UpsertRecommendations(tenant_, cluster_.id, {rec}));
    if (approved) {
      ASSERT_TRUE(store_->recommendations().SetRecommendationStatus(
          tenant_, cluster_.id, id, store::RecommendationStatus::kApproved));
    }
  }
  void SetMode(store::ClusterMode mode, bool kill_switch = false) {
    store::ClusterSettings settings = *store_->clusters().GetSettings(tenant_, cluster_.id);
    settings.mode = mode;
    settings.kill_switch = kill_switch;
    ASSERT_TRUE(store_->clusters().PutSettings(tenant_, cluster_.id, settings));
  }
  ExecutionPassResult Pass() {
    Result<ExecutionPassResult> result =
        RunExecutionPass(*store_, cluster_, kube_, cloud_, clock_, options_);
    EXPECT_TRUE(result) << result.error().ToString();
    return result ? *result : ExecutionPassResult{};
  }
  std::vector<store::Plan> Plans() { return *store_->journal().ListPlans(tenant_, "", 100); }

  FakeClock clock_{kT0};
  std::unique_ptr<store::Store> store_;
  std::string tenant_;
  store::Cluster cluster_;
  FakeClusterApi kube_;
  FakeCloudActions cloud_;
  ExecutorOptions options_;
};

TEST_F(ExecutionPassTest, RecommendOnlyRunsNothingEvenForAnApprovedRecommendation) {
  Recommend("rec-1", /*approved=*/true);
  ExecutionPassResult result = Pass();
  EXPECT_TRUE(result.skipped);
  EXPECT_EQ(result.mode, "recommend-only");
  EXPECT_TRUE(Plans().empty());
  EXPECT_FALSE(kube_.GetNode("n1")->unschedulable);
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kRunning);
}

TEST_F(ExecutionPassTest, ApproveModeExecutesTheApprovedRecommendationOnly) {
  SetMode(store::ClusterMode::kApprove);
  Recommend("rec-pending", /*approved=*/false);
  Recommend("rec-1", /*approved=*/true);
  ExecutionPassResult result = Pass();
  EXPECT_FALSE(result.skipped);
  EXPECT_EQ(result.submitted, 1);
  ASSERT_EQ(result.reports.size(), 1u);
  EXPECT_EQ(result.reports[0].state, PlanState::kDone) << result.reports[0].reason;
  ASSERT_EQ(Plans().size(), 1u);
  EXPECT_EQ(Plans()[0].recommendation_id, "rec-1");
  EXPECT_TRUE(kube_.GetNode("n1")->unschedulable);
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kTerminated);

  // The next pass finds nothing new to do: a plan is never run twice.
  ExecutionPassResult again = Pass();
  EXPECT_EQ(again.submitted, 0);
  EXPECT_TRUE(again.reports.empty());
}

TEST_F(ExecutionPassTest, AutopilotExecutesPendingRecommendationsLikeTheGateAllows) {
  SetMode(store::ClusterMode::kAutopilot);
  Recommend("rec-1", /*approved=*/false);
  ExecutionPassResult result = Pass();
  EXPECT_EQ(result.mode, "autopilot");
  ASSERT_EQ(result.reports.size(), 1u);
  EXPECT_EQ(result.reports[0].state, PlanState::kDone) << result.reports[0].reason;
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kTerminated);
}

TEST_F(ExecutionPassTest, KillSwitchHoldsThePlanAndALaterPassResumesIt) {
  SetMode(store::ClusterMode::kApprove, /*kill_switch=*/true);
  Recommend("rec-1", /*approved=*/true);
  ExecutionPassResult held = Pass();
  ASSERT_EQ(held.reports.size(), 1u);
  EXPECT_TRUE(held.reports[0].held);
  EXPECT_FALSE(held.reports[0].Finished());
  EXPECT_FALSE(kube_.GetNode("n1")->unschedulable);
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kRunning);

  SetMode(store::ClusterMode::kApprove, /*kill_switch=*/false);
  ExecutionPassResult resumed = Pass();
  ASSERT_EQ(resumed.reports.size(), 1u);  // resumed, not submitted a second time
  EXPECT_EQ(resumed.submitted, 0);
  EXPECT_EQ(resumed.reports[0].state, PlanState::kDone) << resumed.reports[0].reason;
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kTerminated);
}

TEST_F(ExecutionPassTest, TheGlobalKillSwitchHoldsAnApprovedPlanInAutopilotNamingItself) {
  SetMode(store::ClusterMode::kAutopilot);
  Recommend("rec-1", /*approved=*/true);
  ASSERT_TRUE(store_->service_settings().PutGlobalKillSwitch(
      {.engaged = true, .reason = "incident 4711", .changed_by = "api-key:operator"}));
  ExecutionPassResult held = Pass();
  ASSERT_EQ(held.reports.size(), 1u);
  EXPECT_TRUE(held.reports[0].held);
  EXPECT_THAT(held.reports[0].reason, ::testing::HasSubstr("global kill switch"));
  EXPECT_THAT(held.reports[0].reason, ::testing::HasSubstr("incident 4711"));
  EXPECT_FALSE(kube_.GetNode("n1")->unschedulable);
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kRunning);

  // Released, the next pass resumes the held plan: nothing is lost, nothing runs twice.
  ASSERT_TRUE(store_->service_settings().PutGlobalKillSwitch(
      {.engaged = false, .changed_by = "api-key:operator"}));
  ExecutionPassResult resumed = Pass();
  ASSERT_EQ(resumed.reports.size(), 1u);
  EXPECT_EQ(resumed.submitted, 0);
  EXPECT_EQ(resumed.reports[0].state, PlanState::kDone) << resumed.reports[0].reason;
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kTerminated);
}

TEST_F(ExecutionPassTest, BackInRecommendOnlyAnUnfinishedPlanIsResumedButHeld) {
  SetMode(store::ClusterMode::kApprove, /*kill_switch=*/true);
  Recommend("rec-1", /*approved=*/true);
  ASSERT_EQ(Pass().reports.size(), 1u);
  SetMode(store::ClusterMode::kRecommendOnly);
  ExecutionPassResult result = Pass();
  EXPECT_FALSE(result.skipped);  // an unfinished plan is always looked at
  ASSERT_EQ(result.reports.size(), 1u);
  EXPECT_TRUE(result.reports[0].held);
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kRunning);
}

}  // namespace
}  // namespace cloudoptim::controlplane
