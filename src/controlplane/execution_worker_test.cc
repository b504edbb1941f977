#include "controlplane/execution_worker.h"

#include <gtest/gtest.h>

#include "execute/execute_test_util.h"
#include "execute/fake_cloud_actions.h"
#include "kube/fake_cluster_api.h"
#include "store/open_store.h"

namespace cloudoptim::controlplane {
namespace {

using testutil::ReadyNode;

// Two clusters in approve mode, each with an approved recommendation to replace its node n1;
// the worker only acts on the clusters it is told this replica holds.
class ExecutionWorkerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::OpenInMemoryStore({.clock = &clock_}));
    tenant_ = store_->tenants().CreateTenant("acme")->id;
    for (const std::string name : {"held", "other"}) {
      store::Cluster cluster =
          *store_->clusters().RegisterCluster(tenant_, {name, "us-east-1", "", "", "k"});
      store::ClusterSettings settings = *store_->clusters().GetSettings(tenant_, cluster.id);
      settings.mode = store::ClusterMode::kApprove;
      ASSERT_TRUE(store_->clusters().PutSettings(tenant_, cluster.id, settings));
      store::StoredRecommendation rec{.id = "rec-" + name, .cluster_id = cluster.id};
      rec.engine = "bin-pack";
      rec.target = "node/n1";
      rec.actions_json =
          ActionsToJson({{ActionType::kReplaceNode, "node/n1", {{"instance_types", "m5.large"}}}});
      rec.explanation = "cheaper node";
      ASSERT_TRUE(store_->recommendations().UpsertRecommendations(tenant_, cluster.id, {rec}));
      ASSERT_TRUE(store_->recommendations().SetRecommendationStatus(
          tenant_, cluster.id, rec.id, store::RecommendationStatus::kApproved));
      clusters_.push_back(cluster);
    }
    cloud_->AddInstance({.instance_id = "i-old1",
                         .instance_type = "m5.large",
                         .availability_zone = "us-east-1a",
                         .state = InstanceState::kRunning});
    cloud_->OnLaunch([this](const Ec2Instance& instance) {
      kube_->AddNode(ReadyNode("node-" + instance.instance_id, instance.instance_id));
    });
    connections_ = std::make_unique<ClusterConnections>(
        *store_,
        [this](const store::Cluster& cluster, const std::string&) -> Result<ClusterClients> {
          auto kube = std::make_unique<FakeClusterApi>();
          kube->AddNode(ReadyNode("n1", "i-old1"));
          if (cluster.name == "held") kube_ = kube.get();
          ClusterClients clients;
          clients.kube = std::move(kube);
          return clients;
        });
  }

  ExecutionWorker MakeWorker() {
    ExecutionWorkerOptions options;
    options.cloud_actions = [this](const store::Cluster&, ClusterClients&) { return cloud_; };
    options.timeouts.ready = std::chrono::minutes(1);
    options.drain.deadline = std::chrono::seconds(30);
    return ExecutionWorker(
        *store_, [this] { return std::vector{clusters_[0]}; }, [this] { return clusters_; },
        *connections_, nullptr, clock_, options);
  }
  std::vector<store::Plan> Plans() { return *store_->journal().ListPlans(tenant_, "", 100); }

  FakeClock clock_{TimePoint(std::chrono::seconds(1'790'000'000))};
  std::unique_ptr<store::Store> store_;
  std::string tenant_;
  std::vector<store::Cluster> clusters_;
  std::shared_ptr<FakeCloudActions> cloud_ = std::make_shared<FakeCloudActions>();
  FakeClusterApi* kube_ = nullptr;
  std::unique_ptr<ClusterConnections> connections_;
};

TEST_F(ExecutionWorkerTest, RunsApprovedPlansOfHeldClustersOnly) {
  ExecutionWorker worker = MakeWorker();
  EXPECT_EQ(worker.RunOnce(), 1);
  std::vector<store::Plan> plans = Plans();
  ASSERT_EQ(plans.size(), 1u);
  EXPECT_EQ(plans[0].cluster_id, clusters_[0].id);
  EXPECT_EQ(plans[0].state, store::PlanState::kDone);
  ASSERT_NE(kube_, nullptr);
  EXPECT_TRUE(kube_->GetNode("n1")->unschedulable);
  EXPECT_EQ(cloud_->Instance("i-old1")->state, InstanceState::kTerminated);
  EXPECT_EQ(worker.RunOnce(), 0);  // nothing new: the done plan is not run again
}

TEST_F(ExecutionWorkerTest, WithoutCloudActionsAClusterIsSkipped) {
  ExecutionWorkerOptions options;
  options.cloud_actions = [](const store::Cluster&, ClusterClients&) {
    return std::shared_ptr<CloudActions>();
  };
  ExecutionWorker worker(
      *store_, [this] { return clusters_; }, [this] { return clusters_; }, *connections_, nullptr,
      clock_, options);
  EXPECT_EQ(worker.RunOnce(), 0);
  EXPECT_TRUE(Plans().empty());
}

TEST_F(ExecutionWorkerTest, TheThreadRunsPassesAndStops) {
  ExecutionWorker worker = MakeWorker();
  worker.Start();
  // Waits for what the thread did (up to 120 s under ASan on a loaded machine), not for time.
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (Plans().empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  worker.Stop();
  ASSERT_EQ(Plans().size(), 1u);
}

}  // namespace
}  // namespace cloudoptim::controlplane
