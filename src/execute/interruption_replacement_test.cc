#include "execute/interruption_replacement.h"

#include <gtest/gtest.h>

#include "catalog/catalog.h"
#include "execute/interruption_directory.h"
#include "store/open_store.h"

namespace cloudoptim {
namespace {

const TimePoint kReplacedAt = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26};

TEST(ReplacementClientTokenTest, IsStablePerEventAndInstanceAndFitsEc2sLimit) {
  const std::string token = ReplacementClientToken("evt-1", "i-0001");
  EXPECT_EQ(token, ReplacementClientToken("evt-1", "i-0001"));
  EXPECT_NE(token, ReplacementClientToken("evt-1", "i-0002"));
  EXPECT_NE(token, ReplacementClientToken("evt-2", "i-0001"));
  EXPECT_EQ(token.rfind("co-", 0), 0u);
  EXPECT_LE(token.size() + 1 + 16, 64u);  // room for Ec2Client's "-<instance type>"
}

TEST(UnavailablePoolsTest, AMarkExpiresALaterMarkExtendsItAndOtherTenantsDoNotSeeIt) {
  UnavailablePools pools;
  const PoolKey pool{"m5.large", "us-east-1a", CapacityType::kSpot};
  EXPECT_TRUE(pools.Mark("t1", pool, kReplacedAt + std::chrono::minutes(30)));
  EXPECT_TRUE(pools.Mark("t1", pool, kReplacedAt + std::chrono::minutes(10)));  // never shortens
  EXPECT_TRUE(pools.IsUnavailable("t1", pool, kReplacedAt + std::chrono::minutes(29)));
  EXPECT_FALSE(
      pools.IsUnavailable("t1", {"m5.large", "us-east-1a", CapacityType::kOnDemand}, kReplacedAt));
  EXPECT_FALSE(pools.IsUnavailable("t1", pool, kReplacedAt + std::chrono::minutes(30)));
  // Another AWS account's us-east-1a is another data centre.
  EXPECT_FALSE(pools.IsUnavailable("t2", pool, kReplacedAt));
  EXPECT_EQ(pools.ActiveAt("t1", kReplacedAt).size(), 1u);
  EXPECT_TRUE(pools.ActiveAt("t1", kReplacedAt + std::chrono::hours(1)).empty());
}

// Backed by the store, a mark outlives the process that made it and is seen by another
// replica (here: another UnavailablePools on the same store, which is what a restart is).
TEST(UnavailablePoolsTest, StoreBackedMarksAreSeenByAnotherReplicaAndSurviveARestart) {
  FakeClock clock(kReplacedAt);
  std::unique_ptr<store::Store> store = std::move(*store::OpenInMemoryStore({.clock = &clock}));
  const std::string tenant = store->tenants().CreateTenant("acme")->id;
  const PoolKey pool{"c5.xlarge", "us-east-1b", CapacityType::kSpot};
  {
    UnavailablePools before_restart(&store->pool_marks());
    ASSERT_TRUE(before_restart.Mark(tenant, pool, kReplacedAt + std::chrono::minutes(30)));
  }
  UnavailablePools replica(&store->pool_marks());
  std::map<PoolKey, TimePoint> active = replica.ActiveAt(tenant, kReplacedAt);
  ASSERT_EQ(active.size(), 1u);
  EXPECT_EQ(active.begin()->first, pool);
  EXPECT_EQ(active.begin()->second, kReplacedAt + std::chrono::minutes(30));
  EXPECT_FALSE(replica.IsUnavailable(tenant, pool, kReplacedAt + std::chrono::minutes(31)));
  // A mark the store refuses (here: no tenant id) is an error, and still holds in memory.
  EXPECT_FALSE(replica.Mark("", pool, kReplacedAt + std::chrono::minutes(30)));
  EXPECT_TRUE(replica.IsUnavailable("", pool, kReplacedAt));
}

class PlanReplacementTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(CO_SOURCE_DIR "/data");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete catalog_; }

  ClusterHandle Cluster() {
    return {.tenant_id = "t1",
            .cluster_id = "c1",
            .region = "us-east-1",
            .catalog = catalog_,
            .scores = &scores_};
  }
  static inline Catalog* catalog_ = nullptr;
  PoolScoreTable scores_;
  UnavailablePools unavailable_;
  NodeLocation node_{.instance_type = "m5.large",
                     .availability_zone = "us-east-1a",
                     .capacity = CapacityType::kSpot};
};

TEST_F(PlanReplacementTest, SkipsTheInterruptedPoolUnavailablePoolsAndUnsafeOnes) {
  scores_.Set({"m5.large", "us-east-1a", 0.95, {}});
  scores_.Set({"m5.large", "us-east-1b", 0.90, {}});
  scores_.Set({"m5a.large", "us-east-1a", 0.88, {}});
  scores_.Set({"m5a.large", "us-east-1b", 0.50, {}});  // below 0.75
  unavailable_.Mark("t1", {"m5a.large", "us-east-1a", CapacityType::kSpot},
                    kReplacedAt + std::chrono::hours(1));
  // Another tenant's mark on the same names changes nothing here.
  unavailable_.Mark("t2", {"m5.large", "us-east-1b", CapacityType::kSpot},
                    kReplacedAt + std::chrono::hours(1));
  ReplacementRequest request = PlanReplacement(Cluster(), node_, unavailable_, kReplacedAt);
  EXPECT_EQ(request.capacity, CapacityType::kSpot);
  ASSERT_EQ(request.pools.size(), 1u);
  EXPECT_EQ(request.pools[0].instance_type, "m5.large");
  EXPECT_EQ(request.pools[0].availability_zone, "us-east-1b");
}

TEST_F(PlanReplacementTest, FallsBackToOnDemandOfASimilarShapeWhenNoSpotPoolIsSafe) {
  scores_.Set({"m5.large", "us-east-1b", 0.30, {}});
  ReplacementRequest request = PlanReplacement(Cluster(), node_, unavailable_, kReplacedAt);
  EXPECT_EQ(request.capacity, CapacityType::kOnDemand);
  ASSERT_FALSE(request.pools.empty());
  EXPECT_LE(request.pools.size(), 4u);
  for (const PoolCandidate& pool : request.pools) {
    EXPECT_FALSE(pool.instance_type == "m5.large" && pool.availability_zone == "us-east-1a");
  }
}

TEST_F(PlanReplacementTest, WithoutACatalogueThereIsNothingToLaunch) {
  ClusterHandle bare{.cluster_id = "c1"};
  EXPECT_TRUE(PlanReplacement(bare, node_, unavailable_, kReplacedAt).pools.empty());
}

TEST(RebalancePolicyTest, NamesRoundTripAndAnUnknownNameIsRefusedByName) {
  for (RebalancePolicy policy :
       {RebalancePolicy::kIgnore, RebalancePolicy::kCordon, RebalancePolicy::kLaunchBeforeDrain}) {
    Result<RebalancePolicy> parsed = ParseRebalancePolicy(RebalancePolicyName(policy));
    ASSERT_TRUE(parsed.has_value());
    EXPECT_EQ(*parsed, policy);
  }
  Result<RebalancePolicy> bad = ParseRebalancePolicy("drain");
  ASSERT_FALSE(bad.has_value());
  EXPECT_NE(bad.error().message.find("\"drain\""), std::string::npos);
}

}  // namespace
}  // namespace cloudoptim
