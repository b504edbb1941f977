// Builders of the small clusters the execute module's unit tests (and the interruption
// handler's) run on: Ready nodes backed by EC2 instance ids, application, DaemonSet and
// mirror pods, and PodDisruptionBudgets with their disruption controller status.
//
//   FakeClusterApi api;
//   api.AddNode(testutil::ReadyNode("n1", "i-0001"));
//   api.AddPod(testutil::AppPod("shop", "web-1", "n1", {{"app", "web"}}));
//   api.AddDisruptionBudget(testutil::Budget("shop", "web", {{"app", "web"}}, /*allowed=*/1));
#pragma once

#include <chrono>
#include <string>

#include "common/clock.h"
#include "model/snapshot.h"

namespace cloudoptim::testutil {

// The instant the drain and executor tests start at.
inline const TimePoint kT0 = TimePoint(std::chrono::seconds(1'790'000'000));

inline Node ReadyNode(const std::string& name, const std::string& instance_id,
                      const std::string& zone = "us-east-1a") {
  Node node;
  node.meta.name = name;
  node.meta.uid = "uid-" + name;
  node.provider_id = "aws:///" + zone + "/" + instance_id;
  node.conditions = {{"Ready", "True", ""}};
  return node;
}

inline Pod AppPod(const std::string& ns, const std::string& name, const std::string& node,
                  Labels labels = {{"app", "web"}}) {
  Pod pod;
  pod.meta.name = name;
  pod.meta.namespace_name = ns;
  pod.meta.uid = "uid-" + ns + "-" + name;
  pod.meta.labels = std::move(labels);
  pod.meta.owner_references = {{"apps/v1", "ReplicaSet", "web-5d9f", "rs-uid", true}};
  pod.node_name = node;
  pod.phase = PodPhase::kRunning;
  pod.container_statuses = {{.name = "app", .ready = true}};
  return pod;
}

inline Pod DaemonPod(const std::string& name, const std::string& node) {
  Pod pod = AppPod("kube-system", name, node, {{"app", "fluent-bit"}});
  pod.meta.owner_references = {{"apps/v1", "DaemonSet", "fluent-bit", "ds-uid", true}};
  return pod;
}

inline Pod MirrorPod(const std::string& name, const std::string& node) {
  Pod pod = AppPod("kube-system", name, node, {{"component", "kube-proxy"}});
  pod.meta.owner_references = {{"v1", "Node", node, "node-uid", true}};
  pod.meta.annotations["kubernetes.io/config.mirror"] = "abc";
  return pod;
}

inline PodDisruptionBudget Budget(const std::string& ns, const std::string& name, Labels match,
                                  int32_t disruptions_allowed, std::string min_available = "1") {
  PodDisruptionBudget budget;
  budget.meta.name = name;
  budget.meta.namespace_name = ns;
  budget.selector = LabelSelector::FromMatchLabels(match);
  budget.min_available = std::move(min_available);
  budget.disruptions_allowed = disruptions_allowed;
  return budget;
}

}  // namespace cloudoptim::testutil
