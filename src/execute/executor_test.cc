#include "execute/executor.h"

#include <algorithm>
#include <functional>
#include <map>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "execute/execute_test_util.h"
#include "execute/fake_cloud_actions.h"
#include "kube/fake_cluster_api.h"
#include "store/forwarding_store_test_util.h"
#include "store/open_store.h"

namespace cloudoptim {
namespace {

using store::ActionState;
using store::PlanState;
using ::testing::ElementsAre;
using ::testing::HasSubstr;
using testutil::AppPod;
using testutil::ReadyNode;

using testutil::kT0;

// The store as it is, except that the service's kill switch reads as engaged whenever
// `engaged_now` says so: an operator flipping it between two reads of one step.
class FlippingSwitchStore final : public store::ForwardingStore,
                                  public store::ServiceSettingsStore {
 public:
  FlippingSwitchStore(store::Store& inner, std::function<bool()> engaged_now)
      : ForwardingStore(inner), engaged_now_(std::move(engaged_now)) {}
  store::ServiceSettingsStore& service_settings() override { return *this; }

  Result<store::GlobalKillSwitch> GetGlobalKillSwitch() override {
    if (engaged_now_()) return store::GlobalKillSwitch{.engaged = true, .reason = "incident 4713"};
    return inner_.service_settings().GetGlobalKillSwitch();
  }
  Result<store::GlobalKillSwitch> PutGlobalKillSwitch(const store::GlobalKillSwitch& s) override {
    return inner_.service_settings().PutGlobalKillSwitch(s);
  }

 private:
  std::function<bool()> engaged_now_;
};

// The store as it is, except that listing plans fails (a PostgreSQL statement timeout, a
// dropped connection) while every other call answers.
class PlansUnlistableStore final : public store::ForwardingStore, public store::JournalStore {
 public:
  explicit PlansUnlistableStore(store::Store& inner)
      : ForwardingStore(inner), j_(inner.journal()) {}
  store::JournalStore& journal() override { return *this; }

  Result<std::vector<store::Plan>> ListPlans(const std::string&, const std::string&, int) override {
    return Unavailable("statement timeout listing plans");
  }
  Result<std::vector<store::Plan>> ListOpenPlans(const std::string&, const std::string&) override {
    return Unavailable("statement timeout listing plans");
  }
  Result<store::Plan> CreatePlan(const std::string& t, const store::Plan& p) override {
    return j_.CreatePlan(t, p);
  }
  Result<store::Plan> GetPlan(const std::string& t, const std::string& id) override {
    return j_.GetPlan(t, id);
  }
  Status SetPlanState(const std::string& t, const std::string& id, PlanState state) override {
    return j_.SetPlanState(t, id, state);
  }
  Result<store::IntentOutcome> RecordIntent(const std::string& t,
                                            const store::IntentRequest& r) override {
    return j_.RecordIntent(t, r);
  }
  Result<store::JournalEntry> MarkStarted(const std::string& t, int64_t id) override {
    return j_.MarkStarted(t, id);
  }
  Result<store::JournalEntry> MarkDone(const std::string& t, int64_t id,
                                       const std::string& result) override {
    return j_.MarkDone(t, id, result);
  }
  Result<store::JournalEntry> MarkFailed(const std::string& t, int64_t id,
                                         const std::string& reason) override {
    return j_.MarkFailed(t, id, reason);
  }
  Result<store::JournalEntry> MarkRolledBack(const std::string& t, int64_t id,
                                             const std::string& reason) override {
    return j_.MarkRolledBack(t, id, reason);
  }
  Result<std::vector<store::JournalEntry>> ListUnfinished(const std::string& t,
                                                          const std::string& c,
                                                          const std::string& p) override {
    return j_.ListUnfinished(t, c, p);
  }
  Result<std::vector<store::JournalEntry>> ListPlanEntries(const std::string& t,
                                                           const std::string& p) override {
    return j_.ListPlanEntries(t, p);
  }
  Result<std::vector<store::JournalEntry>> ListRecentActions(const std::string& t,
                                                             const std::string& c,
                                                             int limit) override {
    return j_.ListRecentActions(t, c, limit);
  }

