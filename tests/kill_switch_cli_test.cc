// `cloudoptim kill-switch` against a real `cloudoptim core`: the operator engages and releases
// the global switch from a shell, every tenant's audit log records it, and a wrong key, a
// missing reason, a missing key or an unreachable API each get a message that names the
// problem and change nothing.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sys/socket.h>
#include <unistd.h>

#include <memory>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <nlohmann/json.hpp>

#include "net/curl_http_client.h"
#include "support/process.h"

namespace cloudoptim {
namespace {

using ::cloudoptim::testing::ChildProcess;
using ::cloudoptim::testing::CommandResult;
using ::cloudoptim::testing::FreeLoopbackPort;
using ::cloudoptim::testing::MakeTempDirectory;
using ::cloudoptim::testing::ReadFileOrEmpty;
using ::cloudoptim::testing::RunCommand;
using ::cloudoptim::testing::WaitForPort;
using ::testing::HasSubstr;
using ::testing::Not;

const std::string kMasterKey(64, '7');
const std::string kOperatorKey = "operator-secret";

class KillSwitchCliTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = MakeTempDirectory("co-kill-switch-cli");
    int port = FreeLoopbackPort();
    api_ = "http://127.0.0.1:" + std::to_string(port);
    core_ = std::make_unique<ChildProcess>(ChildProcess::Start(
        {CO_BINARY, "core", "--core-port", std::to_string(port), "--store-url",
         "sqlite://" + dir_ + "/co.db", "--ml-server-url", "http://127.0.0.1:1"},
        {{"CLOUDOPTIM_MASTER_KEY", kMasterKey}, {"CLOUDOPTIM_OPERATOR_KEY", kOperatorKey}},
        dir_ + "/core.log"));
    ASSERT_TRUE(WaitForPort(port, std::chrono::seconds(120)))
        << ReadFileOrEmpty(dir_ + "/core.log");
    // The API answers 503 until the loops have started: poll, as a load balancer would.
    CurlHttpClient http;
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
    Result<HttpResponse> ready = http.Send({.url = api_ + "/readyz"});
    while ((!ready.has_value() || ready->status != 200) &&
           std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
      ready = http.Send({.url = api_ + "/readyz"});
    }
    ASSERT_TRUE(ready.has_value() && ready->status == 200);
  }

  static void TearDownTestSuite() {
    core_->Signal(SIGTERM);
    core_->Wait(std::chrono::seconds(60));
    core_.reset();
  }

  // Runs `cloudoptim kill-switch <args> --api <api>` with the operator key in the environment.
  static CommandResult Cli(std::vector<std::string> args, const std::string& key = kOperatorKey,
                           const std::string& api = "") {
    std::vector<std::string> argv = {CO_BINARY, "kill-switch"};
    argv.insert(argv.end(), args.begin(), args.end());
    argv.push_back("--api");
    argv.push_back(api.empty() ? api_ : api);
    return RunCommand(argv, {{"CLOUDOPTIM_OPERATOR_KEY", key}});
  }

  static nlohmann::json Status() {
    CommandResult status = Cli({"status", "-o", "json"});
    EXPECT_EQ(status.exit_code, 0) << status.output;
    return nlohmann::json::parse(status.output, nullptr, false);
  }

  // A tenant, made with the operator key; returns its admin key.
  static std::string MakeTenant(const std::string& name) {
    CurlHttpClient http;
    Result<HttpResponse> tenant =
        http.Send({.method = "POST",
                   .url = api_ + "/api/v1/service/tenants",
                   .headers = {{"Authorization", "Bearer " + kOperatorKey},
                               {"Content-Type", "application/json"}},
                   .body = nlohmann::json{{"name", name}}.dump()});
    EXPECT_TRUE(tenant.has_value() && tenant->status == 201);
    if (!tenant.has_value()) return "";
    return nlohmann::json::parse(tenant->body)["admin_key"]["key"].get<std::string>();
  }

