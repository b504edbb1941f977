// Launch templates of the simulated account, and what launching from one adds to an instance:
// the template's instance tags and EC2's aws:ec2launchtemplate:id / :version tags, which is how
// CloudOptim finds the template of an EKS node group or a Karpenter node.
#include <cstdio>

#include "cloudsim/simulated_cloud_state.h"

namespace cloudoptim {
namespace {

// From the name and the seed, not from the shared id sequence: adding a template must not
// change the ids of the instances launched after it (tests and scenarios rely on them).
std::string TemplateId(std::string_view name, uint64_t seed) {
  char buffer[24];
  std::snprintf(buffer, sizeof(buffer), "lt-%017llx",
                static_cast<unsigned long long>(Mix64(HashString(name) ^ seed) >> 4));
  return buffer;
}

}  // namespace

const SimulatedLaunchTemplate* SimulatedCloud::State::FindLaunchTemplate(
    std::string_view id, std::string_view name) const {
  if (!id.empty()) {
    auto it = launch_templates.find(id);
    return it == launch_templates.end() ? nullptr : &it->second;
  }
  for (const auto& [template_id, record] : launch_templates) {
    if (!name.empty() && record.launch_template_name == name) return &record;
  }
  return nullptr;
}

Result<SimulatedLaunchTemplate> SimulatedCloud::CreateLaunchTemplate(std::string_view name,
                                                                     const Tags& instance_tags,
                                                                     const Tags& tags,
                                                                     TimePoint now) {
  if (name.size() < 3 || name.size() > 128) {
    return InvalidArgument("InvalidLaunchTemplateName.MalformedException: name '" +
                           std::string(name) + "' must be 3 to 128 characters");
  }
  std::lock_guard lock(mutex_);
  if (state_->FindLaunchTemplate("", name) != nullptr) {
    return AlreadyExists(
        "InvalidLaunchTemplateName.AlreadyExistsException: Launch template name "
        "already in use: " +
        std::string(name));
  }
  SimulatedLaunchTemplate created{.launch_template_id = TemplateId(name, options_.seed),
                                  .launch_template_name = std::string(name),
                                  .instance_tags = instance_tags,
                                  .tags = tags,
                                  .create_time = now};
  state_->launch_templates.emplace(created.launch_template_id, created);
  return created;
}

Result<SimulatedLaunchTemplate> SimulatedCloud::EnsureLaunchTemplate(std::string_view name,
                                                                     const Tags& instance_tags,
                                                                     TimePoint now) {
  {
    std::lock_guard lock(mutex_);
    if (const SimulatedLaunchTemplate* found = state_->FindLaunchTemplate("", name)) return *found;
  }
  Result<SimulatedLaunchTemplate> created = CreateLaunchTemplate(name, instance_tags, {}, now);
  if (!created && IsAlreadyExists(created.error())) {  // created by a racing caller
    std::lock_guard lock(mutex_);
    if (const SimulatedLaunchTemplate* found = state_->FindLaunchTemplate("", name)) return *found;
  }
  return created;
}

std::vector<SimulatedLaunchTemplate> SimulatedCloud::LaunchTemplates() const {
  std::lock_guard lock(mutex_);
  std::vector<SimulatedLaunchTemplate> out;
  for (const auto& [id, record] : state_->launch_templates) out.push_back(record);
  return out;
}

}  // namespace cloudoptim
