#include "scheduling/daemonset_overhead.h"

#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

Workload DaemonSet(const std::string& name, int64_t cpu_millis) {
  Workload w;
  w.kind = WorkloadKind::kDaemonSet;
  w.meta.name = name;
  Container c;
  c.resources.requests.cpu_millis = cpu_millis;
  w.pod_template.containers.push_back(c);
  return w;
}

TEST(DaemonSetOverheadTest, CountsOnlyDaemonSetsThatWouldLandOnTheNode) {
  Workload everywhere = DaemonSet("kube-proxy", 100);
  Workload gpu_only = DaemonSet("nvidia", 50);
  gpu_only.pod_template.node_selector = {{"accelerator", "nvidia"}};
  Workload deployment = DaemonSet("web", 1000);
  deployment.kind = WorkloadKind::kDeployment;
  Node node;
  node.meta.labels = {{"kubernetes.io/os", "linux"}};
  node.taints.push_back({"dedicated", "x", TaintEffect::kNoSchedule});
  Workload intolerant = DaemonSet("logger", 30);
  Workload tolerant = DaemonSet("monitor", 20);
  tolerant.pod_template.tolerations.push_back({"", true, "", std::nullopt});
  // kube-proxy does not tolerate the taint either; only the tolerant one lands.
  Resources r = DaemonSetOverhead({everywhere, gpu_only, deployment, intolerant, tolerant}, node);
  EXPECT_EQ(r.cpu_millis, 20);
  EXPECT_EQ(r.pods, 1);
  node.taints.clear();
  r = DaemonSetOverhead({everywhere, gpu_only, deployment, intolerant, tolerant}, node);
  EXPECT_EQ(r.cpu_millis, 150);
  EXPECT_EQ(r.pods, 3);
}

}  // namespace
}  // namespace cloudoptim
