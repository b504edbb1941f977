// Content hashes of the pod's sub-objects, for interning (interned.h). They must agree with
// the defaulted operator== of each type: every field that == compares is hashed.
#include "model/pod.h"

namespace cloudoptim {
namespace {

size_t HashResources(const Resources& r) {
  size_t seed = HashCombine(static_cast<size_t>(r.cpu_millis), static_cast<size_t>(r.memory_bytes));
  seed = HashCombine(seed, static_cast<size_t>(r.ephemeral_storage_bytes));
  return HashCombine(HashCombine(seed, static_cast<size_t>(r.pods)), static_cast<size_t>(r.gpus));
}

size_t HashTime(const std::optional<TimePoint>& when) {
  return when ? HashCombine(1, static_cast<size_t>(when->time_since_epoch().count())) : 0;
}

size_t HashState(const ContainerState& s) {
  size_t seed = HashCombine(HashValue(s.state), HashValue(s.reason));
  return HashCombine(HashCombine(seed, static_cast<size_t>(s.exit_code)), HashTime(s.finished_at));
}

}  // namespace

size_t HashValue(const SelectorRequirement& r) {
  return HashCombine(HashCombine(HashValue(r.key), static_cast<size_t>(r.op)), HashValue(r.values));
}

size_t HashValue(const LabelSelector& selector) { return HashValue(selector.requirements); }

size_t HashValue(const Toleration& t) {
  size_t seed = HashCombine(HashValue(t.key), t.operator_exists ? 1 : 0);
  seed = HashCombine(HashCombine(seed, HashValue(t.value)),
                     t.effect ? static_cast<size_t>(*t.effect) + 1 : 0);
  return HashCombine(seed, t.toleration_seconds ? static_cast<size_t>(*t.toleration_seconds) : 7);
}

size_t HashValue(const ContainerStatus& s) {
  size_t seed = HashCombine(HashValue(s.name), s.ready ? 1 : 0);
  seed = HashCombine(HashCombine(seed, static_cast<size_t>(s.restart_count)), HashState(s.current));
  return HashCombine(seed, s.last_state ? HashState(*s.last_state) : 0);
}

size_t HashValue(const Container& c) {
  size_t seed = HashCombine(HashValue(c.name), HashValue(c.image));
  seed = HashCombine(seed, HashResources(c.resources.requests));
  seed = HashCombine(seed, HashResources(c.resources.limits));
  return HashCombine(seed, c.restart_policy_always ? 1 : 0);
}

size_t HashValue(const NodeSelectorTerm& term) {
  return HashCombine(HashValue(term.match_expressions), HashValue(term.match_fields));
}

size_t HashValue(const PodAffinityTerm& term) {
  size_t seed = HashCombine(HashValue(term.label_selector), HashValue(term.namespaces));
  return HashCombine(seed, HashValue(term.topology_key));
}

size_t HashValue(const WeightedPodAffinityTerm& term) {
  return HashCombine(static_cast<size_t>(term.weight), HashValue(term.term));
}

size_t HashValue(const TopologySpreadConstraint& c) {
  size_t seed = HashCombine(static_cast<size_t>(c.max_skew), HashValue(c.topology_key));
  seed = HashCombine(seed, static_cast<size_t>(c.when_unsatisfiable));
  seed = HashCombine(seed, HashValue(c.label_selector));
  return HashCombine(seed, c.min_domains ? static_cast<size_t>(*c.min_domains) + 1 : 0);
}

size_t HashValue(const Volume& v) {
  size_t seed = HashCombine(HashValue(v.name), HashValue(v.pvc_claim_name));
  return HashCombine(HashCombine(seed, v.empty_dir ? 1 : 0), v.host_path ? 1 : 0);
}

}  // namespace cloudoptim
