// Store suite: plans and the action journal, the audit log, safety violations and leases.
// Included by the suite binaries after store_suite.h.
#pragma once

#include <atomic>
#include <thread>

#include "store/store_suite.h"

namespace cloudoptim::store {

inline IntentRequest Intent(const Plan& plan, int step, const std::string& kind) {
  return IntentRequest{plan.id, plan.cluster_id,
                       step,    plan.id + "/" + std::to_string(step) + "/" + kind,
                       kind,    "node/ip-10-0-1-" + std::to_string(step)};
}

inline Plan MakePlan(Store& store, const Tenant& tenant, const Cluster& cluster,
                     const std::string& id) {
  Plan plan;
  plan.id = id;
  plan.cluster_id = cluster.id;
  plan.description = "replace node";
  auto created = store.journal().CreatePlan(tenant.id, plan);
  EXPECT_TRUE(created) << created.error().ToString();
  return created.value_or(plan);
}

TEST_P(StoreSuite, ASecondIntentWithTheSameKeyReturnsTheExistingEntry) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  Plan plan = MakePlan(*store_, acme, prod, "plan-1");
  auto first = store_->journal().RecordIntent(acme.id, Intent(plan, 0, "launch"));
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_TRUE(first->created);
  EXPECT_EQ(first->entry.state, ActionState::kIntent);
  ASSERT_TRUE(store_->journal().MarkStarted(acme.id, first->entry.id));

  auto second = store_->journal().RecordIntent(acme.id, Intent(plan, 0, "launch"));
  ASSERT_TRUE(second) << second.error().ToString();
  EXPECT_FALSE(second->created);
  EXPECT_EQ(second->entry.id, first->entry.id);
  EXPECT_EQ(second->entry.state, ActionState::kStarted);  // the existing row, as it is now
  auto entries = store_->journal().ListPlanEntries(acme.id, plan.id);
  ASSERT_TRUE(entries);
  EXPECT_THAT(*entries, SizeIs(1));

  IntentRequest reused = Intent(plan, 1, "cordon");
  reused.idempotency_key = first->entry.idempotency_key;
  auto conflict = store_->journal().RecordIntent(acme.id, reused);
  ASSERT_FALSE(conflict);
  EXPECT_TRUE(IsFailedPrecondition(conflict.error())) << conflict.error().ToString();
}

TEST_P(StoreSuite, RacingIntentsForOneKeyCreateExactlyOneEntry) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  Plan plan = MakePlan(*store_, acme, prod, "plan-race");
  std::unique_ptr<Store> other = OpenAgain();
  ASSERT_NE(other, nullptr);
  constexpr int kSteps = 20;
  std::atomic<int> created{0};
  std::atomic<int> failures{0};
  auto record = [&](Store& store) {
    for (int step = 0; step < kSteps; ++step) {
      auto outcome = store.journal().RecordIntent(acme.id, Intent(plan, step, "terminate"));
      if (!outcome) {
        ++failures;
      } else if (outcome->created) {
        ++created;
      }
    }
  };
  std::thread a([&] { record(*store_); });
  std::thread b([&] { record(*other); });
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(created.load(), kSteps);
  EXPECT_THAT(store_->journal().ListPlanEntries(acme.id, plan.id).value(), SizeIs(kSteps));
}

