#include "controlplane/engine_loop.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engines/idle_node_test_util.h"
#include "kube/fake_cluster_api.h"
#include "model/node.h"
#include "store/open_store.h"

namespace cloudoptim::controlplane {
namespace {

using ::testing::HasSubstr;

const TimePoint kStart = std::chrono::sys_days(std::chrono::year(2026) / 11 / 26);

// Records what the loop reports, as the metrics adapter would.
class RecordingObserver final : public EngineLoopObserver {
 public:
  void OnCycle(const store::Cluster& cluster, const EngineCycleResult&, Duration) override {
    ok.push_back(cluster.name);
  }
  void OnCycleFailed(const store::Cluster& cluster, const Error&, Duration) override {
    failed.push_back(cluster.name);
  }
  std::vector<std::string> ok, failed;
};

class EngineLoopTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(CO_SOURCE_DIR "/data");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete catalog_; }

  void SetUp() override {
    Result<std::unique_ptr<store::Store>> opened = store::OpenInMemoryStore({.clock = &clock_});
    ASSERT_TRUE(opened.has_value()) << opened.error().ToString();
    store_ = std::move(*opened);
    tenant_ = store_->tenants().CreateTenant("acme").value();
    runner_ = std::make_unique<InProcessEngineRunner>(*catalog_);
  }

  store::Cluster Register(const std::string& name, const std::string& tenant_id = "") {
    store::ClusterRegistration registration{
        .name = name, .region = "us-east-1", .credentials = "fake:" + name};
    return store_->clusters()
        .RegisterCluster(tenant_id.empty() ? tenant_.id : tenant_id, registration)
        .value();
  }

  // Clusters named "down*" cannot be reached; the others are a FakeClusterApi with three idle
  // on-demand nodes (pure waste the engines must find), unless `empty_` is set.
  ClusterConnector Connector() {
    return [this](const store::Cluster& cluster,
                  const std::string& credentials) -> Result<ClusterClients> {
      EXPECT_EQ(credentials, "fake:" + cluster.name);  // decrypted from the store
      if (cluster.name.starts_with("down") && unreachable_) {
        return Unavailable("connection refused by https://10.0.0.1:6443");
      }
      auto api = std::make_unique<FakeClusterApi>();
      const InstanceType* type = catalog_->FindType("m5.xlarge");
      for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
        api->AddNode(IdleOnDemandNode(cluster.name + "-" + zone, zone, *type));
      }
      ++connects_;
      return ClusterClients{.kube = std::move(api), .watch = false};
    };
  }

  std::unique_ptr<EngineLoop> MakeLoop(const std::string& replica = "replica-a") {
    return std::make_unique<EngineLoop>(*store_, *catalog_, *runner_, Connector(), clock_,
                                        EngineLoopOptions{.replica_id = replica}, &observer_);
  }

  std::vector<store::StoredRecommendation> Recommendations(
      const std::string& cluster_id,
      std::optional<store::RecommendationStatus> status = std::nullopt) {
    return store_->recommendations()
        .ListRecommendations(tenant_.id, {.cluster_id = cluster_id, .status = status})
        .value();
  }

  static Catalog* catalog_;
  FakeClock clock_{kStart};
  std::unique_ptr<store::Store> store_;
  store::Tenant tenant_;
  std::unique_ptr<EngineRunner> runner_;
  RecordingObserver observer_;
  bool unreachable_ = true;
  int connects_ = 0;
};
Catalog* EngineLoopTest::catalog_ = nullptr;

TEST_F(EngineLoopTest, FirstPassPersistsRecommendationsWithSavingsAndASavingsPoint) {
  store::Cluster cluster = Register("prod");
  auto loop = MakeLoop();
  EXPECT_EQ(loop->RunDue(), 1);

  std::vector<store::StoredRecommendation> recommendations = Recommendations(cluster.id);
  ASSERT_FALSE(recommendations.empty());
  EXPECT_GT(recommendations.front().monthly_savings, Money());
  EXPECT_EQ(recommendations.front().status, store::RecommendationStatus::kPending);
  EXPECT_THAT(recommendations.front().actions_json, HasSubstr("\"type\""));

  std::vector<store::SavingsPoint> savings =
      store_->time_series()
          .QuerySavings(tenant_.id, cluster.id, kStart, kStart + std::chrono::hours(1))
          .value();
  ASSERT_EQ(savings.size(), 1u);
  EXPECT_GT(savings[0].projected_monthly, Money());

  std::optional<server::LoopStatus> status = loop->GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(status.has_value());
  EXPECT_TRUE(status->running);
  EXPECT_EQ(status->last_cycle, kStart);
  EXPECT_EQ(status->next_cycle, kStart + std::chrono::minutes(10));
  EXPECT_TRUE(status->last_error.empty());
  EXPECT_EQ(observer_.ok, std::vector<std::string>{"prod"});
}

