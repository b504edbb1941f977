#include "sandbox/api_handlers.h"

#include <string>
#include <vector>

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sandbox/access_policy.h"
#include "sandbox/api_status.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

class ApiHandlersTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ASSERT_TRUE(store_.Create("namespaces", {{"metadata", {{"name", "default"}}}}));
  }
  Result<ApiReply> Call(const std::string& method, const std::string& path,
                        const std::string& body = "",
                        const std::string& content_type = "application/json", ApiQuery query = {}) {
    auto p = ParseApiPath(path);
    if (!p) return std::unexpected(p.error());
    return handlers_.Handle({method, *p, query, body, content_type});
  }
  FakeClock clock_{std::chrono::system_clock::now()};
  ObjectStore store_{&clock_};
  ApiHandlers handlers_{&store_, &clock_, nullptr};
};

constexpr char kPod[] =
    R"({"apiVersion":"v1","kind":"Pod","metadata":{"name":"web","labels":{"app":"web"}},
  "spec":{"containers":[{"name":"app","image":"nginx"}]}})";

TEST_F(ApiHandlersTest, CreateDefaultsTheNamespaceAndReturns201) {
  auto reply = Call("POST", "/api/v1/namespaces/default/pods", kPod);
  ASSERT_TRUE(reply) << reply.error().ToString();
  EXPECT_EQ(reply->http_code, 201);
  json pod = json::parse(reply->body);
  EXPECT_EQ(pod["metadata"]["namespace"], "default");
  EXPECT_EQ(pod["status"]["phase"], "Pending");
  auto again = Call("POST", "/api/v1/namespaces/default/pods", kPod);
  EXPECT_EQ(ToApiError(again.error()).http_code, 409);
}

TEST_F(ApiHandlersTest, ObjectNamesFollowTheRfc1123SubdomainRule) {
  auto pod = [](const std::string& name) {
    return R"({"metadata":{"name":")" + name + R"("},"spec":{"containers":[{"name":"a"}]}})";
  };
  for (const std::string& name :
       std::vector<std::string>{"a", "9", "web-1", "a.b-c.9", std::string(253, 'x')}) {
    EXPECT_TRUE(Call("POST", "/api/v1/namespaces/default/pods", pod(name)).has_value()) << name;
  }
  for (const std::string& name : std::vector<std::string>{"-web", "web-", ".web", "web.", "web_1",
                                                          "Web", "w b", std::string(254, 'x')}) {
    auto reply = Call("POST", "/api/v1/namespaces/default/pods", pod(name));
    ASSERT_FALSE(reply.has_value()) << name;
    EXPECT_EQ(ToApiError(reply.error()).body["reason"], "Invalid") << name;
  }
}

TEST_F(ApiHandlersTest, MalformedBodiesAreBadRequestsAndInvalidObjectsAre422) {
  auto bad_json = Call("POST", "/api/v1/namespaces/default/pods", "{oops");
  EXPECT_EQ(ToApiError(bad_json.error()).http_code, 400);
  EXPECT_EQ(ToApiError(bad_json.error()).body["reason"], "BadRequest");
  auto bad_yaml = Call("POST", "/api/v1/namespaces/default/pods", "a: [b", "application/yaml");
  EXPECT_EQ(ToApiError(bad_yaml.error()).http_code, 400);
  auto no_containers =
      Call("POST", "/api/v1/namespaces/default/pods", R"({"metadata":{"name":"x"},"spec":{}})");
  EXPECT_EQ(ToApiError(no_containers.error()).http_code, 422);
  auto bad_name = Call("POST", "/api/v1/namespaces/default/pods",
                       R"({"metadata":{"name":"Bad_Name"},"spec":{"containers":[{"name":"a"}]}})");
  EXPECT_EQ(ToApiError(bad_name.error()).body["reason"], "Invalid");
  auto no_namespace = Call("POST", "/api/v1/namespaces/missing/pods", kPod);
  EXPECT_EQ(ToApiError(no_namespace.error()).http_code, 404);
}

