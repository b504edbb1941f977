#include "report/cluster_report.h"

#include <gtest/gtest.h>

#include "report/report_rendering.h"

namespace cloudoptim {
namespace {

Node MakeNode(std::string name, std::string type, std::string zone, bool spot) {
  Node node;
  node.meta.name = std::move(name);
  node.meta.labels[std::string(labels::kInstanceType)] = std::move(type);
  node.meta.labels[std::string(labels::kZone)] = std::move(zone);
  if (spot) node.meta.labels[std::string(labels::kKarpenterCapacityType)] = "spot";
  node.allocatable = {.cpu_millis = 2000, .memory_bytes = 8ll << 30, .pods = 29};
  return node;
}

Pod MakePod(std::string name, std::string node, std::string owner_kind, std::string owner,
            int64_t cpu_millis, int64_t memory_bytes) {
  Pod pod;
  pod.meta.name = std::move(name);
  pod.meta.namespace_name = "shop";
  pod.meta.owner_references.push_back(
      {.kind = std::move(owner_kind), .name = std::move(owner), .controller = true});
  pod.node_name = std::move(node);
  pod.phase = PodPhase::kRunning;
  pod.containers.push_back(
      {.name = "app",
       .resources = {.requests = {.cpu_millis = cpu_millis, .memory_bytes = memory_bytes}}});
  return pod;
}

class ClusterReportTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    Result<Catalog> loaded = Catalog::Load(DefaultDataDirectory());
    ASSERT_TRUE(loaded.has_value()) << loaded.error().ToString();
    catalog_ = new Catalog(std::move(*loaded));
  }
  static void TearDownTestSuite() { delete catalog_; }

  ClusterReportTest() {
    snapshot_.nodes = {MakeNode("n1", "m5.large", "us-east-1a", false),
                       MakeNode("n2", "m5.large", "us-east-1a", false),
                       MakeNode("n3", "m5.large", "us-east-1b", true)};
    // web: a Deployment through its ReplicaSet, 2 pods of 500m / 1 GiB, using little.
    Workload rs{.kind = WorkloadKind::kReplicaSet};
    rs.meta.name = "web-7d";
    rs.meta.namespace_name = "shop";
    rs.meta.owner_references.push_back({.kind = "Deployment", .name = "web", .controller = true});
    snapshot_.workloads.push_back(rs);
    snapshot_.pods = {MakePod("web-7d-a", "n1", "ReplicaSet", "web-7d", 500, 1ll << 30),
                      MakePod("web-7d-b", "n1", "ReplicaSet", "web-7d", 500, 1ll << 30),
                      MakePod("db-0", "n3", "StatefulSet", "db", 1000, 4ll << 30)};
    Pod finished = MakePod("job-x", "n2", "Job", "x", 2000, 1ll << 30);
    finished.phase = PodPhase::kSucceeded;
    snapshot_.pods.push_back(finished);
  }

  static Catalog* catalog_;
  Snapshot snapshot_;
};
Catalog* ClusterReportTest::catalog_ = nullptr;

TEST_F(ClusterReportTest, PricesNodeGroupsFromTheCatalogue) {
  ClusterReport r = BuildClusterReport(snapshot_, *catalog_, {});
  EXPECT_EQ(r.region, "us-east-1");  // from the zones
  EXPECT_EQ(r.node_count, 3);
  EXPECT_EQ(r.pod_count, 3);  // the finished job pod does not count
  Money on_demand = *catalog_->OnDemandPrice("us-east-1", "m5.large");
  Money spot = *catalog_->SpotPriceEstimate("us-east-1", "m5.large");
  EXPECT_EQ(on_demand, Money::FromUsd(0.096));
  ASSERT_EQ(r.node_groups.size(), 2u);
  EXPECT_EQ(r.node_groups[0].nodes, 2);  // most expensive group first
  EXPECT_EQ(r.node_groups[0].hourly, on_demand * 2);
  EXPECT_EQ(r.node_groups[1].capacity, CapacityType::kSpot);
  EXPECT_EQ(r.node_groups[1].hourly, spot);
  EXPECT_EQ(r.hourly, on_demand * 2 + spot);
  EXPECT_EQ(r.monthly, (on_demand * 2 + spot).PerHourToMonthly());
}

