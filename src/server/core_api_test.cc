// What each core API route answers when used as intended.
#include <atomic>
#include <thread>

#include "server/core_api_test_fixture.h"
#include "store/api_key.h"

namespace cloudoptim::server {
namespace {

using nlohmann::json;

TEST_F(CoreApiTest, HealthIsAlwaysOkAndReadinessFollowsTheControlPlane) {
  EXPECT_EQ(Get("/healthz", "").status, 200);
  EXPECT_EQ(Get("/readyz", "").body["status"], "ready");
  hooks_.ready = false;
  Reply starting = Get("/readyz", "");
  EXPECT_EQ(starting.status, 503);
  EXPECT_EQ(starting.body["status"], "starting");
}

TEST_F(CoreApiTest, ClustersListsOnlyTheTenantsOwnWithModeAndLoop) {
  Reply reply = Get("/api/v1/admin/clusters", viewer_a_);
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.body["clusters"].size(), 1u);
  EXPECT_EQ(reply.body["clusters"][0]["id"], cluster_a_);
  EXPECT_EQ(reply.body["clusters"][0]["mode"], "recommend-only");
  EXPECT_EQ(reply.body["clusters"][0]["loop"]["cycle_interval_seconds"], 600);
  EXPECT_EQ(reply.text.find(cluster_b_), std::string::npos);
}

// A loop status another replica answered from the stored row says when it was written and
// whether it is recent enough to count as running.
TEST_F(CoreApiTest, AStoredLoopStatusShowsWhenItWasWritten) {
  hooks_.loop.running = false;
  hooks_.loop.updated = TimePoint(std::chrono::seconds(1'790'000'000));
  Reply reply = Get("/api/v1/admin/clusters", viewer_a_);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["clusters"][0]["loop"]["running"], false);
  EXPECT_EQ(reply.body["clusters"][0]["loop"]["updated"], FormatRfc3339(*hooks_.loop.updated));
}

TEST_F(CoreApiTest, ClusterDetailShowsSettingsAndPendingSavings) {
  Reply reply = Get("/api/v1/clusters/" + cluster_a_, viewer_a_);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["name"], "prod");
  EXPECT_EQ(reply.body["settings"]["mode"], "recommend-only");
  EXPECT_EQ(reply.body["pending_recommendations"], 1);
  EXPECT_EQ(reply.body["pending_monthly_savings_usd"], "250.50");
  EXPECT_EQ(reply.text.find("https://k"), std::string::npos) << "credentials must not appear";
}

TEST_F(CoreApiTest, SettingsCanBeReadAndChangedByAnAdminAndAreAudited) {
  EXPECT_EQ(Get("/api/v1/clusters/" + cluster_a_ + "/settings", viewer_a_).body["mode"],
            "recommend-only");
  Reply put = Call("PUT", "/api/v1/clusters/" + cluster_a_ + "/settings", admin_a_,
                   R"({"mode":"autopilot","thresholds":{"min_on_demand_share":0.3},
                       "kill_switch":true})");
  ASSERT_EQ(put.status, 200) << put.text;
  EXPECT_EQ(put.body["mode"], "autopilot");
  EXPECT_EQ(put.body["thresholds"]["min_on_demand_share"], 0.3);
  EXPECT_EQ(put.body["kill_switch"], true);
  EXPECT_EQ(store_->clusters().GetSettings(tenant_a_, cluster_a_)->mode,
            store::ClusterMode::kAutopilot);
  EXPECT_EQ(hooks_.settings_changed, std::vector<std::string>{cluster_a_});
  // A partial PUT keeps the other fields.
  put = Call("PUT", "/api/v1/clusters/" + cluster_a_ + "/settings", admin_a_,
             R"({"mode":"approve"})");
  EXPECT_EQ(put.body["kill_switch"], true);
  Reply audit = Get("/api/v1/audit", viewer_a_);
  EXPECT_EQ(audit.body["entries"][0]["action"], "cluster.settings");
}