  static inline std::string dir_;
  static inline std::string api_;
  static inline std::unique_ptr<ChildProcess> core_;
};

TEST_F(KillSwitchCliTest, EngagesAndReleasesWithTheReasonInEveryTenantsAuditLog) {
  std::string tenant_key = MakeTenant("acme");
  EXPECT_FALSE(Status().value("engaged", true));

  CommandResult engage = Cli({"engage", "--reason", "incident 4711 \"db\""});
  ASSERT_EQ(engage.exit_code, 0) << engage.output;
  EXPECT_THAT(engage.output, HasSubstr("ENGAGED"));
  // The reason as typed: not a JSON string with quotes and escapes.
  EXPECT_THAT(engage.output, HasSubstr("reason:     incident 4711 \"db\"\n"));
  nlohmann::json engaged = Status();
  EXPECT_TRUE(engaged.value("engaged", false));
  EXPECT_EQ(engaged.value("reason", ""), "incident 4711 \"db\"");
  EXPECT_FALSE(engaged.value("changed_by", "").empty());

  CurlHttpClient http;
  Result<HttpResponse> audit = http.Send(
      {.url = api_ + "/api/v1/audit", .headers = {{"Authorization", "Bearer " + tenant_key}}});
  ASSERT_TRUE(audit.has_value());
  ASSERT_EQ(audit->status, 200) << audit->body;
  EXPECT_THAT(audit->body, HasSubstr("service.kill-switch.engage"));
  EXPECT_THAT(audit->body, HasSubstr("incident 4711"));

  CommandResult release = Cli({"release", "--reason", "incident 4711 over"});
  ASSERT_EQ(release.exit_code, 0) << release.output;
  EXPECT_THAT(release.output, HasSubstr("released"));
  EXPECT_FALSE(Status().value("engaged", true));
}

TEST_F(KillSwitchCliTest, AWrongKeyIsRefusedAndChangesNothing) {
  bool before = Status().value("engaged", false);
  CommandResult engage = Cli({"engage", "--reason", "not mine"}, "a-tenant-guess");
  EXPECT_EQ(engage.exit_code, 1);
  EXPECT_THAT(engage.output, HasSubstr("HTTP 401"));
  EXPECT_EQ(Status().value("engaged", !before), before);
}

TEST_F(KillSwitchCliTest, EngagingWithAnEmptyReasonIsRefusedNamingTheField) {
  CommandResult engage = Cli({"engage", "--reason", ""});
  EXPECT_EQ(engage.exit_code, 1);
  EXPECT_THAT(engage.output, HasSubstr("reason"));
  EXPECT_FALSE(Status().value("engaged", true));
}

TEST_F(KillSwitchCliTest, WithoutAKeyItSaysWhereToPutOne) {
  CommandResult status = Cli({"status"}, "");
  EXPECT_EQ(status.exit_code, 2);
  EXPECT_THAT(status.output, HasSubstr("CLOUDOPTIM_OPERATOR_KEY"));
}

// Usage errors exit 2 (bad input), as documented, not CLI11's own codes (106 for a missing
// required option), and the message names the option.
TEST_F(KillSwitchCliTest, AMissingApiOrReasonIsBadUsageExit2) {
  CommandResult no_api =
      RunCommand({CO_BINARY, "kill-switch", "status"}, {{"CLOUDOPTIM_OPERATOR_KEY", kOperatorKey}});
  EXPECT_EQ(no_api.exit_code, 2) << no_api.output;
  EXPECT_THAT(no_api.output, HasSubstr("--api"));
  CommandResult no_reason = Cli({"engage"});
  EXPECT_EQ(no_reason.exit_code, 2) << no_reason.output;
  EXPECT_THAT(no_reason.output, HasSubstr("--reason"));
  CommandResult unknown = Cli({"status", "--no-such-flag"});
  EXPECT_EQ(unknown.exit_code, 2) << unknown.output;
  EXPECT_FALSE(Status().value("engaged", true));
}

