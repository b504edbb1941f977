// `cloudoptim ml-server` as a process: it serves on the port it is given, answers a decision
// request with the engines' recommendations, and stops cleanly on SIGTERM.
#include <httplib.h>
#include <signal.h>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "engines/recommendation.h"
#include "server/decision_request.h"
#include "support/process.h"

namespace cloudoptim {
namespace {

using testing::ChildProcess;

Node IdleNode(const std::string& name, const std::string& zone) {
  Node node;
  node.meta.name = name;
  node.meta.labels = {{std::string(labels::kInstanceType), "m5.xlarge"},
                      {std::string(labels::kZone), zone},
                      {std::string(labels::kHostname), name}};
  node.provider_id = "aws:///" + zone + "/i-0" + name;
  node.allocatable = {.cpu_millis = 3920, .memory_bytes = 15LL << 30, .pods = 58};
  node.capacity = node.allocatable;
  node.conditions.push_back({.type = "Ready", .status = "True"});
  return node;
}

TEST(MlServerTest, AnswersADecisionRequestAndStopsOnSigterm) {
  int port = testing::FreeLoopbackPort();
  std::string log = testing::MakeTempDirectory("ml-server") + "/ml-server.log";
  ChildProcess server =
      ChildProcess::Start({CO_BINARY, "ml-server", "--port", std::to_string(port)},
                          {{"CLOUDOPTIM_DATA_DIR", std::string(CO_SOURCE_DIR) + "/data"}}, log);
  ASSERT_TRUE(testing::WaitForPort(port, std::chrono::seconds(120)))
      << testing::ReadFileOrEmpty(log);

  server::DecisionRequest request;
  request.snapshot.region = "us-east-1";
  request.snapshot.cluster_name = "idle";
  for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
    request.snapshot.nodes.push_back(IdleNode(std::string("idle-") + zone, zone));
  }
  httplib::Client client("127.0.0.1", port);
  httplib::Result health = client.Get("/api/v1/ml/health");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);
  httplib::Result result = client.Post("/api/v1/ml/decision/bin-pack",
                                       server::EncodeDecisionRequest(request), "application/json");
  ASSERT_TRUE(result);
  ASSERT_EQ(result->status, 200) << result->body;
  Result<Recommendations> recommendations = RecommendationsFromJson(result->body);
  ASSERT_TRUE(recommendations.has_value()) << recommendations.error().ToString();
  ASSERT_FALSE(recommendations->items.empty());
  EXPECT_GT(recommendations->TotalMonthlySavings(), Money());

  httplib::Result bad = client.Post("/api/v1/ml/decision/bin-pack", "{}", "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 400);

  client.stop();
  server.Signal(SIGTERM);
  EXPECT_EQ(server.Wait(std::chrono::seconds(60)), 0);
  std::string output = testing::ReadFileOrEmpty(log);
  EXPECT_NE(output.find("\"route\":\"/api/v1/ml/decision/bin-pack\""), std::string::npos) << output;
  EXPECT_NE(output.find("stopping ml-server"), std::string::npos);
}

}  // namespace
}  // namespace cloudoptim
