// KubeClusterApi and KubeRestClient against a scripted HttpClient: the exact requests sent
// (paths, dry run, patch bodies) and the handling of each kind of answer.
#include "kube/kube_cluster_api.h"

#include <gtest/gtest.h>

#include <deque>

#include "kube/kube_error.h"

namespace cloudoptim {
namespace {

// Answers requests from a queue and records them.
class ScriptedHttpClient final : public HttpClient {
 public:
  void Answer(int status, std::string body, HttpHeaders headers = {}) {
    HttpResponse response{.status = status, .headers = std::move(headers), .body = std::move(body)};
    answers_.push_back(std::move(response));
  }
  void FailTransport(Error error) { answers_.push_back(std::move(error)); }

  Result<HttpResponse> Send(const HttpRequest& request) override {
    requests.push_back(request);
    if (answers_.empty()) return Internal("no scripted answer for " + request.url);
    auto next = std::move(answers_.front());
    answers_.pop_front();
    if (std::holds_alternative<Error>(next)) return std::unexpected(std::get<Error>(next));
    return std::get<HttpResponse>(next);
  }

  std::vector<HttpRequest> requests;

 private:
  std::deque<std::variant<HttpResponse, Error>> answers_;
};

class KubeClusterApiTest : public ::testing::Test {
 protected:
  KubeClusterApiTest() {
    auto http = std::make_shared<ScriptedHttpClient>();
    http_ = http.get();
    api_ = std::make_unique<KubeClusterApi>(std::make_unique<KubeRestClient>(
        DirectConnection("https://k8s.example", "secret-token", ""), http, clock_));
  }

  std::string Path(size_t i) const {
    return http_->requests.at(i).url.substr(std::string("https://k8s.example").size());
  }

  FakeClock clock_{TimePoint{}};
  ScriptedHttpClient* http_;
  std::unique_ptr<KubeClusterApi> api_;
};

constexpr char kForbidden[] =
    R"({"kind":"Status","status":"Failure","message":"nodes is forbidden: User \"system:serviceaccount:co:reader\" cannot list resource \"nodes\" in API group \"\" at the cluster scope","reason":"Forbidden","details":{"kind":"nodes"},"code":403})";

TEST_F(KubeClusterApiTest, ListFollowsContinueTokensAndSendsToken) {
  http_->Answer(200, R"({"metadata":{"continue":"c1","resourceVersion":"10"},
                          "items":[{"metadata":{"name":"n1"}}]})");
  http_->Answer(200,
                R"({"metadata":{"resourceVersion":"11"},"items":[{"metadata":{"name":"n2"}}]})");
  Snapshot out;
  Result<std::string> rv = api_->List(ClusterResource::kNodes, {.page_size = 1}, &out);
  ASSERT_TRUE(rv.has_value()) << rv.error().ToString();
  EXPECT_EQ(*rv, "11");
  ASSERT_EQ(out.nodes.size(), 2u);
  EXPECT_EQ(Path(0), "/api/v1/nodes?limit=1");
  EXPECT_EQ(Path(1), "/api/v1/nodes?limit=1&continue=c1");
  EXPECT_EQ(*http_->requests[0].headers.Get("Authorization"), "Bearer secret-token");
}

TEST_F(KubeClusterApiTest, ExpiredContinueTokenRestartsTheList) {
  http_->Answer(
      200,
      R"({"metadata":{"continue":"old"},"items":[{"metadata":{"name":"p1","namespace":"a"}}]})");
  http_->Answer(
      410,
      R"({"kind":"Status","reason":"Expired","message":"The provided continue parameter is too old","code":410})");
  http_->Answer(
      200,
      R"({"metadata":{"resourceVersion":"20"},"items":[{"metadata":{"name":"p1","namespace":"a"}},{"metadata":{"name":"p2","namespace":"a"}}]})");
  Snapshot out;
  Result<std::string> rv = api_->List(ClusterResource::kPods, {}, &out);
  ASSERT_TRUE(rv.has_value()) << rv.error().ToString();
  EXPECT_EQ(out.pods.size(), 2u);  // the first page was dropped, not duplicated
  EXPECT_EQ(Path(2), "/api/v1/pods?limit=500");
}

TEST_F(KubeClusterApiTest, ServerErrorsAndThrottlingAreRetriedHonouringRetryAfter) {
  http_->FailTransport(Error{ErrorCode::kUnavailable, "GET x: cannot connect (refused)"});
  http_->Answer(503, "overloaded");
  http_->Answer(429, R"({"kind":"Status","message":"Too many requests","code":429})",
                HttpHeaders{{"Retry-After", "7"}});
  http_->Answer(200, R"({"items":[]})");
  TimePoint start = clock_.Now();
  Snapshot out;
  ASSERT_TRUE(api_->List(ClusterResource::kNamespaces, {}, &out).has_value());
  EXPECT_EQ(http_->requests.size(), 4u);
  EXPECT_GE(clock_.Now() - start, std::chrono::seconds(7));
}