TEST_P(StoreSuite, JournalEntriesMoveThroughTheirStatesAndCountAttempts) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  Plan plan = MakePlan(*store_, acme, prod, "plan-1");
  auto& journal = store_->journal();
  int64_t id = journal.RecordIntent(acme.id, Intent(plan, 0, "launch"))->entry.id;

  EXPECT_TRUE(IsFailedPrecondition(journal.MarkDone(acme.id, id, "i-1").error()));  // not started
  ASSERT_TRUE(journal.MarkStarted(acme.id, id));
  auto resumed = journal.MarkStarted(acme.id, id);  // after a restart the step starts again
  ASSERT_TRUE(resumed);
  EXPECT_EQ(resumed->attempts, 2);
  clock_.Advance(std::chrono::seconds(30));
  auto done = journal.MarkDone(acme.id, id, "i-0abc");
  ASSERT_TRUE(done);
  EXPECT_EQ(done->state, ActionState::kDone);
  EXPECT_EQ(done->result, "i-0abc");
  EXPECT_EQ(done->updated, At("2026-11-26T00:00:30Z"));
  EXPECT_TRUE(journal.MarkDone(acme.id, id, "i-0abc"));  // repeating is harmless
  auto restart = journal.MarkStarted(acme.id, id);
  ASSERT_FALSE(restart);
  EXPECT_TRUE(IsFailedPrecondition(restart.error()));
  EXPECT_THAT(restart.error().message, HasSubstr("done"));

  int64_t second = journal.RecordIntent(acme.id, Intent(plan, 1, "cordon"))->entry.id;
  auto failed = journal.MarkFailed(acme.id, second, "node not found");
  ASSERT_TRUE(failed);
  EXPECT_EQ(failed->result, "node not found");
  auto rolled = journal.MarkRolledBack(acme.id, id, "plan failed at step 1");
  ASSERT_TRUE(rolled);
  EXPECT_EQ(rolled->state, ActionState::kRolledBack);
  EXPECT_TRUE(IsNotFound(journal.MarkStarted(acme.id, 999'999).error()));
}

TEST_P(StoreSuite, UnfinishedEntriesAreListedByPlanOrClusterInStepOrder) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  Cluster dev = MakeCluster(acme, "dev");
  Plan p1 = MakePlan(*store_, acme, prod, "p1");
  Plan p2 = MakePlan(*store_, acme, prod, "p2");
  Plan p3 = MakePlan(*store_, acme, dev, "p3");
  auto& journal = store_->journal();
  int64_t p1s0 = journal.RecordIntent(acme.id, Intent(p1, 0, "launch"))->entry.id;
  int64_t p1s2 = journal.RecordIntent(acme.id, Intent(p1, 2, "evict"))->entry.id;
  int64_t p1s1 = journal.RecordIntent(acme.id, Intent(p1, 1, "cordon"))->entry.id;
  ASSERT_TRUE(journal.MarkStarted(acme.id, p1s0));
  ASSERT_TRUE(journal.MarkDone(acme.id, p1s0, "i-1"));
  ASSERT_TRUE(journal.MarkStarted(acme.id, p1s1));
  int64_t p2s0 = journal.RecordIntent(acme.id, Intent(p2, 0, "launch"))->entry.id;
  ASSERT_TRUE(journal.RecordIntent(acme.id, Intent(p3, 0, "launch")));

  auto ids = [](const std::vector<JournalEntry>& entries) {
    std::vector<int64_t> out;
    for (const auto& e : entries) out.push_back(e.id);
    return out;
  };
  EXPECT_THAT(ids(journal.ListUnfinished(acme.id, "", p1.id).value()), ElementsAre(p1s1, p1s2));
  EXPECT_THAT(ids(journal.ListUnfinished(acme.id, prod.id, "").value()),
              ElementsAre(p1s1, p1s2, p2s0));
  EXPECT_TRUE(IsInvalidArgument(journal.ListUnfinished(acme.id, "", "").error()));

  auto plans = journal.ListPlans(acme.id, prod.id, 10);
  ASSERT_TRUE(plans);
  EXPECT_THAT(*plans, SizeIs(2));
  EXPECT_THAT(journal.ListPlans(acme.id, "", 10).value(), SizeIs(3));
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(journal.MarkFailed(acme.id, p1s2, "eviction refused"));
  auto recent = journal.ListRecentActions(acme.id, "", 2);
  ASSERT_TRUE(recent);
  ASSERT_THAT(*recent, SizeIs(2));
  EXPECT_EQ((*recent)[0].id, p1s2);  // changed last
  EXPECT_THAT(journal.ListRecentActions(acme.id, dev.id, 10).value(), SizeIs(1));
}

TEST_P(StoreSuite, OpenPlansAreTheUnfinishedOnesOldestFirst) {
  Tenant acme = MakeTenant("acme");
  Cluster prod = MakeCluster(acme, "prod");
  Cluster dev = MakeCluster(acme, "dev");
  auto& journal = store_->journal();
  std::vector<std::pair<std::string, PlanState>> made = {{"p-running", PlanState::kRunning},
                                                         {"p-done", PlanState::kDone},
                                                         {"p-pending", PlanState::kPending},
                                                         {"p-rolled-back", PlanState::kRolledBack},
                                                         {"p-failed", PlanState::kFailed}};
  for (const auto& [id, state] : made) {
    clock_.Advance(std::chrono::seconds(1));
    Plan plan = MakePlan(*store_, acme, prod, id);
    ASSERT_TRUE(journal.SetPlanState(acme.id, plan.id, state));
  }
  clock_.Advance(std::chrono::seconds(1));
  MakePlan(*store_, acme, dev, "d-pending");

  auto ids = [](const Result<std::vector<Plan>>& plans) {
    std::vector<std::string> out;
    for (const Plan& plan : plans.value()) out.push_back(plan.id);
    return out;
  };
  EXPECT_THAT(ids(journal.ListOpenPlans(acme.id, prod.id)),
              ElementsAre("p-running", "p-pending", "p-failed"));
  EXPECT_THAT(ids(journal.ListOpenPlans(acme.id, "")),
              ElementsAre("p-running", "p-pending", "p-failed", "d-pending"));
  ASSERT_TRUE(journal.SetPlanState(acme.id, "p-running", PlanState::kDone));
  EXPECT_THAT(ids(journal.ListOpenPlans(acme.id, prod.id)), ElementsAre("p-pending", "p-failed"));
  EXPECT_TRUE(IsInvalidArgument(journal.ListOpenPlans("", prod.id).error()));
}

TEST_P(StoreSuite, JournalMethodsNeverReachAnotherTenantsPlans) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  Cluster prod = MakeCluster(acme, "prod");
  Cluster theirs = MakeCluster(globex, "theirs");
  Plan plan = MakePlan(*store_, acme, prod, "plan-1");
  auto& journal = store_->journal();
  auto entry = journal.RecordIntent(acme.id, Intent(plan, 0, "launch"));
  ASSERT_TRUE(entry);

  EXPECT_TRUE(IsNotFound(journal.GetPlan(globex.id, plan.id).error()));
  EXPECT_TRUE(IsNotFound(journal.SetPlanState(globex.id, plan.id, PlanState::kDone).error()));
  EXPECT_TRUE(IsNotFound(journal.RecordIntent(globex.id, Intent(plan, 1, "cordon")).error()));
  EXPECT_TRUE(IsNotFound(journal.MarkStarted(globex.id, entry->entry.id).error()));
  EXPECT_TRUE(IsNotFound(journal.MarkDone(globex.id, entry->entry.id, "").error()));
  EXPECT_TRUE(IsNotFound(journal.MarkFailed(globex.id, entry->entry.id, "").error()));
  EXPECT_TRUE(IsNotFound(journal.MarkRolledBack(globex.id, entry->entry.id, "").error()));
  EXPECT_THAT(journal.ListUnfinished(globex.id, prod.id, "").value(), IsEmpty());
  EXPECT_THAT(journal.ListUnfinished(globex.id, "", plan.id).value(), IsEmpty());
  EXPECT_THAT(journal.ListPlanEntries(globex.id, plan.id).value(), IsEmpty());
  EXPECT_THAT(journal.ListPlans(globex.id, "", 10).value(), IsEmpty());
  EXPECT_THAT(journal.ListPlans(globex.id, prod.id, 10).value(), IsEmpty());
  EXPECT_THAT(journal.ListOpenPlans(globex.id, "").value(), IsEmpty());
  EXPECT_THAT(journal.ListOpenPlans(globex.id, prod.id).value(), IsEmpty());
  EXPECT_THAT(journal.ListRecentActions(globex.id, "", 10).value(), IsEmpty());
  EXPECT_THAT(journal.ListRecentActions(globex.id, prod.id, 10).value(), IsEmpty());
  Plan stolen = plan;
  stolen.id = "plan-2";
  EXPECT_TRUE(IsNotFound(journal.CreatePlan(globex.id, stolen).error()));

  // A key another tenant already journaled is refused without showing that tenant's row.
  Plan own = MakePlan(*store_, globex, theirs, "plan-g");
  IntentRequest copy = Intent(own, 0, "launch");
  copy.idempotency_key = entry->entry.idempotency_key;
  auto taken = journal.RecordIntent(globex.id, copy);
  ASSERT_FALSE(taken);
  EXPECT_TRUE(IsAlreadyExists(taken.error()));
  EXPECT_EQ(journal.GetPlan(acme.id, plan.id)->state, PlanState::kPending);
  EXPECT_EQ(journal.ListUnfinished(acme.id, prod.id, "")->at(0).state, ActionState::kIntent);
}

