#include "sandbox/table_printer.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;
using std::chrono::hours;
using std::chrono::minutes;
using std::chrono::seconds;

TEST(TablePrinterTest, HumanDurationMatchesKubernetes) {
  EXPECT_EQ(HumanDuration(seconds(45)), "45s");
  EXPECT_EQ(HumanDuration(seconds(310)), "5m10s");
  EXPECT_EQ(HumanDuration(minutes(30)), "30m");
  EXPECT_EQ(HumanDuration(hours(3) + minutes(5)), "3h5m");
  EXPECT_EQ(HumanDuration(hours(30)), "30h");
  EXPECT_EQ(HumanDuration(hours(24 * 3 + 4)), "3d4h");
  EXPECT_EQ(HumanDuration(hours(24 * 40)), "40d");
}

TEST(TablePrinterTest, NodesHaveStatusRolesAndWideColumns) {
  TimePoint now = std::chrono::system_clock::now();
  json node = {{"metadata",
                {{"name", "n1"},
                 {"creationTimestamp", FormatRfc3339(now - hours(5))},
                 {"labels", {{"node-role.kubernetes.io/system", ""}}}}},
               {"spec", {{"unschedulable", true}}},
               {"status",
                {{"conditions", {{{"type", "Ready"}, {"status", "True"}}}},
                 {"addresses", {{{"type", "InternalIP"}, {"address", "10.0.0.4"}}}},
                 {"nodeInfo", {{"kubeletVersion", "v1.32.0"}}}}}};
  json table = RenderTable("nodes", {node}, now);
  EXPECT_EQ(table["kind"], "Table");
  EXPECT_EQ(table["columnDefinitions"][1]["name"], "Status");
  EXPECT_EQ(table["columnDefinitions"][5]["priority"], 1);
  const json& cells = table["rows"][0]["cells"];
  EXPECT_EQ(cells[0], "n1");
  EXPECT_EQ(cells[1], "Ready,SchedulingDisabled");
  EXPECT_EQ(cells[2], "system");
  EXPECT_EQ(cells[3], "5h");
  EXPECT_EQ(cells[5], "10.0.0.4");
  EXPECT_EQ(table["rows"][0]["object"]["kind"], "PartialObjectMetadata");
}

TEST(TablePrinterTest, PodsShowReadyStatusAndRestartsWithLastTermination) {
  TimePoint now = std::chrono::system_clock::now();
  json pod = {
      {"metadata", {{"name", "p"}, {"creationTimestamp", FormatRfc3339(now - minutes(20))}}},
      {"spec", {{"containers", {{{"name", "a"}}, {{"name", "b"}}}}, {"nodeName", "n1"}}},
      {"status",
       {{"phase", "Running"},
        {"podIP", "10.1.0.2"},
        {"containerStatuses",
         {{{"name", "a"},
           {"ready", true},
           {"restartCount", 2},
           {"lastState",
            {{"terminated",
              {{"reason", "OOMKilled"}, {"finishedAt", FormatRfc3339(now - minutes(4))}}}}}},
          {{"name", "b"},
           {"ready", false},
           {"restartCount", 0},
           {"state", {{"waiting", {{"reason", "CrashLoopBackOff"}}}}}}}}}}};
  const json cells = RenderTable("pods", {pod}, now)["rows"][0]["cells"];
  EXPECT_EQ(cells[1], "1/2");
  EXPECT_EQ(cells[2], "CrashLoopBackOff");
  EXPECT_EQ(cells[3], "2 (4m ago)");
  EXPECT_EQ(cells[5], "10.1.0.2");
  EXPECT_EQ(cells[6], "n1");
}

TEST(TablePrinterTest, DeploymentsAndTheGenericFallback) {
  TimePoint now = std::chrono::system_clock::now();
  json d = {{"metadata", {{"name", "web"}, {"creationTimestamp", FormatRfc3339(now)}}},
            {"spec", {{"replicas", 3}}},
            {"status", {{"readyReplicas", 2}, {"updatedReplicas", 3}, {"availableReplicas", 2}}}};
  const json cells = RenderTable("deployments", {d}, now)["rows"][0]["cells"];
  EXPECT_EQ(cells[1], "2/3");
  EXPECT_EQ(cells[2], 3);
  json generic = RenderTable("configmaps", {d}, now);
  EXPECT_EQ(generic["columnDefinitions"].size(), 2u);
  EXPECT_EQ(generic["columnDefinitions"][1]["name"], "Age");
}

}  // namespace
}  // namespace cloudoptim::sandbox
