// The real kubectl against `cloudoptim sandbox`: the sandbox must pass for a cluster to the
// tool people use every day. One sandbox (the default scenario, 20x simulated time so grace
// periods pass quickly) serves every test; tests use their own objects or names.
#include <algorithm>
#include <chrono>
#include <filesystem>
#include <string>
#include <thread>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "support/process.h"

namespace cloudoptim::testing {
namespace {

using ::testing::HasSubstr;
using ::testing::Not;

class SandboxKubectlTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    dir_ = new std::string(MakeTempDirectory("sandbox-kubectl"));
    kubeconfig_ = new std::string(*dir_ + "/kubeconfig");
    port_ = FreeLoopbackPort();
    sandbox_ = new ChildProcess(ChildProcess::Start(
        {CO_BINARY, "sandbox", "--scenario", std::string(CO_SOURCE_DIR) + "/scenarios/default.yaml",
         "--port", std::to_string(port_), "--kubeconfig-out", *kubeconfig_, "--speed", "20",
         "--admin-token", "test-admin-token"},
        {}, *dir_ + "/sandbox.log"));
    ASSERT_TRUE(WaitForPort(port_, std::chrono::seconds(120)));
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (!std::filesystem::exists(*kubeconfig_) && std::chrono::steady_clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
  }
  static void TearDownTestSuite() {
    delete sandbox_;
    std::filesystem::remove_all(*dir_);
    delete kubeconfig_;
    delete dir_;
  }

  static CommandResult Kubectl(std::vector<std::string> args, const std::string& stdin_text = "") {
    std::vector<std::string> argv = {"kubectl", "--kubeconfig", *kubeconfig_};
    argv.insert(argv.end(), args.begin(), args.end());
    return RunCommand(argv, {}, std::chrono::seconds(90), stdin_text);
  }

  // How long a test waits for a state: long enough for a loaded machine, and only ever
  // reached when the state never comes (a fast machine returns as soon as it is there).
  static constexpr std::chrono::seconds kPatience{120};

  // Polls until `done()` holds (simulated controllers run on a loop; tests wait for the
  // state, never for a fixed time).
  template <typename Predicate>
  static bool Eventually(Predicate done) {
    const auto deadline = std::chrono::steady_clock::now() + kPatience;
    while (std::chrono::steady_clock::now() < deadline) {
      if (done()) return true;
      std::this_thread::sleep_for(std::chrono::milliseconds(200));
    }
    return done();
  }

  // Polls until `args` prints something containing `wanted`.
  static bool EventuallyContains(const std::vector<std::string>& args, const std::string& wanted) {
    return Eventually([&] { return Kubectl(args).output.find(wanted) != std::string::npos; });
  }

  static std::string FirstNodeOfGroup(const std::string& group) {
    return Kubectl({"get", "nodes", "-l", "eks.amazonaws.com/nodegroup=" + group, "-o",
                    "jsonpath={.items[0].metadata.name}"})
        .output;
  }

