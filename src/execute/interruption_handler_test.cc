// The interruption handler on fakes: FakeClusterApi clusters, the in-memory store, a fake
// clock, the in-memory queue and a fake launcher. Each test sends real-format events.
#include "execute/interruption_handler.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <thread>

#include "catalog/catalog.h"
#include "execute/interruption_test_util.h"
#include "kube/fake_cluster_api.h"
#include "store/open_store.h"

namespace cloudoptim {
namespace {

using ::testing::Contains;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using testutil::FakeLauncher;
using testutil::PodOn;
using testutil::SpotNode;

const TimePoint kNow =
    std::chrono::sys_days{std::chrono::year{2026} / 11 / 26} + std::chrono::hours(7);

bool HasTaint(const Node& node, std::string_view key) {
  return std::any_of(node.taints.begin(), node.taints.end(),
                     [&](const Taint& t) { return t.key == key; });
}

class InterruptionHandlerTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(CO_SOURCE_DIR "/data");
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() {
    delete catalog_;
    catalog_ = nullptr;
  }

  InterruptionHandlerTest() {
    store::StoreOptions options;
    options.clock = &clock_;
    store_ = std::move(store::OpenInMemoryStore(std::move(options)).value());
    tenant_a_ = store_->tenants().CreateTenant("acme")->id;
    tenant_b_ = store_->tenants().CreateTenant("globex")->id;
    cluster_a_ = Register(tenant_a_, "prod");
    cluster_b_ = Register(tenant_b_, "shop");
    for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
      scores_.Set({"m5.large", zone, 0.90, {}});
      scores_.Set({"m5a.large", zone, 0.85, {}});
    }
    api_a_.AddNode(SpotNode("n1", "i-0001", "m5.large", "us-east-1a"));
    api_a_.AddNode(SpotNode("n2", "i-0002", "m5.large", "us-east-1b"));
    api_a_.AddPod(PodOn("shop", "web-1", "n1"));
    api_a_.AddPod(PodOn("shop", "db-0", "n1", "StatefulSet", {{"app", "db"}}));
    api_a_.AddPod(PodOn("shop", "web-2", "n2"));
    api_b_.AddNode(SpotNode("b1", "i-00b1", "m5a.large", "us-east-1c"));
    api_b_.AddPod(PodOn("store", "cart-1", "b1"));
  }

  std::string Register(const std::string& tenant, const std::string& name) {
    Result<store::Cluster> c = store_->clusters().RegisterCluster(
        tenant, {.name = name, .region = "us-east-1", .credentials = "kubeconfig"});
    EXPECT_TRUE(c.has_value()) << c.error().ToString();
    return c ? c->id : "";
  }

  ClusterHandle Handle(const std::string& tenant, const std::string& id, const std::string& name,
                       ClusterApi* api, RebalancePolicy rebalance = RebalancePolicy::kCordon) {
    return ClusterHandle{.tenant_id = tenant,
                         .cluster_id = id,
                         .name = name,
                         .region = "us-east-1",
                         .api = api,
                         .launcher = &launcher_,
                         .catalog = catalog_,
                         .scores = &scores_,
                         .rebalance = rebalance};
  }

  // A handler over both clusters, its index filled as the cluster caches would fill it.
  std::unique_ptr<InterruptionHandler> MakeHandler(
      RebalancePolicy rebalance = RebalancePolicy::kCordon) {
    directory_ = std::make_unique<StaticClusterDirectory>(
        std::vector<ClusterHandle>{Handle(tenant_a_, cluster_a_, "prod", &api_a_, rebalance),
                                   Handle(tenant_b_, cluster_b_, "shop", &api_b_, rebalance)});
    InterruptionHandlerOptions options;
    options.pollers = 2;
    options.workers = 4;
    options.long_poll = std::chrono::milliseconds(50);
    options.responder.drain.poll_interval = std::chrono::milliseconds(100);
    options.log = [this](std::string_view line) {
      std::lock_guard lock(log_mutex_);
      log_.emplace_back(line);
    };
    auto handler = std::make_unique<InterruptionHandler>(*store_, *directory_, queue_, clock_,
                                                         std::move(options));
    EXPECT_TRUE(handler->router().RefreshAll().has_value());
    return handler;
  }