 private:
  store::JournalStore& j_;
};

class ExecutorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = std::move(*store::OpenInMemoryStore({.clock = &clock_}));
    tenant_ = store_->tenants().CreateTenant("acme")->id;
    cluster_id_ =
        store_->clusters().RegisterCluster(tenant_, {"prod", "us-east-1", "", "", "k"})->id;
    for (int i = 1; i <= 10; ++i) {
      const std::string n = std::to_string(i);
      cluster_.AddNode(ReadyNode("n" + n, "i-old" + n));
      cloud_.AddInstance({.instance_id = "i-old" + n,
                          .instance_type = "m5.large",
                          .availability_zone = "us-east-1a",
                          .state = InstanceState::kRunning,
                          .tags = {{"eks:nodegroup-name", "general"}}});
    }
    cluster_.AddPod(AppPod("shop", "web-1", "n1"));
    cluster_.AddPod(AppPod("shop", "web-2", "n1"));
    cluster_.AddPod(testutil::DaemonPod("fluent-bit-n1", "n1"));
    // A launched instance joins the fake cluster as a Ready node, as EKS nodes do.
    cloud_.OnLaunch([this](const Ec2Instance& instance) {
      cluster_.AddNode(ReadyNode("node-" + instance.instance_id, instance.instance_id));
    });
    gate_.config().default_mode = ExecutionMode::kAutopilot;
    options_.tenant_id = tenant_;
    options_.cluster_id = cluster_id_;
    options_.cluster_name = "prod";
    options_.timeouts.ready = std::chrono::minutes(1);
    options_.timeouts.snapshot = std::chrono::minutes(1);
    options_.drain.deadline = std::chrono::seconds(30);
  }

  std::string Recommend(const std::string& id, std::vector<Action> actions, bool approved = true) {
    store::StoredRecommendation rec;
    rec.id = id;
    rec.cluster_id = cluster_id_;
    rec.engine = "bin-pack";
    rec.target = actions.front().target;
    rec.actions_json = ActionsToJson(actions);
    rec.confidence = 0.9;
    rec.explanation = "cheaper node";
    EXPECT_TRUE(store_->recommendations().UpsertRecommendations(tenant_, cluster_id_, {rec}));
    if (approved) {
      EXPECT_TRUE(store_->recommendations().SetRecommendationStatus(
          tenant_, cluster_id_, id, store::RecommendationStatus::kApproved));
    }
    return id;
  }
  static Action Replace(const std::string& node) {
    return {ActionType::kReplaceNode, "node/" + node, {{"instance_types", "m5.large"}}};
  }
  Executor MakeExecutor() { return Executor(*store_, cluster_, cloud_, gate_, clock_, options_); }
  std::vector<store::JournalEntry> Entries(const std::string& plan_id) {
    return *store_->journal().ListPlanEntries(tenant_, plan_id);
  }
  std::vector<std::string> Kinds(const std::string& plan_id) {
    std::vector<std::string> kinds;
    for (const auto& e : Entries(plan_id)) kinds.push_back(e.kind);
    return kinds;
  }
  int LiveInstancesTagged(const std::string& key) {
    int live = 0;
    for (int i = 1; i < 100; ++i) {
      char id[32];
      std::snprintf(id, sizeof(id), "i-fake%05d", i);
      auto instance = cloud_.Instance(id);
      if (instance && instance->tags.contains(key) && instance->state != InstanceState::kTerminated)
        ++live;
    }
    return live;
  }

  FakeClock clock_{kT0};
  std::unique_ptr<store::Store> store_;
  std::string tenant_;
  std::string cluster_id_;
  FakeClusterApi cluster_;
  FakeCloudActions cloud_;
  ExecutionGate gate_{GateConfig{}};
  ExecutorOptions options_;
};