TEST_P(StoreSuite, AuditLogListsNewestFirstPerTenant) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  auto& audit = store_->audit();
  ASSERT_TRUE(audit.AppendAudit(
      acme.id, {0, "api-key:k1", "recommendation.approve", "rec/a", "looks right", {}}));
  clock_.Advance(std::chrono::minutes(1));
  ASSERT_TRUE(audit.AppendAudit(acme.id, {0, "executor", "node.cordon", "node/n1", "plan p1", {}}));
  ASSERT_TRUE(audit.AppendAudit(globex.id, {0, "executor", "node.cordon", "node/x", "", {}}));
  auto entries = audit.ListAudit(acme.id, std::nullopt, 10);
  ASSERT_TRUE(entries);
  ASSERT_THAT(*entries, SizeIs(2));
  EXPECT_EQ((*entries)[0].action, "node.cordon");
  EXPECT_EQ((*entries)[0].at, At("2026-11-26T00:01:00Z"));
  EXPECT_EQ((*entries)[1].reason, "looks right");
  EXPECT_THAT(audit.ListAudit(acme.id, At("2026-11-26T00:00:30Z"), 10).value(), SizeIs(1));
  EXPECT_THAT(audit.ListAudit(acme.id, std::nullopt, 1).value(), SizeIs(1));
  EXPECT_THAT(audit.ListAudit(globex.id, std::nullopt, 10).value(), SizeIs(1));
  EXPECT_TRUE(IsInvalidArgument(audit.AppendAudit(acme.id, {0, "", "x", "", "", {}}).error()));
}

