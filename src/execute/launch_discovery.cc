#include "execute/launch_discovery.h"

#include <algorithm>
#include <optional>

namespace cloudoptim {

Result<std::vector<Ec2Instance>> Ec2LaunchInventory::DescribeInstances(
    const std::vector<std::string>& ids) {
  if (ids.empty()) return std::vector<Ec2Instance>{};
  // A filter rather than InstanceId.N: EC2 fails the whole call for one unknown id.
  return ec2_.DescribeInstances({{"instance-id", ids}});
}

Result<std::vector<Ec2Instance>> Ec2LaunchInventory::InstancesFromTemplate(
    const std::string& launch_template_id) {
  return ec2_.DescribeInstances({{"tag:" + std::string(kLaunchTemplateIdTag), {launch_template_id}},
                                 {"instance-state-name", {"pending", "running"}}});
}

Result<std::vector<aws::Subnet>> Ec2LaunchInventory::DescribeSubnets(
    const std::vector<std::string>& ids) {
  CO_ASSIGN_OR_RETURN(std::vector<aws::Subnet> subnets, ec2_.DescribeSubnets({{"subnet-id", ids}}));
  for (const std::string& id : ids) {
    if (std::none_of(subnets.begin(), subnets.end(),
                     [&](const aws::Subnet& s) { return s.subnet_id == id; })) {
      return NotFound("subnet " + id + " does not exist in the account");
    }
  }
  return subnets;
}

Result<LaunchModel> LaunchModelFromNodes(const std::vector<Node>& nodes,
                                         const std::string& node_name, const std::string& zone) {
  std::vector<const Node*> sorted;
  for (const Node& node : nodes) sorted.push_back(&node);
  std::sort(sorted.begin(), sorted.end(),
            [](const Node* a, const Node* b) { return a->meta.name < b->meta.name; });
  const Node* model = nullptr;
  for (const Node* node : sorted) {
    if (!node_name.empty()) {
      if (node->meta.name == node_name) model = node;
    } else if (node->IsReady() && !node->InstanceId().empty()) {
      if (model == nullptr || (model->Zone() != zone && node->Zone() == zone)) model = node;
    }
  }
  if (model == nullptr) {
    return NotFound(node_name.empty() ? "no Ready node with an EC2 instance to launch like"
                                      : "node " + node_name + " not found");
  }
  LaunchModel launch{.node_name = model->meta.name, .instance_id = model->InstanceId()};
  if (launch.instance_id.empty()) {
    return NotFound("node " + model->meta.name + " has no EC2 providerID (aws:///zone/i-...)");
  }
  for (const Node* node : sorted) {
    const std::string node_zone = node->Zone();
    const std::string id = node->InstanceId();
    if (node_zone.empty() || id.empty()) continue;
    launch.peers_by_zone.emplace(node_zone, id);
  }
  return launch;
}

namespace {

std::string Describe(const LaunchModel& model) {
  return "node " + model.node_name + " (" + model.instance_id + ")";
}

// Adds the subnet of every instance whose zone has none yet; in id order, so the choice does
// not depend on the order EC2 lists them in.
void AddSubnets(std::vector<Ec2Instance> instances, std::map<std::string, std::string>& by_zone) {
  std::sort(instances.begin(), instances.end(), [](const Ec2Instance& a, const Ec2Instance& b) {
    return a.instance_id < b.instance_id;
  });
  for (const Ec2Instance& instance : instances) {
    if (instance.availability_zone.empty() || instance.subnet_id.empty()) continue;
    by_zone.emplace(instance.availability_zone, instance.subnet_id);
  }
}

Status SubnetsFromOverrides(LaunchInventory& inventory, const LaunchOverrides& overrides,
                            LaunchBlueprint& blueprint) {
  CO_ASSIGN_OR_RETURN(std::vector<aws::Subnet> subnets,
                      inventory.DescribeSubnets(overrides.subnet_ids));
  // The order the cluster's settings list them in decides which one a zone gets.
  for (const std::string& id : overrides.subnet_ids) {
    for (const aws::Subnet& subnet : subnets) {
      if (subnet.subnet_id == id) blueprint.subnet_by_zone.emplace(subnet.availability_zone, id);
    }
  }
  return Ok();
}

}  // namespace

// Why the model instance and not "any node": a cluster has several node groups (GPU, ARM,
// tainted system pools) whose templates differ in AMI, user data and labels; a replacement
// must join the group of the node it replaces, or its pods may not fit there at all.
Result<LaunchBlueprint> DiscoverLaunchBlueprint(LaunchInventory& inventory,
                                                const LaunchOverrides& overrides,
                                                const LaunchModel& model) {
  LaunchBlueprint blueprint;
  std::optional<Ec2Instance> instance;
  if (!model.instance_id.empty()) {
    CO_ASSIGN_OR_RETURN(std::vector<Ec2Instance> found,
                        inventory.DescribeInstances({model.instance_id}));
    if (!found.empty()) instance = found.front();
  }
  if (overrides.launch_template.empty() && model.instance_id.empty()) {
    return FailedPrecondition(
        model.node_name.empty()
            ? "no node to launch like (no Ready node with an EC2 providerID); set "
              "launch_template for the cluster"
            : "cannot launch a node like node " + model.node_name +
                  ": it has no EC2 providerID (aws:///<zone>/i-...); set launch_template for the "
                  "cluster");
  }
  if (!overrides.launch_template.empty()) {
    if (overrides.launch_template.starts_with("lt-")) {
      blueprint.launch_template_id = overrides.launch_template;
    } else {
      blueprint.launch_template_name = overrides.launch_template;
    }
    blueprint.source = "cluster settings";
  } else if (!instance) {
    return FailedPrecondition(
        "cannot launch a node like " + Describe(model) +
        ": the instance is not in the account any more (or the node has no providerID); set "
        "launch_template for the cluster");
  } else {
    auto id = instance->tags.find(kLaunchTemplateIdTag);
    if (id == instance->tags.end() || id->second.empty()) {
      return FailedPrecondition("cannot launch a node like " + Describe(model) +
                                ": the instance has no " + std::string(kLaunchTemplateIdTag) +
                                " tag (it was not launched from a launch template); set "
                                "launch_template for the cluster");
    }
    blueprint.launch_template_id = id->second;
    auto version = instance->tags.find(kLaunchTemplateVersionTag);
    if (version != instance->tags.end() && !version->second.empty()) {
      blueprint.launch_template_version = version->second;
    }
    blueprint.source = Describe(model);
  }

  if (!overrides.subnet_ids.empty()) {
    CO_RETURN_IF_ERROR(SubnetsFromOverrides(inventory, overrides, blueprint));
    return blueprint;
  }
  if (instance) AddSubnets({*instance}, blueprint.subnet_by_zone);
  if (!blueprint.launch_template_id.empty()) {
    CO_ASSIGN_OR_RETURN(std::vector<Ec2Instance> siblings,
                        inventory.InstancesFromTemplate(blueprint.launch_template_id));
    AddSubnets(std::move(siblings), blueprint.subnet_by_zone);
  }
  std::vector<std::string> peers;
  for (const auto& [zone, peer] : model.peers_by_zone) {
    if (!blueprint.subnet_by_zone.contains(zone) && !peer.empty()) peers.push_back(peer);
  }
  if (!peers.empty()) {
    CO_ASSIGN_OR_RETURN(std::vector<Ec2Instance> found, inventory.DescribeInstances(peers));
    AddSubnets(std::move(found), blueprint.subnet_by_zone);
  }
  if (blueprint.subnet_by_zone.empty()) {
    return FailedPrecondition("cannot launch a node like " + Describe(model) +
                              ": no subnet found (none of the cluster's instances could be "
                              "described); set subnet_ids for the cluster");
  }
  return blueprint;
}

}  // namespace cloudoptim
