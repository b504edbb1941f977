// How to launch a node like an existing one, found in the customer's account with nothing to
// configure: EC2 tags every instance launched from a launch template (RunInstances, fleets,
// Auto Scaling groups — so EKS managed node groups and Karpenter nodes) with
// aws:ec2launchtemplate:id and :version, and the template holds the AMI, security groups,
// instance profile and the user data that joins the cluster. A replacement for node N uses N's
// template and version (same node group), with instance type and subnet as overrides; the
// subnet of a zone is one the node group (or else the cluster) already runs in there.
//
//   Ec2LaunchInventory inventory(ec2);
//   CO_ASSIGN_OR_RETURN(LaunchBlueprint blueprint,
//                       DiscoverLaunchBlueprint(inventory, {}, {.node_name = "ip-10-0-1-2",
//                                               .instance_id = "i-0abc",
//                                               .peers_by_zone = {{"us-east-1b", "i-0def"}}}));
//   fleet.launch_template_id = blueprint.launch_template_id;   // + blueprint.subnet_by_zone
#pragma once

#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "aws/ec2_client.h"
#include "common/error.h"
#include "execute/cloud_actions.h"
#include "model/cloud.h"
#include "model/node.h"

namespace cloudoptim {

inline constexpr std::string_view kLaunchTemplateIdTag = "aws:ec2launchtemplate:id";
inline constexpr std::string_view kLaunchTemplateVersionTag = "aws:ec2launchtemplate:version";

// A cluster's optional settings (onboarding): empty fields are discovered.
struct LaunchOverrides {
  std::string launch_template;          // "lt-..." id, or a launch template name
  std::vector<std::string> subnet_ids;  // at most one per zone is used
};

// Everything a launch needs besides instance type, capacity and count.
struct LaunchBlueprint {
  std::string launch_template_id;    // one of id and name is set
  std::string launch_template_name;  // (a name only when the override names one)
  std::string launch_template_version = "$Default";
  std::map<std::string, std::string> subnet_by_zone;  // zone -> subnet id
  std::string source;  // "node ip-10-0-1-2 (i-0abc)" or "cluster settings"
};

// The model for launching like node `node_name` (NotFound naming it when it is not among
// `nodes` or has no providerID) or, when `node_name` is empty, like a Ready node — of `zone`
// when there is one — for launches that replace no node. Peers: the first node of each other
// zone, in name order.
Result<LaunchModel> LaunchModelFromNodes(const std::vector<Node>& nodes,
                                         const std::string& node_name,
                                         const std::string& zone = "");

// The EC2 reads discovery needs, small enough to fake.
class LaunchInventory {
 public:
  virtual ~LaunchInventory() = default;
  // Instances by id; unknown ids are left out.
  virtual Result<std::vector<Ec2Instance>> DescribeInstances(
      const std::vector<std::string>& ids) = 0;
  // Live instances launched from template `launch_template_id` (its node group's siblings).
  virtual Result<std::vector<Ec2Instance>> InstancesFromTemplate(
      const std::string& launch_template_id) = 0;
  // NotFound naming the id when a subnet does not exist.
  virtual Result<std::vector<aws::Subnet>> DescribeSubnets(const std::vector<std::string>& ids) = 0;
};

class Ec2LaunchInventory final : public LaunchInventory {
 public:
  explicit Ec2LaunchInventory(aws::Ec2Client& ec2) : ec2_(ec2) {}
  Result<std::vector<Ec2Instance>> DescribeInstances(const std::vector<std::string>& ids) override;
  Result<std::vector<Ec2Instance>> InstancesFromTemplate(
      const std::string& launch_template_id) override;
  Result<std::vector<aws::Subnet>> DescribeSubnets(const std::vector<std::string>& ids) override;

 private:
  aws::Ec2Client& ec2_;
};

// The template: the override, else the model instance's tags. The subnets: the overrides'
// (by their zones), else the model instance's own, its template's siblings', then the peers'
// for zones still missing. FailedPrecondition naming the node and what is missing when the
// instance is gone or was not launched from a launch template and no override names one, or
// when no subnet is found at all; EC2 errors as returned.
Result<LaunchBlueprint> DiscoverLaunchBlueprint(LaunchInventory& inventory,
                                                const LaunchOverrides& overrides,
                                                const LaunchModel& model);

}  // namespace cloudoptim
