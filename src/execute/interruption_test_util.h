// Test support for the interruption handler's tests: real-format EventBridge events (the
// corpus in testdata/aws/eventbridge-events with id, instance and time rewritten), spot nodes
// backed by instance ids, and a fake launcher that honours client tokens as EC2 does.
//
//   std::string body = testutil::SpotWarning("evt-1", "i-0001", kNow);
//   api.AddNode(testutil::SpotNode("n1", "i-0001", "m5.large", "us-east-1a"));
//   FakeLauncher launcher;  // launcher.launches() counts distinct client tokens
#pragma once

#include <fstream>
#include <map>
#include <mutex>
#include <sstream>
#include <string>
#include <vector>

#include <nlohmann/json.hpp>

#include "execute/interruption_replacement.h"
#include "model/snapshot.h"

namespace cloudoptim::testutil {

// A corpus event with its id, instance (detail, resources, affected entities) and time set.
inline std::string CorpusEvent(const std::string& file, const std::string& event_id,
                               const std::string& instance_id, TimePoint time) {
  std::ifstream in(std::string(CO_SOURCE_DIR) + "/testdata/aws/eventbridge-events/" + file);
  std::stringstream text;
  text << in.rdbuf();
  nlohmann::json event = nlohmann::json::parse(text.str());
  event["id"] = event_id;
  event["time"] = FormatRfc3339(time);
  event["region"] = "us-east-1";
  event["resources"] = {"arn:aws:ec2:us-east-1:123456789012:instance/" + instance_id};
  if (event["detail"].contains("instance-id")) event["detail"]["instance-id"] = instance_id;
  if (event["detail"].contains("affectedEntities")) {
    event["detail"]["affectedEntities"] = {{{"entityValue", instance_id}}};
    event["detail"]["startTime"] = FormatRfc3339(time + std::chrono::hours(24));
  }
  return event.dump();
}

inline std::string SpotWarning(const std::string& id, const std::string& instance, TimePoint t) {
  return CorpusEvent("nth-doc-spot-interruption-warning.json", id, instance, t);
}
inline std::string Rebalance(const std::string& id, const std::string& instance, TimePoint t) {
  return CorpusEvent("nth-doc-rebalance-recommendation.json", id, instance, t);
}
inline std::string StateChange(const std::string& id, const std::string& instance, TimePoint t,
                               const std::string& state) {
  nlohmann::json event = nlohmann::json::parse(
      CorpusEvent("karpenter-ec2-state-change-stopping.json", id, instance, t));
  event["detail"]["state"] = state;
  return event.dump();
}
inline std::string HealthChange(const std::string& id, const std::string& instance, TimePoint t) {
  return CorpusEvent("nth-doc-aws-health-scheduled-change.json", id, instance, t);
}

inline Node SpotNode(const std::string& name, const std::string& instance_id,
                     const std::string& type, const std::string& zone,
                     CapacityType capacity = CapacityType::kSpot) {
  Node node;
  node.meta.name = name;
  node.meta.uid = "uid-" + name;
  node.meta.labels = {{std::string(labels::kInstanceType), type},
                      {std::string(labels::kZone), zone},
                      {std::string(labels::kKarpenterCapacityType),
                       capacity == CapacityType::kSpot ? "spot" : "on-demand"}};
  node.provider_id = "aws:///" + zone + "/" + instance_id;
  node.conditions = {{"Ready", "True", ""}};
  return node;
}

inline Pod PodOn(const std::string& ns, const std::string& name, const std::string& node,
                 const std::string& owner_kind = "ReplicaSet", Labels labels = {{"app", "web"}}) {
  Pod pod;
  pod.meta.name = name;
  pod.meta.namespace_name = ns;
  pod.meta.uid = "uid-" + ns + "-" + name;
  pod.meta.labels = std::move(labels);
  if (!owner_kind.empty()) {
    pod.meta.owner_references = {{"apps/v1", owner_kind, name + "-owner", "owner-uid", true}};
  }
  pod.node_name = node;
  pod.phase = PodPhase::kRunning;
  pod.container_statuses = {{.name = "app", .ready = true}};
  return pod;
}

// Launches "instances" in the first pool; a client token seen before returns the same
// instance without launching again (EC2's idempotency). Can be told to fail.
class FakeLauncher final : public ReplacementLauncher {
 public:
  Result<Replacement> Launch(const ReplacementRequest& request) override {
    std::lock_guard lock(mutex_);
    requests_.push_back(request);
    if (fail_) return ResourceExhausted("injected: no capacity");
    auto known = by_token_.find(request.client_token);
    if (known != by_token_.end()) return known->second;
    Replacement launched{.instance_id = "i-new" + std::to_string(by_token_.size() + 1),
                         .instance_type = request.pools.front().instance_type,
                         .availability_zone = request.pools.front().availability_zone};
    by_token_[request.client_token] = launched;
    return launched;
  }
  void set_fail(bool fail) { fail_ = fail; }
  size_t launches() const {
    std::lock_guard lock(mutex_);
    return by_token_.size();
  }
  std::vector<ReplacementRequest> requests() const {
    std::lock_guard lock(mutex_);
    return requests_;
  }

 private:
  mutable std::mutex mutex_;
  bool fail_ = false;
  std::map<std::string, Replacement> by_token_;
  std::vector<ReplacementRequest> requests_;
};

}  // namespace cloudoptim::testutil
