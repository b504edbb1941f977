#include "aws/query_params.h"

#include "aws/sigv4.h"

namespace cloudoptim::aws {

QueryParams::QueryParams(std::string_view action, std::string_view version) : action_(action) {
  Add("Action", action);
  Add("Version", version);
}

QueryParams& QueryParams::Add(std::string_view name, std::string_view value) {
  params_.emplace_back(std::string(name), std::string(value));
  return *this;
}

QueryParams& QueryParams::AddList(std::string_view name, const std::vector<std::string>& values) {
  for (size_t i = 0; i < values.size(); ++i) {
    Add(std::string(name) + "." + std::to_string(i + 1), values[i]);
  }
  return *this;
}

QueryParams& QueryParams::AddFilter(std::string_view name, const std::vector<std::string>& values) {
  const std::string prefix = "Filter." + std::to_string(++filter_count_);
  Add(prefix + ".Name", name);
  return AddList(prefix + ".Value", values);
}

QueryParams& QueryParams::AddTags(std::string_view prefix,
                                  const std::vector<std::pair<std::string, std::string>>& tags) {
  for (size_t i = 0; i < tags.size(); ++i) {
    const std::string item = std::string(prefix) + "." + std::to_string(i + 1);
    Add(item + ".Key", tags[i].first);
    Add(item + ".Value", tags[i].second);
  }
  return *this;
}

std::string QueryParams::Encode() const {
  std::string out;
  for (const auto& [name, value] : params_) {
    if (!out.empty()) out += '&';
    out += UriEncode(name) + "=" + UriEncode(value);
  }
  return out;
}

}  // namespace cloudoptim::aws
