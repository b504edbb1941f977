// End to end, with nothing configured but the onboarding the demo does: `cloudoptim demo`
// runs the sandbox (Kubernetes + simulated AWS) and `cloudoptim core`'s control plane. A spot
// interruption injected into the sandbox reaches the core's interruption handler through SQS;
// the handler discovers the interrupted node's launch template and subnets from the account
// (aws:ec2launchtemplate:id on its instance) and launches exactly one replacement in another
// pool, which joins the same node group as a Ready node. The same event delivered again
// changes nothing. Every wait polls a condition with a generous deadline: nothing here depends
// on how fast the machine is.
#include <signal.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "aws/aws_config.h"
#include "aws/aws_session.h"
#include "aws/ec2_client.h"
#include "aws/sqs_client.h"
#include "cloudsim/event_bridge_events.h"
#include "kube/cluster_connection.h"
#include "kube/kube_cluster_api.h"
#include "kube/kube_rest_client.h"
#include "net/curl_http_client.h"
#include "support/process.h"

namespace cloudoptim {
namespace {

using ::cloudoptim::testing::ChildProcess;
using ::cloudoptim::testing::FreeLoopbackPort;
using ::cloudoptim::testing::MakeTempDirectory;
using ::cloudoptim::testing::ParseKeyValueLines;
using ::cloudoptim::testing::ReadFileOrEmpty;
using ::cloudoptim::testing::RunCommand;
using Json = nlohmann::json;

constexpr std::chrono::seconds kPatience{300};

template <typename Predicate>
bool Eventually(Predicate done, std::chrono::seconds limit = kPatience) {
  const auto until = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < until) {
    if (done()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(250));
  }
  return done();
}

class InterruptionReplacementTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = MakeTempDirectory("co-replacement-test");
    log_ = dir_ + "/demo.log";
    demo_ = std::make_unique<ChildProcess>(
        ChildProcess::Start({CO_BINARY, "demo", "--headless", "--port",
                             std::to_string(FreeLoopbackPort()), "--data-dir", dir_},
                            {}, log_));
    ASSERT_TRUE(Eventually([&] {
      ready_ = ParseKeyValueLines(ReadFileOrEmpty(log_));
      return ready_["ready"] == "1" || !demo_->IsRunning();
    })) << ReadFileOrEmpty(log_);
    ASSERT_EQ(ready_["ready"], "1") << ReadFileOrEmpty(log_);

    Result<ClusterConnection> connection = LoadKubeconfig({.explicit_path = ready_["kubeconfig"]});
    ASSERT_TRUE(connection) << connection.error().ToString();
    kube_ = std::make_unique<KubeClusterApi>(KubeRestClient::Create(*connection, clock_));

