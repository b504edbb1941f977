// The global kill switch over HTTP: only the service operator reads or sets it, bad bodies
// name the field, and every tenant's audit log records the change.
#include "server/core_api_test_fixture.h"

namespace cloudoptim::server {
namespace {

constexpr char kPath[] = "/api/v1/service/kill-switch";

TEST_F(CoreApiTest, TheGlobalKillSwitchIsReleasedUntilTheOperatorEngagesIt) {
  Reply initial = Get(kPath, kOperatorKey);
  ASSERT_EQ(initial.status, 200) << initial.text;
  EXPECT_EQ(initial.body["engaged"], false);
  EXPECT_FALSE(initial.body.contains("changed"));

  clock_.Advance(std::chrono::minutes(3));
  Reply engaged =
      Call("PUT", kPath, kOperatorKey, R"({"engaged": true, "reason": "incident 4711"})");
  ASSERT_EQ(engaged.status, 200) << engaged.text;
  EXPECT_EQ(engaged.body["engaged"], true);
  EXPECT_EQ(engaged.body["reason"], "incident 4711");
  EXPECT_EQ(engaged.body["changed_by"], "api-key:operator");
  EXPECT_EQ(engaged.body["changed"], FormatRfc3339(clock_.Now()));

  // It is in the store, where the execution gate of every cluster reads it.
  store::GlobalKillSwitch stored = store_->service_settings().GetGlobalKillSwitch().value();
  EXPECT_TRUE(stored.engaged);
  EXPECT_EQ(stored.reason, "incident 4711");
  EXPECT_EQ(Get(kPath, kOperatorKey).body["reason"], "incident 4711");

  Reply released = Call("PUT", kPath, kOperatorKey, R"({"engaged": false})");
  ASSERT_EQ(released.status, 200) << released.text;
  EXPECT_EQ(released.body["engaged"], false);
  EXPECT_FALSE(store_->service_settings().GetGlobalKillSwitch()->engaged);
}

TEST_F(CoreApiTest, EveryTenantsAuditLogRecordsTheGlobalKillSwitch) {
  ASSERT_EQ(
      Call("PUT", kPath, kOperatorKey, R"({"engaged": true, "reason": "incident 4711"})").status,
      200);
  for (const std::string& key : {admin_a_, admin_b_}) {
    Reply audit = Get("/api/v1/audit", key);
    ASSERT_EQ(audit.status, 200) << audit.text;
    bool found = false;
    for (const auto& entry : audit.body["entries"]) {
      if (entry["action"] == "service.kill-switch.engage") {
        found = true;
        EXPECT_EQ(entry["reason"], "incident 4711");
        EXPECT_EQ(entry["actor"], "api-key:operator");
      }
    }
    EXPECT_TRUE(found) << audit.text;
  }
}

TEST_F(CoreApiTest, TenantKeysCannotReadOrSetTheGlobalKillSwitch) {
  for (const std::string& key : {admin_a_, operator_a_, viewer_a_, admin_b_}) {
    EXPECT_EQ(Get(kPath, key).status, 403);
    Reply put = Call("PUT", kPath, key, R"({"engaged": true, "reason": "mine"})");
    EXPECT_EQ(put.status, 403);
    EXPECT_EQ(put.body["error"]["code"], "permission_denied");
  }
  EXPECT_EQ(Call("PUT", kPath, "", R"({"engaged": true, "reason": "x"})").status, 401);
  EXPECT_EQ(Call("PUT", kPath, "co_0123456789abcdef_" + std::string(64, '0'),
                 R"({"engaged": true, "reason": "x"})")
                .status,
            401);
  EXPECT_FALSE(store_->service_settings().GetGlobalKillSwitch()->engaged);
}

TEST_F(CoreApiTest, BadKillSwitchBodiesAreRefusedNamingTheField) {
  struct Case {
    std::string body;
    std::string field;
  };
  const std::vector<Case> cases = {
      {R"({"reason": "incident"})", "engaged"},
      {R"({"engaged": "yes", "reason": "incident"})", "engaged"},
      {R"({"engaged": true})", "reason"},
      {R"({"engaged": true, "reason": ""})", "reason"},
      {R"({"engaged": true, "reason": 4711})", "reason"},
      {R"({"engaged": true, "reason": ")" + std::string(501, 'x') + R"("})", "reason"},
      {"[true]", "body"},
  };
  for (const Case& c : cases) {
    SCOPED_TRACE(c.body);
    Reply reply = Call("PUT", kPath, kOperatorKey, c.body);
    EXPECT_EQ(reply.status, 400) << reply.text;
    EXPECT_EQ(reply.body["error"]["field"], c.field) << reply.text;
  }
  EXPECT_FALSE(store_->service_settings().GetGlobalKillSwitch()->engaged);
}

// The limit is 500 characters, as the docs say, counted as Unicode code points: a reason in
// Japanese or with accents (2-3 bytes a character in UTF-8) is not cut to a third. 501 are
// refused, naming the count.
TEST_F(CoreApiTest, TheKillSwitchReasonLimitCountsCharactersNotBytes) {
  std::string japanese;
  for (int i = 0; i < 500; ++i) japanese += "\u969c";  // 障: 3 bytes in UTF-8
  Reply engaged =
      Call("PUT", kPath, kOperatorKey, R"({"engaged": true, "reason": ")" + japanese + R"("})");
  ASSERT_EQ(engaged.status, 200) << engaged.text;
  EXPECT_EQ(engaged.body["reason"].get<std::string>().size(), 1500u);

  Reply too_long =
      Call("PUT", kPath, kOperatorKey, R"({"engaged": true, "reason": ")" + japanese + R"(x"})");
  EXPECT_EQ(too_long.status, 400) << too_long.text;
  EXPECT_EQ(too_long.body["error"]["field"], "reason");
  EXPECT_NE(too_long.text.find("501 given"), std::string::npos) << too_long.text;
  ASSERT_EQ(Call("PUT", kPath, kOperatorKey, R"({"engaged": false})").status, 200);
}

}  // namespace
}  // namespace cloudoptim::server
