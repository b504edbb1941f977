#include "scheduling/node_constraints.h"

namespace cloudoptim {
namespace {

constexpr std::string_view kMetadataName = "metadata.name";
constexpr std::string_view kUnschedulableTaint = "node.kubernetes.io/unschedulable";

bool TermMatches(const NodeSelectorTerm& term, const Node& node) {
  if (term.match_expressions.empty() && term.match_fields.empty()) return false;
  for (const SelectorRequirement& r : term.match_expressions) {
    if (!r.Matches(node.meta.labels)) return false;
  }
  if (!term.match_fields.empty()) {
    // metadata.name is the only field Kubernetes supports in node selector terms.
    Labels fields{{std::string(kMetadataName), node.meta.name}};
    for (const SelectorRequirement& r : term.match_fields) {
      if (r.key != kMetadataName || !r.Matches(fields)) return false;
    }
  }
  return true;
}

}  // namespace

bool MatchesNodeSelectorAndAffinity(const Labels& node_selector,
                                    const std::vector<NodeSelectorTerm>& terms, const Node& node) {
  for (const auto& [key, value] : node_selector) {
    const std::string* actual = node.meta.Label(key);
    if (actual == nullptr || *actual != value) return false;
  }
  if (terms.empty()) return true;
  for (const NodeSelectorTerm& term : terms) {
    if (TermMatches(term, node)) return true;
  }
  return false;
}

bool MayMatchDomain(const Labels& node_selector, const std::vector<NodeSelectorTerm>& terms,
                    std::string_view key, std::string_view value) {
  auto it = node_selector.find(key);
  if (it != node_selector.end() && it->second != value) return false;
  if (terms.empty()) return true;
  Labels labels{{std::string(key), std::string(value)}};
  for (const NodeSelectorTerm& term : terms) {
    bool term_ok = true;
    for (const SelectorRequirement& r : term.match_expressions) {
      if (r.key == key && !r.Matches(labels)) term_ok = false;
    }
    if (term_ok) return true;
  }
  return false;
}

bool ToleratesUnschedulable(const std::vector<Toleration>& tolerations) {
  Taint taint{std::string(kUnschedulableTaint), "", TaintEffect::kNoSchedule};
  for (const Toleration& t : tolerations) {
    if (t.Tolerates(taint)) return true;
  }
  return false;
}

bool ToleratesNode(const std::vector<Toleration>& tolerations, const Node& node) {
  if (node.unschedulable && !ToleratesUnschedulable(tolerations)) return false;
  return ToleratesAll(tolerations, node.taints);
}

}  // namespace cloudoptim