TEST_F(ExecutorTest, ReplacesANodeInOrderJournalingAndAuditingEveryStep) {
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "api-key:k1");
  ASSERT_TRUE(plan) << plan.error().ToString();
  auto report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report) << report.error().ToString();

  EXPECT_EQ(report->state, PlanState::kDone) << report->reason;
  EXPECT_EQ(report->steps_run, 6);
  EXPECT_THAT(Kinds(plan->id), ElementsAre("launch", "wait-ready", "cordon", "drain",
                                           "wait-rescheduled", "terminate"));
  for (const auto& entry : Entries(plan->id)) {
    EXPECT_EQ(entry.state, ActionState::kDone) << entry.kind;
    EXPECT_EQ(entry.attempts, 1);
    EXPECT_THAT(entry.idempotency_key,
                HasSubstr(plan->id + "/" + std::to_string(entry.step_index)));
  }
  // The replacement carries the old instance's group tag and the step's token; the old
  // instance was terminated only after its pods were evicted.
  EXPECT_EQ(LiveInstancesTagged("eks:nodegroup-name"), 1);
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kTerminated);
  EXPECT_FALSE(cluster_.GetPod("shop", "web-1").has_value());
  EXPECT_TRUE(cluster_.GetNode("n1")->unschedulable);
  auto audit = *store_->audit().ListAudit(tenant_, std::nullopt, 100);
  ASSERT_FALSE(audit.empty());
  EXPECT_EQ(audit.front().action, "plan.done");
  bool launch_audited = false;
  for (const auto& a : audit) {
    if (a.action == "execute.launch") {
      launch_audited = true;
      EXPECT_EQ(a.actor, "executor");
      EXPECT_THAT(a.reason, HasSubstr("requested by api-key:k1"));
      EXPECT_THAT(a.reason, HasSubstr("rec-1"));
    }
  }
  EXPECT_TRUE(launch_audited);
  EXPECT_EQ(store_->recommendations().GetRecommendation(tenant_, cluster_id_, "rec-1")->status,
            store::RecommendationStatus::kApplied);
}

TEST_F(ExecutorTest, RunningADonePlanAgainRunsNothing) {
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  ASSERT_TRUE(executor.RunPlan(plan->id));
  const int launches = cloud_.CountCalls("Launch");
  auto again = executor.SubmitPlan("rec-1", "test");  // the same plan, not a second one
  EXPECT_EQ(again->id, plan->id);
  auto report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->steps_run, 0);
  EXPECT_EQ(cloud_.CountCalls("Launch"), launches);
  EXPECT_EQ(cloud_.CountCalls("TerminateInstances"), 1);
}

TEST_F(ExecutorTest, RecommendOnlyModeRunsNothingAndApproveModeNeedsApproval) {
  gate_.config().default_mode = ExecutionMode::kRecommendOnly;
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}, false), "test");
  auto report = executor.RunPlan(plan->id);
  EXPECT_TRUE(report->held);
  EXPECT_THAT(report->reason, HasSubstr("recommend-only"));
  EXPECT_TRUE(Entries(plan->id).empty());
  EXPECT_EQ(cloud_.CountCalls("Launch"), 0);

  gate_.config().default_mode = ExecutionMode::kApprove;
  report = executor.RunPlan(plan->id);
  EXPECT_TRUE(report->held);
  EXPECT_THAT(report->reason, HasSubstr("not approved"));
  ASSERT_TRUE(store_->recommendations().SetRecommendationStatus(
      tenant_, cluster_id_, "rec-1", store::RecommendationStatus::kApproved));
  report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->state, PlanState::kDone) << report->reason;
}

TEST_F(ExecutorTest, TheKillSwitchHoldsAPlanMidwayAndReleasingItResumes) {
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  gate_.config().kill_switches.Engage("prod", "incident 4711");
  auto report = executor.RunPlan(plan->id);
  EXPECT_TRUE(report->held);
  EXPECT_THAT(report->reason, HasSubstr("incident 4711"));
  EXPECT_EQ(cloud_.CountCalls("Launch"), 0);
  gate_.config().kill_switches.Release("prod");
  report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->state, PlanState::kDone);
}

