// `cloudoptim core` as an operator runs it: configuration errors name the key and its source
// (exit 2), the service starts on a free port, reports ready, says where its engines run, and
// stops cleanly on SIGTERM.
#include <signal.h>

#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "net/curl_http_client.h"
#include "support/process.h"

namespace cloudoptim {
namespace {

using ::cloudoptim::testing::ChildProcess;
using ::cloudoptim::testing::FreeLoopbackPort;
using ::cloudoptim::testing::MakeTempDirectory;
using ::cloudoptim::testing::ReadFileOrEmpty;
using ::cloudoptim::testing::RunCommand;
using ::cloudoptim::testing::WaitForPort;
using ::testing::HasSubstr;

const std::string kMasterKey(64, '7');

TEST(CoreCommandTest, ABadSettingIsRefusedNamingKeyAndSource) {
  testing::CommandResult result =
      RunCommand({CO_BINARY, "core"},
                 {{"CLOUDOPTIM_ENGINE_INTERVAL", "soon"}, {"CLOUDOPTIM_MASTER_KEY", kMasterKey}});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("engine_interval"));
  EXPECT_THAT(result.output, HasSubstr("CLOUDOPTIM_ENGINE_INTERVAL"));
}

TEST(CoreCommandTest, WithoutAMasterKeyItSaysWhereToPutOne) {
  std::string dir = MakeTempDirectory("co-core-test");
  testing::CommandResult result =
      RunCommand({CO_BINARY, "core", "--store-url", "sqlite://" + dir + "/co.db"});
  EXPECT_EQ(result.exit_code, 2);
  EXPECT_THAT(result.output, HasSubstr("CLOUDOPTIM_MASTER_KEY"));
}

TEST(CoreCommandTest, ServesReadyReportsRemoteEnginesAndStopsCleanly) {
  std::string dir = MakeTempDirectory("co-core-test");
  int port = FreeLoopbackPort();
  // An ML server URL where nothing listens: the service still starts; the health says why.
  ChildProcess core = ChildProcess::Start(
      {CO_BINARY, "core", "--core-port", std::to_string(port), "--store-url",
       "sqlite://" + dir + "/co.db", "--ml-server-url", "http://127.0.0.1:1", "--log-format",
       "json"},
      {{"CLOUDOPTIM_MASTER_KEY", kMasterKey}, {"CLOUDOPTIM_OPERATOR_KEY", "operator-secret"}},
      dir + "/core.log");
  ASSERT_TRUE(WaitForPort(port, std::chrono::seconds(120))) << ReadFileOrEmpty(dir + "/core.log");
  {
    CurlHttpClient http;
    std::string api = "http://127.0.0.1:" + std::to_string(port);
    // The API listens before the loops have started and answers 503 "starting" until then:
    // readiness is polled, as a load balancer would, with a generous bound for a loaded
    // machine. (Asking once right after the port opened was a race the fast side could lose.)
    Result<HttpResponse> ready = http.Send({.url = api + "/readyz"});
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    while (ready.has_value() && ready->status == 503 &&
           std::chrono::steady_clock::now() < deadline) {
      EXPECT_THAT(ready->body, HasSubstr("starting"));
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ready = http.Send({.url = api + "/readyz"});
    }
    ASSERT_TRUE(ready.has_value());
    EXPECT_EQ(ready->status, 200);
    // The operator key (from the environment) makes a tenant; its admin key reads the health.
    Result<HttpResponse> tenant =
        http.Send({.method = "POST",
                   .url = api + "/api/v1/service/tenants",
                   .headers = {{"Authorization", "Bearer operator-secret"},
                               {"Content-Type", "application/json"}},
                   .body = R"({"name": "acme"})"});
    ASSERT_TRUE(tenant.has_value());
    ASSERT_EQ(tenant->status, 201) << tenant->body;
    std::string key = nlohmann::json::parse(tenant->body)["admin_key"]["key"].get<std::string>();
    Result<HttpResponse> ml = http.Send(
        {.url = api + "/api/v1/ml/health", .headers = {{"Authorization", "Bearer " + key}}});
    ASSERT_TRUE(ml.has_value());
    nlohmann::json body = nlohmann::json::parse(ml->body, nullptr, false);
    EXPECT_EQ(body.value("mode", ""), "remote") << ml->body;
    EXPECT_EQ(body.value("url", ""), "http://127.0.0.1:1");
    EXPECT_FALSE(body.value("healthy", true));
  }
  core.Signal(SIGTERM);
  EXPECT_EQ(core.Wait(std::chrono::seconds(60)), 0) << ReadFileOrEmpty(dir + "/core.log");
  std::string log = ReadFileOrEmpty(dir + "/core.log");
  EXPECT_THAT(log, HasSubstr("\"msg\":\"control plane started\""));
  EXPECT_THAT(log, HasSubstr("\"msg\":\"stopping\""));
}

}  // namespace
}  // namespace cloudoptim
