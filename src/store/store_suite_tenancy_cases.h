// Store suite: tenants, API keys, clusters, settings and recommendations — and that no
// tenant-scoped method ever reaches another tenant's rows. Included by the suite binaries.
#pragma once

#include "store/api_key.h"
#include "store/store_suite.h"

namespace cloudoptim::store {

TEST_P(StoreSuite, TenantNamesAreUniqueAndUnknownTenantsAreNotFound) {
  Tenant acme = MakeTenant("acme");
  auto again = store_->tenants().CreateTenant("acme");
  ASSERT_FALSE(again);
  EXPECT_TRUE(IsAlreadyExists(again.error())) << again.error().ToString();
  EXPECT_THAT(again.error().message, HasSubstr("acme"));
  EXPECT_TRUE(IsNotFound(store_->tenants().GetTenant("t-missing").error()));
  EXPECT_TRUE(IsInvalidArgument(store_->tenants().CreateTenant("").error()));
  auto fetched = store_->tenants().GetTenant(acme.id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->name, "acme");
  EXPECT_EQ(fetched->created, clock_.Now());
}

TEST_P(StoreSuite, TimestampsAreStoredAsEpochMillisecondsUtc) {
  Tenant acme = MakeTenant("acme");
  auto db = RawDatabase();
  auto rows = db->Query("SELECT created_ms FROM tenants WHERE id = $1", {acme.id});
  ASSERT_TRUE(rows);
  ASSERT_THAT(*rows, SizeIs(1));
  EXPECT_EQ((*rows)[0].Int(0), 1'795'651'200'000);  // 2026-11-26T00:00:00Z
}

TEST_P(StoreSuite, ApiKeysAuthenticateByPlaintextAndAreStoredOnlyAsHashes) {
  Tenant acme = MakeTenant("acme");
  auto key = store_->tenants().CreateApiKey(acme.id, Role::kOperator, "ci");
  ASSERT_TRUE(key) << key.error().ToString();
  auto found = store_->tenants().AuthenticateApiKey(key->plaintext);
  ASSERT_TRUE(found) << found.error().ToString();
  EXPECT_EQ(found->tenant_id, acme.id);
  EXPECT_EQ(found->role, Role::kOperator);
  EXPECT_EQ(found->key_id, key->record.key_id);
  auto by_hash = store_->tenants().FindApiKeyByHash(HashApiKey(key->plaintext));
  ASSERT_TRUE(by_hash);
  EXPECT_EQ(by_hash->key_id, key->record.key_id);

  const std::string secret = key->plaintext.substr(key->plaintext.rfind('_') + 1);
  auto rows = RawDatabase()->Query("SELECT key_id, key_hash, description FROM api_keys", {});
  ASSERT_TRUE(rows);
  for (const SqlRow& row : *rows) {
    for (size_t c = 0; c < row.size(); ++c) EXPECT_THAT(row.Text(c), Not(HasSubstr(secret)));
  }

  std::string wrong = key->plaintext;
  wrong.back() = wrong.back() == '0' ? '1' : '0';
  EXPECT_TRUE(IsUnauthenticated(store_->tenants().AuthenticateApiKey(wrong).error()));
  EXPECT_TRUE(IsUnauthenticated(store_->tenants().AuthenticateApiKey("co_garbage").error()));
  EXPECT_TRUE(IsNotFound(store_->tenants().FindApiKeyByHash(HashApiKey(wrong)).error()));
}

TEST_P(StoreSuite, RevokedKeysNoLongerAuthenticate) {
  Tenant acme = MakeTenant("acme");
  auto key = store_->tenants().CreateApiKey(acme.id, Role::kViewer, "");
  ASSERT_TRUE(key);
  ASSERT_TRUE(store_->tenants().RevokeApiKey(acme.id, key->record.key_id));
  ASSERT_TRUE(store_->tenants().RevokeApiKey(acme.id, key->record.key_id));  // twice is Ok
  EXPECT_TRUE(IsUnauthenticated(store_->tenants().AuthenticateApiKey(key->plaintext).error()));
  EXPECT_TRUE(
      IsPermissionDenied(store_->tenants().FindApiKeyByHash(HashApiKey(key->plaintext)).error()));
  auto listed = store_->tenants().ListApiKeys(acme.id);
  ASSERT_TRUE(listed);
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_TRUE((*listed)[0].revoked.has_value());
}

TEST_P(StoreSuite, OnlyOperatorKeysMayBeServiceWide) {
  EXPECT_TRUE(IsInvalidArgument(store_->tenants().CreateApiKey("", Role::kAdmin, "").error()));
  auto service = store_->tenants().CreateApiKey("", Role::kOperator, "service");
  ASSERT_TRUE(service) << service.error().ToString();
  auto found = store_->tenants().AuthenticateApiKey(service->plaintext);
  ASSERT_TRUE(found);
  EXPECT_EQ(found->tenant_id, "");
  EXPECT_TRUE(IsNotFound(store_->tenants().CreateApiKey("t-nope", Role::kAdmin, "").error()));
}

TEST_P(StoreSuite, ApiKeyMethodsNeverReachAnotherTenantsKeys) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  auto key = store_->tenants().CreateApiKey(acme.id, Role::kAdmin, "");
  ASSERT_TRUE(key);
  auto listed = store_->tenants().ListApiKeys(globex.id);
  ASSERT_TRUE(listed);
  EXPECT_THAT(*listed, IsEmpty());
  EXPECT_TRUE(IsNotFound(store_->tenants().RevokeApiKey(globex.id, key->record.key_id).error()));
  EXPECT_TRUE(store_->tenants().AuthenticateApiKey(key->plaintext));  // still valid
}