TEST_F(EngineLoopTest, RunsAgainOnlyWhenTheIntervalHasPassed) {
  Register("prod");
  auto loop = MakeLoop();
  EXPECT_EQ(loop->RunDue(), 1);
  clock_.Advance(std::chrono::minutes(9));
  EXPECT_EQ(loop->RunDue(), 0);
  clock_.Advance(std::chrono::minutes(1));
  EXPECT_EQ(loop->RunDue(), 1);
  EXPECT_EQ(connects_, 1);  // the runtime (and its cache) is kept between cycles
}

TEST_F(EngineLoopTest, RecommendationsTheCycleNoLongerMakesAreSuperseded) {
  store::Cluster cluster = Register("prod");
  auto loop = MakeLoop();
  loop->RunDue();
  size_t first = Recommendations(cluster.id).size();
  ASSERT_GT(first, 0u);

  // Nothing saves a million dollars a month: the next cycle proposes nothing.
  ASSERT_TRUE(store_->clusters().PutSettings(
      tenant_.id, cluster.id, {.thresholds_json = R"({"min_monthly_savings_usd": 1000000})"}));
  loop->MarkDue(cluster.id);
  Result<server::CycleOutcome> outcome = loop->RunNow(tenant_.id, cluster.id);
  ASSERT_TRUE(outcome.has_value()) << outcome.error().ToString();
  EXPECT_EQ(outcome->recommendation_count, 0);
  EXPECT_EQ(outcome->superseded, static_cast<int>(first));
  EXPECT_TRUE(Recommendations(cluster.id, store::RecommendationStatus::kPending).empty());
  EXPECT_EQ(Recommendations(cluster.id, store::RecommendationStatus::kSuperseded).size(), first);
}

TEST_F(EngineLoopTest, AnUnreachableClusterGetsItsStatusAndBackoffWhileOthersRun) {
  store::Cluster down = Register("down-east");
  store::Cluster prod = Register("prod");
  auto loop = MakeLoop();
  EXPECT_EQ(loop->RunDue(), 2);

  EXPECT_FALSE(Recommendations(prod.id).empty());
  std::optional<server::LoopStatus> status = loop->GetStatus(tenant_.id, down.id);
  ASSERT_TRUE(status.has_value());
  EXPECT_THAT(status->last_error, HasSubstr("connection refused"));
  EXPECT_EQ(status->next_cycle, kStart + std::chrono::seconds(5));
  EXPECT_EQ(observer_.failed, std::vector<std::string>{"down-east"});

  std::vector<store::AuditEntry> audit = store_->audit().ListAudit(tenant_.id, {}, 10).value();
  ASSERT_EQ(audit.size(), 1u);
  EXPECT_EQ(audit[0].action, "cluster.unreachable");
  EXPECT_THAT(audit[0].reason, HasSubstr("connection refused"));

  // Backoff doubles: 5 s, then 10 s.
  clock_.Advance(std::chrono::seconds(5));
  EXPECT_EQ(loop->RunDue(), 1);
  EXPECT_EQ(loop->GetStatus(tenant_.id, down.id)->next_cycle,
            clock_.Now() + std::chrono::seconds(10));

  // The cluster comes back: the next attempt succeeds, the error clears, the audit says so.
  unreachable_ = false;
  clock_.Advance(std::chrono::seconds(10));
  EXPECT_EQ(loop->RunDue(), 1);
  EXPECT_TRUE(loop->GetStatus(tenant_.id, down.id)->last_error.empty());
  EXPECT_FALSE(Recommendations(down.id).empty());
  EXPECT_EQ(store_->audit().ListAudit(tenant_.id, {}, 10).value().front().action,
            "cluster.reachable");
}

TEST_F(EngineLoopTest, BadStoredCredentialsAreTheClusterStatusNotACrash) {
  store::Cluster cluster = Register("prod");
  EngineLoop loop(*store_, *catalog_, *runner_, RealClusterConnector(clock_), clock_,
                  {.replica_id = "replica-a"});
  EXPECT_EQ(loop.RunDue(), 1);
  std::optional<server::LoopStatus> status = loop.GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(status.has_value());
  EXPECT_THAT(status->last_error, HasSubstr("credentials"));
  EXPECT_THAT(status->last_error, ::testing::Not(HasSubstr("fake:prod")));
}

