#include "safety/pdb_guard.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

struct BudgetCase {
  std::optional<std::string> min_available;
  std::optional<std::string> max_unavailable;
  int32_t pods;     // matching pods
  int32_t scale;    // the controllers' replicas
  int32_t healthy;  // healthy matching pods
  int32_t desired;
  int32_t allowed;
};

// The disruption controller's arithmetic: integers against the matching pods, percentages and
// maxUnavailable against the controllers' scale, percentages rounded up.
TEST(PdbGuardTest, ComputesDisruptionsAllowedAsTheDisruptionControllerDoes) {
  const std::optional<std::string> none;
  const BudgetCase cases[] = {
      {"2", none, 3, 3, 3, 2, 1},      {"2", none, 3, 3, 2, 2, 0},     {"2", none, 5, 5, 5, 2, 3},
      {"2", none, 2, 2, 2, 2, 0},      {"2", none, 0, 0, 0, 2, 0},     {"2", none, 4, 9, 4, 2, 2},
      {"50%", none, 4, 4, 4, 2, 2},    {"50%", none, 5, 5, 5, 3, 2},   {"50%", none, 3, 3, 3, 2, 1},
      {"50%", none, 5, 5, 3, 3, 0},    {"50%", none, 1, 1, 1, 1, 0},   {"50%", none, 3, 4, 3, 2, 1},
      {none, "1", 3, 3, 3, 2, 1},      {none, "1", 3, 3, 2, 2, 0},     {none, "1", 1, 1, 1, 0, 1},
      {none, "1", 3, 4, 3, 3, 0},      {none, "1", 0, 0, 0, 0, 0},     {none, "25%", 4, 4, 4, 3, 1},
      {none, "25%", 10, 10, 10, 7, 3}, {none, "25%", 10, 10, 8, 7, 1}, {none, "25%", 5, 5, 5, 3, 2},
      {none, "25%", 2, 2, 2, 1, 1},    {"0", none, 3, 3, 3, 0, 3},     {none, "0", 3, 3, 3, 3, 0},
      {"100%", none, 3, 3, 3, 3, 0},
  };
  for (const BudgetCase& c : cases) {
    SCOPED_TRACE(c.min_available ? "minAvailable " + *c.min_available
                                 : "maxUnavailable " + *c.max_unavailable);
    SCOPED_TRACE("pods " + std::to_string(c.pods) + " scale " + std::to_string(c.scale) +
                 " healthy " + std::to_string(c.healthy));
    Result<DisruptionBudgetCounts> counts =
        ComputeDisruptionBudget(c.min_available, c.max_unavailable, c.pods, c.scale, c.healthy);
    ASSERT_TRUE(counts.has_value()) << counts.error().ToString();
    EXPECT_EQ(counts->desired_healthy, c.desired);
    EXPECT_EQ(counts->disruptions_allowed, c.allowed);
    EXPECT_EQ(counts->current_healthy, c.healthy);
  }
}

TEST(PdbGuardTest, RejectsMalformedValues) {
  for (const char* bad : {"", "abc", "50.5%", "-1", "%", "1x"}) {
    Result<int32_t> r = ScaleIntOrPercent(bad, 10, "minAvailable");
    ASSERT_FALSE(r.has_value()) << bad;
    EXPECT_NE(r.error().message.find("minAvailable"), std::string::npos);
  }
  EXPECT_FALSE(ComputeDisruptionBudget(std::nullopt, std::nullopt, 3, 3, 3).has_value());
  EXPECT_EQ(ScaleIntOrPercent("33%", 10, "f").value_or(-1), 4);  // 3.3 rounds up
  EXPECT_EQ(ScaleIntOrPercent("7", 10, "f").value_or(-1), 7);
}

Pod WebPod(const std::string& name, bool ready, const std::string& ns = "shop") {
  Pod pod;
  pod.meta.name = name;
  pod.meta.namespace_name = ns;
  pod.meta.labels = {{"app", "web"}};
  pod.meta.owner_references = {{"apps/v1", "ReplicaSet", "web-5d9f", "uid-rs", true}};
  pod.node_name = "node-a";
  pod.phase = PodPhase::kRunning;
  pod.container_statuses = {{.name = "web", .ready = ready}};
  return pod;
}

PodDisruptionBudget WebBudget(std::optional<std::string> min, std::optional<std::string> max) {
  PodDisruptionBudget pdb;
  pdb.meta.name = "web";
  pdb.meta.namespace_name = "shop";
  pdb.selector = LabelSelector::FromMatchLabels({{"app", "web"}});
  pdb.min_available = std::move(min);
  pdb.max_unavailable = std::move(max);
  return pdb;
}

// Three healthy web pods of a Deployment of `replicas`, plus one in another namespace.
Snapshot WebSnapshot(int32_t replicas) {
  Snapshot s;
  s.cluster_name = "prod";
  for (const char* name : {"web-1", "web-2", "web-3"}) s.pods.push_back(WebPod(name, true));
  s.pods.push_back(WebPod("web-x", true, "other"));
  Workload deployment;
  deployment.kind = WorkloadKind::kDeployment;
  deployment.meta.name = "web";
  deployment.meta.namespace_name = "shop";
  deployment.replicas = replicas;
  deployment.selector = LabelSelector::FromMatchLabels({{"app", "web"}});
  s.workloads.push_back(deployment);
  return s;
}

