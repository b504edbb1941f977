#include "controlplane/remote_engine_runner.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engines/idle_node_test_util.h"
#include "model/node.h"
#include "net/curl_http_client.h"
#include "risk/region_scoring.h"
#include "server/ml_api.h"

namespace cloudoptim::controlplane {
namespace {

class RemoteEngineRunnerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(CO_SOURCE_DIR "/data");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete catalog_; }

  void SetUp() override {
    snapshot_.region = "us-east-1";
    const InstanceType* type = catalog_->FindType("m5.xlarge");
    for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
      snapshot_.nodes.push_back(IdleOnDemandNode(std::string("idle-") + zone, zone, *type));
    }
    scores_ = ScoreRegion(*catalog_, "us-east-1", {});
  }

  EngineRunRequest Request() {
    return {
        .snapshot = snapshot_, .policy = policy_, .pool_scores = scores_, .spot_prices = prices_};
  }

  static Catalog* catalog_;
  Snapshot snapshot_;
  Policy policy_;
  PoolScoreTable scores_;
  std::map<std::pair<std::string, std::string>, Money> prices_;
};
Catalog* RemoteEngineRunnerTest::catalog_ = nullptr;

std::vector<std::string> Ids(const EngineCycleResult& result) {
  std::vector<std::string> ids;
  for (const Recommendation& r : result.recommendations.items) ids.push_back(r.id);
  std::sort(ids.begin(), ids.end());
  return ids;
}

TEST_F(RemoteEngineRunnerTest, AnMlServerDecidesExactlyAsTheEnginesInProcess) {
  server::MlApiServer ml(*catalog_, {.port = 0});
  ASSERT_TRUE(ml.Start().has_value());
  Result<EngineCycleResult> from_server = InvalidArgument("not run");
  {
    // The client (and its kept-alive connections) ends before the server stops.
    CurlHttpClient http;
    RemoteEngineRunner remote(http, {.base_url = "http://127.0.0.1:" + std::to_string(ml.port())});
    EXPECT_EQ(remote.mode(), "remote");
    from_server = remote.Run(Request());
  }
  ml.Stop();
  InProcessEngineRunner local(*catalog_);
  Result<EngineCycleResult> in_process = local.Run(Request());
  ASSERT_TRUE(from_server.has_value()) << from_server.error().ToString();
  ASSERT_TRUE(in_process.has_value());
  EXPECT_FALSE(from_server->recommendations.items.empty());
  EXPECT_EQ(Ids(*from_server), Ids(*in_process));
  EXPECT_EQ(from_server->recommendations.TotalMonthlySavings(),
            in_process->recommendations.TotalMonthlySavings());
  ASSERT_EQ(from_server->summaries.size(), 3u);
  EXPECT_EQ(from_server->summaries[1].engine, EngineName::kBinPack);
  EXPECT_EQ(from_server->summaries[1].monthly_savings, in_process->summaries[1].monthly_savings);
}

TEST_F(RemoteEngineRunnerTest, AnUnreachableMlServerIsUnavailableNamingItsUrl) {
  CurlHttpClient http;
  // Port 1 on loopback: nothing listens there.
  RemoteEngineRunner remote(http, {.base_url = "http://127.0.0.1:1"});
  Result<EngineCycleResult> result = remote.Run(Request());
  ASSERT_FALSE(result.has_value());
  EXPECT_EQ(result.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(result.error().message, ::testing::HasSubstr("127.0.0.1:1"));
}

TEST_F(RemoteEngineRunnerTest, AnMlServerTokenIsSent) {
  server::MlApiServer ml(*catalog_, {.port = 0, .token = "ml-secret"});
  ASSERT_TRUE(ml.Start().has_value());
  Result<EngineCycleResult> refused = InvalidArgument("not run");
  Result<EngineCycleResult> accepted = InvalidArgument("not run");
  {
    CurlHttpClient http;
    std::string url = "http://127.0.0.1:" + std::to_string(ml.port());
    refused = RemoteEngineRunner(http, {.base_url = url}).Run(Request());
    accepted = RemoteEngineRunner(http, {.base_url = url, .token = "ml-secret"}).Run(Request());
  }
  ml.Stop();
  ASSERT_FALSE(refused.has_value());
  EXPECT_EQ(refused.error().code, ErrorCode::kUnauthenticated);
  EXPECT_TRUE(accepted.has_value()) << accepted.error().ToString();
}

}  // namespace
}  // namespace cloudoptim::controlplane
