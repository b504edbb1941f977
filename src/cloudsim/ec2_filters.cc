#include "cloudsim/ec2_filters.h"

#include <charconv>

namespace cloudoptim {

Result<std::vector<Ec2Filter>> ParseEc2Filters(
    const FormParams& params, const std::set<std::string, std::less<>>& supported) {
  std::vector<Ec2Filter> filters;
  for (int index : params.Indices("Filter")) {
    const std::string prefix = "Filter." + std::to_string(index);
    auto name = params.Get(prefix + ".Name");
    if (!name || name->empty()) {
      return InvalidArgument("MissingParameter: The request must contain the parameter " + prefix +
                             ".Name");
    }
    const bool tag_filter = name->starts_with("tag:") || *name == "tag-key" || *name == "tag-value";
    if (!tag_filter && !supported.contains(*name)) {
      return InvalidArgument("InvalidParameterValue: The filter '" + *name + "' is invalid");
    }
    filters.push_back({*name, params.List(prefix + ".Value")});
  }
  return filters;
}

bool WildcardMatch(std::string_view pattern, std::string_view text) {
  // Iterative glob with one backtrack point: linear in practice, no recursion on input.
  size_t p = 0, t = 0, star = std::string_view::npos, mark = 0;
  while (t < text.size()) {
    if (p < pattern.size() && (pattern[p] == '?' || pattern[p] == text[t])) {
      ++p;
      ++t;
    } else if (p < pattern.size() && pattern[p] == '*') {
      star = p++;
      mark = t;
    } else if (star != std::string_view::npos) {
      p = star + 1;
      t = ++mark;
    } else {
      return false;
    }
  }
  while (p < pattern.size() && pattern[p] == '*') ++p;
  return p == pattern.size();
}

namespace {

bool AnyMatches(const std::vector<std::string>& patterns, const std::vector<std::string>& values) {
  for (const std::string& pattern : patterns) {
    for (const std::string& value : values) {
      if (WildcardMatch(pattern, value)) return true;
    }
  }
  return false;
}

}  // namespace

bool MatchesEc2Filters(const std::vector<Ec2Filter>& filters, const Tags& tags,
                       const std::function<std::vector<std::string>(std::string_view)>& field) {
  for (const Ec2Filter& filter : filters) {
    std::vector<std::string> values;
    if (filter.name.starts_with("tag:")) {
      auto it = tags.find(std::string_view(filter.name).substr(4));
      if (it != tags.end()) values.push_back(it->second);
    } else if (filter.name == "tag-key" || filter.name == "tag-value") {
      for (const auto& [key, value] : tags)
        values.push_back(filter.name == "tag-key" ? key : value);
    } else {
      values = field(filter.name);
    }
    if (!AnyMatches(filter.values, values)) return false;
  }
  return true;
}

Result<Ec2PageRequest> ParseEc2PageRequest(const FormParams& params, Ec2PageLimits limits) {
  CO_ASSIGN_OR_RETURN(std::optional<int64_t> max_results, params.GetInt("MaxResults"));
  const int64_t page_size = max_results.value_or(limits.default_results);
  if (max_results && (page_size < limits.min_results || page_size > limits.max_results)) {
    return InvalidArgument("InvalidParameterValue: Value (" + std::to_string(page_size) +
                           ") for parameter maxResults is invalid. Expecting a value between " +
                           std::to_string(limits.min_results) + " and " +
                           std::to_string(limits.max_results) + ".");
  }
  Ec2PageRequest request{.offset = 0, .size = static_cast<size_t>(page_size)};
  if (auto token = params.Get("NextToken"); token && !token->empty()) {
    auto [end, ec] =
        std::from_chars(token->data() + 1, token->data() + token->size(), request.offset);
    if ((*token)[0] != 'p' || ec != std::errc() || end != token->data() + token->size()) {
      return InvalidArgument("InvalidParameterValue: Invalid NextToken '" + *token + "'");
    }
  }
  return request;
}

std::string Ec2PageToken(size_t offset) { return "p" + std::to_string(offset); }

Result<Ec2Page> PaginateEc2(const FormParams& params, size_t total, Ec2PageLimits limits) {
  CO_ASSIGN_OR_RETURN(Ec2PageRequest request, ParseEc2PageRequest(params, limits));
  Ec2Page page;
  page.begin = std::min(request.offset, total);
  page.end = std::min(total, page.begin + request.size);
  if (page.end < total) page.next_token = Ec2PageToken(page.end);
  return page;
}

void WriteTagSet(XmlWriter& xml, const Tags& tags) {
  xml.Open("tagSet");
  for (const auto& [key, value] : tags) {
    xml.Open("item").Leaf("key", key).Leaf("value", value).Close();
  }
  xml.Close();
}

Tags TagSpecificationTags(const FormParams& params, std::string_view resource_type,
                          std::string_view list) {
  Tags tags;
  for (int index : params.Indices(list)) {
    const std::string prefix = std::string(list) + "." + std::to_string(index);
    if (params.GetOr(prefix + ".ResourceType", "") != resource_type) continue;
    for (int tag : params.Indices(prefix + ".Tag")) {
      const std::string tag_prefix = prefix + ".Tag." + std::to_string(tag);
      if (auto key = params.Get(tag_prefix + ".Key")) {
        tags[*key] = params.GetOr(tag_prefix + ".Value", "");
      }
    }
  }
  return tags;
}

Tags TagParams(const FormParams& params) {
  Tags tags;
  for (int index : params.Indices("Tag")) {
    const std::string prefix = "Tag." + std::to_string(index);
    if (auto key = params.Get(prefix + ".Key")) tags[*key] = params.GetOr(prefix + ".Value", "");
  }
  return tags;
}

}  // namespace cloudoptim