TEST_F(EngineLoopTest, AClusterLeasedByAnotherReplicaIsLeftToIt) {
  store::Cluster cluster = Register("prod");
  ASSERT_TRUE(
      store_->leases()
          .TryAcquireLease("cluster-loop/" + cluster.id, "replica-b", std::chrono::minutes(2))
          .value());
  auto loop = MakeLoop("replica-a");
  EXPECT_EQ(loop->RunDue(), 0);
  EXPECT_TRUE(Recommendations(cluster.id).empty());

  // replica-b dies (stops renewing): after the ttl replica-a takes the cluster over.
  clock_.Advance(std::chrono::minutes(2) + std::chrono::seconds(1));
  EXPECT_EQ(loop->RunDue(), 1);
  EXPECT_FALSE(Recommendations(cluster.id).empty());
  EXPECT_FALSE(
      store_->leases()
          .TryAcquireLease("cluster-loop/" + cluster.id, "replica-b", std::chrono::minutes(2))
          .value());
}

TEST_F(EngineLoopTest, TwoReplicasNeverBothRunTheSameCluster) {
  Register("one");
  Register("two");
  auto a = MakeLoop("replica-a");
  auto b = MakeLoop("replica-b");
  int ran = a->RunDue() + b->RunDue();
  EXPECT_EQ(ran, 2);
  EXPECT_EQ(b->RunDue(), 0);
}

// Behind a load balancer any replica may serve the cluster's detail view: one that does not
// run the cluster shows what the running replica last stored, naming it.
TEST_F(EngineLoopTest, AReplicaThatDoesNotRunAClusterShowsTheRunningReplicasStatus) {
  store::Cluster down = Register("down-east");
  auto a = MakeLoop("replica-a");
  auto b = MakeLoop("replica-b");
  EXPECT_EQ(a->RunDue(), 1);
  EXPECT_EQ(b->RunDue(), 0);
  std::optional<server::LoopStatus> mine = a->GetStatus(tenant_.id, down.id);
  ASSERT_TRUE(mine.has_value());
  EXPECT_EQ(mine->replica, "replica-a");
  std::optional<server::LoopStatus> seen = b->GetStatus(tenant_.id, down.id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->replica, "replica-a");
  EXPECT_THAT(seen->last_error, HasSubstr("connection refused"));
  EXPECT_EQ(seen->next_cycle, kStart + std::chrono::seconds(5));

  unreachable_ = false;
  clock_.Advance(std::chrono::seconds(5));
  EXPECT_EQ(a->RunDue(), 1);
  seen = b->GetStatus(tenant_.id, down.id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(seen->last_error.empty());
  EXPECT_EQ(seen->last_cycle, clock_.Now());
}

// A status answered from the stored row says when the row was written, and reports the loop
// running only while the row is recent: the holder writes after every cycle, so a row older
// than two intervals and a lease means no replica has run the cluster since (all of them
// stopped, or the holder hangs).
TEST_F(EngineLoopTest, AStoredStatusShowsWhenItWasWrittenAndIsNotRunningOnceStale) {
  store::Cluster cluster = Register("prod");
  auto a = MakeLoop("replica-a");
  auto b = MakeLoop("replica-b");
  EXPECT_EQ(a->RunDue(), 1);
  EXPECT_EQ(b->RunDue(), 0);
  std::optional<server::LoopStatus> seen = b->GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(seen->running);
  EXPECT_EQ(seen->updated, kStart);

  // Within 2 intervals + the lease ttl of the write (10 + 10 + 2 min): still running.
  clock_.Advance(std::chrono::minutes(22));
  seen = b->GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_TRUE(seen->running);
  // Past it, with nobody having run the cluster: not running, and the same for a replica
  // that has not picked the cluster up yet.
  clock_.Advance(std::chrono::seconds(1));
  seen = b->GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_FALSE(seen->running);
  EXPECT_EQ(seen->updated, kStart);
  std::optional<server::LoopStatus> fresh =
      MakeLoop("replica-c")->GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(fresh.has_value());
  EXPECT_FALSE(fresh->running);
  EXPECT_EQ(fresh->updated, kStart);
}

// An API trigger may run a cycle on a replica that does not run the cluster's loop. That
// replica must not replace the running replica's stored status: the others would name it as
// the loop's replica and show its idea of the next cycle, which nobody will run.
TEST_F(EngineLoopTest, ARunNowOnAReplicaWithoutTheLeaseDoesNotReplaceTheStoredStatus) {
  store::Cluster cluster = Register("prod");
  auto a = MakeLoop("replica-a");
  auto b = MakeLoop("replica-b");
  auto c = MakeLoop("replica-c");
  EXPECT_EQ(a->RunDue(), 1);
  EXPECT_EQ(b->RunDue(), 0);
  EXPECT_EQ(c->RunDue(), 0);
  clock_.Advance(std::chrono::minutes(3));
  ASSERT_TRUE(b->RunNow(tenant_.id, cluster.id).has_value());
  std::optional<server::LoopStatus> seen = c->GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->replica, "replica-a");
  EXPECT_EQ(seen->next_cycle, kStart + std::chrono::minutes(10));
}

