// `cloudoptim execute`: an executor-only worker for one cluster. At start it resumes or rolls
// back every unfinished plan (the recovery rules of src/execute/executor.h), then creates
// plans for approved recommendations and runs them; with --until-idle it repeats until every
// plan of the cluster is done or rolled back. The mode and kill switch come from the
// cluster's settings in the store (recommend-only unless a person chose otherwise).
// Prints one JSON line per plan run. Exits 0, 1 when a plan could not be finished or the store
// stayed unavailable (after a few reads with growing waits; the store's error is named), 2 on
// bad input.
#include <chrono>
#include <iostream>
#include <memory>
#include <thread>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "aws/aws_config.h"
#include "aws/aws_session.h"
#include "aws/ec2_client.h"
#include "cli/commands.h"
#include "execute/ec2_cloud_actions.h"
#include "execute/execution_settings.h"
#include "execute/executor.h"
#include "kube/cluster_connection.h"
#include "kube/kube_cluster_api.h"
#include "kube/kube_rest_client.h"
#include "net/curl_http_client.h"
#include "store/open_store.h"

namespace cloudoptim::cli {
namespace {

constexpr int kExitUnfinished = 1;
// A dependency (the store) stayed unavailable: the plans could not be finished either.
constexpr int kExitUnavailable = 1;

struct ExecuteFlags {
  std::string store_url;
  std::string kubeconfig;
  std::string context;
  aws::AwsOptions aws;
  std::string tenant_id;
  std::string cluster_id;
  std::string plan_id;
  std::string mode;             // overrides the stored mode when set
  std::string launch_template;  // empty: the cluster's setting, else discovered per launch
  bool submit_approved = true;
  bool until_idle = false;
  int64_t poll_ms = 5000;
  int64_t ready_timeout_s = 600;
  int64_t reschedule_timeout_s = 300;
  int64_t drain_deadline_s = 600;
  int64_t pdb_backoff_ms = 5000;
};

ExecutorOptions MakeOptions(const ExecuteFlags& flags, const std::string& cluster_name) {
  ExecutorOptions options;
  options.tenant_id = flags.tenant_id;
  options.cluster_id = flags.cluster_id;
  options.cluster_name = cluster_name;
  options.actor = "executor";
  options.timeouts.poll_interval = std::chrono::milliseconds(flags.poll_ms);
  options.timeouts.ready = std::chrono::seconds(flags.ready_timeout_s);
  options.timeouts.rescheduled = std::chrono::seconds(flags.reschedule_timeout_s);
  options.drain.deadline = std::chrono::seconds(flags.drain_deadline_s);
  options.drain.pdb_retry_backoff = std::chrono::milliseconds(flags.pdb_backoff_ms);
  options.drain.poll_interval = std::chrono::milliseconds(flags.poll_ms);
  return options;
}

// The gate's configuration from the cluster's stored settings (and the --mode override). A
// store that is briefly unavailable is waited out (a few reads, growing waits); one that stays
// so exits kExitUnavailable naming its error. Only a bad --mode is bad input.
GateConfig LoadGateConfig(store::Store& store, const ExecuteFlags& flags,
                          const std::string& cluster_name, Clock& clock) {
  Result<GateConfig> config = LoadGateConfigRetrying(store, flags.tenant_id, flags.cluster_id,
                                                     cluster_name, flags.mode, clock);
  if (!config) {
    FailCommand(
        "execute",
        config.error().code == ErrorCode::kInvalidArgument ? kExitBadInput : kExitUnavailable,
        config.error().ToString());
  }
  return std::move(*config);
}

void Print(const PlanRunReport& report) {
  nlohmann::json line = {{"plan", report.plan_id},
                         {"state", store::PlanStateName(report.state)},
                         {"held", report.held},
                         {"steps_run", report.steps_run},
                         {"steps_skipped", report.steps_skipped},
                         {"reason", report.reason}};
  std::cout << line.dump() << std::endl;
}

// One pass: resume everything unfinished, submit approved recommendations, run pending plans.
// Returns whether every plan of the cluster is finished.
bool RunPass(Executor& executor, store::Store& store, const ExecuteFlags& flags) {
  if (flags.submit_approved) {
    Result<std::vector<store::Plan>> submitted = executor.SubmitApproved("cloudoptim execute");
    if (!submitted) std::cerr << "submitting approved: " << submitted.error().ToString() << "\n";
  }
  bool finished = true;
  if (!flags.plan_id.empty()) {
    Result<PlanRunReport> report = executor.RunPlan(flags.plan_id);
    if (!report) FailCommand("execute", kExitUnfinished, report.error().ToString());
    Print(*report);
    return report->Finished();
  }
  Result<std::vector<PlanRunReport>> reports = executor.Resume();
  if (!reports) {
    std::cerr << "resume: " << reports.error().ToString() << "\n";
    return false;
  }
  for (const PlanRunReport& report : *reports) {
    Print(report);
    finished = finished && report.Finished();
  }
  (void)store;
  return finished;
}

void RunExecute(const ExecuteFlags& flags) {
  SystemClock clock;
  Result<std::unique_ptr<store::Store>> store = store::OpenStore(flags.store_url, {});
  if (!store) FailCommand("execute", kExitBadInput, store.error().ToString());
  Result<store::Cluster> cluster =
      (*store)->clusters().GetCluster(flags.tenant_id, flags.cluster_id);
  if (!cluster) FailCommand("execute", kExitBadInput, cluster.error().ToString());
  Result<ClusterConnection> connection =
      LoadKubeconfig({.explicit_path = flags.kubeconfig, .context = flags.context});
  if (!connection) FailCommand("execute", kExitBadInput, connection.error().ToString());
  KubeClusterApi kube(KubeRestClient::Create(*connection, clock));
  aws::AwsOptions aws_options = flags.aws;
  if (aws_options.region.empty()) aws_options.region = cluster->region;
  if (aws_options.endpoint_url.empty()) aws_options.endpoint_url = cluster->aws_endpoint;
  Result<aws::AwsConfig> aws_config = aws::LoadAwsConfig(aws_options, aws::ProcessEnvironment());
  if (!aws_config) FailCommand("execute", kExitBadInput, aws_config.error().ToString());
  CurlHttpClient http;
  Result<std::unique_ptr<aws::AwsSession>> session =
      aws::AwsSession::Create(*aws_config, http, clock);
  if (!session) FailCommand("execute", kExitBadInput, session.error().ToString());
  aws::Ec2Client ec2((*session)->transport(), (*session)->config().Endpoint("ec2"));
  LaunchOverrides overrides{.launch_template = cluster->launch_template,
                            .subnet_ids = cluster->subnet_ids};
  if (!flags.launch_template.empty()) overrides.launch_template = flags.launch_template;
  Ec2CloudActions cloud(ec2, {.overrides = overrides});
  ExecutionGate gate(LoadGateConfig(**store, flags, cluster->name, clock));
  Executor executor(**store, kube, cloud, gate, clock, MakeOptions(flags, cluster->name));
  while (true) {
    const bool finished = RunPass(executor, **store, flags);
    if (finished) return;
    if (!flags.until_idle) throw CLI::RuntimeError(kExitUnfinished);
    std::this_thread::sleep_for(std::chrono::milliseconds(flags.poll_ms));
    gate.config() = LoadGateConfig(**store, flags, cluster->name, clock);  // switches may change
  }
}

}  // namespace

void AddExecuteCommand(CLI::App& app) {
  CLI::App* cmd = app.add_subcommand(
      "execute",
      "Executor-only worker for one cluster: resume or roll back unfinished plans after a "
      "crash, then run approved ones (journaled, gated, audited)");
  auto flags = std::make_shared<ExecuteFlags>();
  cmd->add_option("--store", flags->store_url, "Store URL (sqlite:///path.db, postgres://...)")
      ->required();
  cmd->add_option("--tenant", flags->tenant_id, "Tenant id")->required();
  cmd->add_option("--cluster", flags->cluster_id, "Cluster id (as registered in the store)")
      ->required();
  cmd->add_option("--kubeconfig", flags->kubeconfig, "Kubeconfig of the cluster");
  cmd->add_option("--context", flags->context, "Kubeconfig context");
  cmd->add_option("--aws-endpoint", flags->aws.endpoint_url,
                  "AWS endpoint (default: the cluster's, else AWS's)");
  cmd->add_option("--region", flags->aws.region, "AWS region (default: the cluster's)");
  cmd->add_option("--profile", flags->aws.profile, "AWS profile");
  cmd->add_option("--role-arn", flags->aws.role_arn, "Customer role to assume");
  cmd->add_option("--external-id", flags->aws.external_id, "External id of that role");
  cmd->add_option("--plan", flags->plan_id, "Run only this plan");
  cmd->add_option("--mode", flags->mode,
                  "Override the stored mode: recommend-only | approve | autopilot");
  cmd->add_option("--launch-template", flags->launch_template,
                  "Launch template (lt-... or name) of new nodes; default: the cluster's setting, "
                  "else the template of the node replaced (or of a node of the zone)");
  cmd->add_flag("!--no-submit", flags->submit_approved,
                "Do not create plans for approved recommendations");
  cmd->add_flag("--until-idle", flags->until_idle,
                "Repeat until every plan is done or rolled back");
  cmd->add_option("--poll-ms", flags->poll_ms, "Poll interval of waits (ms)");
  cmd->add_option("--ready-timeout-s", flags->ready_timeout_s, "Replacement Ready timeout (s)");
  cmd->add_option("--reschedule-timeout-s", flags->reschedule_timeout_s,
                  "Wait for drained pods to be rescheduled (s)");
  cmd->add_option("--drain-deadline-s", flags->drain_deadline_s, "Drain deadline (s)");
  cmd->add_option("--pdb-backoff-ms", flags->pdb_backoff_ms,
                  "First backoff after a PDB refused an eviction (ms)");
  cmd->callback([flags] { RunExecute(*flags); });
}

}  // namespace cloudoptim::cli
