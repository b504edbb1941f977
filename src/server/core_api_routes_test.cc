// The guarantees every core API route keeps, checked route by route from one table: 401
// without a valid key, 403 for a role too low, 404 for another tenant's objects, 400 naming
// the bad field, 413 for large bodies, 429 past the key's rate, and that the table, the
// OpenAPI document and the registered routes are the same set.
#include <set>

#include "server/core_api_test_fixture.h"
#include "server/route.h"
#include "store/api_key.h"

namespace cloudoptim::server {
namespace {

struct RouteCase {
  std::string method;
  std::string path;
  Access access;
  std::string body;        // a valid body ("" for none)
  std::string cross_path;  // the request naming tenant B's object instead: must be 404
  std::string cross_body;
  std::string bad_path;  // a request with one invalid field: must be 400 naming bad_field
  std::string bad_body;
  std::string bad_field;
  std::string openapi_path;  // the template, when it differs from `path`
};

std::vector<RouteCase> Cases() {
  const std::string rec_a = "/api/v1/clusters/{A}/recommendations/{RA}";
  const std::string rec_b = "/api/v1/clusters/{B}/recommendations/{RB}";
  const std::string rec_template =
      "/api/v1/clusters/{cluster_id}/recommendations/{recommendation_id}";
  return {
      {"GET", "/healthz", Access::kPublic},
      {"GET", "/readyz", Access::kPublic},
      {"GET", "/metrics", Access::kPublic},
      {"GET", "/api/openapi.json", Access::kPublic},
      {"GET", "/api/v1/admin/clusters", Access::kViewer},
      {.method = "GET",
       .path = "/api/v1/clusters/{A}",
       .access = Access::kViewer,
       .cross_path = "/api/v1/clusters/{B}",
       .openapi_path = "/api/v1/clusters/{cluster_id}"},
      {.method = "GET",
       .path = "/api/v1/clusters/{A}/settings",
       .access = Access::kViewer,
       .cross_path = "/api/v1/clusters/{B}/settings",
       .openapi_path = "/api/v1/clusters/{cluster_id}/settings"},
      {.method = "PUT",
       .path = "/api/v1/clusters/{A}/settings",
       .access = Access::kAdmin,
       .body = R"({"mode":"approve"})",
       .cross_path = "/api/v1/clusters/{B}/settings",
       .bad_body = R"({"mode":"fast"})",
       .bad_field = "mode",
       .openapi_path = "/api/v1/clusters/{cluster_id}/settings"},
      {.method = "POST",
       .path = "/api/v1/customer/onboard",
       .access = Access::kAdmin,
       .body = R"({"name":"new","region":"us-east-1","kubeconfig":"apiVersion: v1"})",
       .bad_body = R"({"name":"Bad Name!","region":"us-east-1","kubeconfig":"x"})",
       .bad_field = "name"},
      {.method = "POST",
       .path = "/api/v1/optimization/trigger",
       .access = Access::kOperator,
       .body = R"({"cluster_id":"{A}"})",
       .cross_path = "/api/v1/optimization/trigger",
       .cross_body = R"({"cluster_id":"{B}"})",
       .bad_body = R"({"cluster_id":5})",
       .bad_field = "cluster_id"},
      {"GET", "/api/v1/ml/health", Access::kViewer},
      {.method = "GET",
       .path = "/api/v1/recommendations",
       .access = Access::kViewer,
       .cross_path = "/api/v1/recommendations?cluster_id={B}",
       .bad_path = "/api/v1/recommendations?status=nope",
       .bad_field = "status"},
      {.method = "GET",
       .path = rec_a,
       .access = Access::kViewer,
       .cross_path = rec_b,
       .openapi_path = rec_template},
      {.method = "POST",
       .path = rec_a + "/approve",
       .access = Access::kOperator,
       .body = "{}",
       .cross_path = rec_b + "/approve",
       .cross_body = "{}",
       .bad_body = R"({"reason":7})",
       .bad_field = "reason",
       .openapi_path = rec_template + "/approve"},
      {.method = "POST",
       .path = rec_a + "/reject",
       .access = Access::kOperator,
       .body = "{}",
       .cross_path = rec_b + "/reject",
       .cross_body = "{}",
       .bad_body = R"({"reason":[]})",
       .bad_field = "reason",
       .openapi_path = rec_template + "/reject"},
      {.method = "GET",
       .path = "/api/v1/admin/savings",
       .access = Access::kViewer,
       .cross_path = "/api/v1/admin/savings?cluster_id={B}",
       .bad_path = "/api/v1/admin/savings?from=yesterday",
       .bad_field = "from"},
      {.method = "GET",
       .path = "/api/v1/actions",
       .access = Access::kViewer,
       .cross_path = "/api/v1/actions?cluster_id={B}",
       .bad_path = "/api/v1/actions?limit=0",
       .bad_field = "limit"},
      {.method = "GET",
       .path = "/api/v1/audit",
       .access = Access::kViewer,
       .bad_path = "/api/v1/audit?since=x",
       .bad_field = "since"},
      {.method = "GET",
       .path = "/api/v1/safety-violations",
       .access = Access::kViewer,
       .cross_path = "/api/v1/safety-violations?cluster_id={B}",
       .bad_path = "/api/v1/safety-violations?limit=abc",
       .bad_field = "limit"},
      {"GET", "/api/v1/keys", Access::kAdmin},
      {.method = "POST",
       .path = "/api/v1/keys",
       .access = Access::kAdmin,
       .body = R"({"role":"viewer"})",
       .bad_body = R"({"role":"root"})",
       .bad_field = "role"},
      {.method = "DELETE",
       .path = "/api/v1/keys/{KV}",
       .access = Access::kAdmin,
       .cross_path = "/api/v1/keys/{KB}",
       .openapi_path = "/api/v1/keys/{key_id}"},
      {"GET", "/api/v1/service/tenants", Access::kService},
      {.method = "POST",
       .path = "/api/v1/service/tenants",
       .access = Access::kService,
       .body = R"({"name":"initech"})",
       .bad_body = R"({"name":""})",
       .bad_field = "name"},
      {"GET", "/api/v1/service/clusters", Access::kService},
      {"GET", "/api/v1/service/kill-switch", Access::kService},
      {.method = "PUT",
       .path = "/api/v1/service/kill-switch",
       .access = Access::kService,
       .body = R"({"engaged":true,"reason":"incident 4711"})",
       .bad_body = R"({"engaged":"yes"})",
       .bad_field = "engaged"},
  };
}

class CoreApiRoutesTest : public CoreApiTest {
 protected:
  // Replaces the placeholders {A} {B} (clusters), {RA} {RB} (recommendations), {KV} (tenant
  // A's viewer key id) and {KB} (tenant B's admin key id).
  std::string Fill(std::string text) {
    std::vector<std::pair<std::string, std::string>> values = {
        {"{A}", cluster_a_},
        {"{B}", cluster_b_},
        {"{RA}", rec_a_},
        {"{RB}", rec_b_},
        {"{KV}", store::ApiKeyIdOf(viewer_a_).value()},
        {"{KB}", store::ApiKeyIdOf(admin_b_).value()}};
    for (const auto& [placeholder, value] : values) {
      for (size_t at = text.find(placeholder); at != std::string::npos;
           at = text.find(placeholder)) {
        text.replace(at, placeholder.size(), value);
      }
    }
    return text;
  }
  // The strongest key allowed on the route.
  std::string KeyFor(Access access) {
    return access == Access::kService ? std::string(kOperatorKey) : admin_a_;
  }
  std::string Describe(const RouteCase& c) { return c.method + " " + c.path; }
};

TEST_F(CoreApiRoutesTest, EveryRouteWithoutAValidKeyIsUnauthorizedAndSaysHowToAuthenticate) {
  for (const RouteCase& c : Cases()) {
    if (c.access == Access::kPublic) continue;
    SCOPED_TRACE(Describe(c));
    Reply none = Call(c.method, Fill(c.path), "", Fill(c.body));
    EXPECT_EQ(none.status, 401);
    EXPECT_EQ(none.body["error"]["code"], "unauthenticated");
    EXPECT_NE(none.text.find("Authorization: Bearer"), std::string::npos);
    Reply bad =
        Call(c.method, Fill(c.path), "co_0123456789abcdef_" + std::string(64, '0'), Fill(c.body));
    EXPECT_EQ(bad.status, 401);
    EXPECT_NE(bad.text.find("tenant admin"), std::string::npos);
  }
}

TEST_F(CoreApiRoutesTest, EveryRouteRefusesARoleBelowItsOwnWithForbidden) {
  for (const RouteCase& c : Cases()) {
    SCOPED_TRACE(Describe(c));
    std::vector<std::string> too_low;
    if (c.access == Access::kOperator) too_low = {viewer_a_};
    if (c.access == Access::kAdmin) too_low = {viewer_a_, operator_a_};
    if (c.access == Access::kService) too_low = {viewer_a_, operator_a_, admin_a_};
    if (c.access == Access::kViewer) too_low = {kOperatorKey};  // tenant data needs a tenant key
    for (const std::string& key : too_low) {
      Reply reply = Call(c.method, Fill(c.path), key, Fill(c.body));
      EXPECT_EQ(reply.status, 403) << reply.text;
      EXPECT_EQ(reply.body["error"]["code"], "permission_denied");
    }
  }
}

TEST_F(CoreApiRoutesTest, EveryRouteNamingAnotherTenantsObjectAnswersNotFound) {
  int checked = 0;
  for (const RouteCase& c : Cases()) {
    if (c.cross_path.empty()) continue;
    SCOPED_TRACE(Describe(c));
    Reply reply = Call(c.method, Fill(c.cross_path), KeyFor(c.access),
                       Fill(c.cross_body.empty() ? c.body : c.cross_body));
    EXPECT_EQ(reply.status, 404) << reply.text;
    EXPECT_EQ(reply.body["error"]["code"], "not_found");
    EXPECT_EQ(reply.text.find(tenant_b_), std::string::npos) << "leaks tenant B's id";
    ++checked;
  }
  EXPECT_GE(checked, 12);
  // Nothing of tenant B changed.
  EXPECT_EQ(store_->recommendations().GetRecommendation(tenant_b_, cluster_b_, rec_b_)->status,
            store::RecommendationStatus::kPending);
  EXPECT_FALSE(store_->tenants().ListApiKeys(tenant_b_)->front().revoked.has_value());
  EXPECT_TRUE(hooks_.triggered.empty());
}

TEST_F(CoreApiRoutesTest, EveryRouteWithAnInvalidFieldAnswersBadRequestNamingIt) {
  for (const RouteCase& c : Cases()) {
    if (c.bad_field.empty()) continue;
    SCOPED_TRACE(Describe(c));
    std::string path = Fill(c.bad_path.empty() ? c.path : c.bad_path);
    Reply reply = Call(c.method, path, KeyFor(c.access), Fill(c.bad_body));
    EXPECT_EQ(reply.status, 400) << reply.text;
    EXPECT_EQ(reply.body["error"]["code"], "invalid_argument");
    EXPECT_EQ(reply.body["error"]["field"], c.bad_field) << reply.text;
  }
}

TEST_F(CoreApiRoutesTest, EveryRouteTakingABodyRejectsMalformedJson) {
  for (const RouteCase& c : Cases()) {
    if (c.body.empty()) continue;
    SCOPED_TRACE(Describe(c));
    Reply reply = Call(c.method, Fill(c.path), KeyFor(c.access), "{\"name\": ");
    EXPECT_EQ(reply.status, 400) << reply.text;
    EXPECT_EQ(reply.body["error"]["field"], "body");
  }
}

TEST_F(CoreApiRoutesTest, EveryRouteTakingABodyRefusesOneOverTheLimit) {
  std::string huge = R"({"reason":")" + std::string(5000, 'x') + R"("})";
  for (const RouteCase& c : Cases()) {
    if (c.method == "GET") continue;  // GET bodies are not read
    SCOPED_TRACE(Describe(c));
    Reply reply = Call(c.method, Fill(c.path), KeyFor(c.access), huge);
    EXPECT_EQ(reply.status, 413);
    EXPECT_EQ(reply.body["error"]["code"], "payload_too_large");
  }
}

TEST_F(CoreApiRoutesTest, EveryAuthenticatedRouteIsRateLimitedPerKeyWithRetryAfter) {
  StartWith({.rate_limit_per_second = 0.5, .rate_limit_burst = 1});
  for (const RouteCase& c : Cases()) {
    if (c.access == Access::kPublic) continue;
    SCOPED_TRACE(Describe(c));
    std::string key = c.access == Access::kService ? std::string(kOperatorKey) : viewer_a_;
    clock_.Advance(std::chrono::seconds(10));  // refill between routes
    Call(c.method, Fill(c.path), key, Fill(c.body));
    Reply limited = Call(c.method, Fill(c.path), key, Fill(c.body));
    EXPECT_EQ(limited.status, 429);
    EXPECT_EQ(limited.body["error"]["code"], "rate_limited");
    EXPECT_EQ(limited.retry_after, "2");
  }
  // Another key has its own bucket.
  EXPECT_EQ(Get("/api/v1/admin/clusters", admin_a_).status, 200);
}

TEST_F(CoreApiRoutesTest, TheTableTheOpenApiDocumentAndTheServedRoutesAreTheSameSet) {
  Reply doc = Get("/api/openapi.json", "");
  ASSERT_EQ(doc.status, 200);
  EXPECT_EQ(doc.body["openapi"], "3.0.3");
  std::set<std::string> documented;
  for (const auto& [path, operations] : doc.body["paths"].items()) {
    for (const auto& [method, operation] : operations.items()) {
      documented.insert(method + " " + path);
    }
  }
  std::set<std::string> tested;
  for (const RouteCase& c : Cases()) {
    std::string method = c.method;
    std::transform(method.begin(), method.end(), method.begin(), ::tolower);
    tested.insert(method + " " + (c.openapi_path.empty() ? c.path : c.openapi_path));
    // Served: whatever the answer, it is not the unknown-route 404.
    Reply reply = Call(c.method, Fill(c.path), KeyFor(c.access), Fill(c.body));
    EXPECT_EQ(reply.text.find("no such route"), std::string::npos) << Describe(c);
  }
  EXPECT_EQ(documented, tested);
  Reply unknown = Get("/api/v1/nothing-here", admin_a_);
  EXPECT_EQ(unknown.status, 404);
  EXPECT_NE(unknown.text.find("no such route"), std::string::npos);
}

}  // namespace
}  // namespace cloudoptim::server