  static inline std::string* dir_ = nullptr;
  static inline std::string* kubeconfig_ = nullptr;
  static inline int port_ = 0;
  static inline ChildProcess* sandbox_ = nullptr;
};

TEST_F(SandboxKubectlTest, GetNodesWideShowsReadyNodesWithTheirAddresses) {
  CommandResult r = Kubectl({"get", "nodes", "-o", "wide"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("INTERNAL-IP"));
  EXPECT_THAT(r.output, HasSubstr("Ready"));
  EXPECT_THAT(r.output, HasSubstr("v1.32.0-eks-sandbox"));
  EXPECT_THAT(r.output, HasSubstr("10.0.0."));
}

TEST_F(SandboxKubectlTest, GetPodsAcrossNamespacesShowsRunningPods) {
  CommandResult r = Kubectl({"get", "pods", "-A"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("NAMESPACE"));
  EXPECT_THAT(r.output, HasSubstr("boutique-prod"));
  EXPECT_THAT(r.output, HasSubstr("Running"));
}

TEST_F(SandboxKubectlTest, GetDeploymentsShowsReadyColumns) {
  CommandResult r = Kubectl({"get", "deploy", "-A"});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("UP-TO-DATE"));
  EXPECT_THAT(r.output, HasSubstr("frontend"));
}

TEST_F(SandboxKubectlTest, DescribeNodeShowsProviderIdAndPods) {
  std::string node = FirstNodeOfGroup("general-od");
  ASSERT_FALSE(node.empty());
  CommandResult r = Kubectl({"describe", "node", node});
  ASSERT_EQ(r.exit_code, 0) << r.output;
  EXPECT_THAT(r.output, HasSubstr("ProviderID:                   aws:///us-east-1"));
  EXPECT_THAT(r.output, HasSubstr("Non-terminated Pods:"));
  EXPECT_THAT(r.output, HasSubstr("eks.amazonaws.com/capacityType=ON_DEMAND"));
}

TEST_F(SandboxKubectlTest, CordonAndUncordonToggleSchedulingDisabled) {
  std::string node = FirstNodeOfGroup("memory-od");
  ASSERT_EQ(Kubectl({"cordon", node}).exit_code, 0);
  EXPECT_THAT(Kubectl({"get", "node", node}).output, HasSubstr("SchedulingDisabled"));
  ASSERT_EQ(Kubectl({"uncordon", node}).exit_code, 0);
  EXPECT_THAT(Kubectl({"get", "node", node}).output, Not(HasSubstr("SchedulingDisabled")));
}

TEST_F(SandboxKubectlTest, DrainIsBlockedByAPdbThenSucceedsOnceItAllows) {
  // A legacy node runs only DaemonSets; pin one PDB-protected pod to it.
  std::string node = FirstNodeOfGroup("legacy-reserved");
  ASSERT_FALSE(node.empty());
  std::string manifest = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: pinned, namespace: default}
spec:
  replicas: 1
  selector: {matchLabels: {app: pinned}}
  template:
    metadata: {labels: {app: pinned}}
    spec:
      nodeSelector: {kubernetes.io/hostname: )" +
                         node + R"(}
      tolerations: [{key: dedicated, operator: Exists}]
      containers: [{name: app, image: nginx, resources: {requests: {cpu: 100m, memory: 64Mi}}}]
---
apiVersion: policy/v1
kind: PodDisruptionBudget
metadata: {name: pinned, namespace: default}
spec:
  minAvailable: 1
  selector: {matchLabels: {app: pinned}}
)";
  CommandResult applied = Kubectl({"apply", "-f", "-"}, manifest);
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  ASSERT_TRUE(EventuallyContains({"get", "pods", "-l", "app=pinned"}, "Running"));
  ASSERT_TRUE(EventuallyContains({"get", "pdb", "pinned", "-o",
                                  "jsonpath={.status.currentHealthy}/{.status.disruptionsAllowed}"},
                                 "1/0"));

  CommandResult blocked =
      Kubectl({"drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=6s"});
  EXPECT_NE(blocked.exit_code, 0);
  EXPECT_THAT(blocked.output,
              HasSubstr("Cannot evict pod as it would violate the pod's disruption budget"));

  ASSERT_EQ(
      Kubectl({"patch", "pdb", "pinned", "--type=merge", "-p", R"({"spec":{"minAvailable":0}})"})
          .exit_code,
      0);
  CommandResult drained =
      Kubectl({"drain", node, "--ignore-daemonsets", "--delete-emptydir-data", "--timeout=60s"});
  EXPECT_EQ(drained.exit_code, 0) << drained.output;
  EXPECT_THAT(drained.output, HasSubstr("drained"));
  EXPECT_EQ(Kubectl({"uncordon", node}).exit_code, 0);
}

TEST_F(SandboxKubectlTest, ScaleDeploymentReachesTheNewReplicaCount) {
  ASSERT_EQ(Kubectl({"scale", "deployment", "emailservice", "-n", "boutique-prod", "--replicas=5"})
                .exit_code,
            0);
  EXPECT_TRUE(EventuallyContains({"get", "deploy", "emailservice", "-n", "boutique-prod"}, "5/5"));
}

