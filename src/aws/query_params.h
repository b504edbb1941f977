// Form-encoded parameters of the AWS Query protocol (EC2, STS), with the list and filter
// shapes EC2 uses ("InstanceId.1", "Filter.1.Name", "Filter.1.Value.1").
//
//   QueryParams params("DescribeInstances", "2016-11-15");
//   params.AddFilter("tag:eks:cluster-name", {"prod"});
//   params.AddList("InstanceId", ids);
//   std::string body = params.Encode();   // "Action=DescribeInstances&Version=...&..."
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

namespace cloudoptim::aws {

// The Content-Type of a Query protocol request body.
inline constexpr std::string_view kQueryContentType =
    "application/x-www-form-urlencoded; charset=utf-8";

class QueryParams {
 public:
  QueryParams(std::string_view action, std::string_view version);

  QueryParams& Add(std::string_view name, std::string_view value);
  // Name.1=v1&Name.2=v2 (EC2 lists are 1-based).
  QueryParams& AddList(std::string_view name, const std::vector<std::string>& values);
  // Filter.N.Name / Filter.N.Value.M, numbering filters in the order added.
  QueryParams& AddFilter(std::string_view name, const std::vector<std::string>& values);
  // Tag lists as EC2 wants them under a prefix: Prefix.N.Key / Prefix.N.Value.
  QueryParams& AddTags(std::string_view prefix,
                       const std::vector<std::pair<std::string, std::string>>& tags);

  std::string Encode() const;
  const std::string& action() const { return action_; }

 private:
  std::string action_;
  int filter_count_ = 0;
  std::vector<std::pair<std::string, std::string>> params_;
};

}  // namespace cloudoptim::aws