TEST_F(CoreApiTest, SettingsRejectUnknownOrOutOfRangeThresholdsNamingThem) {
  std::string path = "/api/v1/clusters/" + cluster_a_ + "/settings";
  Reply unknown = Call("PUT", path, admin_a_, R"({"thresholds":{"speed":1}})");
  EXPECT_EQ(unknown.body["error"]["field"], "thresholds.speed");
  Reply range = Call("PUT", path, admin_a_, R"({"thresholds":{"min_pool_safety_score":2}})");
  EXPECT_EQ(range.body["error"]["field"], "thresholds.min_pool_safety_score");
}

TEST_F(CoreApiTest, OnboardingRegistersAClusterWithEncryptedCredentialsAndStartsItsLoops) {
  Reply reply = Call("POST", "/api/v1/customer/onboard", admin_a_, R"({
      "name": "staging", "region": "eu-west-1", "server": "https://10.0.0.1:6443",
      "token": "secret-token", "ca_certificate": "-----BEGIN CERTIFICATE-----",
      "aws_endpoint": "http://127.0.0.1:5000", "role_arn": "arn:aws:iam::123456789012:role/co",
      "external_id": "ext-1", "queue_url": "https://sqs.eu-west-1.amazonaws.com/1/q"})");
  ASSERT_EQ(reply.status, 201) << reply.text;
  std::string id = reply.body["cluster"]["id"];
  EXPECT_EQ(reply.body["cluster"]["region"], "eu-west-1");
  EXPECT_EQ(reply.text.find("secret-token"), std::string::npos);
  EXPECT_EQ(hooks_.registered, std::vector<std::string>{id});
  std::string credentials = store_->clusters().GetClusterCredentials(tenant_a_, id).value();
  EXPECT_NE(credentials.find("secret-token"), std::string::npos);
  EXPECT_NE(credentials.find("arn:aws:iam::123456789012:role/co"), std::string::npos);
  // The same name again is a conflict naming the field.
  Reply again = Call("POST", "/api/v1/customer/onboard", admin_a_,
                     R"({"name":"staging","region":"eu-west-1","kubeconfig":"x"})");
  EXPECT_EQ(again.status, 409);
}

TEST_F(CoreApiTest, OnboardingKeepsOptionalLaunchOverridesAndChecksTheSubnetIds) {
  Reply reply = Call("POST", "/api/v1/customer/onboard", admin_a_, R"({
      "name": "pinned", "region": "us-east-1", "kubeconfig": "k",
      "launch_template": "lt-0abc", "subnet_ids": ["subnet-1", "subnet-2"]})");
  ASSERT_EQ(reply.status, 201) << reply.text;
  EXPECT_EQ(reply.body["cluster"]["launch_template"], "lt-0abc");
  std::string id = reply.body["cluster"]["id"];
  store::Cluster stored = store_->clusters().GetCluster(tenant_a_, id).value();
  EXPECT_EQ(stored.subnet_ids, (std::vector<std::string>{"subnet-1", "subnet-2"}));
  Reply bad = Call("POST", "/api/v1/customer/onboard", admin_a_,
                   R"({"name":"bad","region":"us-east-1","kubeconfig":"k","subnet_ids":["sn-1"]})");
  EXPECT_EQ(bad.status, 400);
  EXPECT_EQ(bad.body["error"]["field"], "subnet_ids[0]") << bad.text;
}

TEST_F(CoreApiTest, OnboardingNeedsAKubeconfigOrAServerAndToken) {
  Reply reply = Call("POST", "/api/v1/customer/onboard", admin_a_,
                     R"({"name":"x","region":"us-east-1","server":"https://h"})");
  EXPECT_EQ(reply.status, 400);
  EXPECT_EQ(reply.body["error"]["field"], "kubeconfig");
  reply = Call("POST", "/api/v1/customer/onboard", admin_a_,
               R"({"name":"x","region":"us-east-1","kubeconfig":"k","role_arn":"role/x"})");
  EXPECT_EQ(reply.body["error"]["field"], "role_arn");
}

TEST_F(CoreApiTest, TriggerRunsACycleThroughTheControlPlane) {
  Reply reply = Call("POST", "/api/v1/optimization/trigger", operator_a_,
                     json{{"cluster_id", cluster_a_}}.dump());
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["recommendation_count"], 3);
  EXPECT_EQ(reply.body["monthly_savings_usd"], "123.45");
  EXPECT_EQ(hooks_.triggered, std::vector<std::string>{tenant_a_ + "/" + cluster_a_});
}