TEST_F(SandboxKubectlTest, TopNodesAndPodsReportUsage) {
  CommandResult nodes = Kubectl({"top", "nodes"});
  ASSERT_EQ(nodes.exit_code, 0) << nodes.output;
  EXPECT_THAT(nodes.output, HasSubstr("CPU(cores)"));
  EXPECT_THAT(nodes.output, HasSubstr("ec2.internal"));
  CommandResult pods = Kubectl({"top", "pods", "-n", "boutique-prod"});
  ASSERT_EQ(pods.exit_code, 0) << pods.output;
  EXPECT_THAT(pods.output, HasSubstr("MEMORY(bytes)"));
  EXPECT_THAT(pods.output, HasSubstr("frontend-"));
}

TEST_F(SandboxKubectlTest, AppliedDeploymentRunsAndDeletedPodIsReplaced) {
  std::string manifest = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: default}
spec:
  replicas: 2
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers: [{name: nginx, image: nginx:1.27, resources: {requests: {cpu: 100m, memory: 128Mi}}}]
)";
  CommandResult applied = Kubectl({"apply", "-f", "-"}, manifest);
  ASSERT_EQ(applied.exit_code, 0) << applied.output;
  EXPECT_THAT(applied.output, HasSubstr("deployment.apps/web created"));
  ASSERT_TRUE(EventuallyContains({"get", "deploy", "web"}, "2/2"));

  std::string victim =
      Kubectl({"get", "pods", "-l", "app=web", "-o", "jsonpath={.items[0].metadata.name}"}).output;
  ASSERT_FALSE(victim.empty());
  CommandResult deleted = Kubectl({"delete", "pod", victim});
  ASSERT_EQ(deleted.exit_code, 0) << deleted.output;
  EXPECT_TRUE(Eventually([&] {
    std::string names =
        Kubectl({"get", "pods", "-l", "app=web", "--field-selector=status.phase=Running", "-o",
                 "jsonpath={.items[*].metadata.name}"})
            .output;
    return names.find(victim) == std::string::npos && names.find(' ') != std::string::npos;
  }));
}

// What the control plane's rightsizing does: change container requests in the template (set
// resources, then a strategic-merge patch); the Deployment rolls to a new ReplicaSet and
// `kubectl rollout status` sees it finish.
TEST_F(SandboxKubectlTest, ResourceChangesRollOutAndRolloutStatusCompletes) {
  std::string manifest = R"(apiVersion: apps/v1
kind: Deployment
metadata: {name: rollme, namespace: default}
spec:
  replicas: 4
  selector: {matchLabels: {app: rollme}}
  template:
    metadata: {labels: {app: rollme}}
    spec:
      containers: [{name: app, image: nginx:1.27, resources: {requests: {cpu: 50m, memory: 64Mi}}}]
)";
  ASSERT_EQ(Kubectl({"apply", "-f", "-"}, manifest).exit_code, 0);
  ASSERT_TRUE(EventuallyContains({"get", "deploy", "rollme"}, "4/4"));
  CommandResult set = Kubectl({"set", "resources", "deployment", "rollme", "--requests=cpu=80m"});
  ASSERT_EQ(set.exit_code, 0) << set.output;
  CommandResult status = Kubectl({"rollout", "status", "deployment/rollme", "--timeout=80s"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_THAT(status.output, HasSubstr("successfully rolled out"));
  EXPECT_EQ(Kubectl({"get", "pods", "-l", "app=rollme", "-o",
                     "jsonpath={.items[*].spec.containers[0].resources.requests.cpu}"})
                .output,
            "80m 80m 80m 80m");

  CommandResult patched =
      Kubectl({"patch", "deployment", "rollme", "--type=strategic", "-p",
               R"({"spec":{"template":{"spec":{"containers":[{"name":"app","resources":)"
               R"({"requests":{"memory":"96Mi"}}}]}}}})"});
  ASSERT_EQ(patched.exit_code, 0) << patched.output;
  status = Kubectl({"rollout", "status", "deployment/rollme", "--timeout=80s"});
  ASSERT_EQ(status.exit_code, 0) << status.output;
  EXPECT_EQ(Kubectl({"get", "pods", "-l", "app=rollme", "-o",
                     "jsonpath={.items[*].spec.containers[0].resources.requests.memory}"})
                .output,
            "96Mi 96Mi 96Mi 96Mi");
  CommandResult sets =
      Kubectl({"get", "rs", "-l", "app=rollme", "-o", "jsonpath={.items[*].spec.replicas}"});
  std::string replicas = sets.output;
  std::sort(replicas.begin(), replicas.end());
  EXPECT_EQ(replicas, "  004") << "three revisions, the latest with every replica: " << sets.output;
}

TEST_F(SandboxKubectlTest, CronJobCreatesJobsThatComplete) {
  // Applied, not `kubectl create cronjob`: kubectl's typed generators send protobuf, which
  // the sandbox answers with 415 (checked below).
  std::string manifest = R"(apiVersion: batch/v1
kind: CronJob
metadata: {name: ticker, namespace: default}
spec:
  schedule: "*/1 * * * *"
  jobTemplate:
    spec:
      template:
        spec:
          restartPolicy: OnFailure
          containers: [{name: tick, image: busybox:1.36, command: [/bin/true]}]
)";
  CommandResult created = Kubectl({"apply", "-f", "-"}, manifest);
  ASSERT_EQ(created.exit_code, 0) << created.output;
  // 20x time: a simulated minute is 3 s, a Job pod runs 60 simulated seconds.
  EXPECT_TRUE(EventuallyContains(
      {"get", "jobs", "-o",
       "jsonpath={range .items[*]}{.metadata.ownerReferences[0].name}={.status.succeeded};{end}"},
      "ticker=1;"));
  EXPECT_FALSE(Kubectl({"get", "cronjob", "ticker", "-o", "jsonpath={.status.lastScheduleTime}"})
                   .output.empty());
  ASSERT_EQ(Kubectl({"delete", "cronjob", "ticker"}).exit_code, 0);
  CommandResult generator =
      Kubectl({"create", "cronjob", "proto", "--image=busybox:1.36", "--schedule=*/5 * * * *"});
  EXPECT_NE(generator.exit_code, 0);
  EXPECT_THAT(generator.output, HasSubstr("unknown format"));
}