// The gate was loaded when the pass began; the operator engages the service's switch in the
// store while the replacement is launching. The plan must stop before its next step (no
// cordon, drain or terminate), be held, not failed, and finish once the switch is released.
TEST_F(ExecutorTest, AKillSwitchEngagedInTheStoreMidPlanStopsItBeforeTheNextStep) {
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  cloud_.OnLaunch([this](const Ec2Instance& instance) {
    cluster_.AddNode(ReadyNode("node-" + instance.instance_id, instance.instance_id));
    EXPECT_TRUE(store_->service_settings().PutGlobalKillSwitch(
        {.engaged = true, .reason = "incident 4712", .changed_by = "test"}));
  });
  auto report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report.has_value());
  EXPECT_TRUE(report->held);
  EXPECT_THAT(report->reason, HasSubstr("incident 4712"));
  EXPECT_EQ(cloud_.CountCalls("Launch"), 1);
  EXPECT_EQ(cloud_.CountCalls("TerminateInstances"), 0);
  EXPECT_FALSE(cluster_.GetNode("n1")->unschedulable);

  ASSERT_TRUE(
      store_->service_settings().PutGlobalKillSwitch({.engaged = false, .changed_by = "test"}));
  report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->state, PlanState::kDone) << report->reason;
  EXPECT_EQ(cloud_.CountCalls("Launch"), 1);  // the journal's launch, not a second one
}

// The drain step asks the gate, and when refused used to ask it again to word the refusal. A
// switch that reads engaged at the first read and released at the second (an operator's
// release, a store that answered once) left no refusal to return. The step must answer with
// the decision it acted on: held by the kill switch, nothing evicted.
TEST_F(ExecutorTest, ADrainRefusedByTheKillSwitchIsHeldEvenIfTheSwitchIsReleasedAtOnce) {
  int reads_after_cordon = 0;
  FlippingSwitchStore flipping(*store_, [&] {
    Result<Node> n1 = cluster_.GetNode("n1");
    // Engaged for the first read once n1 is cordoned: the drain step's first gate question.
    return n1 && n1->unschedulable && ++reads_after_cordon == 1;
  });
  Executor executor(flipping, cluster_, cloud_, gate_, clock_, options_);
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  auto report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->held);
  EXPECT_THAT(report->reason, HasSubstr("incident 4713"));
  EXPECT_EQ(cluster_.GetPod("shop", "web-1")->node_name, "n1");  // not evicted
  EXPECT_EQ(cloud_.CountCalls("TerminateInstances"), 0);

  report = executor.RunPlan(plan->id);  // released: the plan finishes
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->state, PlanState::kDone) << report->reason;
}

// A switch engaged while the drain evicts must stop it between two evictions, not at the
// drain's deadline: the plan is held with the step unfinished, the pods already evicted stay
// evicted, and once released the plan finishes without evicting any pod a second time.
TEST_F(ExecutorTest, AKillSwitchEngagedMidDrainStopsItBeforeTheNextEviction) {
  cluster_.AddPod(AppPod("shop", "web-3", "n1"));
  options_.drain.parallelism = 1;  // one eviction after another: "between" is well defined
  bool released = false;
  auto evictions = [&] {
    return std::count_if(cluster_.calls().begin(), cluster_.calls().end(),
                         [](const std::string& call) { return call.starts_with("Evict "); });
  };
  FlippingSwitchStore flipping(*store_, [&] { return !released && evictions() >= 1; });
  Executor executor(flipping, cluster_, cloud_, gate_, clock_, options_);
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  ASSERT_TRUE(plan.has_value()) << plan.error().ToString();
  auto report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->held);
  EXPECT_EQ(report->state, PlanState::kRunning);
  EXPECT_THAT(report->reason, HasSubstr("incident 4713"));
  EXPECT_EQ(evictions(), 1);
  EXPECT_EQ(cloud_.CountCalls("TerminateInstances"), 0);
  EXPECT_EQ(cluster_.GetPod("shop", "web-2")->node_name, "n1");

  released = true;
  report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_EQ(report->state, PlanState::kDone) << report->reason;
  std::map<std::string, int> per_pod;
  for (const std::string& call : cluster_.calls()) {
    if (call.starts_with("Evict ")) ++per_pod[call];
  }
  EXPECT_EQ(per_pod.size(), 3u);
  for (const auto& [call, count] : per_pod) EXPECT_EQ(count, 1) << call;
}