TEST_F(CoreApiTest, TriggerPassesOnTheControlPlanesUnavailabilityButNotItsInternals) {
  hooks_.next_error = Error{ErrorCode::kUnavailable, "cannot reach the API server"};
  Reply unavailable = Call("POST", "/api/v1/optimization/trigger", operator_a_,
                           json{{"cluster_id", cluster_a_}}.dump());
  EXPECT_EQ(unavailable.status, 503);
  hooks_.next_error = Error{ErrorCode::kInternal, "SQLITE_CORRUPT in sqlite3_step"};
  Reply internal = Call("POST", "/api/v1/optimization/trigger", operator_a_,
                        json{{"cluster_id", cluster_a_}}.dump());
  EXPECT_EQ(internal.status, 500);
  EXPECT_EQ(internal.text.find("SQLITE"), std::string::npos);
}

TEST_F(CoreApiTest, MlHealthReportsWhereDecisionsAreMade) {
  Reply reply = Get("/api/v1/ml/health", viewer_a_);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["mode"], "in-process");
  EXPECT_EQ(reply.body["engines"].size(), 3u);
}

TEST_F(CoreApiTest, RecommendationsListFiltersAndTotalsTheTenantsOwn) {
  Reply all = Get("/api/v1/recommendations", viewer_a_);
  ASSERT_EQ(all.status, 200);
  ASSERT_EQ(all.body["count"], 1);
  EXPECT_EQ(all.body["recommendations"][0]["id"], rec_a_);
  EXPECT_EQ(all.body["recommendations"][0]["actions"][0]["type"], "drain-node");
  EXPECT_EQ(all.body["total_monthly_savings_usd"], "250.50");
  EXPECT_EQ(Get("/api/v1/recommendations?status=approved", viewer_a_).body["count"], 0);
  EXPECT_EQ(Get("/api/v1/recommendations?engine=bin-pack&cluster_id=" + cluster_a_, viewer_a_)
                .body["count"],
            1);
}

TEST_F(CoreApiTest, ARecommendationIsFoundByItsIdContainingSlashes) {
  Reply reply = Get("/api/v1/clusters/" + cluster_a_ + "/recommendations/" + rec_a_, viewer_a_);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["id"], rec_a_);
  EXPECT_EQ(reply.body["monthly_savings_usd"], "250.50");
  EXPECT_EQ(Get("/api/v1/clusters/" + cluster_a_ + "/recommendations/nope", viewer_a_).status, 404);
}

TEST_F(CoreApiTest, ApproveThenRejectIsRecordedAndAudited) {
  std::string base = "/api/v1/clusters/" + cluster_a_ + "/recommendations/" + rec_a_;
  Reply approved = Call("POST", base + "/approve", operator_a_, R"({"reason":"looks safe"})");
  ASSERT_EQ(approved.status, 200) << approved.text;
  EXPECT_EQ(approved.body["status"], "approved");
  Reply rejected = Call("POST", base + "/reject", operator_a_, "");
  EXPECT_EQ(rejected.body["status"], "rejected");
  // rejected -> approved is not an allowed transition.
  EXPECT_EQ(Call("POST", base + "/approve", operator_a_, "{}").status, 409);
  Reply audit = Get("/api/v1/audit?limit=2", viewer_a_);
  ASSERT_EQ(audit.body["entries"].size(), 2u);
  EXPECT_EQ(audit.body["entries"][0]["action"], "recommendation.reject");
  EXPECT_EQ(audit.body["entries"][1]["reason"], "looks safe");
  EXPECT_EQ(audit.body["entries"][1]["actor"], "api-key:" + store::ApiKeyIdOf(operator_a_).value());
}

