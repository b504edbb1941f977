// Kubernetes label selectors: the structured form objects carry (matchLabels +
// matchExpressions with In/NotIn/Exists/DoesNotExist) and the string form of the API's
// ?labelSelector= ("app=web,tier!=db,env in (prod,staging),!canary"), with the semantics
// of k8s.io/apimachinery/pkg/labels.
//
//   Result<LabelSelector> s = LabelSelector::Parse("env in (prod),app");
//   if (s->Matches(pod.meta.labels)) { ... }
#pragma once

#include <string>
#include <string_view>
#include <vector>

#include "common/error.h"
#include "model/object_meta.h"

namespace cloudoptim {

enum class SelectorOperator {
  kIn,
  kNotIn,
  kExists,
  kDoesNotExist,
  kEquals,     // string form "a=b" / "a==b" (same as In with one value)
  kNotEquals,  // string form "a!=b" (matches when the key is absent, as Kubernetes does)
  kGt,         // node selector terms only: numeric comparison
  kLt,
};

struct SelectorRequirement {
  std::string key;
  SelectorOperator op = SelectorOperator::kIn;
  std::vector<std::string> values;

  bool operator==(const SelectorRequirement&) const = default;
  bool Matches(const Labels& labels) const;
  // "app=web", "env in (prod,staging)", "!canary", "cores>4".
  std::string ToString() const;
};

// The checks Kubernetes applies to a requirement (labels.NewRequirement): a valid key
// (optional DNS-subdomain prefix, name of at most 63 characters), valid values, and the right
// number of values for the operator. For structured selectors read from objects.
Status ValidateRequirement(const SelectorRequirement& requirement);

// An empty selector (no requirements) matches everything; a null selector is represented by
// std::optional<LabelSelector> being empty where Kubernetes distinguishes them (PDBs).
struct LabelSelector {
  std::vector<SelectorRequirement> requirements;  // all must match (AND)

  bool operator==(const LabelSelector&) const = default;
  bool Matches(const Labels& labels) const;
  bool IsEmpty() const { return requirements.empty(); }

  // Parses the string form used in ?labelSelector=. InvalidArgument names the offending part.
  static Result<LabelSelector> Parse(std::string_view text);
  // The string form, as kubectl would print it.
  std::string ToString() const;
  // Builds from matchLabels alone.
  static LabelSelector FromMatchLabels(const Labels& match_labels);
};

size_t HashValue(const SelectorRequirement& requirement);
size_t HashValue(const LabelSelector& selector);

}  // namespace cloudoptim