// The disruption cap counts the cluster's other running plans. When they cannot be listed the
// count is unknown, not zero: the plan is held rather than disrupting past the cap.
TEST_F(ExecutorTest, APlanIsHeldWhenTheRunningPlansCannotBeCounted) {
  Executor setup = MakeExecutor();
  auto running = setup.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  ASSERT_TRUE(store_->journal().SetPlanState(tenant_, running->id, PlanState::kRunning));
  auto second = setup.SubmitPlan(Recommend("rec-2", {Replace("n2")}), "test");
  ASSERT_TRUE(second.has_value());

  auto counted = setup.RunPlan(second->id);  // the cap: 1 disruption in 10 nodes
  ASSERT_TRUE(counted.has_value());
  ASSERT_TRUE(counted->held);
  ASSERT_THAT(counted->reason, HasSubstr("concurrent disruptions"));

  PlansUnlistableStore unlistable(*store_);
  Executor executor(unlistable, cluster_, cloud_, gate_, clock_, options_);
  auto report = executor.RunPlan(second->id);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->held);
  EXPECT_THAT(report->reason, HasSubstr("statement timeout"));
  EXPECT_EQ(cloud_.CountCalls("Launch"), 0);
  EXPECT_FALSE(cluster_.GetNode("n2")->unschedulable);
}

// However long the journal: a plan still running behind more than a thousand newer, finished
// plans holds its disruption slot (the count once read only the newest 1,000 plans).
TEST_F(ExecutorTest, AnOldRunningPlanCountsHoweverManyPlansFinishedSince) {
  Executor executor = MakeExecutor();
  auto running = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  ASSERT_TRUE(store_->journal().SetPlanState(tenant_, running->id, PlanState::kRunning));
  for (int i = 0; i < 1'001; ++i) {
    clock_.Advance(std::chrono::milliseconds(1));
    store::Plan finished;
    finished.id = "finished-" + std::to_string(i);
    finished.cluster_id = cluster_id_;
    finished.state = PlanState::kDone;
    ASSERT_TRUE(store_->journal().CreatePlan(tenant_, finished));
  }
  clock_.Advance(std::chrono::seconds(1));
  auto second = executor.SubmitPlan(Recommend("rec-2", {Replace("n2")}), "test");
  ASSERT_TRUE(second.has_value());

  auto report = executor.RunPlan(second->id);  // the cap: 1 disruption in 10 nodes
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->held);
  EXPECT_THAT(report->reason, HasSubstr("concurrent disruptions"));
  EXPECT_EQ(cloud_.CountCalls("Launch"), 0);
  EXPECT_FALSE(cluster_.GetNode("n2")->unschedulable);
}

TEST_F(ExecutorTest, ADoNotDisruptNodeIsRefusedBeforeAnythingIsLaunched) {
  Pod pinned = AppPod("shop", "cart", "n2");
  pinned.meta.annotations["karpenter.sh/do-not-disrupt"] = "true";
  cluster_.AddPod(pinned);
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-2", {Replace("n2")}), "test");
  auto report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->state, PlanState::kRolledBack);
  EXPECT_THAT(report->reason, HasSubstr("do-not-disrupt"));
  EXPECT_EQ(cloud_.CountCalls("Launch"), 0);
  EXPECT_FALSE(cluster_.GetNode("n2")->unschedulable);
}

// Recovery rule: a launch journaled as started whose result was never written (the crash came
// after EC2 answered) is found by its tag, not launched again.
TEST_F(ExecutorTest, AStartedLaunchIsReconciledNotRepeated) {
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  auto steps = *ExpandPlan(plan->id, {Replace("n1")});
  auto intent = store_->journal().RecordIntent(
      tenant_, {plan->id, cluster_id_, 0, steps[0].idempotency_key, "launch", "node/n1"});
  ASSERT_TRUE(store_->journal().MarkStarted(tenant_, intent->entry.id));
  ASSERT_TRUE(store_->journal().SetPlanState(tenant_, plan->id, PlanState::kRunning));
  const std::string token = ClientTokenFor(steps[0].idempotency_key);
  ASSERT_TRUE(cloud_.Launch({.instance_types = {"m5.large"},
                             .zone = "us-east-1a",
                             .tags = {{std::string(kStepTokenTag), token}},
                             .client_token = token}));

  auto reports = executor.Resume();
  ASSERT_TRUE(reports) << reports.error().ToString();
  ASSERT_EQ(reports->size(), 1u);
  EXPECT_EQ(reports->front().state, PlanState::kDone) << reports->front().reason;
  EXPECT_EQ(cloud_.CountCalls("Launch"), 1);  // only the "crashed" one
  EXPECT_EQ(LiveInstancesTagged(std::string(kStepTokenTag)), 1);
  EXPECT_EQ(Entries(plan->id)[0].attempts, 2);
}