TEST_F(CoreApiTest, SavingsSumRealizedAndProjectedAndPendingRecommendations) {
  ASSERT_TRUE(store_->time_series()
                  .AddSavings(tenant_a_, {.cluster_id = cluster_a_,
                                          .at = clock_.Now() - std::chrono::hours(2),
                                          .realized = Money::FromUsd(1.5),
                                          .projected_monthly = Money::FromUsd(100)})
                  .has_value());
  ASSERT_TRUE(store_->time_series()
                  .AddSavings(tenant_a_, {.cluster_id = cluster_a_,
                                          .at = clock_.Now() - std::chrono::hours(1),
                                          .realized = Money::FromUsd(2),
                                          .projected_monthly = Money::FromUsd(120)})
                  .has_value());
  Reply reply = Get("/api/v1/admin/savings", viewer_a_);
  ASSERT_EQ(reply.status, 200) << reply.text;
  EXPECT_EQ(reply.body["realized_usd"], "3.50");
  EXPECT_EQ(reply.body["projected_monthly_usd"], "120.00");
  EXPECT_EQ(reply.body["recommended_monthly_usd"], "250.50");
  EXPECT_EQ(reply.body["points"].size(), 2u);
}

TEST_F(CoreApiTest, ActionsShowTheJournal) {
  store::Plan plan{.id = "plan-1", .cluster_id = cluster_a_, .recommendation_id = rec_a_};
  ASSERT_TRUE(store_->journal().CreatePlan(tenant_a_, plan).has_value());
  ASSERT_TRUE(store_->journal()
                  .RecordIntent(tenant_a_, {.plan_id = "plan-1",
                                            .cluster_id = cluster_a_,
                                            .idempotency_key = "plan-1/0/cordon/node/x",
                                            .kind = "cordon",
                                            .target = "node/x"})
                  .has_value());
  Reply reply = Get("/api/v1/actions?cluster_id=" + cluster_a_, viewer_a_);
  ASSERT_EQ(reply.status, 200) << reply.text;
  ASSERT_EQ(reply.body["actions"].size(), 1u);
  EXPECT_EQ(reply.body["actions"][0]["kind"], "cordon");
  EXPECT_EQ(reply.body["actions"][0]["state"], "intent");
}

TEST_F(CoreApiTest, SafetyViolationsAreListed) {
  ASSERT_TRUE(store_->audit()
                  .RecordSafetyViolation(tenant_a_, {.cluster_id = cluster_a_,
                                                     .layer = 3,
                                                     .measured = 0.4,
                                                     .threshold = 0.2,
                                                     .detail = "pool share too high"})
                  .has_value());
  Reply reply = Get("/api/v1/safety-violations", viewer_a_);
  ASSERT_EQ(reply.status, 200);
  ASSERT_EQ(reply.body["violations"].size(), 1u);
  EXPECT_EQ(reply.body["violations"][0]["layer"], 3);
}

TEST_F(CoreApiTest, AnAdminCreatesListsAndRevokesKeysAndARevokedKeyStopsWorking) {
  Reply created = Call("POST", "/api/v1/keys", admin_a_, R"({"role":"viewer","description":"ci"})");
  ASSERT_EQ(created.status, 201) << created.text;
  std::string key = created.body["key"];
  std::string key_id = created.body["key_id"];
  EXPECT_EQ(Get("/api/v1/admin/clusters", key).status, 200);
  Reply listed = Get("/api/v1/keys", admin_a_);
  EXPECT_EQ(listed.body["keys"].size(), 4u);
  EXPECT_EQ(listed.text.find(key), std::string::npos) << "secrets are never listed";
  EXPECT_EQ(Call("DELETE", "/api/v1/keys/" + key_id, admin_a_).status, 200);
  EXPECT_EQ(Get("/api/v1/admin/clusters", key).status, 401);
}

TEST_F(CoreApiTest, TheServiceOperatorCreatesATenantWhoseAdminKeyWorks) {
  Reply created = Call("POST", "/api/v1/service/tenants", kOperatorKey, R"({"name":"initech"})");
  ASSERT_EQ(created.status, 201) << created.text;
  std::string admin = created.body["admin_key"]["key"];
  EXPECT_EQ(created.body["admin_key"]["role"], "admin");
  EXPECT_EQ(Get("/api/v1/admin/clusters", admin).body["clusters"].size(), 0u);
  EXPECT_EQ(Get("/api/v1/service/tenants", kOperatorKey).body["tenants"].size(), 3u);
  EXPECT_EQ(Call("POST", "/api/v1/service/tenants", kOperatorKey, R"({"name":"initech"})").status,
            409);
}

