// LoadGateConfig: the cluster's stored mode and kill switch, and the service's global kill
// switch, become the gate's configuration.
#include "execute/execution_settings.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "common/clock.h"
#include "store/forwarding_store_test_util.h"
#include "store/open_store.h"

namespace cloudoptim {
namespace {

using ::testing::HasSubstr;

// The store as it is, except that the next `failures` reads of the global kill switch fail
// with `error` (a PostgreSQL failover, a locked SQLite file).
class FlakySettingsStore final : public store::ForwardingStore, public store::ServiceSettingsStore {
 public:
  FlakySettingsStore(store::Store& inner, int failures, Error error)
      : ForwardingStore(inner), failures_(failures), error_(std::move(error)) {}
  store::ServiceSettingsStore& service_settings() override { return *this; }

  Result<store::GlobalKillSwitch> GetGlobalKillSwitch() override {
    ++reads_;
    if (failures_-- > 0) return std::unexpected(error_);
    return inner_.service_settings().GetGlobalKillSwitch();
  }
  Result<store::GlobalKillSwitch> PutGlobalKillSwitch(const store::GlobalKillSwitch& s) override {
    return inner_.service_settings().PutGlobalKillSwitch(s);
  }
  int reads() const { return reads_; }

 private:
  int failures_;
  Error error_;
  int reads_ = 0;
};

class ExecutionSettingsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::OpenInMemoryStore({.clock = &clock_}));
    acme_ = store_->tenants().CreateTenant("acme")->id;
    globex_ = store_->tenants().CreateTenant("globex")->id;
    acme_prod_ = store_->clusters().RegisterCluster(acme_, {"prod", "us-east-1", "", "", "k"})->id;
    globex_prod_ =
        store_->clusters().RegisterCluster(globex_, {"prod", "eu-west-1", "", "", "k"})->id;
  }
  void Engage(const std::string& reason) {
    ASSERT_TRUE(store_->service_settings().PutGlobalKillSwitch(
        {.engaged = true, .reason = reason, .changed_by = "api-key:operator"}));
  }
  std::optional<std::string> Blocking(const std::string& tenant, const std::string& cluster) {
    Result<GateConfig> config = LoadGateConfig(*store_, tenant, cluster, "prod");
    EXPECT_TRUE(config) << config.error().ToString();
    return config ? config->kill_switches.Blocking("prod") : std::nullopt;
  }

  FakeClock clock_{TimePoint(std::chrono::seconds(1'790'000'000))};
  std::unique_ptr<store::Store> store_;
  std::string acme_, globex_, acme_prod_, globex_prod_;
};

TEST_F(ExecutionSettingsTest, NothingBlocksWhileNoSwitchIsEngaged) {
  EXPECT_EQ(Blocking(acme_, acme_prod_), std::nullopt);
  Result<GateConfig> config = LoadGateConfig(*store_, acme_, acme_prod_, "prod");
  ASSERT_TRUE(config);
  EXPECT_EQ(config->cluster_modes.at("prod"), ExecutionMode::kRecommendOnly);
}

TEST_F(ExecutionSettingsTest, TheGlobalSwitchBlocksEveryClusterOfEveryTenantWithItsReason) {
  Engage("incident 4711");
  for (const auto& [tenant, cluster] : {std::pair{acme_, acme_prod_}, {globex_, globex_prod_}}) {
    std::optional<std::string> why = Blocking(tenant, cluster);
    ASSERT_TRUE(why.has_value());
    EXPECT_THAT(*why, HasSubstr("global kill switch"));
    EXPECT_THAT(*why, HasSubstr("incident 4711"));
  }
  ASSERT_TRUE(store_->service_settings().PutGlobalKillSwitch(
      {.engaged = false, .changed_by = "api-key:operator"}));
  EXPECT_EQ(Blocking(acme_, acme_prod_), std::nullopt);
}

TEST_F(ExecutionSettingsTest, WithBothSwitchesEngagedTheGlobalOneIsNamed) {
  store::ClusterSettings settings = *store_->clusters().GetSettings(acme_, acme_prod_);
  settings.kill_switch = true;
  ASSERT_TRUE(store_->clusters().PutSettings(acme_, acme_prod_, settings));
  EXPECT_THAT(Blocking(acme_, acme_prod_).value_or(""), HasSubstr("cluster kill switch"));
  Engage("incident 4711");
  EXPECT_THAT(Blocking(acme_, acme_prod_).value_or(""), HasSubstr("global kill switch"));
}

// A brief store outage while `execute --until-idle` reloads its gate settings is waited out
// (growing waits on the clock), not taken for bad input.
TEST_F(ExecutionSettingsTest, ABriefStoreErrorIsRetriedWithGrowingWaits) {
  FlakySettingsStore flaky(*store_, 2, Error{ErrorCode::kUnavailable, "database is locked"});
  const TimePoint start = clock_.Now();
  Result<GateConfig> config = LoadGateConfigRetrying(flaky, acme_, acme_prod_, "prod", "", clock_);
  ASSERT_TRUE(config) << config.error().ToString();
  EXPECT_EQ(flaky.reads(), 3);
  EXPECT_EQ(clock_.Now() - start, std::chrono::milliseconds(500 + 1000));
}

// An outage that lasts past every attempt is returned as unavailable, naming the store's own
// error; an error that is not transient (a bad mode) is returned at once, unretried.
TEST_F(ExecutionSettingsTest, APersistentStoreErrorIsReturnedAsUnavailableNamingIt) {
  FlakySettingsStore down(*store_, 100, Error{ErrorCode::kUnavailable, "connection refused"});
  Result<GateConfig> config =
      LoadGateConfigRetrying(down, acme_, acme_prod_, "prod", "", clock_, {.attempts = 3});
  ASSERT_FALSE(config);
  EXPECT_EQ(config.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(config.error().message, HasSubstr("connection refused"));
  EXPECT_THAT(config.error().message, HasSubstr("failed 3 times"));
  EXPECT_EQ(down.reads(), 3);

  FlakySettingsStore fine(*store_, 0, Error{});
  const TimePoint start = clock_.Now();
  Result<GateConfig> bad =
      LoadGateConfigRetrying(fine, acme_, acme_prod_, "prod", "yolo", clock_, {.attempts = 3});
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().code, ErrorCode::kInvalidArgument);
  EXPECT_EQ(clock_.Now(), start);
}

}  // namespace
}  // namespace cloudoptim
