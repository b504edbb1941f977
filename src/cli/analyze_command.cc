// `cloudoptim analyze`: a read-only, one-shot cost report of a cluster reached through a
// kubeconfig. Lists what the report needs (progress on stderr), prices the nodes from the
// catalogue and prints the report as a table, JSON or Markdown. Never changes the cluster.
#include <iostream>

#include <fmt/format.h>
#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "catalog/catalog.h"
#include "cli/commands.h"
#include "engines/cluster_repack.h"
#include "engines/engine_cycle.h"
#include "kube/cluster_cache.h"
#include "kube/cluster_connection.h"
#include "kube/kube_cluster_api.h"
#include "report/cluster_report.h"
#include "report/report_rendering.h"
#include "risk/region_scoring.h"

namespace cloudoptim::cli {
namespace {

constexpr int kExitFailure = 1;

struct AnalyzeFlags {
  std::string kubeconfig;
  std::string context;
  std::string region;
  std::string output = "table";
  size_t top = 10;
};

// What the report reads; events, services and storage are not needed for it.
const std::vector<ClusterResource> kReportResources = {
    ClusterResource::kNodes,       ClusterResource::kPods,        ClusterResource::kNamespaces,
    ClusterResource::kDeployments, ClusterResource::kReplicaSets, ClusterResource::kStatefulSets,
    ClusterResource::kDaemonSets,  ClusterResource::kJobs,        ClusterResource::kCronJobs,
    ClusterResource::kNodeMetrics, ClusterResource::kPodMetrics};

// The savings section: what each decision engine would do, in dollars per month. Engines
// see the day-zero risk model (Spot Advisor, structure) and the default policy.
EngineCycleResult RunEnginesOn(const Snapshot& snapshot, const Policy& policy,
                               const Catalog& catalog) {
  PoolScoreTable scores = ScoreRegion(catalog, snapshot.region, {});
  return RunEngineCycle(
      {.snapshot = snapshot, .policy = policy, .catalog = catalog, .pool_scores = &scores});
}

std::string RenderSavings(const EngineCycleResult& cycle, ReportFormat format) {
  const bool markdown = format == ReportFormat::kMarkdown;
  std::string out = markdown
                        ? "\n## Savings the engines found (recommend-only)\n\n"
                        : "\nSAVINGS THE ENGINES FOUND (recommend-only, nothing was changed)\n";
  if (markdown)
    out += "| engine | recommendations | monthly savings | largest |\n|---|---|---|---|\n";
  for (const EngineSummary& s : cycle.summaries) {
    const std::string name(EngineNameString(s.engine));
    out += markdown ? fmt::format("| {} | {} | {} | {} |\n", name, s.recommendation_count,
                                  s.monthly_savings.ToString(), s.top_explanation)
                    : fmt::format("  {:<15} {:>4} recommendations  {:>14}/month  {}\n", name,
                                  s.recommendation_count, s.monthly_savings.ToString(),
                                  s.top_explanation);
  }
  // No total: the engines' recommendations are alternatives over the same nodes (a node that
  // bin-pack deletes is also one spot-optimize would move), so their sum would overstate.
  out += markdown ? "\nEngines' recommendations overlap: apply one and the next cycle re-plans.\n"
                  : "  (recommendations overlap across engines: apply one and the next cycle "
                    "re-plans)\n";
  return out;
}

// The repack what-if: today's nodes against the same pods packed from scratch, and the floor.
std::string RenderRepack(const RepackEstimate& e, ReportFormat format) {
  const bool markdown = format == ReportFormat::kMarkdown;
  std::string types;
  for (const auto& [type, count] : e.repacked_types) {
    types += fmt::format("{}{} {}", types.empty() ? "" : ", ", count, type);
  }
  const Money today = e.current_hourly.PerHourToMonthly();
  const Money repacked = e.repacked_hourly.PerHourToMonthly();
  const Money floor = e.lower_bound_hourly.PerHourToMonthly();
  const double saved_percent =
      e.current_hourly > Money() ? 100.0 * (1.0 - e.repacked_hourly.usd() / e.current_hourly.usd())
                                 : 0.0;
  const double above_floor_percent =
      e.lower_bound_hourly > Money()
          ? 100.0 * (e.repacked_hourly.usd() / e.lower_bound_hourly.usd() - 1.0)
          : 0.0;
  std::string out = markdown
                        ? "\n## The same pods packed from scratch (what-if, on-demand prices)\n\n"
                        : "\nTHE SAME PODS PACKED FROM SCRATCH (what-if, on-demand prices)\n";
  const std::string indent = markdown ? "- " : "  ";
  out += fmt::format("{}today: {} nodes, {}/month on demand\n", indent, e.current_nodes,
                     today.ToString());
  const std::string kept = e.kept_nodes > 0 ? fmt::format(" + {} kept", e.kept_nodes) : "";
  out += fmt::format("{}repacked: {} pods on {} new nodes ({}){}, {}/month, {:.1f}% less\n", indent,
                     e.pods, e.repacked_nodes - e.kept_nodes, types, kept, repacked.ToString(),
                     saved_percent);
  out += fmt::format("{}proven floor for these pods: {}/month; the plan is {:.1f}% above it\n",
                     indent, floor.ToString(), above_floor_percent);
  if (!e.pinned_pods.empty()) {
    out += fmt::format(
        "{}{} pods select labels only today's nodes carry; their {} nodes are "
        "kept (e.g. {})\n",
        indent, e.pinned_pods.size(), e.kept_nodes, e.pinned_pods.front());
  }
  return out;
}

nlohmann::json RepackJson(const RepackEstimate& e) {
  nlohmann::json types = nlohmann::json::array();
  for (const auto& [type, count] : e.repacked_types) {
    types.push_back({{"instance_type", type}, {"nodes", count}});
  }
  return {{"pods", e.pods},
          {"current_nodes", e.current_nodes},
          {"current_usd_per_month", e.current_hourly.PerHourToMonthly().ToDecimalString(2)},
          {"repacked_nodes", e.repacked_nodes},
          {"repacked_usd_per_month", e.repacked_hourly.PerHourToMonthly().ToDecimalString(2)},
          {"lower_bound_usd_per_month", e.lower_bound_hourly.PerHourToMonthly().ToDecimalString(2)},
          {"new_node_types", types},
          {"pinned_pods", e.pinned_pods},
          {"kept_nodes", e.kept_nodes},
          {"search_steps_per_pod", e.search_steps_per_pod}};
}

nlohmann::json SavingsJson(const EngineCycleResult& cycle) {
  nlohmann::json engines = nlohmann::json::array();
  for (const EngineSummary& s : cycle.summaries) {
    engines.push_back({{"engine", EngineNameString(s.engine)},
                       {"recommendations", s.recommendation_count},
                       {"monthly_savings_usd", s.monthly_savings.ToDecimalString(2)},
                       {"largest", s.top_explanation}});
  }
  return engines;
}

int RunAnalyze(const AnalyzeFlags& flags) {
  std::optional<ReportFormat> format = ParseReportFormat(flags.output);
  if (!format) {
    std::cerr << "error: -o " << flags.output << " is not one of table, json, markdown\n";
    return kExitBadInput;
  }
  Result<ClusterConnection> connection =
      LoadKubeconfig({.explicit_path = flags.kubeconfig, .context = flags.context});
  if (!connection) {
    std::cerr << "error: " << connection.error().ToString() << "\n";
    return kExitBadInput;
  }
  Result<Catalog> catalog = Catalog::Load(DefaultDataDirectory());
  if (!catalog) {
    std::cerr << "error: " << catalog.error().ToString() << "\n";
    return kExitFailure;
  }
  SystemClock clock;
  KubeClusterApi api(KubeRestClient::Create(*connection, clock));
  ClusterCache cache(api, clock, {.resources = kReportResources});
  std::cerr << "reading cluster " << connection->server << " (context "
            << (connection->context_name.empty() ? "-" : connection->context_name) << ")\n";
  Status synced = cache.Sync([](ClusterResource resource, size_t count) {
    std::cerr << "  listed " << count << " " << ClusterResourceName(resource) << "\n";
  });
  if (!synced) {
    std::cerr << "error: " << synced.error().ToString() << "\n";
    return kExitFailure;
  }
  if (!cache.metrics_available()) {
    std::cerr << "  metrics.k8s.io is not served: usage figures are omitted\n";
  }
  Snapshot snapshot = cache.snapshot();
  ClusterReport report =
      BuildClusterReport(snapshot, *catalog, {.region = flags.region, .top_workloads = flags.top});
  snapshot.region = report.region;
  const Policy policy;
  const RepackEstimate repack =
      EstimateRepack({.snapshot = snapshot, .policy = policy, .catalog = *catalog});
  EngineCycleResult cycle = RunEnginesOn(snapshot, policy, *catalog);
  std::string rendered = RenderClusterReport(report, *format);
  if (*format == ReportFormat::kJson) {
    nlohmann::json json = nlohmann::json::parse(rendered);
    json["savings"] = SavingsJson(cycle);
    json["repack"] = RepackJson(repack);
    std::cout << json.dump(2) << "\n";
  } else {
    std::cout << rendered << RenderSavings(cycle, *format) << RenderRepack(repack, *format);
  }
  return 0;
}

}  // namespace

void AddAnalyzeCommand(CLI::App& app) {
  auto flags = std::make_shared<AnalyzeFlags>();
  CLI::App* command = app.add_subcommand(
      "analyze",
      "One-shot, read-only cost report of a cluster: node costs by type, zone and "
      "capacity type, requests vs allocatable vs usage, idle cost, over-provisioned "
      "workloads");
  command->add_option("--kubeconfig", flags->kubeconfig,
                      "kubeconfig file (default: $KUBECONFIG, else ~/.kube/config)");
  command->add_option("--context", flags->context, "kubeconfig context (default: current)");
  command->add_option("--region", flags->region,
                      "AWS region for prices (default: from the nodes' labels)");
  command->add_option("-o,--output", flags->output, "table | json | markdown")
      ->capture_default_str();
  command->add_option("--top", flags->top, "how many over-provisioned workloads to show")
      ->capture_default_str();
  command->callback([flags] {
    int code = RunAnalyze(*flags);
    if (code != 0) throw CLI::RuntimeError(code);
  });
}

}  // namespace cloudoptim::cli