TEST_F(CoreApiTest, TheServiceOperatorSeesEveryTenantsClusters) {
  Reply reply = Get("/api/v1/service/clusters", kOperatorKey);
  ASSERT_EQ(reply.status, 200);
  EXPECT_EQ(reply.body["clusters"].size(), 2u);
  // A tenant-less key from the store is a service key too.
  store::NewApiKey service =
      store_->tenants().CreateApiKey("", store::Role::kOperator, "ops").value();
  EXPECT_EQ(Get("/api/v1/service/clusters", service.plaintext).status, 200);
}

TEST_F(CoreApiTest, XApiKeyHeaderWorksLikeBearer) {
  httplib::Result result = client_->Get("/api/v1/admin/clusters", {{"X-API-Key", viewer_a_}});
  ASSERT_TRUE(result);
  EXPECT_EQ(result->status, 200);
}

TEST_F(CoreApiTest, MetricsCountRequestsByRouteTemplateAndStatus) {
  Get("/api/v1/clusters/" + cluster_a_, viewer_a_);
  Get("/api/v1/clusters/" + cluster_b_, viewer_a_);
  api_->metrics().SetGauge("cloudoptim_clusters", {}, 2);
  std::string text = Get("/metrics", "").text;
  EXPECT_NE(text.find("cloudoptim_http_requests_total{method=\"GET\",route=\"/api/v1/clusters/"
                      "{cluster_id}\",server=\"core\",status=\"404\"} 1"),
            std::string::npos)
      << text;
  EXPECT_NE(
      text.find("cloudoptim_http_request_duration_seconds_bucket{method=\"GET\",route=\"/"
                "api/v1/clusters/{cluster_id}\",server=\"core\",status=\"200\",le=\"+Inf\"} 1"),
      std::string::npos);
  EXPECT_NE(text.find("cloudoptim_clusters 2"), std::string::npos);
  EXPECT_EQ(text.find(cluster_a_), std::string::npos) << "raw paths would explode cardinality";
}

TEST_F(CoreApiTest, AccessLogsAreOneJsonLinePerRequestWithoutTheKey) {
  Get("/api/v1/clusters/" + cluster_a_, viewer_a_);
  client_.reset();
  api_->Stop();  // the logger runs after the response; stopping waits for it
  std::lock_guard lock(log_mutex_);
  ASSERT_EQ(access_log_.size(), 1u);
  json line = json::parse(access_log_[0]);
  EXPECT_EQ(line["route"], "/api/v1/clusters/{cluster_id}");
  EXPECT_EQ(line["status"], 200);
  EXPECT_EQ(line["tenant"], tenant_a_);
  EXPECT_EQ(line["key_id"], store::ApiKeyIdOf(viewer_a_).value());
  EXPECT_TRUE(line.contains("latency_ms"));
  EXPECT_EQ(access_log_[0].find(viewer_a_), std::string::npos);
}

TEST_F(CoreApiTest, ConcurrentClientsOfTwoTenantsEachSeeOnlyTheirOwnData) {
  std::vector<std::thread> clients;
  std::atomic<int> wrong{0};
  for (int t = 0; t < 6; ++t) {
    clients.emplace_back([&, t] {
      const std::string& key = t % 2 == 0 ? viewer_a_ : admin_b_;
      const std::string& expected = t % 2 == 0 ? rec_a_ : rec_b_;
      httplib::Client client("127.0.0.1", api_->port());
      for (int i = 0; i < 25; ++i) {
        httplib::Result r = client.Get("/api/v1/recommendations", {{"X-API-Key", key}});
        if (!r || r->status != 200) {
          ++wrong;
          continue;
        }
        json body = json::parse(r->body);
        if (body["count"] != 1 || body["recommendations"][0]["id"] != expected) ++wrong;
      }
    });
  }
  for (std::thread& c : clients) c.join();
  EXPECT_EQ(wrong.load(), 0);
}

}  // namespace
}  // namespace cloudoptim::server