TEST_P(StoreSuite, SafetyViolationsAreRecordedPerClusterAndTenant) {
  Tenant acme = MakeTenant("acme");
  Tenant globex = MakeTenant("globex");
  Cluster prod = MakeCluster(acme, "prod");
  auto& audit = store_->audit();
  SafetyViolation v{0, prod.id, "plan-1", 2, 2.0, 3.0, "only 2 availability zones", {}};
  auto recorded = audit.RecordSafetyViolation(acme.id, v);
  ASSERT_TRUE(recorded) << recorded.error().ToString();
  EXPECT_GT(recorded->id, 0);
  auto listed = audit.ListSafetyViolations(acme.id, prod.id, 10);
  ASSERT_TRUE(listed);
  ASSERT_THAT(*listed, SizeIs(1));
  EXPECT_EQ((*listed)[0].layer, 2);
  EXPECT_DOUBLE_EQ((*listed)[0].measured, 2.0);
  EXPECT_DOUBLE_EQ((*listed)[0].threshold, 3.0);
  EXPECT_TRUE(IsNotFound(audit.RecordSafetyViolation(globex.id, v).error()));
  EXPECT_THAT(audit.ListSafetyViolations(globex.id, "", 10).value(), IsEmpty());
  EXPECT_THAT(audit.ListSafetyViolations(globex.id, prod.id, 10).value(), IsEmpty());
  v.layer = 6;
  EXPECT_TRUE(IsInvalidArgument(audit.RecordSafetyViolation(acme.id, v).error()));
}