  // Sends `body` and hands the received message to the handler synchronously.
  MessageDisposition Deliver(InterruptionHandler& handler, const std::string& body) {
    queue_.Send(body);
    auto batch = queue_.Receive(1, std::chrono::milliseconds(0));
    EXPECT_TRUE(batch.has_value() && batch->size() == 1);
    return handler.HandleMessage(batch->front());
  }

  const Node* NodeOf(FakeClusterApi& api, const std::string& name) {
    for (const Node& node : api.objects().nodes) {
      if (node.meta.name == name) return &node;
    }
    return nullptr;
  }
  bool PodExists(FakeClusterApi& api, const std::string& name) {
    const auto& pods = api.objects().pods;
    return std::any_of(pods.begin(), pods.end(), [&](const Pod& p) { return p.meta.name == name; });
  }
  std::vector<store::InterruptionRecord> Feedback(const std::string& tenant) {
    return store_->feedback().ListInterruptions(tenant, TimePoint{}).value();
  }
  std::vector<store::AuditEntry> Audit(const std::string& tenant) {
    return store_->audit().ListAudit(tenant, std::nullopt, 100).value();
  }
  // Calls the fake recorded from `from` on.
  std::vector<std::string> CallsSince(FakeClusterApi& api, size_t from) {
    return {api.calls().begin() + static_cast<std::ptrdiff_t>(from), api.calls().end()};
  }

  static inline Catalog* catalog_ = nullptr;
  FakeClock clock_{kNow};
  std::unique_ptr<store::Store> store_;
  std::string tenant_a_, tenant_b_, cluster_a_, cluster_b_;
  PoolScoreTable scores_;
  FakeClusterApi api_a_, api_b_;
  FakeLauncher launcher_;
  InMemoryInterruptionQueue queue_;
  std::unique_ptr<StaticClusterDirectory> directory_;
  std::mutex log_mutex_;
  std::vector<std::string> log_;
};

TEST_F(InterruptionHandlerTest, SpotWarningCordonsFirstThenTaintsReplacesDrainsAndRecords) {
  auto handler = MakeHandler();
  const size_t before = api_a_.calls().size();
  MessageDisposition d = Deliver(*handler, testutil::SpotWarning("evt-1", "i-0001", kNow));

  EXPECT_TRUE(d.deleted) << d.note;
  ASSERT_EQ(d.reports.size(), 1u);
  EXPECT_EQ(d.reports[0].outcome, ResponseOutcome::kHandled) << d.reports[0].note;
  std::vector<std::string> calls = CallsSince(api_a_, before);
  ASSERT_FALSE(calls.empty());
  EXPECT_EQ(calls.front(), "SetUnschedulable n1 true");  // the very first call
  EXPECT_THAT(calls, Contains("SetTaint n1 cloudoptim.io/interrupted:NoSchedule add"));
  const Node* n1 = NodeOf(api_a_, "n1");
  ASSERT_NE(n1, nullptr);
  EXPECT_TRUE(n1->unschedulable);
  EXPECT_TRUE(HasTaint(*n1, kInterruptedTaintKey));
  EXPECT_FALSE(PodExists(api_a_, "web-1"));  // evicted
  EXPECT_FALSE(PodExists(api_a_, "db-0"));
  EXPECT_TRUE(PodExists(api_a_, "web-2"));  // another node: untouched
  EXPECT_FALSE(NodeOf(api_a_, "n2")->unschedulable);
  EXPECT_EQ(queue_.deleted(), 1u);
}