// Recovery rule: a plan that was rolling back when the crash came is rolled back again: the
// node this plan cordoned is uncordoned and the replacement (no drain began) terminated.
TEST_F(ExecutorTest, AnInterruptedRollbackIsFinished) {
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  auto steps = *ExpandPlan(plan->id, {Replace("n1")});
  StepRunner runner(cluster_, cloud_, clock_, options_.timeouts, options_.drain, nullptr);
  StepContext context{&steps, {}};
  for (int i = 0; i < 3; ++i) {  // launch, wait-ready, cordon: done
    auto intent = store_->journal().RecordIntent(
        tenant_, {plan->id, cluster_id_, i, steps[i].idempotency_key,
                  std::string(StepKindName(steps[i].kind)), steps[i].target});
    ASSERT_TRUE(store_->journal().MarkStarted(tenant_, intent->entry.id));
    StepOutcome out = runner.Run(steps[i], context);
    ASSERT_EQ(out.state, StepOutcome::kDone) << out.text;
    context.results[i] = out.text;
    ASSERT_TRUE(store_->journal().MarkDone(tenant_, intent->entry.id, out.text));
  }
  ASSERT_TRUE(cluster_.GetNode("n1")->unschedulable);
  ASSERT_TRUE(store_->journal().SetPlanState(tenant_, plan->id, PlanState::kFailed));

  auto report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->state, PlanState::kRolledBack) << report->reason;
  EXPECT_FALSE(cluster_.GetNode("n1")->unschedulable);
  EXPECT_EQ(LiveInstancesTagged(std::string(kStepTokenTag)), 0);
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kRunning);
  for (const auto& entry : Entries(plan->id)) EXPECT_EQ(entry.state, ActionState::kRolledBack);
}

// A PDB that never lets the last pod go: the drain reports it at its deadline, the plan rolls
// back (uncordon), the replacement is kept (the other pod moved to it), nothing is terminated.
TEST_F(ExecutorTest, ADrainAPdbBlocksRollsBackWithoutTerminating) {
  cluster_.AddPod(AppPod("db", "pg-0", "n1", {{"app", "pg"}}));
  cluster_.AddDisruptionBudget(testutil::Budget("db", "pg", {{"app", "pg"}}, 0));
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  auto report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->state, PlanState::kRolledBack);
  EXPECT_THAT(report->reason, HasSubstr("1 blocked by a PDB"));
  EXPECT_TRUE(cluster_.GetPod("db", "pg-0").has_value());
  EXPECT_EQ(cloud_.Instance("i-old1")->state, InstanceState::kRunning);
  EXPECT_FALSE(cluster_.GetNode("n1")->unschedulable);
  EXPECT_EQ(LiveInstancesTagged(std::string(kStepTokenTag)), 1);  // kept
  EXPECT_THAT(Entries(plan->id)[0].result, HasSubstr("replacement kept"));
}

// A rollback acts too (uncordons, terminates what the plan launched). A switch engaged while
// it runs stops it before its next undo; it is held, and resumes once released.
TEST_F(ExecutorTest, AKillSwitchEngagedMidRollbackStopsItBeforeTheNextUndo) {
  cluster_.AddPod(AppPod("db", "pg-0", "n1", {{"app", "pg"}}));
  cluster_.AddDisruptionBudget(testutil::Budget("db", "pg", {{"app", "pg"}}, 0));
  std::string plan_id;
  bool released = false;
  FlippingSwitchStore flipping(*store_, [&] {
    if (released || plan_id.empty()) return false;
    for (const store::JournalEntry& entry : Entries(plan_id)) {
      if (entry.state == ActionState::kRolledBack) return true;  // after the first undo
    }
    return false;
  });
  Executor executor(flipping, cluster_, cloud_, gate_, clock_, options_);
  auto plan = executor.SubmitPlan(Recommend("rec-1", {Replace("n1")}), "test");
  ASSERT_TRUE(plan.has_value());
  plan_id = plan->id;
  auto report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report.has_value()) << report.error().ToString();
  EXPECT_TRUE(report->held);
  EXPECT_EQ(report->state, PlanState::kFailed);
  EXPECT_THAT(report->reason, HasSubstr("incident 4713"));
  EXPECT_TRUE(cluster_.GetNode("n1")->unschedulable);  // the uncordon waits

  released = true;
  report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report.has_value());
  EXPECT_EQ(report->state, PlanState::kRolledBack) << report->reason;
  EXPECT_FALSE(cluster_.GetNode("n1")->unschedulable);
}

