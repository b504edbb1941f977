// The ML API over HTTP: each engine route answers what the engine answers in-process.
#include "server/ml_api.h"

#include <httplib.h>

#include <set>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engines/binpack.h"
#include "engines/idle_node_test_util.h"
#include "engines/rightsize_nodes.h"
#include "engines/spot_optimize.h"
#include "risk/region_scoring.h"
#include "server/decision_request.h"

namespace cloudoptim::server {
namespace {

using nlohmann::json;

class MlApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(CO_SOURCE_DIR "/data");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete catalog_; }

  void Start(MlApiOptions options = {}) {
    options.port = 0;
    server_ = std::make_unique<MlApiServer>(*catalog_, options);
    ASSERT_TRUE(server_->Start().has_value());
    client_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }
  void TearDown() override {
    client_.reset();
    server_.reset();
  }

  // Three idle on-demand m5.xlarge nodes: waste bin-pack must remove.
  DecisionRequest IdleCluster() {
    const InstanceType* type = catalog_->FindType("m5.xlarge");
    DecisionRequest request;
    request.snapshot.region = "us-east-1";
    for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
      request.snapshot.nodes.push_back(IdleOnDemandNode(std::string("idle-") + zone, zone, *type));
    }
    return request;
  }

  httplib::Result Post(const std::string& path, const std::string& body,
                       const httplib::Headers& headers = {}) {
    return client_->Post(path, headers, body, "application/json");
  }

  static Catalog* catalog_;
  std::unique_ptr<MlApiServer> server_;
  std::unique_ptr<httplib::Client> client_;
};
Catalog* MlApiTest::catalog_ = nullptr;

TEST_F(MlApiTest, EachEngineRouteAnswersExactlyWhatTheEngineAnswersInProcess) {
  Start();
  DecisionRequest request = IdleCluster();
  PoolScoreTable scores = ScoreRegion(*catalog_, "us-east-1", {});
  EngineInput input{.snapshot = request.snapshot,
                    .policy = request.policy,
                    .catalog = *catalog_,
                    .pool_scores = &scores};
  struct Case {
    const char* route;
    EngineFunction run;
  };
  for (Case c : {Case{"spot-optimize", RunSpotOptimize}, Case{"bin-pack", RunBinPack},
                 Case{"rightsize", RunRightsizeNodes}}) {
    SCOPED_TRACE(c.route);
    httplib::Result result =
        Post(std::string("/api/v1/ml/decision/") + c.route, EncodeDecisionRequest(request));
    ASSERT_TRUE(result);
    ASSERT_EQ(result->status, 200) << result->body;
    EXPECT_EQ(result->body, RecommendationsToJson(c.run(input)));
    ASSERT_TRUE(RecommendationsFromJson(result->body).has_value());
  }
  httplib::Result binpack = Post("/api/v1/ml/decision/bin-pack", EncodeDecisionRequest(request));
  EXPECT_FALSE(RecommendationsFromJson(binpack->body)->items.empty());
  std::string metrics = client_->Get("/metrics")->body;
  EXPECT_NE(metrics.find("cloudoptim_ml_decisions_total{engine=\"bin-pack\"} 2"), std::string::npos)
      << metrics;
}

TEST_F(MlApiTest, TheCallersPoolScoresReplaceTheCataloguesOnes) {
  Start();
  DecisionRequest request = IdleCluster();
  request.pool_scores = PoolScoreTable();  // no pool is known safe: spot-optimize stays on-demand
  httplib::Result result =
      Post("/api/v1/ml/decision/spot-optimize", EncodeDecisionRequest(request));
  ASSERT_EQ(result->status, 200);
  EXPECT_EQ(result->body.find("\"capacity_type\":\"mixed\""), std::string::npos) << result->body;
}

TEST_F(MlApiTest, BadInputIsABadRequestNamingTheField) {
  Start();
  httplib::Result result = Post("/api/v1/ml/decision/bin-pack",
                                R"({"snapshot":{"region":"us-east-1","nodes":[{"meta":7}]}})");
  ASSERT_EQ(result->status, 400);
  json body = json::parse(result->body);
  EXPECT_EQ(body["error"]["field"], "snapshot.nodes[0].meta");
  result = Post("/api/v1/ml/decision/rightsize", R"({"snapshot":{"region":"mars-north-1"}})");
  EXPECT_EQ(json::parse(result->body)["error"]["field"], "snapshot.region");
}

TEST_F(MlApiTest, ABodyOverTheLimitIsRefused) {
  Start({.max_body_bytes = 1024});
  httplib::Result result = Post("/api/v1/ml/decision/bin-pack", std::string(2048, ' '));
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 413);
  EXPECT_EQ(json::parse(result->body)["error"]["code"], "payload_too_large");
}

TEST_F(MlApiTest, WithATokenDecisionsNeedItButHealthDoesNot) {
  Start({.token = "ml-secret"});
  std::string body = EncodeDecisionRequest(IdleCluster());
  EXPECT_EQ(Post("/api/v1/ml/decision/bin-pack", body)->status, 401);
  EXPECT_EQ(Post("/api/v1/ml/decision/bin-pack", body, {{"Authorization", "Bearer wrong"}})->status,
            401);
  EXPECT_EQ(
      Post("/api/v1/ml/decision/bin-pack", body, {{"Authorization", "Bearer ml-secret"}})->status,
      200);
  EXPECT_EQ(client_->Get("/api/v1/ml/health")->status, 200);
}

TEST_F(MlApiTest, TheOpenApiDocumentListsExactlyTheServedRoutes) {
  Start();
  json doc = json::parse(client_->Get("/api/openapi.json")->body);
  std::set<std::string> documented;
  for (const auto& [path, operations] : doc["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      documented.insert(method + " " + path);
      httplib::Result served = method == "get" ? client_->Get(path) : Post(path, "{}");
      ASSERT_TRUE(served);
      EXPECT_EQ(served->body.find("no such route"), std::string::npos) << path;
    }
  }
  EXPECT_EQ(documented,
            (std::set<std::string>{"post /api/v1/ml/decision/spot-optimize",
                                   "post /api/v1/ml/decision/bin-pack",
                                   "post /api/v1/ml/decision/rightsize", "get /api/v1/ml/health",
                                   "get /metrics", "get /api/openapi.json"}));
  EXPECT_EQ(client_->Get("/api/v1/ml/decision/schedule")->status, 404);
}

}  // namespace
}  // namespace cloudoptim::server