TEST_F(ClusterReportTest, RequestsAndIdleCost) {
  ClusterReport r = BuildClusterReport(snapshot_, *catalog_, {});
  EXPECT_EQ(r.capacity.cpu_allocatable_millis, 6000);
  EXPECT_EQ(r.capacity.cpu_requested_millis, 2000);
  EXPECT_EQ(r.capacity.memory_requested_bytes, 6ll << 30);
  EXPECT_FALSE(r.capacity.usage_known);
  Money on_demand = *catalog_->OnDemandPrice("us-east-1", "m5.large");
  Money spot = *catalog_->SpotPriceEstimate("us-east-1", "m5.large");
  // n1: cpu 1000/2000, memory 2/8 GiB -> idle share 0.5*0.5 + 0.5*0.75 = 0.625
  // n2: empty -> 1.0; n3: cpu 1000/2000, memory 4/8 -> 0.5
  Money expected = on_demand.Scaled(0.625) + on_demand + spot.Scaled(0.5);
  EXPECT_EQ(r.idle_hourly, expected);
  EXPECT_TRUE(r.over_provisioned.empty());  // no metrics
  EXPECT_FALSE(r.notes.empty());
}

TEST_F(ClusterReportTest, OverProvisionedWorkloadsRankedByWaste) {
  snapshot_.node_usage = {{.node_name = "n1", .cpu_millis = 300, .memory_bytes = 1ll << 30}};
  snapshot_.pod_usage = {
      {.namespace_name = "shop", .pod_name = "web-7d-a", .containers = {{"app", 50, 100ll << 20}}},
      {.namespace_name = "shop", .pod_name = "web-7d-b", .containers = {{"app", 50, 100ll << 20}}},
      {.namespace_name = "shop", .pod_name = "db-0", .containers = {{"app", 900, 4ll << 30}}}};
  ClusterReport r = BuildClusterReport(snapshot_, *catalog_, {.region = "us-east-1"});
  EXPECT_TRUE(r.capacity.usage_known);
  EXPECT_EQ(r.capacity.cpu_used_millis, 300);
  ASSERT_EQ(r.over_provisioned.size(), 2u);
  const WorkloadUsage& web = r.over_provisioned[0];
  EXPECT_EQ(web.kind, "Deployment");  // rolled up from the ReplicaSet
  EXPECT_EQ(web.name, "web");
  EXPECT_EQ(web.pods, 2);
  EXPECT_EQ(web.cpu_requested_millis, 1000);
  EXPECT_EQ(web.cpu_used_millis, 100);
  EXPECT_EQ(r.over_provisioned[1].name, "db");
  EXPECT_GT(web.monthly_waste, r.over_provisioned[1].monthly_waste);
}

TEST_F(ClusterReportTest, UnknownTypeIsANoteNotACost) {
  snapshot_.nodes.push_back(MakeNode("n4", "x9.imaginary", "us-east-1a", false));
  ClusterReport r = BuildClusterReport(snapshot_, *catalog_, {});
  bool noted = false;
  for (const std::string& note : r.notes)
    noted = noted || note.find("x9.imaginary") != std::string::npos;
  EXPECT_TRUE(noted);
  EXPECT_EQ(r.node_count, 4);
}

TEST_F(ClusterReportTest, RendersTableMarkdownAndJson) {
  ClusterReport r = BuildClusterReport(snapshot_, *catalog_, {});
  std::string table = RenderClusterReport(r, ReportFormat::kTable);
  EXPECT_NE(table.find("m5.large"), std::string::npos);
  EXPECT_NE(table.find("TOTAL"), std::string::npos);
  std::string markdown = RenderClusterReport(r, ReportFormat::kMarkdown);
  EXPECT_NE(markdown.find("| INSTANCE TYPE"), std::string::npos);
  EXPECT_NE(markdown.find("## Capacity"), std::string::npos);
  std::string json = RenderClusterReport(r, ReportFormat::kJson);
  EXPECT_NE(json.find("\"node_count\": 3"), std::string::npos);
  EXPECT_EQ(ParseReportFormat("md"), ReportFormat::kMarkdown);
  EXPECT_FALSE(ParseReportFormat("yaml").has_value());
}

}  // namespace
}  // namespace cloudoptim