TEST_F(InterruptionHandlerTest, ReplacementAvoidsTheInterruptedPoolWithATokenFromTheEvent) {
  auto handler = MakeHandler();
  MessageDisposition d = Deliver(*handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  ASSERT_EQ(launcher_.requests().size(), 1u);
  const ReplacementRequest request = launcher_.requests().front();
  EXPECT_EQ(request.capacity, CapacityType::kSpot);
  EXPECT_EQ(request.client_token, ReplacementClientToken("evt-1", "i-0001"));
  // The launcher launches like this node (its launch template, its group's subnets).
  EXPECT_EQ(request.node_name, "n1");
  EXPECT_EQ(request.instance_id, "i-0001");
  ASSERT_FALSE(request.pools.empty());
  for (const PoolCandidate& pool : request.pools) {
    EXPECT_FALSE(pool.instance_type == "m5.large" && pool.availability_zone == "us-east-1a")
        << "the interrupted pool was offered";
    EXPECT_GE(pool.safety_score, 0.75);
  }
  ASSERT_TRUE(d.reports[0].replacement.has_value());
  const PoolKey interrupted{"m5.large", "us-east-1a", CapacityType::kSpot};
  EXPECT_TRUE(handler->unavailable_pools().IsUnavailable(tenant_a_, interrupted, kNow));
  EXPECT_FALSE(handler->unavailable_pools().IsUnavailable(tenant_a_, interrupted,
                                                          kNow + std::chrono::minutes(31)));
  // In the store, for every replica and past a restart; the other tenant's pools are its own.
  auto stored = store_->pool_marks().ListUnavailablePools(tenant_a_, kNow);
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].instance_type, "m5.large");
  EXPECT_TRUE(store_->pool_marks().ListUnavailablePools(tenant_b_, kNow)->empty());
}

// The pool was interrupted when the event says, not when this process got to it: a delivery
// ten minutes late marks the pool until the event's time + 30 min, not the processing time's.
TEST_F(InterruptionHandlerTest, ALateDeliveryMarksThePoolFromTheEventsTime) {
  auto handler = MakeHandler();
  clock_.Advance(std::chrono::minutes(10));
  Deliver(*handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  const PoolKey interrupted{"m5.large", "us-east-1a", CapacityType::kSpot};
  EXPECT_TRUE(handler->unavailable_pools().IsUnavailable(tenant_a_, interrupted,
                                                         kNow + std::chrono::minutes(29)));
  EXPECT_FALSE(handler->unavailable_pools().IsUnavailable(tenant_a_, interrupted,
                                                          kNow + std::chrono::minutes(31)));
  auto stored = store_->pool_marks().ListUnavailablePools(tenant_a_, kNow);
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].until, kNow + std::chrono::minutes(30));
}

// A crash after the mark and before the plan was done: SQS redelivers the same event later,
// the restarted process runs the replacement step again and marks the pool again. The mark
// must keep its expiry (event time + 30 min), not be extended to the redelivery's time + 30.
TEST_F(InterruptionHandlerTest, ARedeliveredEventDoesNotExtendThePoolsMark) {
  const std::string body = testutil::SpotWarning("evt-1", "i-0001", kNow);
  Deliver(*MakeHandler(), body);
  auto plans = store_->journal().ListPlans(tenant_a_, cluster_a_, 10);
  ASSERT_TRUE(plans.has_value());
  ASSERT_EQ(plans->size(), 1u);
  ASSERT_TRUE(store_->journal().SetPlanState(tenant_a_, plans->front().id,
                                             store::PlanState::kRunning));  // "crashed"
  clock_.Advance(std::chrono::minutes(20));
  auto restarted = MakeHandler();
  MessageDisposition again = Deliver(*restarted, body);
  ASSERT_EQ(again.reports.size(), 1u);
  ASSERT_EQ(again.reports[0].outcome, ResponseOutcome::kHandled) << again.reports[0].note;
  const PoolKey interrupted{"m5.large", "us-east-1a", CapacityType::kSpot};
  EXPECT_FALSE(restarted->unavailable_pools().IsUnavailable(tenant_a_, interrupted,
                                                            kNow + std::chrono::minutes(31)));
  auto stored = store_->pool_marks().ListUnavailablePools(tenant_a_, kNow);
  ASSERT_TRUE(stored.has_value());
  ASSERT_EQ(stored->size(), 1u);
  EXPECT_EQ((*stored)[0].until, kNow + std::chrono::minutes(30));
}

