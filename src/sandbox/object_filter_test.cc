#include "sandbox/object_filter.h"

#include <gtest/gtest.h>
#include <nlohmann/json.hpp>

namespace cloudoptim::sandbox {
namespace {

using nlohmann::json;

json PodJson(json labels, const std::string& node, const std::string& phase) {
  return {{"metadata", {{"name", "p"}, {"namespace", "shop"}, {"labels", labels}}},
          {"spec", {{"nodeName", node}}},
          {"status", {{"phase", phase}}}};
}

bool Matches(const std::string& labels, const std::string& fields, const json& object) {
  auto filter = ObjectFilter::Parse(labels, fields);
  EXPECT_TRUE(filter) << filter.error().ToString();
  return filter && filter->Matches(object);
}

TEST(ObjectFilterTest, EqualityAndSetBasedLabelSelectors) {
  json pod = PodJson({{"app", "web"}, {"env", "prod"}}, "n1", "Running");
  EXPECT_TRUE(Matches("app=web", "", pod));
  EXPECT_TRUE(Matches("app==web,env!=dev", "", pod));
  EXPECT_TRUE(Matches("env in (prod, staging)", "", pod));
  EXPECT_FALSE(Matches("env notin (prod)", "", pod));
  EXPECT_TRUE(Matches("app", "", pod));
  EXPECT_FALSE(Matches("!app", "", pod));
  EXPECT_TRUE(Matches("tier!=db", "", pod));  // absent key satisfies !=
  EXPECT_FALSE(Matches("app=db", "", pod));
}

TEST(ObjectFilterTest, FieldSelectorsOnDottedPaths) {
  json pod = PodJson({}, "n1", "Running");
  EXPECT_TRUE(Matches("", "spec.nodeName=n1", pod));
  EXPECT_TRUE(Matches("", "status.phase!=Succeeded,metadata.namespace==shop", pod));
  EXPECT_FALSE(Matches("", "metadata.name=q", pod));
  EXPECT_TRUE(Matches("", "spec.nodeName!=n2", pod));
}

TEST(ObjectFilterTest, MalformedSelectorsNameTheProblem) {
  EXPECT_FALSE(ObjectFilter::Parse("env in prod", ""));
  EXPECT_FALSE(ObjectFilter::Parse("a=b,,c", ""));
  EXPECT_FALSE(ObjectFilter::Parse("", "spec.nodeName"));
  auto bad = ObjectFilter::Parse("bad key!=x", "");
  ASSERT_FALSE(bad);
  EXPECT_NE(bad.error().message.find("bad key"), std::string::npos);
}

TEST(ObjectFilterTest, StructuredSelectorsWithExpressions) {
  json labels = {{"app", "web"}, {"tier", "front"}};
  EXPECT_TRUE(SelectorMatches({{"matchLabels", {{"app", "web"}}}}, labels));
  EXPECT_FALSE(SelectorMatches({{"matchLabels", {{"app", "db"}}}}, labels));
  EXPECT_TRUE(
      SelectorMatches({{"matchExpressions",
                        {{{"key", "tier"}, {"operator", "In"}, {"values", {"front", "back"}}}}}},
                      labels));
  EXPECT_FALSE(SelectorMatches(
      {{"matchExpressions", {{{"key", "tier"}, {"operator", "DoesNotExist"}}}}}, labels));
  EXPECT_TRUE(SelectorMatches(json::object(), labels));  // empty selects everything
  EXPECT_FALSE(SelectorMatches(nullptr, labels));        // null selects nothing
}

// The text screen never rejects an object Matches would keep, and rejects what lacks the value.
TEST(ObjectFilterTest, TextScreenIsANecessaryCondition) {
  json pod = {{"metadata", {{"name", "p"}}},
              {"spec", {{"nodeName", "n1"}, {"unschedulable", true}, {"priority", 7}}}};
  std::string text = pod.dump();
  auto keeps = [&](std::string_view fields) {
    Result<ObjectFilter> f = ObjectFilter::Parse("", fields);
    EXPECT_TRUE(f);
    return f->MayMatchText(text);
  };
  EXPECT_TRUE(keeps("spec.nodeName=n1"));
  EXPECT_FALSE(keeps("spec.nodeName=n2"));
  EXPECT_TRUE(keeps("spec.unschedulable=true"));
  EXPECT_TRUE(keeps("spec.priority=7"));
  EXPECT_TRUE(keeps("spec.nodeName!=n2"));  // inequalities are not screened
  EXPECT_TRUE(keeps("spec.nodeName="));     // an empty value matches an absent field
  EXPECT_FALSE(keeps("spec.nodeName=n1,metadata.name=zz"));
}

}  // namespace
}  // namespace cloudoptim::sandbox
