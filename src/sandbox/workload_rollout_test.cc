// Rolling updates, Recreate, CronJobs and Jobs through the whole simulated cluster
// (controllers, scheduler, kubelets), tick by tick on a fake clock.
#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

#include "sandbox/sandbox_cluster.h"
#include "sandbox/scenario.h"

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

class WorkloadRolloutTest : public ::testing::Test {
 protected:
  void SetUp() override {
    for (int i = 1; i <= 3; ++i) {
      Ec2Instance instance;
      instance.instance_id = "i-0" + std::to_string(i);
      instance.instance_type = "m5.xlarge";
      instance.availability_zone = "us-east-1a";
      instance.private_ip = "10.0.0." + std::to_string(i);
      ASSERT_TRUE(cluster_.AddInstance(instance, "general"));
    }
  }
  void CreateDeployment(const std::string& strategy_json) {
    json d = json::parse(R"({"apiVersion":"apps/v1","kind":"Deployment",
      "metadata":{"name":"web","namespace":"default"},
      "spec":{"replicas":4,"selector":{"matchLabels":{"app":"web"}},
        "template":{"metadata":{"labels":{"app":"web"}},
          "spec":{"containers":[{"name":"app","resources":{"requests":{"cpu":"100m"}}}]}}}})");
    d["spec"]["strategy"] = json::parse(strategy_json);
    ASSERT_TRUE(cluster_.store().Create("deployments.apps", d));
    for (int i = 0; i < 6; ++i) cluster_.Tick();
  }
  // The rightsizing patch: new container requests in the template.
  void PatchRequests(const std::string& cpu) {
    ASSERT_TRUE(
        cluster_.store().Mutate("deployments.apps", "default", "web", [&](json& d) -> Status {
          d["spec"]["template"]["spec"]["containers"][0]["resources"]["requests"]["cpu"] = cpu;
          return Ok();
        }));
  }
  struct Census {
    int ready_old = 0, ready_new = 0, active_old = 0, active_new = 0;
  };
  Census Count(const std::string& new_cpu) {
    Census c;
    for (const json& pod : cluster_.store().ParsedAll("pods")) {
      if (pod["metadata"].contains("deletionTimestamp")) continue;
      bool is_new = pod["spec"]["containers"][0]["resources"]["requests"]["cpu"] == new_cpu;
      bool ready = pod["status"].value("phase", "") == "Running";
      (is_new ? c.active_new : c.active_old)++;
      if (ready) (is_new ? c.ready_new : c.ready_old)++;
    }
    return c;
  }
  json Deployment() { return *cluster_.store().Get("deployments.apps", "default", "web"); }
  // What `kubectl rollout status` checks.
  bool RolledOut() {
    json d = Deployment();
    const json& s = d["status"];
    return s.value("observedGeneration", 0) >= d["metadata"].value("generation", 1) &&
           s.value("updatedReplicas", 0) == 4 && s.value("replicas", 0) == 4 &&
           s.value("availableReplicas", 0) == 4;
  }

  FakeClock clock_{std::chrono::system_clock::time_point(std::chrono::seconds(1'800'000'000))};
  SandboxCluster cluster_{&clock_, {.seed = 5}};
};

TEST_F(WorkloadRolloutTest, TemplateChangeRollsPodsWithinSurgeAndUnavailability) {
  CreateDeployment(R"({"type":"RollingUpdate","rollingUpdate":{"maxSurge":1,"maxUnavailable":0}})");
  ASSERT_TRUE(RolledOut());
  PatchRequests("250m");
  int ticks = 0;
  for (; ticks < 40 && !RolledOut(); ++ticks) {
    cluster_.Tick();
    clock_.Advance(std::chrono::seconds(5));
    Census c = Count("250m");
    EXPECT_LE(c.active_old + c.active_new, 5) << "tick " << ticks;
    EXPECT_GE(c.ready_old + c.ready_new, 4) << "tick " << ticks;
  }
  ASSERT_TRUE(RolledOut()) << Deployment().dump();
  EXPECT_GT(ticks, 1);  // it took steps, not one swap
  Census c = Count("250m");
  EXPECT_EQ(c.active_new, 4);
  EXPECT_EQ(c.active_old, 0);
  int old_sets = 0;
  for (const json& rs : cluster_.store().ParsedAll("replicasets.apps")) {
    if (rs["spec"]["replicas"] == 0) ++old_sets;
  }
  EXPECT_EQ(old_sets, 1);  // kept at zero for rollback, as Kubernetes does
  EXPECT_EQ(Deployment()["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "2");

  // Back to the first template (what `kubectl rollout undo` does): its ReplicaSet is revived
  // as revision 3 rather than a third one created.
  PatchRequests("100m");
  for (int i = 0; i < 40 && (i < 2 || !RolledOut()); ++i) {
    cluster_.Tick();
    clock_.Advance(std::chrono::seconds(5));
  }
  ASSERT_TRUE(RolledOut());
  EXPECT_EQ(Count("100m").active_new, 4);
  EXPECT_EQ(cluster_.store().ParsedAll("replicasets.apps").size(), 2u);
  EXPECT_EQ(Deployment()["metadata"]["annotations"]["deployment.kubernetes.io/revision"], "3");
}

TEST_F(WorkloadRolloutTest, DefaultStrategyIs25PercentAndRecreateNeverOverlaps) {
  CreateDeployment(R"({})");
  PatchRequests("150m");
  for (int i = 0; i < 40 && !RolledOut(); ++i) {
    cluster_.Tick();
    Census c = Count("150m");
    EXPECT_LE(c.active_old + c.active_new, 5);  // 4 + 25% rounded up
    EXPECT_GE(c.ready_old + c.ready_new, 3);    // 4 - 25% rounded down
  }
  ASSERT_TRUE(RolledOut());

  ASSERT_TRUE(cluster_.store().Mutate("deployments.apps", "default", "web", [](json& d) -> Status {
    d["spec"]["strategy"] = {{"type", "Recreate"}};
    return Ok();
  }));
  PatchRequests("300m");
  for (int i = 0; i < 40 && !RolledOut(); ++i) {
    cluster_.Tick();
    clock_.Advance(std::chrono::seconds(5));  // past the grace period of deleted pods
    Census c = Count("300m");
    EXPECT_TRUE(c.active_old == 0 || c.active_new == 0) << c.active_old << " old, " << c.active_new;
  }
  EXPECT_TRUE(RolledOut());
  EXPECT_EQ(Count("300m").active_new, 4);
}

TEST_F(WorkloadRolloutTest, CronJobRunsOnScheduleWithHistoryAndConcurrencyPolicies) {
  json cronjob = json::parse(R"({"apiVersion":"batch/v1","kind":"CronJob",
    "metadata":{"name":"report","namespace":"default"},
    "spec":{"schedule":"*/10 * * * *","successfulJobsHistoryLimit":2,
      "jobTemplate":{"spec":{"completions":2,"parallelism":2,"template":{
        "metadata":{"annotations":{"sandbox.cloudoptim.io/run-seconds":"120"}},
        "spec":{"restartPolicy":"Never","containers":[{"name":"r","resources":{"requests":{"cpu":"50m"}}}]}}}}}})");
  ASSERT_TRUE(cluster_.store().Create("cronjobs.batch", cronjob));
  auto jobs = [&] { return cluster_.store().ParsedAll("jobs.batch"); };
  // 1,800,000,000 s is 2027-01-15 08:00 UTC: the first run is at 08:10, not before.
  for (int minute = 0; minute < 9; ++minute) {
    cluster_.Tick();
    clock_.Advance(std::chrono::minutes(1));
  }
  EXPECT_TRUE(jobs().empty());
  // Run for an hour in one-minute ticks: six runs, each Job two parallel pods of two minutes.
  for (int minute = 0; minute < 60; ++minute) {
    cluster_.Tick();
    clock_.Advance(std::chrono::minutes(1));
  }
  cluster_.Tick();
  std::vector<json> kept = jobs();
  ASSERT_EQ(kept.size(), 2u);  // successfulJobsHistoryLimit
  for (const json& job : kept) {
    EXPECT_EQ(job["status"]["succeeded"], 2);
    EXPECT_EQ(job["status"]["conditions"][0]["type"], "Complete");
  }
  json status = (*cluster_.store().Get("cronjobs.batch", "default", "report"))["status"];
  EXPECT_EQ(status["lastScheduleTime"], "2027-01-15T09:00:00Z");
  EXPECT_TRUE(status.contains("lastSuccessfulTime"));

  // Forbid: a Job that outlives the interval holds the next run back; Replace swaps it.
  ASSERT_TRUE(cluster_.store().Mutate("cronjobs.batch", "default", "report", [](json& c) -> Status {
    c["spec"]["concurrencyPolicy"] = "Forbid";
    c["spec"]["jobTemplate"]["spec"]["template"]["metadata"]["annotations"]
     ["sandbox.cloudoptim.io/run-seconds"] = "1500";
    return Ok();
  }));
  for (int minute = 0; minute < 20; ++minute) {
    cluster_.Tick();
    clock_.Advance(std::chrono::minutes(1));
  }
  int active = 0;
  for (const json& job : jobs()) active += job["status"].value("active", 0) > 0 ? 1 : 0;
  EXPECT_EQ(active, 1);
  ASSERT_TRUE(cluster_.store().Mutate("cronjobs.batch", "default", "report", [](json& c) -> Status {
    c["spec"]["concurrencyPolicy"] = "Replace";
    return Ok();
  }));
  std::string running;
  for (const json& job : jobs()) {
    if (job["status"].value("active", 0) > 0) running = job["metadata"]["name"];
  }
  for (int minute = 0; minute < 10; ++minute) {
    cluster_.Tick();
    clock_.Advance(std::chrono::minutes(1));
  }
  EXPECT_FALSE(cluster_.store().Get("jobs.batch", "default", running));  // replaced
  // Suspended: nothing new for an hour.
  ASSERT_TRUE(cluster_.store().Mutate("cronjobs.batch", "default", "report", [](json& c) -> Status {
    c["spec"]["suspend"] = true;
    return Ok();
  }));
  cluster_.Tick();
  size_t before = jobs().size();
  std::string last = (*cluster_.store().Get("cronjobs.batch", "default", "report"))["status"].value(
      "lastScheduleTime", "");
  for (int minute = 0; minute < 60; ++minute) {
    cluster_.Tick();
    clock_.Advance(std::chrono::minutes(1));
  }
  EXPECT_LE(jobs().size(), before);
  EXPECT_EQ((*cluster_.store().Get("cronjobs.batch", "default", "report"))["status"].value(
                "lastScheduleTime", ""),
            last);
}

TEST_F(WorkloadRolloutTest, JobFailsAfterItsBackoffLimitAndFailedHistoryIsKept) {
  json job = json::parse(R"({"apiVersion":"batch/v1","kind":"Job",
    "metadata":{"name":"flaky","namespace":"default"},
    "spec":{"backoffLimit":1,"template":{
      "metadata":{"annotations":{"sandbox.cloudoptim.io/run-seconds":"30",
                                 "sandbox.cloudoptim.io/exit-code":"3"}},
      "spec":{"restartPolicy":"Never","containers":[{"name":"r"}]}}}})");
  ASSERT_TRUE(cluster_.store().Create("jobs.batch", job));
  for (int i = 0; i < 10; ++i) {
    cluster_.Tick();
    clock_.Advance(std::chrono::seconds(40));
  }
  json status = (*cluster_.store().Get("jobs.batch", "default", "flaky"))["status"];
  EXPECT_EQ(status["failed"], 2);  // backoffLimit 1: the second failure fails the Job
  EXPECT_EQ(status["conditions"][0]["type"], "Failed");
  EXPECT_EQ(status["conditions"][0]["reason"], "BackoffLimitExceeded");

  // A CronJob whose Jobs fail keeps failedJobsHistoryLimit (default 1) of them.
  json cronjob = json::parse(R"({"apiVersion":"batch/v1","kind":"CronJob",
    "metadata":{"name":"broken","namespace":"default"},
    "spec":{"schedule":"*/10 * * * *","jobTemplate":{"spec":{"backoffLimit":0,"template":{
      "metadata":{"annotations":{"sandbox.cloudoptim.io/exit-code":"1"}},
      "spec":{"restartPolicy":"Never","containers":[{"name":"r"}]}}}}}})");
  ASSERT_TRUE(cluster_.store().Create("cronjobs.batch", cronjob));
  for (int minute = 0; minute < 45; ++minute) {
    cluster_.Tick();
    clock_.Advance(std::chrono::minutes(1));
  }
  cluster_.Tick();
  int failed_jobs = 0;
  for (const json& j : cluster_.store().ParsedAll("jobs.batch")) {
    if (j["metadata"]["name"].get<std::string>().starts_with("broken-")) {
      ++failed_jobs;
      EXPECT_EQ(j["status"]["conditions"][0]["type"], "Failed");
    }
  }
  EXPECT_EQ(failed_jobs, 1);
}

TEST_F(WorkloadRolloutTest, CronJobScheduleIsReadInItsTimeZone) {
  // 09:00 in New York (EST, UTC-5 in January) is 14:00 UTC; the clock starts 2027-01-15 08:00Z.
  json cronjob = json::parse(R"({"apiVersion":"batch/v1","kind":"CronJob",
    "metadata":{"name":"open","namespace":"default"},
    "spec":{"schedule":"0 9 * * *","timeZone":"America/New_York",
      "jobTemplate":{"spec":{"template":{
        "spec":{"restartPolicy":"Never","containers":[{"name":"r"}]}}}}}})");
  ASSERT_TRUE(cluster_.store().Create("cronjobs.batch", cronjob));
  for (int hour = 0; hour < 5; ++hour) {  // 08:00Z .. 12:00Z: 09:00 UTC passes, no run
    cluster_.Tick();
    clock_.Advance(std::chrono::hours(1));
  }
  EXPECT_TRUE(cluster_.store().ParsedAll("jobs.batch").empty());
  for (int hour = 0; hour < 2; ++hour) {  // 13:00Z .. 14:00Z
    cluster_.Tick();
    clock_.Advance(std::chrono::hours(1));
  }
  cluster_.Tick();
  json status = (*cluster_.store().Get("cronjobs.batch", "default", "open"))["status"];
  EXPECT_EQ(status["lastScheduleTime"], "2027-01-15T14:00:00Z");
  EXPECT_EQ(cluster_.store().ParsedAll("jobs.batch").size(), 1u);
}