TEST_F(ExecutorTest, NeverTerminatesAReadyNodeThatStillRunsPods) {
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-1", {{ActionType::kTerminateNode, "node/n1", {}}}),
                                  "test");
  auto report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->state, PlanState::kRolledBack);
  EXPECT_THAT(report->reason, HasSubstr("not-drained"));
  EXPECT_EQ(cloud_.CountCalls("TerminateInstances"), 0);
}

TEST_F(ExecutorTest, SnapshotsAndWaitsForItBeforeDeletingAVolume) {
  cloud_.AddVolume({.volume_id = "vol-1", .size_gib = 10});
  cloud_.SetSnapshotsCompleteAtOnce(false);
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(
      Recommend("rec-v", {{ActionType::kDeleteVolume, "volume/vol-1", {}}}), "test");
  // The snapshot never completes: the volume stays.
  auto report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->state, PlanState::kRolledBack);
  EXPECT_THAT(report->reason, HasSubstr("did not complete"));
  EXPECT_TRUE(cloud_.HasVolume("vol-1"));
  EXPECT_EQ(cloud_.CountCalls("DeleteVolume"), 0);

  cloud_.SetSnapshotsCompleteAtOnce(true);
  auto second = executor.SubmitPlan(
      Recommend("rec-v2", {{ActionType::kDeleteVolume, "volume/vol-1", {{"why", "again"}}}}),
      "test");
  report = executor.RunPlan(second->id);
  EXPECT_EQ(report->state, PlanState::kDone) << report->reason;
  EXPECT_FALSE(cloud_.HasVolume("vol-1"));
  std::vector<std::string> calls = cloud_.calls();
  auto snapshot = std::find_if(calls.begin(), calls.end(), [](const std::string& c) {
    return c.starts_with("CreateSnapshot");
  });
  auto deleted = std::find_if(calls.begin(), calls.end(),
                              [](const std::string& c) { return c.starts_with("DeleteVolume"); });
  EXPECT_LT(snapshot - calls.begin(), deleted - calls.begin());
}

TEST_F(ExecutorTest, ScalesAndRestoresReplicasOnRollback) {
  Workload web;
  web.kind = WorkloadKind::kDeployment;
  web.meta.name = "web";
  web.meta.namespace_name = "shop";
  web.replicas = 3;
  cluster_.AddWorkload(web);
  Executor executor = MakeExecutor();
  // Scale to 1, then a terminate of a node that is not drained fails: the scale is undone.
  auto plan = executor.SubmitPlan(
      Recommend("rec-s", {{ActionType::kScaleWorkload, "deployment/shop/web", {{"replicas", "1"}}},
                          {ActionType::kTerminateNode, "node/n1", {}}}),
      "test");
  auto report = executor.RunPlan(plan->id);
  EXPECT_EQ(report->state, PlanState::kRolledBack);
  Snapshot listed;
  ASSERT_TRUE(cluster_.List(ClusterResource::kDeployments, {}, &listed));
  EXPECT_EQ(listed.workloads.front().replicas, 3);
  EXPECT_THAT(cluster_.calls(), ::testing::Contains("Scale Deployment shop/web 1"));
}

