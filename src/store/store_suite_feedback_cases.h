// Store suite: interruption feedback and learning, time series, models, and migrations.
// Included by the suite binaries after store_suite.h.
#pragma once

#include <thread>

#include "store/migrations.h"
#include "store/store_suite.h"

namespace cloudoptim::store {

inline InterruptionRecord Interruption(const std::string& event_id, const Cluster& cluster,
                                       const std::string& type, const std::string& zone) {
  return InterruptionRecord{event_id, cluster.id,          "i-" + event_id,  type,
                            zone,     "spot-interruption", {"web", "batch"}, {}};
}

TEST_P(StoreSuite, ADuplicateInterruptionEventIsReportedAndNotStoredTwice) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  Cluster prod = MakeCluster(acme, "prod");
  Cluster theirs = MakeCluster(globex, "theirs");
  auto& feedback = store_->feedback();
  auto first =
      feedback.RecordInterruption(acme.id, Interruption("ev-1", prod, "m5.large", "us-east-1a"));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(*first, RecordOutcome::kRecorded);
  auto again =
      feedback.RecordInterruption(acme.id, Interruption("ev-1", prod, "m5.large", "us-east-1a"));
  ASSERT_TRUE(again);
  EXPECT_EQ(*again, RecordOutcome::kDuplicate);
  // The same event id from another tenant (a shared queue delivering twice) is a duplicate too.
  auto elsewhere = feedback.RecordInterruption(
      globex.id, Interruption("ev-1", theirs, "m5.large", "us-east-1a"));
  ASSERT_TRUE(elsewhere);
  EXPECT_EQ(*elsewhere, RecordOutcome::kDuplicate);

  auto listed = feedback.ListInterruptions(acme.id, At("2026-11-01T00:00:00Z"));
  ASSERT_TRUE(listed);
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_THAT((*listed)[0].workload_types, ElementsAre("web", "batch"));
  EXPECT_EQ((*listed)[0].at, clock_.Now());
  EXPECT_THAT(feedback.ListInterruptions(globex.id, At("2026-11-01T00:00:00Z")).value(), IsEmpty());
  EXPECT_TRUE(IsNotFound(
      feedback.RecordInterruption(globex.id, Interruption("ev-2", prod, "m5.large", "us-east-1a"))
          .error()));
}

TEST_P(StoreSuite, InterruptionsAcrossTenantsAreCountedPerPoolWithoutExposingRows) {
  auto& feedback = store_->feedback();
  for (const char* name : {"a", "b", "c"}) {
    Tenant tenant = MakeTenant(name);
    Cluster cluster = MakeCluster(tenant, "prod");
    ASSERT_TRUE(feedback.RecordInterruption(
        tenant.id, Interruption(std::string("ev-") + name, cluster, "c5.xlarge", "us-east-1b")));
    ASSERT_TRUE(feedback.RecordInterruption(
        tenant.id, Interruption(std::string("ev2-") + name, cluster, "c5.xlarge", "us-east-1b")));
  }
  EXPECT_EQ(
      feedback.CountTenantsInterruptedInPool("c5.xlarge", "us-east-1b", At("2026-11-25T00:00:00Z"))
          .value(),
      3);
  EXPECT_EQ(
      feedback.CountTenantsInterruptedInPool("c5.xlarge", "us-east-1a", At("2026-11-25T00:00:00Z"))
          .value(),
      0);
  EXPECT_EQ(
      feedback.CountTenantsInterruptedInPool("c5.xlarge", "us-east-1b", At("2026-11-27T00:00:00Z"))
          .value(),
      0);
}

TEST_P(StoreSuite, RiskAdjustmentsAreReplacedPerPool) {
  auto& feedback = store_->feedback();
  ASSERT_TRUE(feedback.PutRiskAdjustment({"m5.large", "us-east-1a", 0.10, "2 customers", 2, {}}));
  ASSERT_TRUE(feedback.PutRiskAdjustment({"m5.large", "us-east-1a", 0.20, "3 customers", 3, {}}));
  ASSERT_TRUE(feedback.PutRiskAdjustment({"c5.large", "us-east-1a", 0.10, "2 customers", 2, {}}));
  auto listed = feedback.ListRiskAdjustments();
  ASSERT_TRUE(listed);
  ASSERT_THAT(*listed, SizeIs(2));
  EXPECT_EQ((*listed)[1].instance_type, "m5.large");
  EXPECT_DOUBLE_EQ((*listed)[1].adjustment, 0.20);
  EXPECT_EQ((*listed)[1].tenants_affected, 3);
}