TEST_P(StoreSuite, ALeaseHasOneHolderUntilItExpiresOrIsReleased) {
  auto& leases = store_->leases();
  const auto ttl = std::chrono::seconds(30);
  EXPECT_TRUE(leases.TryAcquireLease("cluster/c-1", "replica-a", ttl).value());
  EXPECT_FALSE(leases.TryAcquireLease("cluster/c-1", "replica-b", ttl).value());
  EXPECT_TRUE(leases.TryAcquireLease("cluster/c-1", "replica-a", ttl).value());  // re-acquire
  EXPECT_TRUE(leases.TryAcquireLease("cluster/c-2", "replica-b", ttl).value());  // other lease
  clock_.Advance(std::chrono::seconds(20));
  ASSERT_TRUE(leases.RenewLease("cluster/c-1", "replica-a", ttl));
  clock_.Advance(std::chrono::seconds(20));  // 40 s in: renewed until 50 s
  EXPECT_FALSE(leases.TryAcquireLease("cluster/c-1", "replica-b", ttl).value());
  clock_.Advance(std::chrono::seconds(11));  // expired
  EXPECT_TRUE(IsAborted(leases.RenewLease("cluster/c-1", "replica-a", ttl).error()));
  EXPECT_TRUE(leases.TryAcquireLease("cluster/c-1", "replica-b", ttl).value());
  EXPECT_TRUE(IsAborted(leases.RenewLease("cluster/c-1", "replica-a", ttl).error()));
  ASSERT_TRUE(leases.ReleaseLease("cluster/c-1", "replica-a"));  // not the holder: no effect
  EXPECT_FALSE(leases.TryAcquireLease("cluster/c-1", "replica-a", ttl).value());
  ASSERT_TRUE(leases.ReleaseLease("cluster/c-1", "replica-b"));
  EXPECT_TRUE(leases.TryAcquireLease("cluster/c-1", "replica-a", ttl).value());
  EXPECT_TRUE(IsInvalidArgument(leases.TryAcquireLease("", "a", ttl).error()));
}

TEST_P(StoreSuite, RacingReplicasNeverBothWinALease) {
  std::unique_ptr<Store> other = OpenAgain();
  ASSERT_NE(other, nullptr);
  constexpr int kLeases = 30;
  std::atomic<int> wins{0};
  std::atomic<int> failures{0};
  auto race = [&](Store& store, const std::string& holder) {
    for (int i = 0; i < kLeases; ++i) {
      auto won = store.leases().TryAcquireLease("cluster/" + std::to_string(i), holder,
                                                std::chrono::minutes(1));
      if (!won) {
        ++failures;
      } else if (*won) {
        ++wins;
      }
    }
  };
  std::thread a([&] { race(*store_, "replica-a"); });
  std::thread b([&] { race(*other, "replica-b"); });
  a.join();
  b.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_EQ(wins.load(), kLeases);
}

