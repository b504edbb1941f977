// A hand-written, stateful in-memory cloud behind CloudActions for the executor's unit tests:
// launches honour client tokens as EC2 does, snapshots start pending and complete when the
// test says so, every call is recorded and the next call can be made to fail.
//
//   FakeCloudActions cloud;
//   cloud.AddInstance({.instance_id = "i-old", .state = InstanceState::kRunning});
//   cloud.AddVolume({.volume_id = "vol-1"});
//   cloud.FailNext(Error{ErrorCode::kUnavailable, "injected"});
//   EXPECT_EQ(cloud.CountCalls("Launch"), 1);
#pragma once

#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "execute/cloud_actions.h"

namespace cloudoptim {

class FakeCloudActions final : public CloudActions {
 public:
  void AddInstance(Ec2Instance instance);
  void AddVolume(EbsVolume volume);
  void FailNext(Error error);
  // Snapshots are created "pending"; this completes them all (the default: at once).
  void SetSnapshotsCompleteAtOnce(bool at_once) { snapshots_complete_at_once_ = at_once; }
  void CompleteSnapshots();
  // Called (outside the lock) with every instance a Launch creates: a test joins it to its
  // fake cluster as a node.
  void OnLaunch(std::function<void(const Ec2Instance&)> hook) { on_launch_ = std::move(hook); }

  std::vector<std::string> calls() const;
  int CountCalls(std::string_view prefix) const;
  std::optional<Ec2Instance> Instance(const std::string& id) const;
  bool HasVolume(const std::string& id) const;

  Result<std::vector<std::string>> Launch(const LaunchSpec& spec) override;
  Result<std::vector<Ec2Instance>> DescribeInstances(const std::vector<std::string>& ids) override;
  Result<std::vector<Ec2Instance>> FindInstancesByTag(const std::string& key,
                                                      const std::string& value) override;
  Status TerminateInstances(const std::vector<std::string>& ids) override;
  Result<EbsSnapshot> CreateSnapshot(const std::string& volume_id, const std::string& description,
                                     const Tags& tags) override;
  Result<std::vector<EbsSnapshot>> DescribeSnapshots(const std::string& volume_id,
                                                     const std::string& tag_key,
                                                     const std::string& tag_value) override;
  Result<EbsVolume> DescribeVolume(const std::string& volume_id) override;
  Status DeleteVolume(const std::string& volume_id) override;

 private:
  Status Record(std::string call);
  Result<std::vector<std::string>> LaunchLocked(const LaunchSpec& spec,
                                                std::vector<Ec2Instance>* created);

  struct TokenLaunch {
    std::string fingerprint;
    std::vector<std::string> instance_ids;
  };
  mutable std::mutex mutex_;
  std::map<std::string, Ec2Instance> instances_;
  std::map<std::string, TokenLaunch> launches_by_token_;
  std::map<std::string, EbsVolume> volumes_;
  std::vector<EbsSnapshot> snapshots_;
  std::vector<std::string> calls_;
  std::optional<Error> next_error_;
  bool snapshots_complete_at_once_ = true;
  std::function<void(const Ec2Instance&)> on_launch_;
  int next_id_ = 1;
};

}  // namespace cloudoptim
