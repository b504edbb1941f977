// How fast the sandbox's AWS endpoint answers at the sandbox's largest scale (5,000 instances):
// the EC2 handler's DescribeInstances (all pages), Advance over every instance, and a page of
// spot price history across every pool. Handler-level (no HTTP), release build; prints figures.
#include <chrono>
#include <cstdio>
#include <functional>

#include "catalog/shipped_catalog_test_util.h"
#include "cloudsim/ec2_query_handler.h"
#include "cloudsim/simulated_cloud.h"

namespace cloudoptim {
namespace {

double MillisOf(const std::function<void()>& work, int repeats) {
  const auto start = std::chrono::steady_clock::now();
  for (int i = 0; i < repeats; ++i) work();
  const auto elapsed = std::chrono::steady_clock::now() - start;
  return std::chrono::duration<double, std::milli>(elapsed).count() / repeats;
}

int Run() {
  const Catalog& catalog = ShippedCatalog();
  const TimePoint start = std::chrono::sys_days{std::chrono::year{2026} / 11 / 26};
  FakeClock clock(start);
  SimulatedCloud cloud({.region = "us-east-1",
                        .catalog = &catalog,
                        .seed = 1,
                        .zones = {"us-east-1a", "us-east-1b", "us-east-1c"}});
  const char* types[] = {"m5.large", "c5.xlarge", "r5.large", "m5.2xlarge", "c5.large"};
  const double launch_ms = MillisOf(
      [&] {
        for (int i = 0; i < 50; ++i) {
          (void)cloud.RunInstances(
              {.instance_type = types[i % 5],
               .zone = "us-east-1" + std::string(1, 'a' + i % 3),
               .capacity = i % 2 ? CapacityType::kSpot : CapacityType::kOnDemand,
               .count = 100},
              clock.Now());
        }
      },
      1);
  clock.Advance(std::chrono::minutes(1));
  const double advance_ms = MillisOf([&] { cloud.Advance(clock.Now()); }, 20);
  Ec2QueryHandler ec2(cloud, clock);
  size_t bytes = 0;
  const double describe_ms = MillisOf(
      [&] {
        std::string token;
        bytes = 0;
        do {
          FormParams params;
          params.Set("Action", "DescribeInstances");
          params.Set("MaxResults", "1000");
          if (!token.empty()) params.Set("NextToken", token);
          WireResponse response = ec2.Handle(params, "bench");
          bytes += response.body.size();
          const size_t at = response.body.find("<nextToken>");
          token = at == std::string::npos
                      ? ""
                      : response.body.substr(at + 11, response.body.find('<', at + 11) - at - 11);
        } while (!token.empty());
      },
      5);
  clock.Advance(std::chrono::hours(24));
  const double prices_ms = MillisOf(
      [&] {
        FormParams params;
        params.Set("Action", "DescribeSpotPriceHistory");
        params.Set("StartTime", FormatRfc3339(start));
        (void)ec2.Handle(params, "bench");
      },
      5);
  std::printf("instances                         %zu\n", cloud.Instances().size());
  std::printf("RunInstances, 5000 instances      %.1f ms\n", launch_ms);
  std::printf("Advance over 5000 instances       %.2f ms\n", advance_ms);
  std::printf("DescribeInstances, all 5 pages    %.1f ms (%.1f MB of XML)\n", describe_ms,
              bytes / 1e6);
  std::printf("DescribeSpotPriceHistory, 1 page  %.1f ms (1000 entries, every pool, 24 h)\n",
              prices_ms);
  return 0;
}

}  // namespace
}  // namespace cloudoptim

int main() { return cloudoptim::Run(); }