TEST_P(StoreSuite, AClusterKeepsItsLaunchOverridesAndHasNoneUnlessGiven) {
  Tenant acme = MakeTenant("acme");
  ClusterRegistration plain{.name = "plain", .region = "us-east-1", .credentials = "kc"};
  ClusterRegistration pinned{.name = "pinned",
                             .region = "us-east-1",
                             .credentials = "kc",
                             .launch_template = "lt-0abc",
                             .subnet_ids = {"subnet-a", "subnet-b"}};
  auto plain_cluster = store_->clusters().RegisterCluster(acme.id, plain);
  auto pinned_cluster = store_->clusters().RegisterCluster(acme.id, pinned);
  ASSERT_TRUE(plain_cluster && pinned_cluster);
  auto fetched = store_->clusters().GetCluster(acme.id, pinned_cluster->id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->launch_template, "lt-0abc");
  EXPECT_THAT(fetched->subnet_ids, ::testing::ElementsAre("subnet-a", "subnet-b"));
  auto listed = store_->clusters().ListClusters(acme.id);
  ASSERT_TRUE(listed);
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_EQ((*listed)[0].name, "pinned");
  EXPECT_EQ((*listed)[1].launch_template, "");
  EXPECT_THAT((*listed)[1].subnet_ids, ::testing::IsEmpty());
}

TEST_P(StoreSuite, ClustersRoundTripWithCredentialsEncryptedAtRest) {
  Tenant acme = MakeTenant("acme");
  ClusterRegistration registration{"prod", "eu-west-1", "http://127.0.0.1:5000",
                                   "https://sqs/queue",
                                   "apiVersion: v1\nkind: Config\ntoken: s3cr3t"};
  auto cluster = store_->clusters().RegisterCluster(acme.id, registration);
  ASSERT_TRUE(cluster) << cluster.error().ToString();
  auto fetched = store_->clusters().GetCluster(acme.id, cluster->id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->name, "prod");
  EXPECT_EQ(fetched->region, "eu-west-1");
  EXPECT_EQ(fetched->aws_endpoint, "http://127.0.0.1:5000");
  EXPECT_EQ(fetched->queue_url, "https://sqs/queue");
  auto credentials = store_->clusters().GetClusterCredentials(acme.id, cluster->id);
  ASSERT_TRUE(credentials) << credentials.error().ToString();
  EXPECT_EQ(*credentials, registration.credentials);

  auto rows = RawDatabase()->Query("SELECT credentials FROM clusters WHERE id = $1", {cluster->id});
  ASSERT_TRUE(rows);
  ASSERT_THAT(*rows, SizeIs(1));
  const std::string sealed = (*rows)[0].Blob(0);
  EXPECT_THAT(sealed, Not(HasSubstr("s3cr3t")));
  EXPECT_EQ(sealed.size(), registration.credentials.size() + 1 + 12 + 16);

  auto duplicate = store_->clusters().RegisterCluster(acme.id, registration);
  ASSERT_FALSE(duplicate);
  EXPECT_TRUE(IsAlreadyExists(duplicate.error()));
  Tenant globex = MakeTenant("globex");
  EXPECT_TRUE(store_->clusters().RegisterCluster(globex.id, registration));  // names are per tenant
}