    // The AWS side exactly as a customer's script would reach it: sandbox.env.
    std::map<std::string, std::string> env =
        ParseKeyValueLines(ReadFileOrEmpty(dir_ + "/sandbox.env"));
    queue_url_ = env["CLOUDOPTIM_QUEUE_URL"];
    ASSERT_FALSE(queue_url_.empty()) << ReadFileOrEmpty(dir_ + "/sandbox.env");
    aws::Environment aws_env = {{"HOME", dir_}};
    for (const auto& [key, value] : env) aws_env[key] = value;
    Result<aws::AwsConfig> config = aws::LoadAwsConfig({}, aws_env);
    ASSERT_TRUE(config) << config.error().ToString();
    auto session = aws::AwsSession::Create(*config, http_, clock_);
    ASSERT_TRUE(session) << session.error().ToString();
    session_ = std::move(*session);
    ec2_ =
        std::make_unique<aws::Ec2Client>(session_->transport(), session_->config().Endpoint("ec2"));
    sqs_ =
        std::make_unique<aws::SqsClient>(session_->transport(), session_->config().Endpoint("sqs"));
  }

  void TearDown() override {
    if (demo_ && demo_->IsRunning()) {
      demo_->Signal(SIGINT);
      EXPECT_EQ(demo_->Wait(std::chrono::seconds(60)), 0) << ReadFileOrEmpty(log_);
    }
    std::filesystem::remove_all(dir_);
  }

  std::vector<Node> Nodes() {
    Snapshot listed;
    if (!kube_->List(ClusterResource::kNodes, {}, &listed)) return {};
    return listed.nodes;
  }

  std::vector<Ec2Instance> ReplacementsOf(const std::string& instance_id) {
    auto found = ec2_->DescribeInstances({{"tag:cloudoptim.io/replaces", {instance_id}}});
    return found.value_or(std::vector<Ec2Instance>{});
  }

  int QueueDepth() {
    auto attributes = sqs_->GetQueueAttributes(
        queue_url_, {"ApproximateNumberOfMessages", "ApproximateNumberOfMessagesNotVisible"});
    if (!attributes) return -1;
    return std::stoi((*attributes)["ApproximateNumberOfMessages"]) +
           std::stoi((*attributes)["ApproximateNumberOfMessagesNotVisible"]);
  }

  // The control plane's audit entries for `node`, oldest first.
  std::vector<Json> Audit(const std::string& node) {
    Result<HttpResponse> response =
        http_.Send({.url = ready_["api_url"] + "/api/v1/audit?limit=500",
                    .headers = {{"Authorization", "Bearer " + ready_["api_key"]}}});
    std::vector<Json> entries;
    if (!response || response->status != 200) return entries;
    Json body = Json::parse(response->body, nullptr, false);
    if (body.is_discarded()) return entries;
    for (const Json& entry : body.value("entries", Json::array())) {
      if (entry.value("target", "").ends_with("/node/" + node)) entries.push_back(entry);
    }
    std::reverse(entries.begin(), entries.end());
    return entries;
  }

  SystemClock clock_;
  CurlHttpClient http_;
  std::string dir_, log_, queue_url_;
  std::unique_ptr<ChildProcess> demo_;
  std::map<std::string, std::string> ready_;
  std::unique_ptr<KubeClusterApi> kube_;
  std::unique_ptr<aws::AwsSession> session_;
  std::unique_ptr<aws::Ec2Client> ec2_;
  std::unique_ptr<aws::SqsClient> sqs_;
};