TEST_F(WorkloadRolloutTest, ScenarioCronJobsRunWithTheirSimulatedDuration) {
  auto scenario = ParseScenario(R"(
workloads:
- name: nightly
  kind: CronJob
  schedule: "0 2 * * *"
  runSeconds: 1800
  replicas: 2
  containers: [{name: etl, requests: {cpu: 100m, memory: 128Mi}}]
)");
  ASSERT_TRUE(scenario) << scenario.error().message;
  ASSERT_TRUE(ApplyScenario(*scenario, &cluster_));
  // 08:00 now: the next run is 02:00 tomorrow; a job of 2 pods running 30 minutes.
  for (int hour = 0; hour < 19; ++hour) {
    cluster_.Tick();
    clock_.Advance(std::chrono::hours(1));
  }
  for (int minute = 0; minute < 40; ++minute) {
    cluster_.Tick();
    clock_.Advance(std::chrono::minutes(1));
  }
  auto job = cluster_.store().Get("jobs.batch", "default", "nightly-30001080");
  ASSERT_TRUE(job);  // 2027-01-16T02:00Z is minute 30,001,080 since the epoch
  EXPECT_EQ((*job)["status"]["succeeded"], 2);
  auto bad = ParseScenario(
      "workloads:\n- {name: x, kind: CronJob, schedule: '61 * * * *', containers: [{name: c}]}\n");
  ASSERT_FALSE(bad);
  EXPECT_EQ(bad.error().message, "workloads[0].schedule: minute field \"61\" out of range 0-59");
  auto bad_zone = ParseScenario(
      "workloads:\n- {name: x, kind: CronJob, schedule: '0 2 * * *', timeZone: Nowhere/City,\n"
      "   containers: [{name: c}]}\n");
  ASSERT_FALSE(bad_zone);
  EXPECT_THAT(bad_zone.error().message,
              ::testing::StartsWith("workloads[0].timeZone: unknown time zone \"Nowhere/City\""));
}