TEST_P(StoreSuite, TamperedCredentialsAreDataLoss) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  auto db = RawDatabase();
  auto rows = db->Query("SELECT credentials FROM clusters WHERE id = $1", {prod.id});
  ASSERT_TRUE(rows);
  std::string sealed = (*rows)[0].Blob(0);
  sealed[sealed.size() / 2] ^= 0x01;
  ASSERT_TRUE(
      db->Exec("UPDATE clusters SET credentials = $1 WHERE id = $2", {SqlBlob{sealed}, prod.id}));
  auto credentials = store_->clusters().GetClusterCredentials(acme.id, prod.id);
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::kDataLoss) << credentials.error().ToString();
}

TEST_P(StoreSuite, CredentialsCannotBeReadWithADifferentMasterKey) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  StoreOptions other = Options();
  other.secret_box = SecretBox::FromText(std::string(64, 'e')).value();
  auto store = OpenStore(url_, other);
  ASSERT_TRUE(store);
  auto credentials = (*store)->clusters().GetClusterCredentials(acme.id, prod.id);
  ASSERT_FALSE(credentials);
  EXPECT_EQ(credentials.error().code, ErrorCode::kDataLoss);

  StoreOptions none;  // no secret box
  none.clock = &clock_;
  auto keyless = OpenStore(url_, none);
  ASSERT_TRUE(keyless);
  EXPECT_TRUE(IsFailedPrecondition(
      (*keyless)->clusters().RegisterCluster(acme.id, {"x", "us-east-1", "", "", "k"}).error()));
}

TEST_P(StoreSuite, ClusterMethodsNeverReachAnotherTenantsClusters) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  Cluster prod = MakeCluster(acme, "prod");
  Cluster theirs = MakeCluster(globex, "theirs");
  auto listed = store_->clusters().ListClusters(globex.id);
  ASSERT_TRUE(listed);
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].id, theirs.id);
  EXPECT_TRUE(IsNotFound(store_->clusters().GetCluster(globex.id, prod.id).error()));
  EXPECT_TRUE(IsNotFound(store_->clusters().GetClusterCredentials(globex.id, prod.id).error()));
  EXPECT_TRUE(IsNotFound(store_->clusters().GetSettings(globex.id, prod.id).error()));
  ClusterSettings autopilot{ClusterMode::kAutopilot, "{}", false, {}};
  EXPECT_TRUE(IsNotFound(store_->clusters().PutSettings(globex.id, prod.id, autopilot).error()));
  auto settings = store_->clusters().GetSettings(acme.id, prod.id);
  ASSERT_TRUE(settings);
  EXPECT_EQ(settings->mode, ClusterMode::kRecommendOnly);  // the put above changed nothing
  auto all = store_->clusters().ListAllClusters();
  ASSERT_TRUE(all);
  EXPECT_THAT(*all, SizeIs(2));
}

TEST_P(StoreSuite, SettingsDefaultToRecommendOnlyAndRoundTrip) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  auto defaults = store_->clusters().GetSettings(acme.id, prod.id);
  ASSERT_TRUE(defaults);
  EXPECT_EQ(defaults->mode, ClusterMode::kRecommendOnly);
  EXPECT_FALSE(defaults->kill_switch);
  ClusterSettings settings{ClusterMode::kApprove, R"({"min_availability_zones": 2})", true, {}};
  ASSERT_TRUE(store_->clusters().PutSettings(acme.id, prod.id, settings));
  auto stored = store_->clusters().GetSettings(acme.id, prod.id);
  ASSERT_TRUE(stored);
  EXPECT_EQ(stored->mode, ClusterMode::kApprove);
  EXPECT_TRUE(stored->kill_switch);
  EXPECT_THAT(stored->thresholds_json, HasSubstr("\"min_availability_zones\":2"));
  settings.thresholds_json = "[1, 2]";
  auto bad = store_->clusters().PutSettings(acme.id, prod.id, settings);
  ASSERT_FALSE(bad);
  EXPECT_TRUE(IsInvalidArgument(bad.error()));
  EXPECT_THAT(bad.error().message, HasSubstr("thresholds_json"));
}

