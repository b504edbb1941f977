// The sandbox side of `cloudoptim demo`: the simulated EKS cluster on loopback HTTPS with its
// kubeconfig, and the simulated AWS account behind it (EC2, SQS, STS) on a second port, in
// this process — what `cloudoptim sandbox` runs, owned by one object the demo can stop.
//
//   DemoSandbox sandbox;
//   CO_RETURN_IF_ERROR(sandbox.Start({.scenario = "", .data_dir = "/tmp/demo"}));
//   kubectl --kubeconfig sandbox.kubeconfig_path() get nodes
#pragma once

#include <memory>
#include <string>

#include "common/error.h"

namespace cloudoptim::cli {

struct DemoSandboxOptions {
  std::string scenario;  // empty: scenarios/default.yaml
  std::string data_dir;  // kubeconfig and sandbox.env go here
};

class DemoSandbox {
 public:
  DemoSandbox();
  ~DemoSandbox();
  DemoSandbox(const DemoSandbox&) = delete;
  DemoSandbox& operator=(const DemoSandbox&) = delete;

  Status Start(const DemoSandboxOptions& options);
  void Stop();

  const std::string& kubeconfig_path() const { return kubeconfig_path_; }
  const std::string& region() const { return region_; }
  const std::string& scenario_name() const { return scenario_name_; }
  std::string aws_url() const;
  std::string queue_url() const;
  size_t node_count() const;

 private:
  struct Parts;
  std::unique_ptr<Parts> parts_;
  std::string kubeconfig_path_;
  std::string region_;
  std::string scenario_name_;
};

}  // namespace cloudoptim::cli