TEST_F(KubeClusterApiTest, RetriesAreBounded) {
  for (int i = 0; i < 10; ++i) http_->Answer(500, "boom");
  Snapshot out;
  Result<std::string> rv = api_->List(ClusterResource::kNodes, {}, &out);
  ASSERT_FALSE(rv.has_value());
  EXPECT_EQ(rv.error().code, ErrorCode::kUnavailable);
  EXPECT_EQ(http_->requests.size(), 5u);  // max_attempts
}

TEST_F(KubeClusterApiTest, ForbiddenNamesTheMissingPermission) {
  http_->Answer(403, kForbidden);
  Snapshot out;
  Result<std::string> rv = api_->List(ClusterResource::kNodes, {}, &out);
  ASSERT_FALSE(rv.has_value());
  EXPECT_EQ(rv.error().code, ErrorCode::kPermissionDenied);
  EXPECT_NE(rv.error().message.find(
                "grant RBAC verb \"list\" on resource \"nodes\" in API group \"\" (core)"),
            std::string::npos)
      << rv.error().message;
  EXPECT_EQ(http_->requests.size(), 1u);  // not retried
}

TEST_F(KubeClusterApiTest, UnauthorizedSaysTokenRejected) {
  http_->Answer(401,
                R"({"kind":"Status","message":"Unauthorized","reason":"Unauthorized","code":401})");
  Result<Node> node = api_->GetNode("n1");
  ASSERT_FALSE(node.has_value());
  EXPECT_EQ(node.error().code, ErrorCode::kUnauthenticated);
  EXPECT_NE(node.error().message.find("token is invalid or expired"), std::string::npos);
}

TEST_F(KubeClusterApiTest, TlsFailureBlamesTheKubeconfigCa) {
  http_->FailTransport(Error{ErrorCode::kUnavailable,
                             "GET https://k8s.example/api/v1/nodes/n1: the server certificate is "
                             "not trusted by the configured CA (SSL certificate problem)"});
  Result<Node> node = api_->GetNode("n1");
  ASSERT_FALSE(node.has_value());
  EXPECT_NE(node.error().message.find("kubeconfig's certificate-authority"), std::string::npos);
  EXPECT_EQ(http_->requests.size(), 1u);  // a CA mismatch is not retried
}

TEST_F(KubeClusterApiTest, MetricsApiAbsentIsUnimplemented) {
  http_->Answer(404, R"({"kind":"Status","reason":"NotFound","code":404})");
  Snapshot out;
  Result<std::string> rv = api_->List(ClusterResource::kNodeMetrics, {}, &out);
  ASSERT_FALSE(rv.has_value());
  EXPECT_EQ(rv.error().code, ErrorCode::kUnimplemented);
  EXPECT_NE(rv.error().message.find("metrics-server"), std::string::npos);
}

TEST_F(KubeClusterApiTest, CordonIsAMergePatchWithDryRun) {
  http_->Answer(200, "{}");
  ASSERT_TRUE(api_->SetUnschedulable("n1", true, {.dry_run = true}).has_value());
  const HttpRequest& r = http_->requests.at(0);
  EXPECT_EQ(r.method, "PATCH");
  EXPECT_EQ(Path(0), "/api/v1/nodes/n1?dryRun=All");
  EXPECT_EQ(*r.headers.Get("Content-Type"), "application/merge-patch+json");
  EXPECT_EQ(r.body, R"({"spec":{"unschedulable":true}})");
}

TEST_F(KubeClusterApiTest, TaintReadsModifiesAndRetriesOnConflict) {
  std::string node = R"({"metadata":{"name":"n1","resourceVersion":"5"},
      "spec":{"taints":[{"key":"old","effect":"NoSchedule"}]}})";
  http_->Answer(200, node);
  http_->Answer(409, R"({"kind":"Status","reason":"Conflict","code":409})");
  http_->Answer(200, node);
  http_->Answer(200, "{}");
  Taint taint{.key = "cloudoptim.io/draining", .value = "true", .effect = TaintEffect::kNoExecute};
  ASSERT_TRUE(api_->SetTaint("n1", taint, true, {}).has_value());
  ASSERT_EQ(http_->requests.size(), 4u);
  EXPECT_EQ(
      http_->requests[3].body,
      R"({"metadata":{"resourceVersion":"5"},"spec":{"taints":[{"effect":"NoSchedule","key":"old"},{"effect":"NoExecute","key":"cloudoptim.io/draining","value":"true"}]}})");
}

