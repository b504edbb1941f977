#include "scheduling/topology_counters.h"

#include <algorithm>

namespace cloudoptim {

int32_t TopologyCounters::KeyId(std::string_view topology_key) {
  auto it = key_ids_.find(std::string(topology_key));
  if (it != key_ids_.end()) return it->second;
  int32_t key = static_cast<int32_t>(keys_.size());
  keys_.push_back(Key{std::string(topology_key)});
  key_ids_.emplace(std::string(topology_key), key);
  for (size_t node = 0; node < node_domains_.size(); ++node) {
    const std::string* value = nullptr;
    auto label = node_labels_[node].find(topology_key);
    if (label != node_labels_[node].end()) value = &label->second;
    int32_t domain = value ? Intern(key, *value) : -1;
    node_domains_[node].push_back(domain);
    if (domain >= 0 && node_live_[node]) CountLive(key, domain, +1);
  }
  return key;
}

std::string_view TopologyCounters::DomainName(int32_t key, int32_t domain) const {
  return keys_[key].domain_names[domain];
}

int32_t TopologyCounters::DomainCount(int32_t key) const {
  return static_cast<int32_t>(keys_[key].domain_names.size());
}

int32_t TopologyCounters::Intern(int32_t key, std::string_view value) {
  Key& k = keys_[key];
  auto [it, inserted] =
      k.domain_ids.try_emplace(std::string(value), static_cast<int32_t>(k.domain_names.size()));
  if (inserted) k.domain_names.emplace_back(value);
  return it->second;
}

void TopologyCounters::AddNode(int32_t node, const Labels& labels) {
  if (static_cast<size_t>(node) >= node_domains_.size()) {
    node_domains_.resize(node + 1);
    node_labels_.resize(node + 1);
    node_live_.resize(node + 1, 0);
  }
  node_labels_[node] = labels;
  std::vector<int32_t>& domains = node_domains_[node];
  domains.assign(keys_.size(), -1);
  for (size_t key = 0; key < keys_.size(); ++key) {
    auto it = labels.find(keys_[key].name);
    if (it != labels.end()) domains[key] = Intern(static_cast<int32_t>(key), it->second);
  }
  SetNodeLive(node, true);
}

void TopologyCounters::SetNodeLive(int32_t node, bool live) {
  if (static_cast<bool>(node_live_[node]) == live) return;
  node_live_[node] = live ? 1 : 0;
  for (size_t key = 0; key < keys_.size(); ++key) {
    int32_t domain = node_domains_[node][key];
    if (domain >= 0) CountLive(static_cast<int32_t>(key), domain, live ? +1 : -1);
  }
}

void TopologyCounters::CountLive(int32_t key, int32_t domain, int32_t delta) {
  Key& k = keys_[key];
  if (k.live_nodes.size() <= static_cast<size_t>(domain)) {
    k.live_nodes.resize(k.domain_names.size(), 0);
  }
  int32_t before = k.live_nodes[domain];
  k.live_nodes[domain] += delta;
  if (before == 0 && k.live_nodes[domain] > 0) ++k.live_domains;
  if (before > 0 && k.live_nodes[domain] == 0) --k.live_domains;
}

void TopologyCounters::AddPotentialDomain(std::string_view topology_key, std::string_view value) {
  int32_t key = KeyId(topology_key);
  int32_t domain = Intern(key, value);
  std::vector<int32_t>& potential = keys_[key].potential;
  if (std::find(potential.begin(), potential.end(), domain) == potential.end()) {
    potential.push_back(domain);
  }
}

int32_t TopologyCounters::FindOrAddCounter(int32_t key, const std::vector<std::string>& namespaces,
                                           const LabelSelector& selector, bool carrier,
                                           bool* created) {
  std::vector<std::string> sorted = namespaces;
  std::sort(sorted.begin(), sorted.end());
  std::string id = std::to_string(key) + (carrier ? "C|" : "M|");
  for (const std::string& ns : sorted) id += ns + ",";
  id += "|";
  for (const SelectorRequirement& r : selector.requirements) {
    id += r.key + static_cast<char>('0' + static_cast<int>(r.op));
    for (const std::string& v : r.values) id += v + ",";
    id += ";";
  }
  auto [it, inserted] = counter_ids_.try_emplace(id, static_cast<int32_t>(counters_.size()));
  if (inserted) {
    counters_.push_back(Counter{key, carrier, std::move(sorted), selector});
    Index(it->second);
  }
  if (created) *created = inserted;
  return it->second;
}

int32_t TopologyCounters::MatchingCounter(int32_t key, const std::vector<std::string>& namespaces,
                                          const LabelSelector& selector, bool* created) {
  return FindOrAddCounter(key, namespaces, selector, false, created);
}

int32_t TopologyCounters::CarrierCounter(int32_t key, const std::vector<std::string>& namespaces,
                                         const LabelSelector& selector) {
  return FindOrAddCounter(key, namespaces, selector, true, nullptr);
}

void TopologyCounters::Index(int32_t counter) {
  const Counter& c = counters_[counter];
  for (const SelectorRequirement& r : c.selector.requirements) {
    if (r.op != SelectorOperator::kIn && r.op != SelectorOperator::kEquals) continue;
    for (const std::string& ns : c.namespaces) {
      for (const std::string& v : r.values)
        by_label_[ns + '\x1f' + r.key + '\x1f' + v].push_back(counter);
    }
    return;
  }
  unindexed_.push_back(counter);
}

void TopologyCounters::SelectingCounters(std::string_view namespace_name, const Labels& labels,
                                         std::vector<int32_t>* matching,
                                         std::vector<int32_t>* carriers) const {
  std::vector<int32_t> candidates = unindexed_;
  std::string prefix = std::string(namespace_name) + '\x1f';
  for (const auto& [key, value] : labels) {
    auto it = by_label_.find(prefix + key + '\x1f' + value);
    if (it != by_label_.end())
      candidates.insert(candidates.end(), it->second.begin(), it->second.end());
  }
  std::sort(candidates.begin(), candidates.end());
  candidates.erase(std::unique(candidates.begin(), candidates.end()), candidates.end());
  for (int32_t c : candidates) {
    if (!Selects(c, namespace_name, labels)) continue;
    (counters_[c].carrier ? carriers : matching)->push_back(c);
  }
}

bool TopologyCounters::Selects(int32_t counter, std::string_view namespace_name,
                               const Labels& labels) const {
  const Counter& c = counters_[counter];
  if (std::find(c.namespaces.begin(), c.namespaces.end(), namespace_name) == c.namespaces.end()) {
    return false;
  }
  return c.selector.Matches(labels);
}

void TopologyCounters::Add(int32_t counter, int32_t node, int32_t delta) {
  Counter& c = counters_[counter];
  int32_t domain = node_domains_[node][c.key];
  if (domain < 0) return;
  if (c.by_domain.size() <= static_cast<size_t>(domain)) {
    c.by_domain.resize(keys_[c.key].domain_names.size(), 0);
  }
  c.by_domain[domain] += delta;
  c.total += delta;
}

}  // namespace cloudoptim