TEST_P(StoreSuite, LearningStatsAccumulatePerTenant) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  auto& feedback = store_->feedback();
  ASSERT_TRUE(feedback.AddLearningStats(acme.id, 10'000, 2));
  auto total = feedback.AddLearningStats(acme.id, 40'000, 1);
  ASSERT_TRUE(total);
  EXPECT_EQ(total->observed_instance_hours, 50'000);
  EXPECT_EQ(total->interruptions, 3);
  EXPECT_EQ(feedback.GetLearningStats(globex.id)->observed_instance_hours, 0);
  EXPECT_TRUE(IsNotFound(feedback.GetLearningStats("t-nope").error()));
  EXPECT_TRUE(IsInvalidArgument(feedback.AddLearningStats(acme.id, -1, 0).error()));
}

TEST_P(StoreSuite, RebalanceJobsBelongToTheirTenant) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  Cluster prod = MakeCluster(acme, "prod");
  auto& feedback = store_->feedback();
  RebalanceJob job{0,         prod.id, "m5.large", "us-east-1a", "pool risky for 3 customers",
                   "pending", {},      {}};
  auto created = feedback.CreateRebalanceJob(acme.id, job);
  ASSERT_TRUE(created) << created.error().ToString();
  EXPECT_THAT(feedback.ListRebalanceJobs(acme.id, "pending").value(), SizeIs(1));
  EXPECT_THAT(feedback.ListRebalanceJobs(acme.id, "done").value(), IsEmpty());
  EXPECT_THAT(feedback.ListRebalanceJobs(globex.id, "").value(), IsEmpty());
  EXPECT_TRUE(IsNotFound(feedback.CreateRebalanceJob(globex.id, job).error()));
}

TEST_P(StoreSuite, SavingsAreATimeSeriesPerClusterInMicroDollars) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  Cluster prod = MakeCluster(acme, "prod");
  Cluster dev = MakeCluster(acme, "dev");
  auto& series = store_->time_series();
  ASSERT_TRUE(series.AddSavings(acme.id, {prod.id, At("2026-11-01T00:00:00Z"), Money::FromMicros(1),
                                          Money::FromUsd(1000.5)}));
  ASSERT_TRUE(series.AddSavings(acme.id, {prod.id, At("2026-11-02T00:00:00Z"), Money::FromMicros(2),
                                          Money::FromMicros(9'007'199'254'740'993)}));
  ASSERT_TRUE(
      series.AddSavings(acme.id, {prod.id, At("2026-11-02T00:00:00Z"),  // replaces
                                  Money::FromMicros(3), Money::FromMicros(9'007'199'254'740'993)}));
  ASSERT_TRUE(series.AddSavings(
      acme.id, {dev.id, At("2026-11-01T12:00:00Z"), Money::FromMicros(4), Money::FromMicros(4)}));
  auto prod_points =
      series.QuerySavings(acme.id, prod.id, At("2026-11-01T00:00:00Z"), At("2026-11-03T00:00:00Z"));
  ASSERT_TRUE(prod_points);
  ASSERT_THAT(*prod_points, SizeIs(2));
  EXPECT_EQ((*prod_points)[0].projected_monthly, Money::FromUsd(1000.5));
  EXPECT_EQ((*prod_points)[1].realized.micros(), 3);
  EXPECT_EQ((*prod_points)[1].projected_monthly.micros(), 9'007'199'254'740'993);  // > 2^53
  auto all =
      series.QuerySavings(acme.id, "", At("2026-11-01T00:00:00Z"), At("2026-11-02T00:00:00Z"));
  ASSERT_TRUE(all);
  EXPECT_THAT(*all, SizeIs(2));  // [from, to): the 2nd of November is out
  EXPECT_THAT(
      series.QuerySavings(globex.id, "", At("2026-01-01T00:00:00Z"), At("2027-01-01T00:00:00Z"))
          .value(),
      IsEmpty());
  EXPECT_TRUE(IsNotFound(series
                             .AddSavings(globex.id, {prod.id, At("2026-11-05T00:00:00Z"),
                                                     Money::FromMicros(1), Money::FromMicros(1)})
                             .error()));
}

TEST_P(StoreSuite, SpotPriceHistoryIsQueriedByPoolAndTimeRange) {
  auto& series = store_->time_series();
  std::vector<SpotPricePoint> points = {
      {"m5.large", "us-east-1a", At("2026-11-01T00:00:00Z"), Money::FromMicros(35'123), false, 1.0},
      {"m5.large", "us-east-1a", At("2026-11-01T01:00:00Z"), Money::FromMicros(36'000), true, 0.6},
      {"m5.large", "us-east-1b", At("2026-11-01T00:00:00Z"), Money::FromMicros(40'000), false, 1.0},
  };
  ASSERT_TRUE(series.InsertSpotPrices(points));
  points[0].usd_per_hour = Money::FromMicros(35'124);
  ASSERT_TRUE(series.InsertSpotPrices({points[0]}));  // same (pool, time): replaced
  auto history = series.QuerySpotPrices("m5.large", "us-east-1a", At("2026-11-01T00:00:00Z"),
                                        At("2026-11-02T00:00:00Z"));
  ASSERT_TRUE(history);
  ASSERT_THAT(*history, SizeIs(2));
  EXPECT_EQ((*history)[0].usd_per_hour.micros(), 35'124);
  EXPECT_TRUE((*history)[1].interpolated);
  EXPECT_DOUBLE_EQ((*history)[1].confidence, 0.6);
  points[0].usd_per_hour = Money::FromMicros(-1);
  EXPECT_TRUE(IsInvalidArgument(series.InsertSpotPrices({points[0]}).error()));
}

TEST_P(StoreSuite, ModelsStoreArbitraryBytes) {
  auto& series = store_->time_series();
  std::string bytes = std::string("\x00\x01\xff\xfe binary", 11);
  ASSERT_TRUE(series.PutModel({"risk-xgb", "2026-11-26", bytes, R"({"features":12})", {}}));
  auto model = series.GetModel("risk-xgb", "2026-11-26");
  ASSERT_TRUE(model) << model.error().ToString();
  EXPECT_EQ(model->bytes, bytes);
  EXPECT_EQ(model->metadata_json, R"({"features":12})");
  EXPECT_TRUE(IsAlreadyExists(series.PutModel({"risk-xgb", "2026-11-26", "x", "{}", {}}).error()));
  EXPECT_TRUE(IsNotFound(series.GetModel("risk-xgb", "2027").error()));
}

TEST_P(StoreSuite, OpeningTwiceAppliesEachMigrationOnce) {
  MakeTenant("acme");
  std::unique_ptr<Store> again = OpenAgain();
  ASSERT_NE(again, nullptr);
  EXPECT_THAT(again->tenants().ListTenants().value(), SizeIs(1));
  auto db = RawDatabase();
  auto rows = db->Query("SELECT version FROM schema_migrations ORDER BY version", {});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), Migrations().size());
  for (size_t i = 0; i < rows->size(); ++i) EXPECT_EQ((*rows)[i].Int(0), Migrations()[i].version);
  EXPECT_EQ(SchemaVersion(*db).value(), Migrations().back().version);
}

TEST_P(StoreSuite, ProcessesOpeningAFreshDatabaseAtOnceAllSucceed) {
  std::string error;
  const std::string url = GetParam().fresh_url(&error);
  ASSERT_FALSE(url.empty()) << error;
  constexpr int kOpeners = 4;
  std::vector<Result<std::unique_ptr<Store>>> results;
  for (int i = 0; i < kOpeners; ++i) results.emplace_back(Internal("not run"));
  std::vector<std::thread> threads;
  for (int i = 0; i < kOpeners; ++i) {
    threads.emplace_back([&, i] { results[i] = OpenStore(url, Options()); });
  }
  for (auto& t : threads) t.join();
  for (const auto& result : results) EXPECT_TRUE(result) << result.error().ToString();
  auto db = OpenDatabase(url, Options());
  ASSERT_TRUE(db);
  EXPECT_EQ((*db)->Query("SELECT version FROM schema_migrations", {})->size(), Migrations().size());
}

TEST_P(StoreSuite, ADatabaseFromANewerBinaryIsRefused) {
  auto db = RawDatabase();
  ASSERT_TRUE(
      db->Exec("INSERT INTO schema_migrations (version, name, applied_ms) VALUES ($1, $2, $3)",
               {int64_t{999}, std::string("from-the-future"), int64_t{0}}));
  auto store = OpenStore(url_, Options());
  ASSERT_FALSE(store);
  EXPECT_TRUE(IsFailedPrecondition(store.error())) << store.error().ToString();
  EXPECT_THAT(store.error().message, HasSubstr("999"));
}

}  // namespace cloudoptim::store
