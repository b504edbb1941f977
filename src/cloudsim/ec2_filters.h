// EC2's Filter.N.Name / Filter.N.Value.M request parameters, matched the way EC2 matches them
// (any value of a filter matches, every filter must match, '*' and '?' are wildcards, tag:KEY,
// tag-key and tag-value), and MaxResults/NextToken pagination over a result list.
//
//   CO_ASSIGN_OR_RETURN(auto filters, ParseEc2Filters(params, {"instance-state-name"}));
//   bool keep = MatchesEc2Filters(filters, tags, [&](std::string_view name) { ... });
//   CO_ASSIGN_OR_RETURN(Ec2Page page, PaginateEc2(params, items.size(), {5, 1000, 1000}));
#pragma once

#include <functional>
#include <set>
#include <string>
#include <string_view>
#include <vector>

#include "cloudsim/aws_wire_encoding.h"
#include "model/cloud.h"

namespace cloudoptim {

struct Ec2Filter {
  std::string name;
  std::vector<std::string> values;
};

// InvalidArgument "InvalidParameterValue: The filter 'x' is invalid" for names outside
// `supported` (tag:KEY, tag-key and tag-value are always supported).
Result<std::vector<Ec2Filter>> ParseEc2Filters(const FormParams& params,
                                               const std::set<std::string, std::less<>>& supported);

// `field(name)` gives the resource's values for a non-tag filter name.
bool MatchesEc2Filters(const std::vector<Ec2Filter>& filters, const Tags& tags,
                       const std::function<std::vector<std::string>(std::string_view)>& field);

// EC2's wildcard match: '*' any run, '?' any one character.
bool WildcardMatch(std::string_view pattern, std::string_view text);

struct Ec2PageLimits {
  int64_t min_results = 5;
  int64_t max_results = 1000;
  int64_t default_results = 1000;  // page size when MaxResults is absent
};
struct Ec2Page {
  size_t begin = 0;
  size_t end = 0;
  std::string next_token;  // empty on the last page
};
// Where a page starts (from NextToken) and how long it is (MaxResults), for listings that
// generate their items lazily. Tokens are "p<offset>".
struct Ec2PageRequest {
  size_t offset = 0;
  size_t size = 0;
};
Result<Ec2PageRequest> ParseEc2PageRequest(const FormParams& params, Ec2PageLimits limits);
std::string Ec2PageToken(size_t offset);
// InvalidArgument when MaxResults is out of range or NextToken is not one we issued.
Result<Ec2Page> PaginateEc2(const FormParams& params, size_t total, Ec2PageLimits limits);

// <tagSet><item><key>..</key><value>..</value></item>...</tagSet>
void WriteTagSet(XmlWriter& xml, const Tags& tags);
// Tags of TagSpecification.N entries whose ResourceType is `resource_type`.
// `list` is where the specifications are: "TagSpecification" on most calls,
// "LaunchTemplateData.TagSpecification" for what a launch template gives its instances.
Tags TagSpecificationTags(const FormParams& params, std::string_view resource_type,
                          std::string_view list = "TagSpecification");
// Tag.N.Key / Tag.N.Value.
Tags TagParams(const FormParams& params);

}  // namespace cloudoptim