TEST_F(KubeClusterApiTest, EvictionRefusedByBudgetIsAnOutcome) {
  http_->Answer(
      429,
      R"({"kind":"Status","status":"Failure","message":"Cannot evict pod as it would violate the pod's disruption budget.","reason":"TooManyRequests","details":{"causes":[{"reason":"DisruptionBudget","message":"The disruption budget web needs 2 healthy pods and has 2 currently"}]},"code":429})");
  Result<EvictionOutcome> outcome = api_->Evict("shop", "web-1", {.dry_run = true});
  ASSERT_TRUE(outcome.has_value()) << outcome.error().ToString();
  EXPECT_EQ(*outcome, EvictionOutcome::kBlockedByDisruptionBudget);
  EXPECT_EQ(http_->requests.size(), 1u);  // not retried as throttling
  EXPECT_EQ(Path(0), "/api/v1/namespaces/shop/pods/web-1/eviction?dryRun=All");
  EXPECT_NE(http_->requests[0].body.find(R"("deleteOptions":{"dryRun":["All"]})"),
            std::string::npos);

  http_->Answer(201, R"({"kind":"Status","status":"Success"})");
  EXPECT_EQ(*api_->Evict("shop", "web-2", {}), EvictionOutcome::kEvicted);
  http_->Answer(404, R"({"kind":"Status","reason":"NotFound","code":404})");
  EXPECT_EQ(*api_->Evict("shop", "gone", {}), EvictionOutcome::kPodNotFound);
}

TEST_F(KubeClusterApiTest, ScaleAndResourcePatchTargetTheRightPaths) {
  http_->Answer(200, "{}");
  http_->Answer(200, "{}");
  http_->Answer(200, "{}");
  ASSERT_TRUE(api_->Scale(WorkloadKind::kStatefulSet, "db", "pg", 0, {}).has_value());
  EXPECT_EQ(Path(0), "/apis/apps/v1/namespaces/db/statefulsets/pg/scale");
  EXPECT_EQ(http_->requests[0].body, R"({"spec":{"replicas":0}})");
  ContainerResources resources;
  resources.requests = {.cpu_millis = 250, .memory_bytes = 512ll << 20};
  resources.limits = {.memory_bytes = 1ll << 30};
  ASSERT_TRUE(api_->PatchContainerResources(WorkloadKind::kDeployment, "shop", "web", "app",
                                            resources, {.dry_run = true})
                  .has_value());
  EXPECT_EQ(Path(1), "/apis/apps/v1/namespaces/shop/deployments/web?dryRun=All");
  EXPECT_EQ(*http_->requests[1].headers.Get("Content-Type"),
            "application/strategic-merge-patch+json");
  EXPECT_EQ(
      http_->requests[1].body,
      R"({"spec":{"template":{"spec":{"containers":[{"name":"app","resources":{"limits":{"memory":"1Gi"},"requests":{"cpu":"250m","memory":"512Mi"}}}]}}}})");
  ASSERT_TRUE(api_->DeletePod("shop", "web-1", {.dry_run = true}).has_value());
  EXPECT_EQ(http_->requests[2].method, "DELETE");
  EXPECT_EQ(Path(2), "/api/v1/namespaces/shop/pods/web-1?dryRun=All");
  EXPECT_FALSE(api_->Scale(WorkloadKind::kDaemonSet, "x", "y", 1, {}).has_value());
}

TEST_F(KubeClusterApiTest, WatchDeliversChangesAndReportsExpiry) {
  http_->Answer(200,
                "{\"type\":\"ADDED\",\"object\":{\"metadata\":{\"name\":\"p1\",\"namespace\":\"a\","
                "\"resourceVersion\":\"31\"}}}\n"
                "{\"type\":\"BOOKMARK\",\"object\":{\"metadata\":{\"resourceVersion\":\"40\"}}}\n"
                "{\"type\":\"ERROR\",\"object\":{\"kind\":\"Status\",\"code\":410,\"reason\":"
                "\"Expired\",\"message\":\"too old resource version: 30 (35)\"}}\n");
  std::vector<ClusterChange> changes;
  Status status = api_->Watch(
      ClusterResource::kPods, "30",
      [&](ClusterChange&& c) {
        changes.push_back(std::move(c));
        return true;
      },
      nullptr);
  EXPECT_EQ(Path(0),
            "/api/v1/pods?watch=1&allowWatchBookmarks=true&resourceVersion=30&timeoutSeconds=300");
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(std::get<Pod>(changes[0].object).meta.name, "p1");
  EXPECT_EQ(changes[1].type, WatchEventType::kBookmark);
  EXPECT_EQ(changes[1].resource_version, "40");
  ASSERT_FALSE(status.has_value());
  EXPECT_TRUE(IsResourceExpired(status.error()));
}

TEST(ForbiddenMessage, ParsesVerbResourceSubresourceAndGroup) {
  auto missing = ParseForbiddenMessage(
      R"(pods "web-1" is forbidden: User "u" cannot create resource "pods/eviction" in API group "" in the namespace "shop")");
  ASSERT_TRUE(missing.has_value());
  EXPECT_EQ(missing->verb, "create");
  EXPECT_EQ(missing->resource, "pods");
  EXPECT_EQ(missing->subresource, "eviction");
  EXPECT_EQ(missing->group, "");
  auto apps = ParseForbiddenMessage(
      R"(deployments.apps is forbidden: User "u" cannot patch resource "deployments" in API group "apps")");
  ASSERT_TRUE(apps.has_value());
  EXPECT_EQ(apps->group, "apps");
  EXPECT_FALSE(ParseForbiddenMessage("something else").has_value());
}

}  // namespace
}  // namespace cloudoptim