// A replica that has not rescanned since the cluster was registered elsewhere still shows the
// running replica's stored status (the views must not depend on which replica answers), and
// only to the cluster's tenant.
TEST_F(EngineLoopTest, AReplicaThatHasNotPickedUpAClusterYetShowsItsStoredStatus) {
  store::Cluster cluster = Register("prod");
  auto a = MakeLoop("replica-a");
  EXPECT_EQ(a->RunDue(), 1);
  auto fresh = MakeLoop("replica-b");  // no pass yet: does not know the cluster
  std::optional<server::LoopStatus> seen = fresh->GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->replica, "replica-a");
  EXPECT_EQ(seen->last_cycle, kStart);
  store::Tenant other = store_->tenants().CreateTenant("globex").value();
  EXPECT_FALSE(fresh->GetStatus(other.id, cluster.id).has_value());
}

// A cycle that outlasts the lease: another replica takes the cluster over and stores its
// status while the first one is still in its cycle. The first one, finishing, must not
// overwrite the new holder's status with its own (a lost update naming a replica that no
// longer runs the cluster until the new holder's next cycle).
TEST_F(EngineLoopTest, AReplicaWhoseLeaseMovedDuringItsCycleDoesNotOverwriteTheNewHolder) {
  store::Cluster cluster = Register("prod");
  auto a = MakeLoop("replica-a");
  auto b = MakeLoop("replica-b");
  EXPECT_EQ(a->RunDue(), 1);
  // a's next cycle is slow: while it reads the cluster the lease expires and b takes over.
  clock_.Advance(std::chrono::minutes(10));
  bool taken_over = false;
  // The observer hears of a's cycle after its recommendations are stored, before its status.
  struct TakeOver final : EngineLoopObserver {
    std::function<void()> during_a;
    void OnCycle(const store::Cluster&, const EngineCycleResult&, Duration) override {
      if (during_a) std::exchange(during_a, nullptr)();
    }
    void OnCycleFailed(const store::Cluster&, const Error&, Duration) override {}
  } take_over;
  take_over.during_a = [&] {
    clock_.Advance(std::chrono::minutes(3));  // longer than the 2-minute lease
    taken_over = b->RunDue() == 1;
  };
  a->set_observer(&take_over);
  EXPECT_EQ(a->RunDue(), 1);
  ASSERT_TRUE(taken_over);
  auto c = MakeLoop("replica-c");
  std::optional<server::LoopStatus> seen = c->GetStatus(tenant_.id, cluster.id);
  ASSERT_TRUE(seen.has_value());
  EXPECT_EQ(seen->replica, "replica-b");
}

TEST_F(EngineLoopTest, RunNowIsScopedToTheTenant) {
  store::Tenant other = store_->tenants().CreateTenant("globex").value();
  store::Cluster theirs = Register("theirs", other.id);
  auto loop = MakeLoop();
  Result<server::CycleOutcome> outcome = loop->RunNow(tenant_.id, theirs.id);
  ASSERT_FALSE(outcome.has_value());
  EXPECT_TRUE(IsNotFound(outcome.error()));
  EXPECT_FALSE(loop->GetStatus(tenant_.id, theirs.id).has_value());

  Result<server::CycleOutcome> own = loop->RunNow(other.id, theirs.id);
  ASSERT_TRUE(own.has_value()) << own.error().ToString();
  EXPECT_GT(own->recommendation_count, 0);
  EXPECT_GT(own->monthly_savings, Money());
  EXPECT_EQ(own->inserted, own->recommendation_count);
}

TEST_F(EngineLoopTest, TheBackgroundThreadRunsDueClustersAndStopsCleanly) {
  store::Cluster cluster = Register("prod");
  auto loop = MakeLoop();
  loop->Start();
  // Polls the store, not the clock: the assertion is on what happened, never on how fast
  // (up to 120 s: a cycle under ASan on a loaded machine is slow).
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (Recommendations(cluster.id).empty() && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  loop->Stop();
  EXPECT_FALSE(Recommendations(cluster.id).empty());
  // Stopping released the lease for the next replica.
  EXPECT_TRUE(
      store_->leases()
          .TryAcquireLease("cluster-loop/" + cluster.id, "replica-b", std::chrono::minutes(2))
          .value());
}

}  // namespace
}  // namespace cloudoptim::controlplane