TEST_F(ApiHandlersTest, CronJobsWithAnUnreadableScheduleOrTimeZoneAre422) {
  const std::string path = "/apis/batch/v1/namespaces/default/cronjobs";
  auto cronjob = [](const std::string& schedule, const std::string& zone) {
    json spec = {{"schedule", schedule},
                 {"jobTemplate", {{"spec", {{"template", {{"spec", json::object()}}}}}}}};
    if (!zone.empty()) spec["timeZone"] = zone;
    return json{{"metadata", {{"name", "nightly"}}}, {"spec", spec}}.dump();
  };
  auto bad_schedule = Call("POST", path, cronjob("0 25 * * *", ""));
  ASSERT_FALSE(bad_schedule);
  EXPECT_EQ(ToApiError(bad_schedule.error()).http_code, 422);
  EXPECT_NE(bad_schedule.error().message.find("spec.schedule: Invalid value: \"0 25 * * *\""),
            std::string::npos)
      << bad_schedule.error().message;
  auto bad_zone = Call("POST", path, cronjob("0 2 * * *", "Mars/Olympus_Mons"));
  ASSERT_FALSE(bad_zone);
  EXPECT_EQ(ToApiError(bad_zone.error()).http_code, 422);
  EXPECT_NE(bad_zone.error().message.find("spec.timeZone: Invalid value: \"Mars/Olympus_Mons\""),
            std::string::npos)
      << bad_zone.error().message;
  auto good = Call("POST", path, cronjob("0 2 * * *", "Europe/Berlin"));
  ASSERT_TRUE(good) << good.error().ToString();
  EXPECT_EQ(good->http_code, 201);
}

TEST_F(ApiHandlersTest, UnknownResourcesAreNotFound) {
  EXPECT_FALSE(ParseApiPath("/api/v1/widgets"));
  EXPECT_FALSE(ParseApiPath("/apis/apps/v1/namespaces/x/deployments/web/logs"));
  auto missing = Call("GET", "/api/v1/namespaces/default/pods/nope");
  EXPECT_EQ(ToApiError(missing.error()).body["message"], "pods \"nope\" not found");
}

TEST_F(ApiHandlersTest, ListFiltersAndRendersTables) {
  ASSERT_TRUE(Call("POST", "/api/v1/namespaces/default/pods", kPod));
  ApiQuery query;
  query.label_selector = "app=web";
  auto list = Call("GET", "/api/v1/pods", "", "", query);
  ASSERT_TRUE(list);
  json doc = json::parse(list->body);
  EXPECT_EQ(doc["kind"], "PodList");
  EXPECT_EQ(doc["items"].size(), 1u);
  query.label_selector = "app=db";
  EXPECT_EQ(json::parse(Call("GET", "/api/v1/pods", "", "", query)->body)["items"].size(), 0u);
  query = {};
  query.table = true;
  json table = json::parse(Call("GET", "/api/v1/namespaces/default/pods", "", "", query)->body);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["rows"].size(), 1u);
}

TEST_F(ApiHandlersTest, PatchUpdateAndDryRun) {
  ASSERT_TRUE(Call("POST", "/api/v1/namespaces/default/pods", kPod));
  auto patched = Call("PATCH", "/api/v1/namespaces/default/pods/web",
                      R"({"metadata":{"labels":{"tier":"a"}}})", "application/merge-patch+json");
  ASSERT_TRUE(patched);
  EXPECT_EQ(json::parse(patched->body)["metadata"]["labels"]["tier"], "a");
  json stale = json::parse(kPod);
  stale["metadata"]["resourceVersion"] = "1";
  auto conflict = Call("PUT", "/api/v1/namespaces/default/pods/web", stale.dump());
  EXPECT_EQ(ToApiError(conflict.error()).http_code, 409);
  EXPECT_EQ(ToApiError(conflict.error()).body["reason"], "Conflict");
  ApiQuery dry;
  dry.dry_run = true;
  ASSERT_TRUE(Call("DELETE", "/api/v1/namespaces/default/pods/web", "", "", dry));
  EXPECT_TRUE(store_.Get("pods", "default", "web"));
}

