// CreateLaunchTemplate and DescribeLaunchTemplates: enough for an EKS-like node group (a
// template whose instances carry the group's tags) and for CloudOptim to check that the
// template a node was launched from exists.
#include <algorithm>

#include "cloudsim/ec2_filters.h"
#include "cloudsim/ec2_query_handler.h"

namespace cloudoptim {
namespace {

void WriteLaunchTemplate(XmlWriter& xml, const SimulatedLaunchTemplate& launch_template,
                         const std::string& account_id) {
  xml.Leaf("createTime", FormatRfc3339(launch_template.create_time));
  xml.Leaf("createdBy", "arn:aws:iam::" + account_id + ":root");
  xml.Leaf("defaultVersionNumber", launch_template.default_version);
  xml.Leaf("latestVersionNumber", launch_template.latest_version);
  xml.Leaf("launchTemplateId", launch_template.launch_template_id);
  xml.Leaf("launchTemplateName", launch_template.launch_template_name);
  if (!launch_template.tags.empty()) WriteTagSet(xml, launch_template.tags);
}

}  // namespace

Status Ec2QueryHandler::CreateLaunchTemplate(const FormParams& params, XmlWriter& xml) {
  CO_ASSIGN_OR_RETURN(std::string name, RequireParam(params, "LaunchTemplateName"));
  CO_ASSIGN_OR_RETURN(
      SimulatedLaunchTemplate created,
      cloud_.CreateLaunchTemplate(
          name, TagSpecificationTags(params, "instance", "LaunchTemplateData.TagSpecification"),
          TagSpecificationTags(params, "launch-template"), clock_.Now()));
  xml.Open("launchTemplate");
  WriteLaunchTemplate(xml, created, cloud_.options().account_id);
  xml.Close();
  return Ok();
}

// Named ids or names must all exist, as on EC2; with neither, every template is listed.
Status Ec2QueryHandler::DescribeLaunchTemplates(const FormParams& params, XmlWriter& xml) {
  const std::vector<std::string> ids = params.List("LaunchTemplateId");
  const std::vector<std::string> names = params.List("LaunchTemplateName");
  const std::vector<SimulatedLaunchTemplate> templates = cloud_.LaunchTemplates();
  auto known = [&](auto member, const std::string& value) {
    return std::any_of(templates.begin(), templates.end(),
                       [&](const SimulatedLaunchTemplate& t) { return t.*member == value; });
  };
  for (const std::string& id : ids) {
    if (!known(&SimulatedLaunchTemplate::launch_template_id, id)) {
      return NotFound(
          "InvalidLaunchTemplateId.NotFound: The specified launch template, with "
          "template ID " +
          id + ", does not exist.");
    }
  }
  for (const std::string& name : names) {
    if (!known(&SimulatedLaunchTemplate::launch_template_name, name)) {
      return InvalidArgument(
          "InvalidLaunchTemplateName.NotFoundException: At least one of the launch templates "
          "specified in the request does not exist.");
    }
  }
  xml.Open("launchTemplates");
  for (const SimulatedLaunchTemplate& t : templates) {
    const bool wanted =
        (ids.empty() && names.empty()) ||
        std::find(ids.begin(), ids.end(), t.launch_template_id) != ids.end() ||
        std::find(names.begin(), names.end(), t.launch_template_name) != names.end();
    if (!wanted) continue;
    xml.Open("item");
    WriteLaunchTemplate(xml, t, cloud_.options().account_id);
    xml.Close();
  }
  xml.Close();
  return Ok();
}

}  // namespace cloudoptim
