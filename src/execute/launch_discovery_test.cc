#include "execute/launch_discovery.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "execute/interruption_replacement.h"

namespace cloudoptim {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Pair;

// An account of a few instances and subnets; counts the calls so a test can see what was read.
class FakeInventory final : public LaunchInventory {
 public:
  void Add(std::string id, std::string zone, std::string subnet, Tags tags = {}) {
    instances_.push_back({.instance_id = std::move(id),
                          .availability_zone = std::move(zone),
                          .subnet_id = std::move(subnet),
                          .tags = std::move(tags)});
  }
  void AddSubnet(std::string id, std::string zone) {
    subnets_.push_back({.subnet_id = std::move(id), .availability_zone = std::move(zone)});
  }

  Result<std::vector<Ec2Instance>> DescribeInstances(const std::vector<std::string>& ids) override {
    ++describes;
    std::vector<Ec2Instance> found;
    for (const Ec2Instance& instance : instances_) {
      if (std::find(ids.begin(), ids.end(), instance.instance_id) != ids.end()) {
        found.push_back(instance);
      }
    }
    return found;
  }
  Result<std::vector<Ec2Instance>> InstancesFromTemplate(const std::string& id) override {
    std::vector<Ec2Instance> found;
    for (const Ec2Instance& instance : instances_) {
      auto tag = instance.tags.find(kLaunchTemplateIdTag);
      if (tag != instance.tags.end() && tag->second == id) found.push_back(instance);
    }
    return found;
  }
  Result<std::vector<aws::Subnet>> DescribeSubnets(const std::vector<std::string>& ids) override {
    std::vector<aws::Subnet> found;
    for (const std::string& id : ids) {
      auto it = std::find_if(subnets_.begin(), subnets_.end(),
                             [&](const aws::Subnet& s) { return s.subnet_id == id; });
      if (it == subnets_.end()) return NotFound("subnet " + id + " does not exist in the account");
      found.push_back(*it);
    }
    return found;
  }

  int describes = 0;