TEST_P(StoreSuite, TheGlobalKillSwitchIsReleasedUntilPutAndSeenByEveryConnection) {
  auto never_put = store_->service_settings().GetGlobalKillSwitch();
  ASSERT_TRUE(never_put) << never_put.error().ToString();
  EXPECT_FALSE(never_put->engaged);
  EXPECT_EQ(never_put->changed, TimePoint{});

  clock_.Advance(std::chrono::minutes(5));
  auto engaged = store_->service_settings().PutGlobalKillSwitch(
      {.engaged = true, .reason = "incident 4711", .changed_by = "api-key:operator"});
  ASSERT_TRUE(engaged) << engaged.error().ToString();
  EXPECT_EQ(engaged->changed, clock_.Now());

  // Another replica (another connection) stops too: the switch lives in the database.
  std::unique_ptr<Store> replica = OpenAgain();
  ASSERT_NE(replica, nullptr);
  auto seen = replica->service_settings().GetGlobalKillSwitch();
  ASSERT_TRUE(seen);
  EXPECT_TRUE(seen->engaged);
  EXPECT_EQ(seen->reason, "incident 4711");
  EXPECT_EQ(seen->changed_by, "api-key:operator");
  EXPECT_EQ(seen->changed, clock_.Now());

  ASSERT_TRUE(replica->service_settings().PutGlobalKillSwitch(
      {.engaged = false, .reason = "", .changed_by = "api-key:k2"}));
  auto released = store_->service_settings().GetGlobalKillSwitch();
  ASSERT_TRUE(released);
  EXPECT_FALSE(released->engaged);
  EXPECT_EQ(released->changed_by, "api-key:k2");
}

TEST_P(StoreSuite, EngagingTheGlobalKillSwitchNeedsAReasonAndAnActor) {
  auto no_reason = store_->service_settings().PutGlobalKillSwitch(
      {.engaged = true, .reason = "", .changed_by = "api-key:operator"});
  ASSERT_FALSE(no_reason);
  EXPECT_TRUE(IsInvalidArgument(no_reason.error()));
  EXPECT_THAT(no_reason.error().message, HasSubstr("reason"));
  auto no_actor =
      store_->service_settings().PutGlobalKillSwitch({.engaged = false, .reason = "done"});
  ASSERT_FALSE(no_actor);
  EXPECT_THAT(no_actor.error().message, HasSubstr("changed_by"));
  EXPECT_FALSE(store_->service_settings().GetGlobalKillSwitch()->engaged);
}

inline StoredRecommendation Rec(const std::string& id, int64_t savings_micros,
                                const std::string& engine = "bin-pack") {
  StoredRecommendation r;
  r.id = id;
  r.engine = engine;
  r.target = "node/" + id;
  r.actions_json = R"([{"type":"drain-node","target":"node/)" + id + R"(","parameters":{}}])";
  r.monthly_savings = Money::FromMicros(savings_micros);
  r.confidence = 0.9;
  r.explanation = "Node " + id + " is underused; its pods fit elsewhere.";
  return r;
}

