// Renders a ClusterReport for people (an aligned text table, or Markdown for tickets and
// wikis) or for programs (JSON with numbers in base units and money in USD).
//
//   std::cout << RenderClusterReport(report, ReportFormat::kMarkdown);
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "report/cluster_report.h"

namespace cloudoptim {

enum class ReportFormat { kTable, kJson, kMarkdown };
// "table" | "json" | "markdown" (also "md").
std::optional<ReportFormat> ParseReportFormat(std::string_view text);

std::string RenderClusterReport(const ClusterReport& report, ReportFormat format);

}  // namespace cloudoptim
