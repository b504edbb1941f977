// List and watch filters on stored objects: ?labelSelector= (equality and set-based, the
// grammar of k8s.io/apimachinery/pkg/labels), ?fieldSelector= (=, ==, != on dotted paths such
// as spec.nodeName, metadata.name, status.phase), and the structured selectors objects carry
// (matchLabels + matchExpressions) that controllers and PDBs match pods with.
//
//   Result<ObjectFilter> f = ObjectFilter::Parse("app=web,tier in (a,b)", "spec.nodeName=n1");
//   if (f->Matches(pod_json)) { ... }
//
// The ?labelSelector= string form is parsed by model's LabelSelector::Parse, the one parser
// of that grammar in CloudOptim.
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include <nlohmann/json_fwd.hpp>

#include "common/error.h"
#include "model/label_selector.h"

namespace cloudoptim::sandbox {

struct LabelRequirement {
  enum class Op { kEquals, kNotEquals, kIn, kNotIn, kExists, kDoesNotExist };
  std::string key;
  Op op = Op::kEquals;
  std::vector<std::string> values;

  bool Matches(const nlohmann::json& labels) const;  // labels: object or null
};

struct FieldRequirement {
  std::string path;  // "spec.nodeName"
  bool equals = true;
  std::string value;
};

class ObjectFilter {
 public:
  // Empty strings mean "everything". InvalidArgument names the part that does not parse.
  static Result<ObjectFilter> Parse(std::string_view label_selector,
                                    std::string_view field_selector);
  bool Matches(const nlohmann::json& object) const;
  // A cheap screen on the stored text before parsing: false only when the object cannot
  // match (an equality field selector's value is absent from the text).
  bool MayMatchText(std::string_view text) const;
  bool IsEmpty() const { return labels_.IsEmpty() && fields_.empty(); }

 private:
  LabelSelector labels_;
  std::vector<FieldRequirement> fields_;
};

Result<std::vector<FieldRequirement>> ParseFieldSelector(std::string_view text);
// The value at a dotted path as a string ("" when absent; booleans "true"/"false").
std::string FieldValue(const nlohmann::json& object, std::string_view path);

// A structured LabelSelector (matchLabels, matchExpressions). A null/absent selector matches
// nothing, an empty one everything, as Kubernetes defines it for workloads and PDBs.
bool SelectorMatches(const nlohmann::json& selector, const nlohmann::json& labels);

}  // namespace cloudoptim::sandbox