// A claim bound to an EBS volume in one zone pins its pod to that zone.
TEST_F(SandboxKubectlTest, PodWithAZonalVolumeRunsInTheVolumesZone) {
  for (const std::string zone : {"us-east-1b", "us-east-1c"}) {
    std::string manifest = R"(apiVersion: v1
kind: PersistentVolume
metadata: {name: pv-ZONE}
spec:
  capacity: {storage: 5Gi}
  accessModes: [ReadWriteOnce]
  csi: {driver: ebs.csi.aws.com, volumeHandle: vol-0ZONE}
  nodeAffinity:
    required:
      nodeSelectorTerms:
      - matchExpressions: [{key: topology.ebs.csi.aws.com/zone, operator: In, values: [ZONE]}]
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata: {name: claim-ZONE, namespace: default}
spec: {volumeName: pv-ZONE, accessModes: [ReadWriteOnce], resources: {requests: {storage: 5Gi}}}
---
apiVersion: v1
kind: Pod
metadata: {name: db-ZONE, namespace: default}
spec:
  containers: [{name: db, image: postgres:16, resources: {requests: {cpu: 10m, memory: 32Mi}}}]
  volumes: [{name: data, persistentVolumeClaim: {claimName: claim-ZONE}}]
)";
    for (size_t at = manifest.find("ZONE"); at != std::string::npos; at = manifest.find("ZONE")) {
      manifest.replace(at, 4, zone);
    }
    CommandResult applied = Kubectl({"apply", "-f", "-"}, manifest);
    ASSERT_EQ(applied.exit_code, 0) << applied.output;
  }
  for (const std::string zone : {"us-east-1b", "us-east-1c"}) {
    ASSERT_TRUE(EventuallyContains({"get", "pod", "db-" + zone}, "Running"));
    std::string node =
        Kubectl({"get", "pod", "db-" + zone, "-o", "jsonpath={.spec.nodeName}"}).output;
    EXPECT_EQ(Kubectl({"get", "node", node, "-o",
                       "jsonpath={.metadata.labels.topology\\.kubernetes\\.io/zone}"})
                  .output,
              zone);
  }
}