TEST_F(InterruptionHandlerTest, FeedbackAndAuditNameTheEventPoolWorkloadsAndTenant) {
  auto handler = MakeHandler();
  Deliver(*handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  std::vector<store::InterruptionRecord> rows = Feedback(tenant_a_);
  ASSERT_EQ(rows.size(), 1u);
  EXPECT_EQ(rows[0].event_id, "evt-1");
  EXPECT_EQ(rows[0].cluster_id, cluster_a_);
  EXPECT_EQ(rows[0].instance_type, "m5.large");
  EXPECT_EQ(rows[0].availability_zone, "us-east-1a");
  EXPECT_EQ(rows[0].kind, "spot-interruption");
  EXPECT_THAT(rows[0].workload_types, ElementsAre("Deployment", "StatefulSet"));
  EXPECT_EQ(rows[0].at, kNow);
  EXPECT_THAT(Feedback(tenant_b_), IsEmpty());

  std::vector<std::string> actions;
  for (const store::AuditEntry& entry : Audit(tenant_a_)) {
    EXPECT_EQ(entry.actor, "interruption-handler");
    EXPECT_THAT(entry.reason, HasSubstr("origin=spot-interruption event=evt-1"));
    actions.push_back(entry.action);
  }
  for (const char* action : {"node.cordon", "node.taint", "pool.mark-unavailable",
                             "instance.launch", "interruption.record", "node.drain"}) {
    EXPECT_THAT(actions, Contains(action));
  }
}

TEST_F(InterruptionHandlerTest, ADuplicateDeliveryChangesNothing) {
  auto handler = MakeHandler();
  const std::string body = testutil::SpotWarning("evt-1", "i-0001", kNow);
  Deliver(*handler, body);
  const size_t calls = api_a_.calls().size();
  const size_t audit = Audit(tenant_a_).size();

  MessageDisposition again = Deliver(*handler, body);
  EXPECT_TRUE(again.deleted);
  ASSERT_EQ(again.reports.size(), 1u);
  EXPECT_EQ(again.reports[0].outcome, ResponseOutcome::kDuplicate);
  EXPECT_EQ(api_a_.calls().size(), calls);  // not even a cordon
  EXPECT_EQ(launcher_.requests().size(), 1u);
  EXPECT_EQ(Feedback(tenant_a_).size(), 1u);
  EXPECT_EQ(Audit(tenant_a_).size(), audit);
  EXPECT_EQ(handler->stats().duplicates, 1);
}

TEST_F(InterruptionHandlerTest, ADuplicateAfterARestartOnlyRepeatsTheIdempotentCordon) {
  const std::string body = testutil::SpotWarning("evt-1", "i-0001", kNow);
  Deliver(*MakeHandler(), body);
  const size_t audit = Audit(tenant_a_).size();
  auto restarted = MakeHandler();  // a new process over the same store
  const size_t before = api_a_.calls().size();
  MessageDisposition again = Deliver(*restarted, body);
  EXPECT_TRUE(again.deleted);
  EXPECT_EQ(again.reports.at(0).outcome, ResponseOutcome::kDuplicate);
  // The cordon goes before the store is read; everything after it is skipped.
  EXPECT_THAT(CallsSince(api_a_, before), ElementsAre("SetUnschedulable n1 true"));
  EXPECT_EQ(launcher_.launches(), 1u);
  EXPECT_EQ(Feedback(tenant_a_).size(), 1u);
  EXPECT_EQ(Audit(tenant_a_).size(), audit);
  // A third delivery to the restarted process costs nothing at all.
  const size_t after = api_a_.calls().size();
  EXPECT_EQ(Deliver(*restarted, body).reports.at(0).outcome, ResponseOutcome::kDuplicate);
  EXPECT_EQ(api_a_.calls().size(), after);
}

TEST_F(InterruptionHandlerTest, RoutesAnInstanceToItsClusterAmongSeveral) {
  auto handler = MakeHandler();
  const size_t a_calls = api_a_.calls().size();
  MessageDisposition d = Deliver(*handler, testutil::SpotWarning("evt-b", "i-00b1", kNow));
  ASSERT_EQ(d.reports.size(), 1u);
  EXPECT_EQ(d.reports[0].tenant_id, tenant_b_);
  EXPECT_EQ(d.reports[0].cluster_id, cluster_b_);
  EXPECT_EQ(d.reports[0].node, "b1");
  EXPECT_TRUE(NodeOf(api_b_, "b1")->unschedulable);
  EXPECT_EQ(api_a_.calls().size(), a_calls);  // the other cluster is not touched
  EXPECT_EQ(Feedback(tenant_b_).size(), 1u);
  EXPECT_THAT(Feedback(tenant_a_), IsEmpty());
}

TEST_F(InterruptionHandlerTest, AnUnknownInstanceIsDeletedAsNotOurs) {
  auto handler = MakeHandler();
  MessageDisposition d = Deliver(*handler, testutil::SpotWarning("evt-x", "i-0999", kNow));
  EXPECT_TRUE(d.deleted);
  ASSERT_EQ(d.reports.size(), 1u);
  EXPECT_EQ(d.reports[0].outcome, ResponseOutcome::kNotOurs);
  EXPECT_THAT(d.note, HasSubstr("not our node"));
  EXPECT_EQ(handler->stats().not_ours, 1);
  EXPECT_EQ(launcher_.requests().size(), 0u);
  std::lock_guard lock(log_mutex_);
  EXPECT_THAT(log_.back(), HasSubstr("i-0999"));
}

TEST_F(InterruptionHandlerTest, ANodeJoinedSinceTheLastListingIsFoundByRelisting) {
  auto handler = MakeHandler();
  clock_.Advance(std::chrono::minutes(1));  // past the relist interval
  api_a_.AddNode(SpotNode("n3", "i-0003", "m5.large", "us-east-1c"));
  MessageDisposition d = Deliver(*handler, testutil::SpotWarning("evt-3", "i-0003", clock_.Now()));
  ASSERT_EQ(d.reports.size(), 1u);
  EXPECT_EQ(d.reports[0].outcome, ResponseOutcome::kHandled);
  EXPECT_TRUE(NodeOf(api_a_, "n3")->unschedulable);
}

TEST_F(InterruptionHandlerTest, AFailedHandlingKeepsTheMessageAndTheRetryFinishesIt) {
  auto handler = MakeHandler();
  api_a_.FailNext(Unavailable("injected: API server down").error());
  MessageDisposition d = Deliver(*handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  EXPECT_FALSE(d.deleted);
  EXPECT_EQ(queue_.deleted(), 0u);
  EXPECT_EQ(queue_.released(), 1u);
  EXPECT_EQ(handler->stats().failed, 1);
  EXPECT_THAT(Feedback(tenant_a_), IsEmpty());

  queue_.ExpireInFlight();  // SQS redelivers after the visibility timeout
  auto batch = queue_.Receive(1, std::chrono::milliseconds(0));
  ASSERT_EQ(batch->size(), 1u);
  MessageDisposition retried = handler->HandleMessage(batch->front());
  EXPECT_TRUE(retried.deleted);
  EXPECT_EQ(retried.reports.at(0).outcome, ResponseOutcome::kHandled);
  EXPECT_TRUE(NodeOf(api_a_, "n1")->unschedulable);
  EXPECT_EQ(Feedback(tenant_a_).size(), 1u);
  EXPECT_EQ(launcher_.launches(), 1u);
}

TEST_F(InterruptionHandlerTest, ALaunchFailureDoesNotHoldUpTheDrain) {
  auto handler = MakeHandler();
  launcher_.set_fail(true);
  MessageDisposition d = Deliver(*handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  EXPECT_TRUE(d.deleted);
  EXPECT_FALSE(d.reports.at(0).replacement.has_value());
  EXPECT_FALSE(PodExists(api_a_, "web-1"));
  EXPECT_THAT(d.note, HasSubstr("no replacement: ResourceExhausted"));
}

TEST_F(InterruptionHandlerTest, WithoutASafeSpotPoolTheReplacementIsOnDemand) {
  PoolScoreTable risky;
  for (const char* zone : {"us-east-1a", "us-east-1b", "us-east-1c"}) {
    risky.Set({"m5.large", zone, 0.40, {}});
  }
  scores_ = risky;
  auto handler = MakeHandler();
  Deliver(*handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  ASSERT_EQ(launcher_.requests().size(), 1u);
  const ReplacementRequest request = launcher_.requests().front();
  EXPECT_EQ(request.capacity, CapacityType::kOnDemand);
  for (const PoolCandidate& pool : request.pools) {
    EXPECT_FALSE(pool.instance_type == "m5.large" && pool.availability_zone == "us-east-1a");
  }
}

TEST_F(InterruptionHandlerTest, APodDisruptionBudgetIsRespectedUntilTheDeadline) {
  PodDisruptionBudget budget;
  budget.meta.name = "db";
  budget.meta.namespace_name = "shop";
  budget.selector = LabelSelector::FromMatchLabels({{"app", "db"}});
  budget.min_available = "1";
  budget.disruptions_allowed = 0;
  api_a_.AddDisruptionBudget(budget);
  auto handler = MakeHandler();
  MessageDisposition d = Deliver(*handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  EXPECT_TRUE(d.deleted);
  EXPECT_TRUE(PodExists(api_a_, "db-0"));  // never deleted past its budget
  EXPECT_FALSE(PodExists(api_a_, "web-1"));
  EXPECT_THAT(d.note, HasSubstr("blocked"));
  EXPECT_THAT(api_a_.calls(), Not(Contains(HasSubstr("DeletePod"))));
}

TEST_F(InterruptionHandlerTest, RebalancePolicyIgnoreTouchesNothing) {
  auto handler = MakeHandler(RebalancePolicy::kIgnore);
  const size_t before = api_a_.calls().size();
  MessageDisposition d = Deliver(*handler, testutil::Rebalance("r-1", "i-0001", kNow));
  EXPECT_TRUE(d.deleted);
  EXPECT_EQ(d.reports.at(0).outcome, ResponseOutcome::kIgnored);
  EXPECT_EQ(api_a_.calls().size(), before);
  EXPECT_EQ(launcher_.requests().size(), 0u);
}

TEST_F(InterruptionHandlerTest, RebalancePolicyCordonCordonsAndTaintsOnly) {
  auto handler = MakeHandler(RebalancePolicy::kCordon);
  MessageDisposition d = Deliver(*handler, testutil::Rebalance("r-1", "i-0001", kNow));
  EXPECT_TRUE(d.deleted);
  EXPECT_TRUE(NodeOf(api_a_, "n1")->unschedulable);
  EXPECT_TRUE(HasTaint(*NodeOf(api_a_, "n1"), kInterruptedTaintKey));
  EXPECT_TRUE(PodExists(api_a_, "web-1"));  // not drained
  EXPECT_EQ(launcher_.requests().size(), 0u);
  EXPECT_THAT(Feedback(tenant_a_), IsEmpty());  // a recommendation is not an interruption
}

TEST_F(InterruptionHandlerTest, RebalancePolicyLaunchBeforeDrainLaunchesThenDrains) {
  auto handler = MakeHandler(RebalancePolicy::kLaunchBeforeDrain);
  MessageDisposition d = Deliver(*handler, testutil::Rebalance("r-1", "i-0001", kNow));
  EXPECT_TRUE(d.deleted);
  EXPECT_EQ(launcher_.launches(), 1u);
  EXPECT_FALSE(PodExists(api_a_, "web-1"));
  const std::string note = d.reports.at(0).note;
  EXPECT_LT(note.find("launched"), note.find("evicted")) << note;
}

TEST_F(InterruptionHandlerTest, AStoppingStateChangeIsHandledAndARunningOneIgnored) {
  auto handler = MakeHandler();
  MessageDisposition running =
      Deliver(*handler, testutil::StateChange("s-0", "i-0001", kNow, "running"));
  EXPECT_TRUE(running.deleted);
  EXPECT_EQ(running.reports.at(0).outcome, ResponseOutcome::kIgnored);
  EXPECT_FALSE(NodeOf(api_a_, "n1")->unschedulable);

  MessageDisposition stopping =
      Deliver(*handler, testutil::StateChange("s-1", "i-0001", kNow, "stopping"));
  EXPECT_EQ(stopping.reports.at(0).outcome, ResponseOutcome::kHandled);
  EXPECT_TRUE(NodeOf(api_a_, "n1")->unschedulable);
  EXPECT_FALSE(PodExists(api_a_, "web-1"));
  EXPECT_EQ(Feedback(tenant_a_).at(0).kind, "state-change");
}

TEST_F(InterruptionHandlerTest, AHealthScheduledChangeCordonsDrainsAndReplaces) {
  auto handler = MakeHandler();
  MessageDisposition d = Deliver(*handler, testutil::HealthChange("h-1", "i-0002", kNow));
  EXPECT_EQ(d.reports.at(0).outcome, ResponseOutcome::kHandled);
  EXPECT_TRUE(NodeOf(api_a_, "n2")->unschedulable);
  EXPECT_FALSE(PodExists(api_a_, "web-2"));
  EXPECT_EQ(launcher_.launches(), 1u);
  EXPECT_EQ(Feedback(tenant_a_).at(0).kind, "health");
  // Maintenance is not the spot pool's fault: it stays available.
  EXPECT_TRUE(handler->unavailable_pools().ActiveAt(tenant_a_, kNow).empty());
}

TEST_F(InterruptionHandlerTest, MalformedAndForeignMessagesAreDeleted) {
  auto handler = MakeHandler();
  EXPECT_TRUE(Deliver(*handler, "not json").deleted);
  EXPECT_TRUE(Deliver(*handler, R"({"detail-type":"Some Other Event","detail":{}})").deleted);
  EXPECT_EQ(handler->stats().malformed, 1);
  EXPECT_EQ(handler->stats().skipped, 1);
  EXPECT_EQ(queue_.deleted(), 2u);
}

TEST_F(InterruptionHandlerTest, AnEngagedKillSwitchStopsActionsButKeepsTheFeedback) {
  KillSwitches switches;
  switches.Engage("prod", "incident 4711");
  directory_ = std::make_unique<StaticClusterDirectory>(
      std::vector<ClusterHandle>{Handle(tenant_a_, cluster_a_, "prod", &api_a_)});
  InterruptionHandlerOptions options;
  options.responder.kill_switches = &switches;
  options.log = [](std::string_view) {};
  InterruptionHandler handler(*store_, *directory_, queue_, clock_, std::move(options));
  MessageDisposition d = Deliver(handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  EXPECT_TRUE(d.deleted);
  EXPECT_THAT(d.note, HasSubstr("incident 4711"));
  EXPECT_FALSE(NodeOf(api_a_, "n1")->unschedulable);
  EXPECT_EQ(Feedback(tenant_a_).size(), 1u);
  EXPECT_EQ(handler.stats().observed, 1);
}

// The stored settings are read at every event: recommend-only observes, a kill switch engaged
// between two events stops the second, and autopilot acts.
TEST_F(InterruptionHandlerTest, TheClustersStoredModeAndKillSwitchDecideWhetherItActs) {
  GateConfig config;  // recommend-only, as a new cluster is
  int reads = 0;
  directory_ = std::make_unique<StaticClusterDirectory>(
      std::vector<ClusterHandle>{Handle(tenant_a_, cluster_a_, "prod", &api_a_)});
  InterruptionHandlerOptions options;
  options.responder.gate_config = [&](const ClusterHandle& cluster) -> Result<GateConfig> {
    EXPECT_EQ(cluster.cluster_id, cluster_a_);
    ++reads;
    return config;
  };
  options.log = [](std::string_view) {};
  InterruptionHandler handler(*store_, *directory_, queue_, clock_, std::move(options));

  MessageDisposition observed = Deliver(handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  EXPECT_TRUE(observed.deleted);
  EXPECT_THAT(observed.note, HasSubstr("recommend-only"));
  EXPECT_FALSE(NodeOf(api_a_, "n1")->unschedulable);
  EXPECT_EQ(launcher_.launches(), 0u);
  EXPECT_EQ(Feedback(tenant_a_).size(), 1u);
  auto observe_entries = [&] {
    size_t n = 0;
    for (const store::AuditEntry& entry : Audit(tenant_a_))
      n += entry.action == "interruption.observe";
    return n;
  };
  EXPECT_EQ(observe_entries(), 1u);
  // A redelivery records and audits nothing more.
  Deliver(handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  EXPECT_EQ(Feedback(tenant_a_).size(), 1u);
  EXPECT_EQ(observe_entries(), 1u);

  config.cluster_modes["prod"] = ExecutionMode::kAutopilot;
  config.kill_switches.Engage("prod", "cluster kill switch");
  MessageDisposition stopped = Deliver(handler, testutil::SpotWarning("evt-2", "i-0002", kNow));
  EXPECT_THAT(stopped.note, HasSubstr("cluster kill switch"));
  EXPECT_FALSE(NodeOf(api_a_, "n2")->unschedulable);

  config.kill_switches.Release("prod");
  MessageDisposition acted = Deliver(handler, testutil::SpotWarning("evt-3", "i-0002", kNow));
  EXPECT_TRUE(acted.deleted);
  EXPECT_TRUE(NodeOf(api_a_, "n2")->unschedulable);
  EXPECT_EQ(launcher_.launches(), 1u);
  EXPECT_EQ(handler.stats().observed, 3);
  EXPECT_EQ(handler.stats().handled, 1);
  EXPECT_EQ(reads, 4);
}

TEST_F(InterruptionHandlerTest, UnreadableSettingsKeepTheMessageForARetry) {
  directory_ = std::make_unique<StaticClusterDirectory>(
      std::vector<ClusterHandle>{Handle(tenant_a_, cluster_a_, "prod", &api_a_)});
  InterruptionHandlerOptions options;
  options.responder.gate_config = [](const ClusterHandle&) -> Result<GateConfig> {
    return Unavailable("database is locked");
  };
  options.log = [](std::string_view) {};
  InterruptionHandler handler(*store_, *directory_, queue_, clock_, std::move(options));
  MessageDisposition d = Deliver(handler, testutil::SpotWarning("evt-1", "i-0001", kNow));
  EXPECT_FALSE(d.deleted);
  EXPECT_FALSE(NodeOf(api_a_, "n1")->unschedulable);
  EXPECT_EQ(handler.stats().failed, 1);
}

TEST_F(InterruptionHandlerTest, ConcurrentPollersHandleABurstAndDeleteEveryMessage) {
  for (int i = 0; i < 30; ++i) {
    const std::string id = "i-1" + std::to_string(100 + i);
    api_a_.AddNode(SpotNode("burst-" + std::to_string(i), id, "m5.large", "us-east-1b"));
  }
  auto handler = MakeHandler();
  ASSERT_TRUE(handler->Start().has_value());
  for (int i = 0; i < 30; ++i) {
    const std::string id = "i-1" + std::to_string(100 + i);
    queue_.Send(testutil::SpotWarning("evt-burst-" + std::to_string(i), id, kNow));
    queue_.Send(testutil::SpotWarning("evt-burst-" + std::to_string(i), id, kNow));  // twice
  }
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(120);
  while (queue_.deleted() < 60 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  handler->Stop();
  EXPECT_EQ(queue_.deleted(), 60u);
  EXPECT_EQ(handler->stats().handled, 30);
  EXPECT_EQ(handler->stats().duplicates, 30);
  for (int i = 0; i < 30; ++i) {
    EXPECT_TRUE(NodeOf(api_a_, "burst-" + std::to_string(i))->unschedulable) << i;
  }
  EXPECT_EQ(launcher_.launches(), 30u);
  EXPECT_EQ(Feedback(tenant_a_).size(), 30u);
}

}  // namespace
}  // namespace cloudoptim
