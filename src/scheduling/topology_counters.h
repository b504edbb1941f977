// Incremental pod counts per topology domain, one counter per distinct (topology key,
// namespaces, label selector): what topology spread, pod affinity and anti-affinity read.
// Domains (zone names, hostnames) are interned per key so counts are plain vector lookups.
// "Matching" counters count pods matched by the selector; "carrier" counters count pods that
// carry an anti-affinity term (for the symmetric check against incoming pods).
//
//   int32_t key = counters.KeyId("topology.kubernetes.io/zone");
//   int32_t c = counters.MatchingCounter(key, {"shop"}, selector);
//   counters.Add(c, node_id, +1);
//   counters.Count(c, counters.NodeDomain(node_id, key));
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "model/label_selector.h"
#include "model/object_meta.h"

namespace cloudoptim {

class TopologyCounters {
 public:
  int32_t KeyId(std::string_view topology_key);
  std::string_view KeyName(int32_t key) const { return keys_[key].name; }
  std::string_view DomainName(int32_t key, int32_t domain) const;
  int32_t DomainCount(int32_t key) const;
  const std::vector<int32_t>& PotentialDomains(int32_t key) const { return keys_[key].potential; }

  void AddNode(int32_t node, const Labels& labels);
  // Removed nodes' domains do not count as existing (see LiveDomain).
  void SetNodeLive(int32_t node, bool live);
  // Whether some live node is in the domain, and how many domains of the key have one.
  bool LiveDomain(int32_t key, int32_t domain) const {
    const std::vector<int32_t>& v = keys_[key].live_nodes;
    return static_cast<size_t>(domain) < v.size() && v[domain] > 0;
  }
  int32_t LiveDomainCount(int32_t key) const { return keys_[key].live_domains; }
  void AddPotentialDomain(std::string_view topology_key, std::string_view value);
  // The node's domain for the key, -1 when the node lacks the label.
  int32_t NodeDomain(int32_t node, int32_t key) const { return node_domains_[node][key]; }

  // Returns the counter id; `created` tells the caller to count already-bound pods.
  int32_t MatchingCounter(int32_t key, const std::vector<std::string>& namespaces,
                          const LabelSelector& selector, bool* created = nullptr);
  int32_t CarrierCounter(int32_t key, const std::vector<std::string>& namespaces,
                         const LabelSelector& selector);

  size_t CounterCount() const { return counters_.size(); }
  bool IsCarrier(int32_t counter) const { return counters_[counter].carrier; }
  int32_t CounterKey(int32_t counter) const { return counters_[counter].key; }
  // Whether the counter's namespaces and selector select a pod with these labels.
  bool Selects(int32_t counter, std::string_view namespace_name, const Labels& labels) const;
  // Every counter that selects such a pod, split into matching and carrier counters. Uses an
  // index on the selectors' equality requirements, so it does not test every counter.
  void SelectingCounters(std::string_view namespace_name, const Labels& labels,
                         std::vector<int32_t>* matching, std::vector<int32_t>* carriers) const;

  void Add(int32_t counter, int32_t node, int32_t delta);
  int64_t Count(int32_t counter, int32_t domain) const {
    const std::vector<int32_t>& v = counters_[counter].by_domain;
    return static_cast<size_t>(domain) < v.size() ? v[domain] : 0;
  }
  // Pods counted in any domain.
  int64_t Total(int32_t counter) const { return counters_[counter].total; }

 private:
  struct Key {
    std::string name;
    std::unordered_map<std::string, int32_t> domain_ids;
    std::vector<std::string> domain_names;
    std::vector<int32_t> potential;
    std::vector<int32_t> live_nodes;  // by domain
    int32_t live_domains = 0;
  };
  void CountLive(int32_t key, int32_t domain, int32_t delta);
  struct Counter {
    int32_t key = -1;
    bool carrier = false;
    std::vector<std::string> namespaces;
    LabelSelector selector;
    std::vector<int32_t> by_domain;
    int64_t total = 0;
  };
  int32_t Intern(int32_t key, std::string_view value);
  void Index(int32_t counter);
  int32_t FindOrAddCounter(int32_t key, const std::vector<std::string>& namespaces,
                           const LabelSelector& selector, bool carrier, bool* created);

  std::vector<Key> keys_;
  std::unordered_map<std::string, int32_t> key_ids_;
  std::vector<Labels> node_labels_;
  std::vector<char> node_live_;
  std::vector<std::vector<int32_t>> node_domains_;  // [node][key]
  std::vector<Counter> counters_;
  // Counters by "namespace\x1fkey\x1fvalue" of one of their In requirements; the rest in
  // unindexed_.
  std::unordered_map<std::string, std::vector<int32_t>> by_label_;
  std::vector<int32_t> unindexed_;
  std::unordered_map<std::string, int32_t> counter_ids_;
};

}  // namespace cloudoptim