TEST_F(InterruptionReplacementTest, ASpotInterruptionLaunchesOneReplacementInAnotherPoolThatJoins) {
  ASSERT_TRUE(Eventually([&] {
    return ReadFileOrEmpty(log_).find("interruption handler started") != std::string::npos;
  })) << ReadFileOrEmpty(log_);

  // A Ready spot node of a node group, and its instance as EC2 describes it.
  Node interrupted;
  for (const Node& node : Nodes()) {
    if (node.meta.labels.count("eks.amazonaws.com/capacityType") &&
        node.meta.labels.at("eks.amazonaws.com/capacityType") == "SPOT" && node.IsReady() &&
        node.meta.labels.count("eks.amazonaws.com/nodegroup")) {
      interrupted = node;
      break;
    }
  }
  ASSERT_FALSE(interrupted.meta.name.empty()) << "the default scenario has no spot node";
  const std::string instance_id = interrupted.InstanceId();
  const std::string group = interrupted.meta.labels.at("eks.amazonaws.com/nodegroup");
  auto described = ec2_->DescribeInstances({{"instance-id", {instance_id}}});
  ASSERT_TRUE(described && described->size() == 1u);
  const Ec2Instance before = described->front();
  ASSERT_TRUE(before.tags.contains("aws:ec2launchtemplate:id"));
  ASSERT_THAT(ReplacementsOf(instance_id), ::testing::IsEmpty());

  // A new cluster is recommend-only, which only observes interruptions: let it act.
  Result<HttpResponse> approve = http_.Send(
      {.method = "PUT",
       .url = ready_["api_url"] + "/api/v1/clusters/" + ready_["cluster_id"] + "/settings",
       .headers = {{"Authorization", "Bearer " + ready_["api_key"]},
                   {"Content-Type", "application/json"}},
       .body = R"({"mode":"approve"})"});
  ASSERT_TRUE(approve && approve->status == 200) << (approve ? approve->body : "no answer");

  std::string empty_body = dir_ + "/empty.json";
  { std::ofstream(empty_body) << "{}"; }
  ::cloudoptim::testing::CommandResult interrupt =
      RunCommand({"kubectl", "--kubeconfig", ready_["kubeconfig"], "create", "--raw",
                  "/sandbox/v1/interrupt?node=" + interrupted.meta.name, "-f", empty_body});
  ASSERT_EQ(interrupt.exit_code, 0) << interrupt.output;

  // One replacement, from the interrupted node's own template, in another pool.
  ASSERT_TRUE(Eventually([&] { return !ReplacementsOf(instance_id).empty(); }))
      << ReadFileOrEmpty(log_);
  std::vector<Ec2Instance> replacements = ReplacementsOf(instance_id);
  ASSERT_EQ(replacements.size(), 1u);
  const Ec2Instance replacement = replacements.front();
  EXPECT_EQ(replacement.tags.at("aws:ec2launchtemplate:id"),
            before.tags.at("aws:ec2launchtemplate:id"));
  EXPECT_EQ(replacement.tags.at("eks:nodegroup-name"), group);
  EXPECT_TRUE(replacement.instance_type != before.instance_type ||
              replacement.availability_zone != before.availability_zone)
      << "replacement in the interrupted pool " << before.instance_type << "/"
      << before.availability_zone;

  // The same event delivered again (SQS is at-least-once): found by its id in the audit log.
  std::string event_id;
  ASSERT_TRUE(Eventually([&] {
    for (const Json& entry : Audit(interrupted.meta.name)) {
      std::string reason = entry.value("reason", "");
      size_t at = reason.find("event=");
      if (entry.value("action", "") != "instance.launch" || at == std::string::npos) continue;
      event_id = reason.substr(at + 6, reason.find(' ', at) - at - 6);
    }
    return !event_id.empty();
  })) << ReadFileOrEmpty(log_);
  // Sent at once, well within the notice (the node is still there to route to): the handler
  // may still be evacuating the first delivery ("is being handled already") or be done with
  // it ("was handled already"); either way nothing more may happen.
  std::string duplicate = SpotInterruptionWarningEvent(
      {.id = event_id, .account = "123456789012", .region = "us-east-1", .time = clock_.Now()},
      instance_id);
  const size_t log_before = ReadFileOrEmpty(log_).size();
  ASSERT_TRUE(sqs_->SendMessage(queue_url_, duplicate));
  // The handler logs a message once it is deleted, saying it had seen the event.
  EXPECT_TRUE(Eventually([&] {
    return ReadFileOrEmpty(log_).find("handled already", log_before) != std::string::npos;
  })) << ReadFileOrEmpty(log_);

  // The replacement joins the node group as a Ready node.
  Node joined;
  EXPECT_TRUE(Eventually([&] {
    for (const Node& node : Nodes()) {
      if (node.InstanceId() == replacement.instance_id && node.IsReady()) joined = node;
    }
    return !joined.meta.name.empty();
  })) << ReadFileOrEmpty(log_);
  EXPECT_EQ(joined.meta.labels["eks.amazonaws.com/nodegroup"], group);

  EXPECT_TRUE(Eventually([&] { return QueueDepth() == 0; })) << "messages left on the queue";
  EXPECT_THAT(ReplacementsOf(instance_id), ::testing::SizeIs(1));
  int launches = 0;
  for (const Json& entry : Audit(interrupted.meta.name)) {
    launches += entry.value("action", "") == "instance.launch" ? 1 : 0;
  }
  EXPECT_EQ(launches, 1);
}

}  // namespace
}  // namespace cloudoptim