TEST_F(SandboxKubectlTest, ServicesHaveEndpointsAndSlicesWithZones) {
  EXPECT_TRUE(EventuallyContains({"get", "endpoints", "frontend", "-n", "boutique-prod", "-o",
                                  "jsonpath={.subsets[0].addresses[0].ip}"},
                                 "."));
  CommandResult zones = Kubectl({"get", "endpointslices", "-n", "boutique-prod", "-l",
                                 "kubernetes.io/service-name=frontend", "-o",
                                 "jsonpath={.items[0].endpoints[*].zone}"});
  ASSERT_EQ(zones.exit_code, 0) << zones.output;
  EXPECT_THAT(zones.output, HasSubstr("us-east-1"));
}

TEST_F(SandboxKubectlTest, GetPodsWatchStreamsChanges) {
  std::string log = *dir_ + "/watch.log";
  ChildProcess watch = ChildProcess::Start({"kubectl", "--kubeconfig", *kubeconfig_, "get", "pods",
                                            "-n", "sock-shop-dev", "-l", "name=payment", "--watch"},
                                           {}, log);
  ASSERT_TRUE(
      EventuallyContains({"get", "pods", "-n", "sock-shop-dev", "-l", "name=payment"}, "Running"));
  // kubectl prints its list before it watches from the list's resourceVersion: once the
  // running pod is printed, every later change is streamed, however late the watch connects.
  // (A fixed pause here could end before kubectl had even started on a loaded machine.)
  ASSERT_TRUE(Eventually([&] {
    const std::string printed = ReadFileOrEmpty(log);
    return printed.find("NAME") != std::string::npos &&
           printed.find("Running") != std::string::npos;
  })) << ReadFileOrEmpty(log);
  ASSERT_EQ(
      Kubectl({"scale", "deployment", "payment", "-n", "sock-shop-dev", "--replicas=3"}).exit_code,
      0);
  std::string streamed;
  Eventually([&] {
    streamed = ReadFileOrEmpty(log);
    return std::count(streamed.begin(), streamed.end(), '\n') >= 5;
  });
  watch.Stop();
  EXPECT_THAT(streamed, HasSubstr("NAME"));
  EXPECT_THAT(streamed, HasSubstr("Pending"));
  EXPECT_GE(std::count(streamed.begin(), streamed.end(), '\n'), 5) << streamed;
}

TEST_F(SandboxKubectlTest, RequestsWithoutATokenGet401Status) {
  CommandResult r = RunCommand({"curl", "-sk", "-w", "\n%{http_code}",
                                "https://127.0.0.1:" + std::to_string(port_) + "/api/v1/nodes"});
  EXPECT_THAT(r.output, HasSubstr(R"("kind":"Status")"));
  EXPECT_THAT(r.output, HasSubstr(R"("reason":"Unauthorized")"));
  EXPECT_THAT(r.output, HasSubstr("\n401"));
}

TEST_F(SandboxKubectlTest, LimitedTokenGets403NamingVerbResourceAndGroup) {
  CommandResult r = Kubectl({"--context", "cloudoptim-sandbox-viewer", "get", "nodes"});
  EXPECT_NE(r.exit_code, 0);
  EXPECT_THAT(
      r.output,
      HasSubstr(
          R"(nodes is forbidden: User "viewer" cannot list resource "nodes" in API group "" at the cluster scope)"));
  CommandResult allowed =
      Kubectl({"--context", "cloudoptim-sandbox-viewer", "get", "pods", "-n", "default"});
  EXPECT_EQ(allowed.exit_code, 0) << allowed.output;
}

TEST_F(SandboxKubectlTest, AdminEndpointInterruptsASpotNode) {
  std::string node = FirstNodeOfGroup("compute-spot");
  ASSERT_FALSE(node.empty());
  CommandResult r = RunCommand(
      {"curl", "-sk", "-X", "POST", "-d", "", "-H", "Authorization: Bearer test-admin-token", "-w",
       "\n%{http_code}",
       "https://127.0.0.1:" + std::to_string(port_) + "/sandbox/v1/interrupt?node=" + node});
  EXPECT_THAT(r.output, HasSubstr("\n202"));
  // 2 simulated minutes at 20x: the node goes within seconds.
  EXPECT_TRUE(Eventually([&] {
    return Kubectl({"get", "node", node}).output.find("NotFound") != std::string::npos;
  }));
}

}  // namespace
}  // namespace cloudoptim::testing