TEST_P(StoreSuite, UpsertingACycleUpdatesInPlaceAndSupersedesWhatItNoLongerProposes) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  auto& recs = store_->recommendations();
  auto first =
      recs.UpsertRecommendations(acme.id, prod.id, {Rec("a", 1'234'567'891), Rec("b", 5'000'000)});
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->inserted, 2);
  ASSERT_TRUE(recs.SetRecommendationStatus(acme.id, prod.id, "b", RecommendationStatus::kApproved));

  clock_.Advance(std::chrono::minutes(10));
  auto second = recs.UpsertRecommendations(acme.id, prod.id, {Rec("b", 6'000'000), Rec("c", 1)});
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_EQ(second->inserted, 1);
  EXPECT_EQ(second->updated, 1);
  EXPECT_EQ(second->superseded, 1);  // "a": pending and not proposed again

  auto a = recs.GetRecommendation(acme.id, prod.id, "a");
  ASSERT_TRUE(a);
  EXPECT_EQ(a->status, RecommendationStatus::kSuperseded);
  EXPECT_EQ(a->monthly_savings.micros(), 1'234'567'891);  // exact micro-USD
  auto b = recs.GetRecommendation(acme.id, prod.id, "b");
  ASSERT_TRUE(b);
  EXPECT_EQ(b->status, RecommendationStatus::kApproved);  // a person's decision is kept
  EXPECT_EQ(b->monthly_savings.micros(), 6'000'000);
  EXPECT_EQ(b->created, At("2026-11-26T00:00:00Z"));
  EXPECT_EQ(b->updated, At("2026-11-26T00:10:00Z"));

  auto third =
      recs.UpsertRecommendations(acme.id, prod.id, {Rec("a", 7), Rec("b", 6), Rec("c", 1)});
  ASSERT_TRUE(third);
  EXPECT_EQ(recs.GetRecommendation(acme.id, prod.id, "a")->status, RecommendationStatus::kPending);
}

TEST_P(StoreSuite, RecommendationsListBySavingsWithFilters) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  Cluster dev = MakeCluster(acme, "dev");
  auto& recs = store_->recommendations();
  ASSERT_TRUE(recs.UpsertRecommendations(acme.id, prod.id,
                                         {Rec("small", 10), Rec("big", 1000, "spot-optimize")}));
  ASSERT_TRUE(recs.UpsertRecommendations(acme.id, dev.id, {Rec("mid", 500)}));
  ASSERT_TRUE(
      recs.SetRecommendationStatus(acme.id, prod.id, "small", RecommendationStatus::kRejected));

  auto ids = [&](const RecommendationFilter& filter) {
    std::vector<std::string> out;
    auto listed = recs.ListRecommendations(acme.id, filter);
    EXPECT_TRUE(listed) << listed.error().ToString();
    for (const auto& r : listed.value_or(std::vector<StoredRecommendation>{})) out.push_back(r.id);
    return out;
  };
  EXPECT_THAT(ids({}), ElementsAre("big", "mid", "small"));
  EXPECT_THAT(ids({.cluster_id = prod.id}), ElementsAre("big", "small"));
  EXPECT_THAT(ids({.status = RecommendationStatus::kPending}), ElementsAre("big", "mid"));
  EXPECT_THAT(ids({.engine = "spot-optimize"}), ElementsAre("big"));
  EXPECT_THAT(ids({.limit = 1}), ElementsAre("big"));
}

TEST_P(StoreSuite, RecommendationStatusFollowsTheReviewLifecycle) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  auto& recs = store_->recommendations();
  ASSERT_TRUE(recs.UpsertRecommendations(acme.id, prod.id, {Rec("a", 1), Rec("b", 2)}));
  using S = RecommendationStatus;
  EXPECT_TRUE(recs.SetRecommendationStatus(acme.id, prod.id, "a", S::kApproved));
  EXPECT_TRUE(recs.SetRecommendationStatus(acme.id, prod.id, "a", S::kApproved));  // again: Ok
  EXPECT_TRUE(recs.SetRecommendationStatus(acme.id, prod.id, "a", S::kApplied));
  auto back = recs.SetRecommendationStatus(acme.id, prod.id, "a", S::kPending);
  ASSERT_FALSE(back);
  EXPECT_TRUE(IsFailedPrecondition(back.error()));
  EXPECT_THAT(back.error().message, HasSubstr("applied"));
  EXPECT_TRUE(recs.SetRecommendationStatus(acme.id, prod.id, "b", S::kRejected));
  EXPECT_TRUE(IsFailedPrecondition(
      recs.SetRecommendationStatus(acme.id, prod.id, "b", S::kApproved).error()));
  EXPECT_TRUE(
      IsNotFound(recs.SetRecommendationStatus(acme.id, prod.id, "zz", S::kApproved).error()));
}

TEST_P(StoreSuite, MalformedRecommendationsAreRejectedWithTheFieldNamed) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  StoredRecommendation bad = Rec("a", 1);
  bad.actions_json = "{\"not\": \"an array\"}";
  auto result = store_->recommendations().UpsertRecommendations(acme.id, prod.id, {bad});
  ASSERT_FALSE(result);
  EXPECT_TRUE(IsInvalidArgument(result.error()));
  EXPECT_THAT(result.error().message, HasSubstr("actions_json"));
  bad = Rec("", 1);
  EXPECT_TRUE(IsInvalidArgument(
      store_->recommendations().UpsertRecommendations(acme.id, prod.id, {bad}).error()));
  bad = Rec("a", 1);
  bad.confidence = 1.5;
  EXPECT_TRUE(IsInvalidArgument(
      store_->recommendations().UpsertRecommendations(acme.id, prod.id, {bad}).error()));
}

TEST_P(StoreSuite, RecommendationMethodsNeverReachAnotherTenantsRows) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  Cluster prod = MakeCluster(acme, "prod");
  auto& recs = store_->recommendations();
  ASSERT_TRUE(recs.UpsertRecommendations(acme.id, prod.id, {Rec("a", 1)}));
  EXPECT_TRUE(IsNotFound(recs.UpsertRecommendations(globex.id, prod.id, {Rec("x", 1)}).error()));
  auto listed = recs.ListRecommendations(globex.id, {});
  ASSERT_TRUE(listed);
  EXPECT_THAT(*listed, IsEmpty());
  listed = recs.ListRecommendations(globex.id, {.cluster_id = prod.id});
  ASSERT_TRUE(listed);
  EXPECT_THAT(*listed, IsEmpty());
  EXPECT_TRUE(IsNotFound(recs.GetRecommendation(globex.id, prod.id, "a").error()));
  EXPECT_TRUE(IsNotFound(
      recs.SetRecommendationStatus(globex.id, prod.id, "a", RecommendationStatus::kApproved)
          .error()));
  EXPECT_EQ(recs.GetRecommendation(acme.id, prod.id, "a")->status, RecommendationStatus::kPending);
}

}  // namespace cloudoptim::store