TEST_F(WorkloadRolloutTest, ServicesGetEndpointsAndSlicesOfTheirReadyPods) {
  CreateDeployment(R"({})");
  ASSERT_TRUE(
      cluster_.store().Create("services", json::parse(R"({"apiVersion":"v1","kind":"Service",
        "metadata":{"name":"web","namespace":"default"},
        "spec":{"selector":{"app":"web"},"ports":[{"name":"http","port":80,"targetPort":8080}]}})")));
  for (int i = 0; i < 3; ++i) cluster_.Tick();
  Result<json> endpoints = cluster_.store().Get("endpoints", "default", "web");
  ASSERT_TRUE(endpoints);
  EXPECT_EQ((*endpoints)["subsets"][0]["addresses"].size(), 4u);
  EXPECT_EQ((*endpoints)["subsets"][0]["ports"][0]["port"], 8080);
  Result<json> slice =
      cluster_.store().Get("endpointslices.discovery.k8s.io", "default", "web-sandbox");
  ASSERT_TRUE(slice);
  EXPECT_EQ((*slice)["metadata"]["labels"]["kubernetes.io/service-name"], "web");
  ASSERT_EQ((*slice)["endpoints"].size(), 4u);
  EXPECT_EQ((*slice)["endpoints"][0]["zone"], "us-east-1a");
  EXPECT_EQ((*slice)["endpoints"][0]["conditions"]["ready"], true);

  ASSERT_TRUE(cluster_.store().Mutate("deployments.apps", "default", "web", [](json& d) -> Status {
    d["spec"]["replicas"] = 1;
    return Ok();
  }));
  for (int i = 0; i < 3; ++i) cluster_.Tick();
  EXPECT_EQ(
      (*cluster_.store().Get("endpoints", "default", "web"))["subsets"][0]["addresses"].size(), 1u);
  ASSERT_TRUE(cluster_.store().Delete("services", "default", "web"));
  cluster_.Tick();
  EXPECT_FALSE(cluster_.store().Get("endpoints", "default", "web"));
  EXPECT_FALSE(cluster_.store().Get("endpointslices.discovery.k8s.io", "default", "web-sandbox"));
}

}  // namespace
}  // namespace cloudoptim::sandbox