// A refused connection means the request never left: nothing changed and repeating it is
// safe, and the CLI says so instead of "may or may not have changed".
TEST_F(KillSwitchCliTest, AnUnreachableApiIsNamedAndAnEngageSaysNothingChanged) {
  std::string nowhere = "http://127.0.0.1:" + std::to_string(FreeLoopbackPort());
  CommandResult status = Cli({"status"}, kOperatorKey, nowhere);
  EXPECT_EQ(status.exit_code, 1);
  EXPECT_THAT(status.output, HasSubstr("cannot reach " + nowhere));
  CommandResult engage = Cli({"engage", "--reason", "x"}, kOperatorKey, nowhere);
  EXPECT_EQ(engage.exit_code, 1);
  EXPECT_THAT(engage.output, HasSubstr("the request was not sent: nothing changed"));
  EXPECT_THAT(engage.output, Not(HasSubstr("may or may not")));
}

// A connection that fails after the request went out (here: the peer reads it and hangs up
// without answering) may have changed the switch: the CLI says so and to run `status`.
TEST_F(KillSwitchCliTest, AConnectionLostAfterSendingSaysToCheckTheState) {
  const int listener = ::socket(AF_INET, SOCK_STREAM, 0);
  ASSERT_GE(listener, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  ASSERT_EQ(::bind(listener, reinterpret_cast<sockaddr*>(&address), sizeof(address)), 0);
  ASSERT_EQ(::listen(listener, 4), 0);
  socklen_t length = sizeof(address);
  ASSERT_EQ(::getsockname(listener, reinterpret_cast<sockaddr*>(&address), &length), 0);
  const std::string api = "http://127.0.0.1:" + std::to_string(ntohs(address.sin_port));
  std::thread hanging_up([listener] {
    const int connection = ::accept(listener, nullptr, nullptr);
    if (connection < 0) return;
    char buffer[4096];
    (void)::recv(connection, buffer, sizeof(buffer), 0);  // the request arrived
    ::close(connection);
  });
  CommandResult engage = Cli({"engage", "--reason", "x"}, kOperatorKey, api);
  hanging_up.join();
  ::close(listener);
  EXPECT_EQ(engage.exit_code, 1) << engage.output;
  EXPECT_THAT(engage.output, HasSubstr("may or may not have changed"));
  EXPECT_THAT(engage.output, HasSubstr("run `status`"));
}

// --api pointing at something else (a proxy, another service) that answers JSON of another
// shape: the CLI names the answer and exits 1; it must not abort on a type error.
TEST_F(KillSwitchCliTest, AnAnswerOfAnotherShapeIsNamedNotACrash) {
  httplib::Server other;
  other.Get("/api/v1/service/kill-switch", [](const httplib::Request&, httplib::Response& res) {
    res.status = 200;
    res.set_content(R"({"engaged": "yes", "reason": 7})", "application/json");
  });
  other.Put("/api/v1/service/kill-switch", [](const httplib::Request&, httplib::Response& res) {
    res.status = 502;
    res.set_content(R"({"error": {"code": 502, "message": "upstream down"}})", "application/json");
  });
  const int port = other.bind_to_any_port("127.0.0.1");
  ASSERT_GT(port, 0);
  // Bound and listening already: the CLI's connection waits in the backlog until accepted.
  std::thread serving([&] { other.listen_after_bind(); });
  const std::string api = "http://127.0.0.1:" + std::to_string(port);

  CommandResult engage = Cli({"engage", "--reason", "x"}, kOperatorKey, api);
  EXPECT_EQ(engage.exit_code, 1) << engage.output;
  EXPECT_THAT(engage.output, HasSubstr("HTTP 502 502: upstream down"));
  CommandResult status = Cli({"status"}, kOperatorKey, api);
  EXPECT_EQ(status.exit_code, 1) << status.output;
  EXPECT_THAT(status.output, HasSubstr("unexpected answer"));

  other.stop();
  serving.join();
}

}  // namespace
}  // namespace cloudoptim
