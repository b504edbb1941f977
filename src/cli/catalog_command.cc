// `cloudoptim catalog`: the shipped AWS catalogue of one region, filtered and sorted, as a
// table, JSON or CSV. Bad input (unknown region, type, family) exits 2 with the valid choices.
#include <iostream>
#include <memory>

#include <fmt/format.h>
#include <CLI/CLI.hpp>

#include "catalog/catalog.h"
#include "catalog/catalog_query.h"
#include "cli/commands.h"
#include "cli/output_format.h"

namespace cloudoptim::cli {

namespace {

constexpr int kExitNoData = 1;

struct CatalogFlags {
  std::string region = "us-east-1";
  int32_t min_vcpu = 0;
  int32_t max_vcpu = 0;
  double min_memory_gib = 0;
  std::string arch;
  std::vector<std::string> families;
  std::string max_interruption;
  std::string type;
  std::string sort = "price";
  size_t limit = 0;
  std::string output = "table";
  // Which flags were given (CLI11 2.1 has no std::optional options).
  CLI::Option* min_vcpu_option = nullptr;
  CLI::Option* max_vcpu_option = nullptr;
  CLI::Option* min_memory_option = nullptr;
};

// "8" for whole GiB, "0.5" or "1.75" otherwise.
std::string FormatGib(int64_t memory_mib) {
  if (memory_mib % 1024 == 0) return std::to_string(memory_mib / 1024);
  std::string text = fmt::format("{:.2f}", static_cast<double>(memory_mib) / 1024.0);
  while (text.back() == '0') text.pop_back();
  if (text.back() == '.') text.pop_back();
  return text;
}

// Table shows "a b c d f" for us-east-1a..f; JSON and CSV the full zone names.
Cell ZonesCell(const std::string& region, const std::vector<std::string>& zones) {
  std::string letters;
  for (const std::string& zone : zones) {
    letters += (letters.empty() ? "" : " ") +
               (zone.starts_with(region) ? zone.substr(region.size()) : zone);
  }
  return ListCell(zones, letters);
}

// At least four decimals ("0.0960", as AWS's price pages), more when the micro-dollars need
// them ("0.03264"), so that no figure is rounded.
Cell MoneyCell(const std::optional<Money>& money) {
  if (!money) return MissingCell();
  std::string text = money->ToDecimalString(6);
  while (text.size() > text.find('.') + 5 && text.back() == '0') text.pop_back();
  return TextCell(text);
}

Table CatalogTable(const std::string& region, const std::vector<CatalogEntry>& entries) {
  Table table{.columns = {{"type", "TYPE"},
                          {"vcpus", "VCPU", ColumnKind::kNumber},
                          {"memory_gib", "MEMORY GIB", ColumnKind::kNumber},
                          {"arch", "ARCH"},
                          {"max_pods", "MAX PODS", ColumnKind::kNumber},
                          {"on_demand_usd_per_hour", "ON-DEMAND $/H", ColumnKind::kNumber},
                          {"spot_estimate_usd_per_hour", "SPOT EST. $/H", ColumnKind::kNumber},
                          {"spot_savings_percent", "SAVINGS %", ColumnKind::kNumber},
                          {"interruption_range", "INTERRUPTION"},
                          {"price_source", "PRICE"},
                          {"zones", "ZONES", ColumnKind::kList}}};
  for (const CatalogEntry& entry : entries) {
    const InstanceType& type = *entry.type;
    table.rows.push_back({
        TextCell(type.name),
        TextCell(std::to_string(type.vcpus)),
        TextCell(FormatGib(type.memory_mib)),
        TextCell(std::string(ArchitectureName(type.arch))),
        TextCell(std::to_string(type.max_pods)),
        MoneyCell(entry.on_demand_usd_per_hour),
        MoneyCell(entry.spot_estimate_usd_per_hour),
        entry.spot ? TextCell(std::to_string(entry.spot->savings_percent)) : MissingCell(),
        entry.spot ? TextCell(std::string(InterruptionRangeLabel(entry.spot->range)))
                   : MissingCell(),
        TextCell(std::string(PriceSourceName(entry.price_source))),
        ZonesCell(region, entry.zones),
    });
  }
  return table;
}

CatalogQuery QueryFromFlags(const CatalogFlags& flags) {
  CatalogQuery query;
  query.region = flags.region;
  if (*flags.min_vcpu_option) query.min_vcpus = flags.min_vcpu;
  if (*flags.max_vcpu_option) query.max_vcpus = flags.max_vcpu;
  if (*flags.min_memory_option) query.min_memory_gib = flags.min_memory_gib;
  if (!flags.arch.empty()) {
    query.arch = flags.arch == "arm64" ? Architecture::kArm64 : Architecture::kAmd64;
  }
  query.families = flags.families;
  if (!flags.max_interruption.empty()) {
    query.max_interruption = ParseInterruptionRange(flags.max_interruption);
    if (!query.max_interruption) {
      FailCommand("catalog", kExitBadInput,
                  "--max-interruption \"" + flags.max_interruption +
                      "\" is not a Spot Advisor range; use one of <5%, 5-10%, "
                      "10-15%, 15-20%, >20% (or 0..4)");
    }
  }
  if (!flags.type.empty()) query.type = flags.type;
  query.sort = *ParseCatalogSort(flags.sort);  // CLI11 checked the name
  if (flags.limit > 0) query.limit = flags.limit;
  return query;
}

void RunCatalog(const CatalogFlags& flags) {
  const std::string data_directory = DefaultDataDirectory();
  Result<Catalog> catalog = Catalog::Load(data_directory);
  if (!catalog) {
    FailCommand("catalog", kExitNoData,
                "cannot load the shipped catalogue from " + data_directory + " (set " +
                    "CLOUDOPTIM_DATA_DIR): " + catalog.error().ToString());
  }
  const CatalogQuery query = QueryFromFlags(flags);
  Result<std::vector<CatalogEntry>> entries = RunCatalogQuery(*catalog, query);
  if (!entries) FailCommand("catalog", kExitBadInput, entries.error().message);
  if (entries->empty()) {
    std::cerr << "cloudoptim catalog: no instance type in " << query.region
              << " matches these filters\n";
  }
  const bool any_price = std::any_of(entries->begin(), entries->end(), [](const auto& entry) {
    return entry.on_demand_usd_per_hour.has_value();
  });
  if (!entries->empty() && !any_price) {
    std::cerr << "note: no on-demand prices are shipped for " << query.region
              << " (AWS's public offline tables cover us-east-1, us-gov-east-1 and "
                 "us-gov-west-1). Prices for other regions come from the AWS Price List API; "
                 "cloudoptim will fetch them once the AWS client lands. Spot Advisor savings "
                 "and interruption ranges are shown.\n";
  }
  WriteTable(CatalogTable(query.region, *entries), *ParseOutputFormat(flags.output), std::cout);
}

}  // namespace

void AddCatalogCommand(CLI::App& app) {
  CLI::App* command = app.add_subcommand(
      "catalog",
      "List EC2 instance types of a region with on-demand prices, Spot Advisor savings and\n"
      "interruption ranges, EKS max pods and zones (shipped public AWS data)");
  auto flags = std::make_shared<CatalogFlags>();
  command->add_option("--region", flags->region, "AWS region")->capture_default_str();
  flags->min_vcpu_option =
      command->add_option("--min-vcpu", flags->min_vcpu, "At least this many vCPUs")
          ->check(CLI::NonNegativeNumber);
  flags->max_vcpu_option =
      command->add_option("--max-vcpu", flags->max_vcpu, "At most this many vCPUs")
          ->check(CLI::NonNegativeNumber);
  flags->min_memory_option =
      command->add_option("--min-memory-gib", flags->min_memory_gib, "At least this much memory")
          ->check(CLI::NonNegativeNumber);
  command->add_option("--arch", flags->arch, "CPU architecture")
      ->check(CLI::IsMember({"amd64", "arm64"}));
  command
      ->add_option("--family", flags->families,
                   "Instance families, repeatable or comma-separated (m5,c6g)")
      ->delimiter(',');
  command->add_option("--max-interruption", flags->max_interruption,
                      "Highest Spot Advisor interruption range: <5%, 5-10%, 10-15%, 15-20%, >20%");
  command->add_option("--type", flags->type, "Exactly this instance type (m5.large)");
  command
      ->add_option("--sort", flags->sort,
                   "Order: price, price-per-vcpu, vcpu, memory, name, savings")
      ->check(CLI::IsMember({"price", "price-per-vcpu", "vcpu", "memory", "name", "savings"}))
      ->capture_default_str();
  command->add_option("--limit", flags->limit, "Print at most N types (0: all)");
  command->add_option("-o,--output", flags->output, "Output format")
      ->check(CLI::IsMember({"table", "json", "csv"}))
      ->capture_default_str();
  command->callback([flags] { RunCatalog(*flags); });
}

}  // namespace cloudoptim::cli