TEST_F(ExecutorTest, ResumeFinishesEveryUnfinishedPlanOldestFirst) {
  Executor executor = MakeExecutor();
  auto first = executor.SubmitPlan(Recommend("rec-a", {Replace("n3")}), "test");
  clock_.Advance(std::chrono::seconds(1));
  auto second =
      executor.SubmitPlan(Recommend("rec-b", {{ActionType::kCordonNode, "node/n4", {}}}), "test");
  auto reports = executor.Resume();
  ASSERT_TRUE(reports);
  ASSERT_EQ(reports->size(), 2u);
  EXPECT_EQ((*reports)[0].plan_id, first->id);
  EXPECT_TRUE((*reports)[0].Finished());
  EXPECT_TRUE((*reports)[1].Finished());
  EXPECT_TRUE(executor.Resume()->empty());
}

// Recovery rule, for every step kind at once: a step that acted but whose result was never
// journaled (a crash between acting and MarkDone) is run again on resume; it must find its
// own work and finish without acting a second time.
TEST_F(ExecutorTest, EveryStepRunAgainAfterItActedDoesNotActTwice) {
  cloud_.AddVolume({.volume_id = "vol-1", .size_gib = 10});
  const std::vector<Action> actions = {Replace("n1"),
                                       {ActionType::kDeleteVolume, "volume/vol-1", {}},
                                       {ActionType::kTerminateInstance, "instance/i-old9", {}}};
  cluster_.AddPod(AppPod("shop", "keep", "n2"));
  Executor executor = MakeExecutor();
  auto plan = executor.SubmitPlan(Recommend("rec-all", actions), "test");
  auto steps = *ExpandPlan(plan->id, actions);
  auto report = executor.RunPlan(plan->id);
  ASSERT_TRUE(report);
  ASSERT_EQ(report->state, PlanState::kDone) << report->reason;
  const auto mutating = [&] {
    return cloud_.CountCalls("Launch") + cloud_.CountCalls("TerminateInstances") +
           cloud_.CountCalls("CreateSnapshot") + cloud_.CountCalls("DeleteVolume");
  };
  const int acted = mutating();
  StepRunner runner(cluster_, cloud_, clock_, options_.timeouts, options_.drain, nullptr);
  StepContext context{&steps, {}};
  for (const auto& entry : Entries(plan->id)) {
    if (entry.state == ActionState::kDone) context.results[entry.step_index] = entry.result;
  }
  for (const PlanStep& step : steps) {
    if (!context.results.contains(step.index)) continue;
    StepOutcome again = runner.Run(step, context);
    EXPECT_EQ(again.state, StepOutcome::kDone) << StepKindName(step.kind) << ": " << again.text;
  }
  EXPECT_EQ(mutating(), acted);
  EXPECT_EQ(LiveInstancesTagged(std::string(kStepTokenTag)), 1);
}

TEST(PlanStepsTest, ExpandsActionsIntoOrderedStepsWithStableKeys) {
  auto steps = ExpandPlan("p1", {{ActionType::kDrainNode, "node/n1", {}},
                                 {ActionType::kDeleteVolume, "volume/vol-1", {}}});
  ASSERT_TRUE(steps);
  std::vector<std::string> kinds;
  for (const PlanStep& s : *steps) kinds.push_back(std::string(StepKindName(s.kind)));
  EXPECT_THAT(kinds,
              ElementsAre("cordon", "drain", "wait-rescheduled", "snapshot", "delete-volume"));
  EXPECT_EQ((*steps)[4].idempotency_key, "p1/4/delete-volume/volume/vol-1");
  EXPECT_EQ(ClientTokenFor("a").size(), 35u);
  EXPECT_EQ(ClientTokenFor("a"), ClientTokenFor("a"));
  EXPECT_NE(ClientTokenFor("a"), ClientTokenFor("b"));
  EXPECT_FALSE(ExpandPlan("p1", {{ActionType::kReplaceNode, "node/n1", {}}}));  // no types
  EXPECT_FALSE(ExpandPlan("p1", {{ActionType::kDrainNode, "volume/v", {}}}));
  EXPECT_EQ(ExpandPlan("p1", {{ActionType::kAnnotate, "node/n1", {}}}).error().code,
            ErrorCode::kUnimplemented);
  auto actions = ActionsFromJson(
      ActionsToJson({{ActionType::kScaleWorkload, "deployment/a/b", {{"replicas", "2"}}}}));
  ASSERT_TRUE(actions);
  EXPECT_EQ(actions->front().parameters.at("replicas"), "2");
}

}  // namespace
}  // namespace cloudoptim