// Interrupted pools: per tenant, the later expiry wins, expired marks are not listed (and are
// dropped at the next mark), and another replica sees them.
TEST_P(StoreSuite, PoolMarksArePerTenantKeepTheLaterExpiryAndAreSeenByEveryReplica) {
  Tenant acme = MakeTenant("acme");
  Tenant other = MakeTenant("other");
  const TimePoint now = clock_.Now();
  PoolMark spot{"m5.large", "us-east-1a", "spot", now + std::chrono::minutes(30)};
  ASSERT_TRUE(store_->pool_marks().MarkPoolUnavailable(acme.id, spot));
  PoolMark shorter = spot;
  shorter.until = now + std::chrono::minutes(10);
  ASSERT_TRUE(store_->pool_marks().MarkPoolUnavailable(acme.id, shorter));
  PoolMark soon{"c5.large", "us-east-1b", "spot", now + std::chrono::minutes(5)};
  ASSERT_TRUE(store_->pool_marks().MarkPoolUnavailable(acme.id, soon));

  std::unique_ptr<Store> replica = OpenAgain();
  ASSERT_NE(replica, nullptr);
  auto listed = replica->pool_marks().ListUnavailablePools(acme.id, now);
  ASSERT_TRUE(listed) << listed.error().ToString();
  ASSERT_EQ(listed->size(), 2u);
  EXPECT_EQ((*listed)[0].instance_type, "c5.large");
  EXPECT_EQ((*listed)[1].instance_type, "m5.large");
  EXPECT_EQ((*listed)[1].until, spot.until);  // the earlier expiry did not shorten it
  auto others = replica->pool_marks().ListUnavailablePools(other.id, now);
  ASSERT_TRUE(others);
  EXPECT_TRUE(others->empty());  // another account's us-east-1a is another place

  clock_.Advance(std::chrono::minutes(6));
  auto later = store_->pool_marks().ListUnavailablePools(acme.id, clock_.Now());
  ASSERT_TRUE(later);
  ASSERT_EQ(later->size(), 1u);
  EXPECT_EQ((*later)[0].instance_type, "m5.large");

  auto empty_zone = store_->pool_marks().MarkPoolUnavailable(
      acme.id, {"m5.large", "", "spot", now + std::chrono::minutes(30)});
  ASSERT_FALSE(empty_zone);
  EXPECT_TRUE(IsInvalidArgument(empty_zone.error()));
  EXPECT_THAT(empty_zone.error().message, HasSubstr("availability_zone"));
}

// The engine loop's status: written by the replica running the cluster, read by any replica;
// absent times stay absent; another tenant can neither read nor write it.
TEST_P(StoreSuite, LoopStatusIsReplacedReadByAnotherReplicaAndTenantScoped) {
  Tenant acme = MakeTenant("acme");
  Tenant other = MakeTenant("other");
  Cluster prod = MakeCluster(acme, "prod");
  auto none = store_->loop_status().GetLoopStatus(acme.id, prod.id);
  ASSERT_TRUE(none) << none.error().ToString();
  EXPECT_FALSE(none->has_value());

  const TimePoint now = clock_.Now();
  ClusterLoopStatus failing{.replica = "replica-a",
                            .last_snapshot = std::nullopt,
                            .last_cycle = std::nullopt,
                            .next_cycle = now + std::chrono::seconds(30),
                            .cycle_interval = std::chrono::minutes(10),
                            .last_error = "Unavailable: cluster unreachable"};
  ASSERT_TRUE(store_->loop_status().PutLoopStatus(acme.id, prod.id, failing));
  ClusterLoopStatus healthy{.replica = "replica-a",
                            .last_snapshot = now,
                            .last_cycle = now,
                            .next_cycle = now + std::chrono::minutes(10),
                            .cycle_interval = std::chrono::minutes(10),
                            .last_error = ""};
  clock_.Advance(std::chrono::seconds(5));
  ASSERT_TRUE(store_->loop_status().PutLoopStatus(acme.id, prod.id, healthy));

  std::unique_ptr<Store> replica = OpenAgain();
  ASSERT_NE(replica, nullptr);
  auto seen = replica->loop_status().GetLoopStatus(acme.id, prod.id);
  ASSERT_TRUE(seen) << seen.error().ToString();
  ASSERT_TRUE(seen->has_value());
  EXPECT_EQ((*seen)->replica, "replica-a");
  EXPECT_EQ((*seen)->last_cycle, now);
  EXPECT_EQ((*seen)->next_cycle, now + std::chrono::minutes(10));
  EXPECT_EQ((*seen)->cycle_interval, std::chrono::minutes(10));
  EXPECT_TRUE((*seen)->last_error.empty());
  EXPECT_EQ((*seen)->updated, clock_.Now());

  auto theirs = replica->loop_status().GetLoopStatus(other.id, prod.id);
  ASSERT_TRUE(theirs);
  EXPECT_FALSE(theirs->has_value());
  auto cross = store_->loop_status().PutLoopStatus(other.id, prod.id, healthy);
  ASSERT_FALSE(cross);
  EXPECT_TRUE(IsNotFound(cross.error()));
}

}  // namespace cloudoptim::store