 private:
  std::vector<Ec2Instance> instances_;
  std::vector<aws::Subnet> subnets_;
};

Tags FromTemplate(const std::string& id, const std::string& version) {
  return {{std::string(kLaunchTemplateIdTag), id},
          {std::string(kLaunchTemplateVersionTag), version},
          {"eks:nodegroup-name", "general"}};
}

Node MakeNode(const std::string& name, const std::string& zone, const std::string& instance,
              bool ready = true) {
  Node node;
  node.meta.name = name;
  node.meta.labels["topology.kubernetes.io/zone"] = zone;
  node.provider_id = instance.empty() ? "" : "aws:///" + zone + "/" + instance;
  node.conditions = {{.type = "Ready", .status = ready ? "True" : "False"}};
  return node;
}

TEST(LaunchDiscoveryTest, AReplacementUsesTheTemplateAndVersionOfTheNodeItReplaces) {
  FakeInventory account;
  account.Add("i-1", "us-east-1a", "subnet-a", FromTemplate("lt-general", "7"));
  account.Add("i-2", "us-east-1b", "subnet-b", FromTemplate("lt-general", "7"));
  account.Add("i-9", "us-east-1a", "subnet-gpu-a", FromTemplate("lt-gpu", "2"));
  Result<LaunchBlueprint> blueprint =
      DiscoverLaunchBlueprint(account, {}, {.node_name = "n1", .instance_id = "i-1"});
  ASSERT_TRUE(blueprint) << blueprint.error().ToString();
  EXPECT_EQ(blueprint->launch_template_id, "lt-general");
  EXPECT_EQ(blueprint->launch_template_name, "");
  EXPECT_EQ(blueprint->launch_template_version, "7");
  // Its own subnet and its group's siblings' — never the GPU group's.
  EXPECT_THAT(blueprint->subnet_by_zone,
              ElementsAre(Pair("us-east-1a", "subnet-a"), Pair("us-east-1b", "subnet-b")));
  EXPECT_THAT(blueprint->source, HasSubstr("n1"));
}

TEST(LaunchDiscoveryTest, ZonesTheGroupDoesNotRunInTakeTheSubnetOfAnotherNodeOfTheCluster) {
  FakeInventory account;
  account.Add("i-1", "us-east-1a", "subnet-a", FromTemplate("lt-general", "1"));
  account.Add("i-5", "us-east-1c", "subnet-c", FromTemplate("lt-system", "1"));
  Result<LaunchBlueprint> blueprint =
      DiscoverLaunchBlueprint(account, {},
                              {.node_name = "n1",
                               .instance_id = "i-1",
                               .peers_by_zone = {{"us-east-1a", "i-1"}, {"us-east-1c", "i-5"}}});
  ASSERT_TRUE(blueprint) << blueprint.error().ToString();
  EXPECT_EQ(blueprint->launch_template_id, "lt-general");
  EXPECT_THAT(blueprint->subnet_by_zone,
              ElementsAre(Pair("us-east-1a", "subnet-a"), Pair("us-east-1c", "subnet-c")));
}

TEST(LaunchDiscoveryTest, AnInstanceNotLaunchedFromATemplateIsAClearErrorNamingTheNode) {
  FakeInventory account;
  account.Add("i-1", "us-east-1a", "subnet-a", {{"Name", "hand-made"}});
  Result<LaunchBlueprint> blueprint =
      DiscoverLaunchBlueprint(account, {}, {.node_name = "n1", .instance_id = "i-1"});
  ASSERT_FALSE(blueprint);
  EXPECT_TRUE(IsFailedPrecondition(blueprint.error()));
  EXPECT_THAT(blueprint.error().message, HasSubstr("node n1 (i-1)"));
  EXPECT_THAT(blueprint.error().message, HasSubstr("aws:ec2launchtemplate:id"));
  EXPECT_THAT(blueprint.error().message, HasSubstr("launch_template"));
}

TEST(LaunchDiscoveryTest, AnInstanceThatIsGoneOrANodeWithoutProviderIdIsAClearError) {
  FakeInventory account;
  Result<LaunchBlueprint> gone =
      DiscoverLaunchBlueprint(account, {}, {.node_name = "n1", .instance_id = "i-gone"});
  ASSERT_FALSE(gone);
  EXPECT_THAT(gone.error().message, HasSubstr("not in the account"));
  Result<LaunchBlueprint> no_id = DiscoverLaunchBlueprint(account, {}, {.node_name = "n2"});
  ASSERT_FALSE(no_id);
  EXPECT_THAT(no_id.error().message, HasSubstr("node n2"));
  EXPECT_THAT(no_id.error().message, HasSubstr("providerID"));
  EXPECT_EQ(account.describes, 1);  // nothing to describe for n2
}

TEST(LaunchDiscoveryTest, TheClustersSettingsOverrideTemplateAndSubnets) {
  FakeInventory account;
  account.Add("i-1", "us-east-1a", "subnet-a", FromTemplate("lt-general", "7"));
  account.AddSubnet("subnet-x", "us-east-1b");
  account.AddSubnet("subnet-y", "us-east-1c");
  Result<LaunchBlueprint> blueprint = DiscoverLaunchBlueprint(
      account, {.launch_template = "workers", .subnet_ids = {"subnet-x", "subnet-y"}},
      {.node_name = "n1", .instance_id = "i-1"});
  ASSERT_TRUE(blueprint) << blueprint.error().ToString();
  EXPECT_EQ(blueprint->launch_template_id, "");
  EXPECT_EQ(blueprint->launch_template_name, "workers");
  EXPECT_EQ(blueprint->launch_template_version, "$Default");
  EXPECT_THAT(blueprint->subnet_by_zone,
              ElementsAre(Pair("us-east-1b", "subnet-x"), Pair("us-east-1c", "subnet-y")));
  EXPECT_EQ(blueprint->source, "cluster settings");

  Result<LaunchBlueprint> unknown = DiscoverLaunchBlueprint(
      account, {.subnet_ids = {"subnet-nope"}}, {.node_name = "n1", .instance_id = "i-1"});
  ASSERT_FALSE(unknown);
  EXPECT_THAT(unknown.error().message, HasSubstr("subnet-nope"));
}

TEST(LaunchDiscoveryTest, AnOverriddenTemplateNeedsNoInstanceButStillFindsSubnets) {
  FakeInventory account;
  account.Add("i-2", "us-east-1b", "subnet-b");
  Result<LaunchBlueprint> blueprint = DiscoverLaunchBlueprint(
      account, {.launch_template = "lt-0abc"},
      {.node_name = "n1", .instance_id = "i-gone", .peers_by_zone = {{"us-east-1b", "i-2"}}});
  ASSERT_TRUE(blueprint) << blueprint.error().ToString();
  EXPECT_EQ(blueprint->launch_template_id, "lt-0abc");
  EXPECT_THAT(blueprint->subnet_by_zone, ElementsAre(Pair("us-east-1b", "subnet-b")));
}

TEST(LaunchDiscoveryTest, TheModelIsTheNamedNodeOrAReadyNodeOfTheZone) {
  std::vector<Node> nodes = {MakeNode("b", "us-east-1b", "i-b"), MakeNode("a", "us-east-1a", "i-a"),
                             MakeNode("c", "us-east-1c", "i-c", /*ready=*/false),
                             MakeNode("x", "us-east-1a", "")};
  Result<LaunchModel> named = LaunchModelFromNodes(nodes, "b");
  ASSERT_TRUE(named);
  EXPECT_EQ(named->instance_id, "i-b");
  EXPECT_THAT(
      named->peers_by_zone,
      ElementsAre(Pair("us-east-1a", "i-a"), Pair("us-east-1b", "i-b"), Pair("us-east-1c", "i-c")));
  Result<LaunchModel> in_zone = LaunchModelFromNodes(nodes, "", "us-east-1b");
  ASSERT_TRUE(in_zone);
  EXPECT_EQ(in_zone->node_name, "b");
  Result<LaunchModel> any = LaunchModelFromNodes(nodes, "", "us-east-1c");  // c is not Ready
  ASSERT_TRUE(any);
  EXPECT_EQ(any->node_name, "a");
  EXPECT_FALSE(LaunchModelFromNodes(nodes, "missing"));
  Result<LaunchModel> no_instance = LaunchModelFromNodes(nodes, "x");
  ASSERT_FALSE(no_instance);
  EXPECT_THAT(no_instance.error().message, HasSubstr("providerID"));
}

TEST(LaunchDiscoveryTest, TheFleetTakesOnlyPoolsInZonesWithASubnetOrSaysWhichZonesLackOne) {
  LaunchBlueprint blueprint{.launch_template_id = "lt-general",
                            .launch_template_version = "7",
                            .subnet_by_zone = {{"us-east-1b", "subnet-b"}}};
  ReplacementRequest request{
      .cluster_id = "c1",
      .node_name = "n1",
      .instance_id = "i-1",
      .pools = {{.instance_type = "m5.large", .availability_zone = "us-east-1c"},
                {.instance_type = "m5a.large", .availability_zone = "us-east-1b"}},
      .client_token = "co-1"};
  Result<aws::FleetRequest> fleet = ReplacementFleet(request, blueprint);
  ASSERT_TRUE(fleet) << fleet.error().ToString();
  EXPECT_EQ(fleet->launch_template_id, "lt-general");
  EXPECT_EQ(fleet->launch_template_version, "7");
  ASSERT_EQ(fleet->overrides.size(), 1u);
  EXPECT_EQ(fleet->overrides[0].instance_type, "m5a.large");
  EXPECT_EQ(fleet->overrides[0].subnet_id, "subnet-b");
  EXPECT_EQ(fleet->client_token, "co-1");

  request.pools.pop_back();
  Result<aws::FleetRequest> none = ReplacementFleet(request, blueprint);
  ASSERT_FALSE(none);
  EXPECT_THAT(none.error().message, HasSubstr("us-east-1c"));
  EXPECT_THAT(none.error().message, HasSubstr("n1"));
  EXPECT_THAT(LaunchModel{}.peers_by_zone, IsEmpty());
}

}  // namespace
}  // namespace cloudoptim