TEST_F(ApiHandlersTest, EvictionIs429WhileAPdbForbidsIt) {
  json pod = json::parse(kPod);
  pod["metadata"]["namespace"] = "default";
  pod["status"] = {{"phase", "Running"}, {"conditions", {{{"type", "Ready"}, {"status", "True"}}}}};
  ASSERT_TRUE(store_.Create("pods", pod));
  ASSERT_TRUE(store_.Create(
      "poddisruptionbudgets.policy",
      {{"metadata", {{"name", "web"}, {"namespace", "default"}}},
       {"spec", {{"minAvailable", 1}, {"selector", {{"matchLabels", {{"app", "web"}}}}}}}}));
  auto refused = Call(
      "POST", "/api/v1/namespaces/default/pods/web/eviction",
      R"({"apiVersion":"policy/v1","kind":"Eviction","metadata":{"name":"web","namespace":"default"}})");
  ASSERT_FALSE(refused);
  ApiError e = ToApiError(refused.error());
  EXPECT_EQ(e.http_code, 429);
  EXPECT_EQ(e.body["reason"], "TooManyRequests");
  EXPECT_EQ(e.body["details"]["causes"][0]["reason"], "DisruptionBudget");
  store_.Delete("poddisruptionbudgets.policy", "default", "web");
  auto evicted = Call("POST", "/api/v1/namespaces/default/pods/web/eviction",
                      R"({"metadata":{"name":"web"}})");
  ASSERT_TRUE(evicted);
  EXPECT_EQ(evicted->http_code, 201);
  EXPECT_FALSE(store_.Get("pods", "default", "web"));
}

TEST_F(ApiHandlersTest, BindingAssignsANodeOnce) {
  ASSERT_TRUE(store_.Create("nodes", {{"metadata", {{"name", "n1"}}}}));
  ASSERT_TRUE(Call("POST", "/api/v1/namespaces/default/pods", kPod));
  std::string binding =
      R"({"apiVersion":"v1","kind":"Binding","metadata":{"name":"web"},"target":{"kind":"Node","name":"n1"}})";
  ASSERT_TRUE(Call("POST", "/api/v1/namespaces/default/pods/web/binding", binding));
  EXPECT_EQ((*store_.Get("pods", "default", "web"))["spec"]["nodeName"], "n1");
  EXPECT_EQ(ToApiError(Call("POST", "/api/v1/namespaces/default/pods/web/binding", binding).error())
                .http_code,
            409);
}

TEST_F(ApiHandlersTest, ScaleSubresourceReadsAndWritesReplicas) {
  std::string deployment = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"web"},
    "spec":{"replicas":2,"selector":{"matchLabels":{"app":"web"}},
    "template":{"metadata":{"labels":{"app":"web"}},"spec":{"containers":[{"name":"a"}]}}}})";
  ASSERT_TRUE(Call("POST", "/apis/apps/v1/namespaces/default/deployments", deployment));
  json scale =
      json::parse(Call("GET", "/apis/apps/v1/namespaces/default/deployments/web/scale")->body);
  EXPECT_EQ(scale["kind"], "Scale");
  EXPECT_EQ(scale["spec"]["replicas"], 2);
  EXPECT_EQ(scale["status"]["selector"], "app=web");
  ASSERT_TRUE(Call("PATCH", "/apis/apps/v1/namespaces/default/deployments/web/scale",
                   R"({"spec":{"replicas":7}})", "application/merge-patch+json"));
  EXPECT_EQ((*store_.Get("deployments.apps", "default", "web"))["spec"]["replicas"], 7);
  std::string mismatched = R"({"apiVersion":"apps/v1","kind":"Deployment","metadata":{"name":"bad"},
    "spec":{"selector":{"matchLabels":{"app":"x"}},"template":{"metadata":{"labels":{"app":"y"}},"spec":{"containers":[{"name":"a"}]}}}})";
  EXPECT_EQ(
      ToApiError(Call("POST", "/apis/apps/v1/namespaces/default/deployments", mismatched).error())
          .http_code,
      422);
}

TEST(AccessPolicyTest, UnknownTokensAre401AndMissingRulesAre403WithKubernetesMessage) {
  AccessPolicy policy;
  policy.AddToken("v", {"viewer", {{{"get", "list"}, {"pods"}, {""}}}});
  EXPECT_TRUE(
      IsUnauthenticated(policy.Authorize("nope", {"list", "", "pods", "", "", ""}).error()));
  EXPECT_TRUE(policy.Authorize("v", {"list", "", "pods", "", "default", ""}));
  auto denied = policy.Authorize("v", {"list", "", "nodes", "", "", ""});
  ASSERT_FALSE(denied);
  EXPECT_EQ(
      denied.error().message,
      R"(nodes is forbidden: User "viewer" cannot list resource "nodes" in API group "" at the cluster scope)");
  auto evict = policy.Authorize("v", {"create", "", "pods", "eviction", "shop", "web-1"});
  EXPECT_EQ(
      evict.error().message,
      R"(pods "web-1" is forbidden: User "viewer" cannot create resource "pods/eviction" in API group "" in the namespace "shop")");
}

}  // namespace
}  // namespace cloudoptim::sandbox