std::vector<const Pod*> First(const Snapshot& s, size_t n) {
  std::vector<const Pod*> pods;
  for (size_t i = 0; i < n; ++i) pods.push_back(&s.pods[i]);
  return pods;
}

TEST(PdbGuardTest, AllowsEvictionsWithinMinAvailableAndRefusesBeyond) {
  Snapshot s = WebSnapshot(3);
  s.disruption_budgets.push_back(WebBudget("2", std::nullopt));
  EXPECT_TRUE(CheckEvictions(s, First(s, 1)).has_value());
  Status refused = CheckEvictions(s, First(s, 2));
  ASSERT_FALSE(refused.has_value());
  EXPECT_TRUE(IsFailedPrecondition(refused.error()));
  EXPECT_NE(refused.error().message.find("evicting 2 healthy pods covered by PDB shop/web exceeds "
                                         "its 1 allowed disruptions (3 healthy, 2 required)"),
            std::string::npos)
      << refused.error().message;
}

TEST(PdbGuardTest, MaxUnavailableCountsTheControllersScaleNotThePodsPresent) {
  Snapshot s = WebSnapshot(4);  // one replica missing: already one unavailable
  s.disruption_budgets.push_back(WebBudget(std::nullopt, "1"));
  Result<DisruptionBudgetCounts> counts = ComputeDisruptionBudget(s, s.disruption_budgets[0]);
  ASSERT_TRUE(counts.has_value());
  EXPECT_EQ(counts->expected_pods, 4);
  EXPECT_EQ(counts->disruptions_allowed, 0);
  EXPECT_FALSE(CheckEvictions(s, First(s, 1)).has_value());
}

TEST(PdbGuardTest, PercentageBudgetsUseTheScaleAndRoundUp) {
  Snapshot s = WebSnapshot(3);
  s.disruption_budgets.push_back(WebBudget(std::nullopt, "25%"));  // ceil(0.75) = 1
  EXPECT_TRUE(CheckEvictions(s, First(s, 1)).has_value());
  EXPECT_FALSE(CheckEvictions(s, First(s, 2)).has_value());
  s.disruption_budgets[0] = WebBudget("50%", std::nullopt);  // ceil(1.5) = 2 must stay
  EXPECT_TRUE(CheckEvictions(s, First(s, 1)).has_value());
  EXPECT_FALSE(CheckEvictions(s, First(s, 2)).has_value());
}

TEST(PdbGuardTest, UnhealthyPodsMayGoOnlyWhileTheBudgetIsMet) {
  Snapshot s = WebSnapshot(3);
  s.pods[2] = WebPod("web-3", false);  // 2 healthy
  s.disruption_budgets.push_back(WebBudget("2", std::nullopt));
  std::vector<const Pod*> unhealthy{&s.pods[2]};
  EXPECT_TRUE(CheckEvictions(s, unhealthy).has_value()) << "2 healthy >= 2 required";
  EXPECT_FALSE(CheckEvictions(s, First(s, 1)).has_value()) << "no healthy disruption left";
  s.pods[1] = WebPod("web-2", false);  // 1 healthy < 2 required
  EXPECT_FALSE(CheckEvictions(s, unhealthy).has_value());
}

TEST(PdbGuardTest, RefusesAPodCoveredByTwoBudgets) {
  Snapshot s = WebSnapshot(3);
  s.disruption_budgets.push_back(WebBudget("1", std::nullopt));
  PodDisruptionBudget second = WebBudget(std::nullopt, "2");
  second.meta.name = "web-too";
  s.disruption_budgets.push_back(second);
  Status refused = CheckEvictions(s, First(s, 1));
  ASSERT_FALSE(refused.has_value());
  EXPECT_NE(refused.error().message.find("matches PDBs shop/web and shop/web-too"),
            std::string::npos);
}

TEST(PdbGuardTest, PodsWithoutABudgetAreFreeToGo) {
  Snapshot s = WebSnapshot(3);
  EXPECT_TRUE(CheckEvictions(s, First(s, 3)).has_value());
}

TEST(PdbGuardTest, HealthMeansRunningReadyAndNotDeleting) {
  Pod pod = WebPod("p", true);
  EXPECT_TRUE(IsPodHealthy(pod));
  pod.meta.deletion_timestamp = TimePoint{};
  EXPECT_FALSE(IsPodHealthy(pod));
  pod = WebPod("p", true);
  pod.phase = PodPhase::kPending;
  EXPECT_FALSE(IsPodHealthy(pod));
  pod = WebPod("p", true);
  pod.container_statuses.push_back({.name = "sidecar", .ready = false});
  EXPECT_FALSE(IsPodHealthy(pod));
}

}  // namespace
}  // namespace cloudoptim
