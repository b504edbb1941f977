// Test-only helpers for the bin packer's tests: one zone of the shipped catalogue, plain pods
// from requests, the benchmark's mix of web, JVM, CPU-heavy and memory-heavy requests, and the
// check every plan must pass.
//
//   std::vector<Pod> pods = PodsFromRequests(MixedRequests(/*seed=*/7, /*count=*/120));
//   ExpectValidPlan(state, pods, PackPods(state, launch, pointers, options));
#pragma once

#include <gtest/gtest.h>

#include <cstdint>
#include <random>
#include <string>
#include <vector>

#include "catalog/shipped_catalog_test_util.h"
#include "engines/bin_packer.h"
#include "model/pod.h"
#include "scheduling/cluster_state.h"

namespace cloudoptim::packing_test {

// The shipped catalogue in us-east-1a under the default policy (burstable types excluded),
// or with burstable types included.
inline LaunchCatalog OneZoneLaunch(BurstableInstances burstable = BurstableInstances::kExcluded) {
  Policy policy;
  policy.burstable_instances = burstable;
  return LaunchCatalog::ForTypes(ShippedCatalog(), "us-east-1", {"us-east-1a"}, policy);
}

// Plain pods ("test/p<i>"), one container each with the given requests.
inline std::vector<Pod> PodsFromRequests(const std::vector<Resources>& requests) {
  std::vector<Pod> pods;
  for (size_t i = 0; i < requests.size(); ++i) {
    Pod pod;
    pod.meta.name = "p" + std::to_string(i);
    pod.meta.namespace_name = "test";
    Container c;
    c.resources.requests = requests[i];
    c.resources.requests.pods = 0;
    pod.containers.push_back(c);
    pods.push_back(std::move(pod));
  }
  return pods;
}

// A mix of web, JVM, CPU-heavy and memory-heavy pods, as in the quality benchmark
// (bench/generated_cluster.h draws the same way).
inline std::vector<Resources> MixedRequests(uint32_t seed, int count) {
  constexpr int64_t kMi = int64_t{1} << 20;
  std::mt19937 rng(seed);
  const int64_t shapes[4][4] = {{100, 1000, 128, 1024},
                                {500, 2000, 1024, 8192},
                                {1000, 4000, 512, 2048},
                                {250, 1000, 4096, 16384}};
  std::vector<Resources> out;
  for (int i = 0; i < count; ++i) {
    const int64_t* s = shapes[rng() % 4];
    int64_t cpu = std::uniform_int_distribution<int64_t>(s[0], s[1])(rng);
    int64_t mem = std::uniform_int_distribution<int64_t>(s[2], s[3])(rng);
    out.push_back({cpu / 50 * 50, mem * kMi, 0, 1, 0});
  }
  return out;
}

// Pods of `workloads` workloads (the four shapes of MixedRequests), each with one request
// shared by its 1 to `max_replicas` replicas, as a Deployment's pods share their template.
inline std::vector<Resources> ReplicatedRequests(uint32_t seed, int workloads, int max_replicas) {
  std::vector<Resources> out;
  std::mt19937 rng(seed);
  for (const Resources& request : MixedRequests(seed, workloads)) {
    int replicas = std::uniform_int_distribution<int>(1, max_replicas)(rng);
    out.insert(out.end(), static_cast<size_t>(replicas), request);
  }
  return out;
}

// Every pod placed exactly once, on a node whose type holds it, and the plan passes the
// simulator again: each pod, taken off its node in the state the packer leaves, fits it.
inline void ExpectValidPlan(ClusterState& state, const std::vector<Pod>& pods,
                            const PackingPlan& plan) {
  EXPECT_TRUE(plan.unschedulable.empty());
  std::vector<int> placed(pods.size(), 0);
  Money total;
  for (const NewNode& node : plan.new_nodes) {
    ASSERT_NE(node.type, nullptr);
    Resources used;
    for (size_t i : node.pods) {
      used += pods[i].Requests();
      ++placed[i];
      PreparedPod p = state.Prepare(pods[i]);
      ASSERT_TRUE(state.Unbind(p, node.node_id)) << "pod " << i;
      EXPECT_EQ(state.Fits(p, node.node_id), FitFailure::kNone) << "pod " << i;
      state.Bind(p, node.node_id);
    }
    used.pods = static_cast<int64_t>(node.pods.size());
    EXPECT_TRUE(used.FitsIn(node.type->allocatable)) << node.type->type->name;
    total += node.hourly;
  }
  for (size_t i = 0; i < pods.size(); ++i) EXPECT_EQ(placed[i], 1) << "pod " << i;
  EXPECT_EQ(total, plan.hourly_cost);
}

// What a search move bought over several seeds: the plans' totals without and with it, and
// on how many seeds the plan with it was cheaper.
struct MoveTotals {
  Money without, with;
  int cheaper_seeds = 0;
};

// What a search move buys on MixedRequests(seed, count) for seeds 1..seeds: `pack(pods, on,
// state)` plans them with the move on or off. Each plan with it must be valid and at most 0.1%
// dearer than the one without (the portfolio's tie rule).
template <typename PackWithMove>
MoveTotals TotalsWithoutAndWithMove(uint32_t seeds, int count, PackWithMove pack) {
  MoveTotals totals;
  for (uint32_t seed = 1; seed <= seeds; ++seed) {
    std::vector<Pod> pods = PodsFromRequests(MixedRequests(seed, count));
    ClusterState without_state, with_state;
    Money without = pack(pods, false, without_state).hourly_cost;
    PackingPlan with = pack(pods, true, with_state);
    ExpectValidPlan(with_state, pods, with);
    EXPECT_LE(with.hourly_cost.usd(), 1.001 * without.usd()) << "seed " << seed;
    if (with.hourly_cost < without) ++totals.cheaper_seeds;
    totals.without += without;
    totals.with += with.hourly_cost;
  }
  return totals;
}

// The same nodes (type, zone, pods) in the same order, at the same cost.
inline void ExpectSamePlan(const PackingPlan& a, const PackingPlan& b) {
  EXPECT_EQ(a.hourly_cost, b.hourly_cost);
  ASSERT_EQ(a.new_nodes.size(), b.new_nodes.size());
  for (size_t n = 0; n < a.new_nodes.size(); ++n) {
    EXPECT_EQ(a.new_nodes[n].type, b.new_nodes[n].type);
    EXPECT_EQ(a.new_nodes[n].zone, b.new_nodes[n].zone);
    EXPECT_EQ(a.new_nodes[n].pods, b.new_nodes[n].pods);
  }
}

// Every `every`-th pod (0, every, 2·every, ...) becomes a "guard": labelled app=guard and
// required to share no host with another guard.
inline void AddHostnameGuards(std::vector<Pod>& pods, size_t every) {
  LabelSelector guards = LabelSelector::FromMatchLabels(Labels{{"app", "guard"}});
  for (size_t i = 0; i < pods.size(); i += every) {
    pods[i].meta.labels = Labels{{"app", "guard"}};
    pods[i].affinity.required_pod_anti_affinity = {
        PodAffinityTerm{guards, {}, "kubernetes.io/hostname"}};
  }
}

// No new node holds two of the guards AddHostnameGuards(pods, every) made.
inline void ExpectAtMostOneGuardPerNode(const PackingPlan& plan, size_t every) {
  for (const NewNode& node : plan.new_nodes) {
    int guards_here = 0;
    for (size_t i : node.pods) guards_here += i % every == 0 ? 1 : 0;
    EXPECT_LE(guards_here, 1) << node.type->type->name;
  }
}

}  // namespace cloudoptim::packing_test
