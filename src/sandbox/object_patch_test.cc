#include "sandbox/object_patch.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

json Deployment() {
  return json::parse(R"({"metadata":{"name":"web","labels":{"a":"1","b":"2"}},
    "spec":{"replicas":2,"template":{"spec":{"containers":[
      {"name":"app","image":"app:1","resources":{"requests":{"cpu":"100m"}}},
      {"name":"sidecar","image":"proxy:1"}]}}}})");
}

TEST(ObjectPatchTest, MergePatchFollowsRfc7386) {
  json d = Deployment();
  ASSERT_TRUE(ApplyPatch(PatchType::kMergePatch,
                         R"({"metadata":{"labels":{"a":null,"c":"3"}},"spec":{"replicas":5}})", d));
  EXPECT_FALSE(d["metadata"]["labels"].contains("a"));
  EXPECT_EQ(d["metadata"]["labels"]["c"], "3");
  EXPECT_EQ(d["spec"]["replicas"], 5);
  // Lists are replaced whole by a merge patch.
  ASSERT_TRUE(ApplyPatch(PatchType::kMergePatch,
                         R"({"spec":{"template":{"spec":{"containers":[{"name":"only"}]}}}})", d));
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"].size(), 1u);
}

TEST(ObjectPatchTest, StrategicMergeMergesContainersByName) {
  json d = Deployment();
  ASSERT_TRUE(ApplyPatch(
      PatchType::kStrategicMerge,
      R"({"spec":{"template":{"spec":{"containers":[{"name":"app","resources":{"requests":{"memory":"256Mi"}}}]}}}})",
      d));
  const json& containers = d["spec"]["template"]["spec"]["containers"];
  ASSERT_EQ(containers.size(), 2u);
  EXPECT_EQ(containers[0]["image"], "app:1");
  EXPECT_EQ(containers[0]["resources"]["requests"]["cpu"], "100m");
  EXPECT_EQ(containers[0]["resources"]["requests"]["memory"], "256Mi");
}

TEST(ObjectPatchTest, StrategicMergeDeleteDirectiveRemovesTheElement) {
  json d = Deployment();
  ASSERT_TRUE(ApplyPatch(
      PatchType::kStrategicMerge,
      R"({"spec":{"template":{"spec":{"containers":[{"name":"sidecar","$patch":"delete"}],"$setElementOrder/containers":[{"name":"app"}]}}}})",
      d));
  EXPECT_EQ(d["spec"]["template"]["spec"]["containers"].size(), 1u);
  EXPECT_FALSE(d["spec"]["template"]["spec"].contains("$setElementOrder/containers"));
}

TEST(ObjectPatchTest, StrategicMergeOfUnschedulableAndTaints) {
  json node = {{"metadata", {{"name", "n"}}},
               {"spec", {{"taints", {{{"key", "a"}, {"effect", "NoSchedule"}}}}}}};
  ASSERT_TRUE(ApplyPatch(PatchType::kStrategicMerge, R"({"spec":{"unschedulable":true}})", node));
  EXPECT_TRUE(node["spec"]["unschedulable"]);
  // Taints have no merge key in Kubernetes' OpenAPI: the list is replaced.
  ASSERT_TRUE(ApplyPatch(PatchType::kStrategicMerge,
                         R"({"spec":{"taints":[{"key":"b","effect":"NoExecute"}]}})", node));
  ASSERT_EQ(node["spec"]["taints"].size(), 1u);
  EXPECT_EQ(node["spec"]["taints"][0]["key"], "b");
}

TEST(ObjectPatchTest, JsonPatchSupportsEveryOperation) {
  json d = Deployment();
  ASSERT_TRUE(ApplyPatch(PatchType::kJsonPatch, R"([
    {"op":"test","path":"/spec/replicas","value":2},
    {"op":"replace","path":"/spec/replicas","value":3},
    {"op":"add","path":"/metadata/labels/c","value":"3"},
    {"op":"remove","path":"/metadata/labels/a"},
    {"op":"copy","from":"/metadata/labels/b","path":"/metadata/labels/d"},
    {"op":"move","from":"/metadata/labels/c","path":"/metadata/labels/e"}])",
                         d));
  EXPECT_EQ(d["spec"]["replicas"], 3);
  EXPECT_EQ(d["metadata"]["labels"], json({{"b", "2"}, {"d", "2"}, {"e", "3"}}));
  auto failed =
      ApplyPatch(PatchType::kJsonPatch, R"([{"op":"test","path":"/spec/replicas","value":9}])", d);
  ASSERT_FALSE(failed);
  EXPECT_TRUE(IsFailedPrecondition(failed.error()));
}

TEST(ObjectPatchTest, MalformedBodiesAndUnknownTypesAreBadRequests) {
  json d = Deployment();
  EXPECT_TRUE(IsInvalidArgument(ApplyPatch(PatchType::kMergePatch, "{not json", d).error()));
  EXPECT_TRUE(IsInvalidArgument(ApplyPatch(PatchType::kJsonPatch, R"({"op":"add"})", d).error()));
  EXPECT_FALSE(PatchTypeFromContentType("text/plain"));
  EXPECT_EQ(*PatchTypeFromContentType("application/strategic-merge-patch+json; charset=utf-8"),
            PatchType::kStrategicMerge);
}

}  // namespace
}  // namespace cloudoptim::sandbox
