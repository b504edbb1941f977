#include "report/report_rendering.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace cloudoptim {
namespace {

std::string Cores(int64_t millis) {
  return fmt::format("{:.1f}", static_cast<double>(millis) / 1000.0);
}
std::string Gib(int64_t bytes) {
  return fmt::format("{:.1f}", static_cast<double>(bytes) / (1024.0 * 1024.0 * 1024.0));
}
std::string Percent(int64_t part, int64_t whole) {
  if (whole <= 0) return "-";
  return fmt::format("{:.0f}%", 100.0 * static_cast<double>(part) / static_cast<double>(whole));
}
std::string Hourly(const std::optional<Money>& money) {
  return money ? "$" + money->ToDecimalString(4) : "-";
}
std::string OrDash(const std::string& text) { return text.empty() ? "-" : text; }

// Rows of cells printed as an aligned text table or a Markdown table.
struct Grid {
  std::vector<std::string> header;
  std::vector<std::vector<std::string>> rows;
};

std::string RenderGrid(const Grid& grid, bool markdown) {
  std::vector<size_t> widths(grid.header.size());
  auto widen = [&](const std::vector<std::string>& row) {
    for (size_t i = 0; i < row.size(); ++i) widths[i] = std::max(widths[i], row[i].size());
  };
  widen(grid.header);
  for (const auto& row : grid.rows) widen(row);
  auto line = [&](const std::vector<std::string>& row) {
    std::string out = markdown ? "|" : "";
    for (size_t i = 0; i < row.size(); ++i) {
      std::string cell = row[i] + std::string(widths[i] - row[i].size(), ' ');
      out += markdown ? " " + cell + " |" : (i == 0 ? "" : "  ") + cell;
    }
    while (!markdown && !out.empty() && out.back() == ' ') out.pop_back();
    return out + "\n";
  };
  std::string out = line(grid.header);
  if (markdown) {
    std::string separator = "|";
    for (size_t w : widths) separator += " " + std::string(std::max<size_t>(w, 3), '-') + " |";
    out += separator + "\n";
  }
  for (const auto& row : grid.rows) out += line(row);
  return out;
}

Grid NodeGroupGrid(const ClusterReport& r) {
  Grid grid{{"INSTANCE TYPE", "ZONE", "CAPACITY", "NODES", "$/NODE/H", "$/H", "$/MONTH"}, {}};
  for (const NodeGroupLine& g : r.node_groups) {
    grid.rows.push_back({OrDash(g.instance_type), OrDash(g.zone),
                         std::string(CapacityTypeName(g.capacity)), std::to_string(g.nodes),
                         Hourly(g.price_per_node_hour), "$" + g.hourly.ToDecimalString(4),
                         g.monthly.ToString()});
  }
  grid.rows.push_back({"TOTAL", "", "", std::to_string(r.node_count), "",
                       "$" + r.hourly.ToDecimalString(4), r.monthly.ToString()});
  return grid;
}

Grid CapacityGrid(const ClusterReport& r) {
  const CapacityTotals& c = r.capacity;
  Grid grid{{"RESOURCE", "ALLOCATABLE", "REQUESTED", "REQUESTED %", "USED", "USED %"}, {}};
  grid.rows.push_back({"cpu (cores)", Cores(c.cpu_allocatable_millis),
                       Cores(c.cpu_requested_millis),
                       Percent(c.cpu_requested_millis, c.cpu_allocatable_millis),
                       c.usage_known ? Cores(c.cpu_used_millis) : "-",
                       c.usage_known ? Percent(c.cpu_used_millis, c.cpu_allocatable_millis) : "-"});
  grid.rows.push_back(
      {"memory (GiB)", Gib(c.memory_allocatable_bytes), Gib(c.memory_requested_bytes),
       Percent(c.memory_requested_bytes, c.memory_allocatable_bytes),
       c.usage_known ? Gib(c.memory_used_bytes) : "-",
       c.usage_known ? Percent(c.memory_used_bytes, c.memory_allocatable_bytes) : "-"});
  return grid;
}

Grid WorkloadGrid(const ClusterReport& r) {
  Grid grid{{"NAMESPACE", "WORKLOAD", "PODS", "CPU REQ", "CPU USED", "MEM REQ GiB", "MEM USED GiB",
             "WASTE $/MONTH"},
            {}};
  for (const WorkloadUsage& w : r.over_provisioned) {
    grid.rows.push_back({w.namespace_name, w.kind + "/" + w.name, std::to_string(w.pods),
                         Cores(w.cpu_requested_millis), Cores(w.cpu_used_millis),
                         Gib(w.memory_requested_bytes), Gib(w.memory_used_bytes),
                         w.monthly_waste.ToString()});
  }
  return grid;
}

std::string RenderText(const ClusterReport& r, bool markdown) {
  auto heading = [&](const std::string& title) {
    return markdown ? "\n## " + title + "\n\n" : "\n" + title + "\n";
  };
  std::string out = markdown ? "# Cluster cost report\n\n" : "CLUSTER COST REPORT\n";
  out += fmt::format(
      "Region {}: {} nodes, {} running pods. Cost {} per month ({} per hour); "
      "idle (unrequested) capacity {} per month.\n",
      OrDash(r.region), r.node_count, r.pod_count, r.monthly.ToString(),
      "$" + r.hourly.ToDecimalString(4), r.idle_monthly.ToString());
  out += heading("Nodes by instance type, zone and capacity type");
  out += RenderGrid(NodeGroupGrid(r), markdown);
  out += heading("Capacity: requested and used");
  out += RenderGrid(CapacityGrid(r), markdown);
  if (!r.over_provisioned.empty()) {
    out += heading("Most over-provisioned workloads (requested but unused)");
    out += RenderGrid(WorkloadGrid(r), markdown);
  }
  if (!r.notes.empty()) {
    out += heading("Notes");
    for (const std::string& note : r.notes) out += (markdown ? "- " : "  ") + note + "\n";
  }
  return out;
}

double Usd(Money money) { return money.usd(); }

std::string RenderJson(const ClusterReport& r) {
  nlohmann::json json = {{"region", r.region},
                         {"node_count", r.node_count},
                         {"pod_count", r.pod_count},
                         {"usd_per_hour", Usd(r.hourly)},
                         {"usd_per_month", Usd(r.monthly)},
                         {"idle_usd_per_hour", Usd(r.idle_hourly)},
                         {"idle_usd_per_month", Usd(r.idle_monthly)},
                         {"notes", r.notes}};
  json["node_groups"] = nlohmann::json::array();
  for (const NodeGroupLine& g : r.node_groups) {
    json["node_groups"].push_back(
        {{"instance_type", g.instance_type},
         {"zone", g.zone},
         {"capacity_type", CapacityTypeName(g.capacity)},
         {"nodes", g.nodes},
         {"usd_per_node_hour", g.price_per_node_hour ? nlohmann::json(Usd(*g.price_per_node_hour))
                                                     : nlohmann::json(nullptr)},
         {"usd_per_hour", Usd(g.hourly)},
         {"usd_per_month", Usd(g.monthly)}});
  }
  const CapacityTotals& c = r.capacity;
  json["capacity"] = {{"cpu_allocatable_millis", c.cpu_allocatable_millis},
                      {"cpu_requested_millis", c.cpu_requested_millis},
                      {"memory_allocatable_bytes", c.memory_allocatable_bytes},
                      {"memory_requested_bytes", c.memory_requested_bytes},
                      {"usage_known", c.usage_known}};
  if (c.usage_known) {
    json["capacity"]["cpu_used_millis"] = c.cpu_used_millis;
    json["capacity"]["memory_used_bytes"] = c.memory_used_bytes;
  }
  json["over_provisioned"] = nlohmann::json::array();
  for (const WorkloadUsage& w : r.over_provisioned) {
    json["over_provisioned"].push_back({{"namespace", w.namespace_name},
                                        {"kind", w.kind},
                                        {"name", w.name},
                                        {"pods", w.pods},
                                        {"cpu_requested_millis", w.cpu_requested_millis},
                                        {"cpu_used_millis", w.cpu_used_millis},
                                        {"memory_requested_bytes", w.memory_requested_bytes},
                                        {"memory_used_bytes", w.memory_used_bytes},
                                        {"waste_usd_per_month", Usd(w.monthly_waste)}});
  }
  return json.dump(2) + "\n";
}

}  // namespace

std::optional<ReportFormat> ParseReportFormat(std::string_view text) {
  if (text == "table") return ReportFormat::kTable;
  if (text == "json") return ReportFormat::kJson;
  if (text == "markdown" || text == "md") return ReportFormat::kMarkdown;
  return std::nullopt;
}

std::string RenderClusterReport(const ClusterReport& report, ReportFormat format) {
  switch (format) {
    case ReportFormat::kJson:
      return RenderJson(report);
    case ReportFormat::kMarkdown:
      return RenderText(report, true);
    case ReportFormat::kTable:
      return RenderText(report, false);
  }
  return "";
}

}  // namespace cloudoptim
