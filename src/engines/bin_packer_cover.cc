// The bin packer's set cover over a column pool (column_cover.h): the last move of the
// thorough search, after ruin and recreate has filled the pool.
#include "engines/bin_packer_internal.h"

namespace cloudoptim::packer_internal {

void Packer::RecordCoverColumns(size_t b, const std::vector<size_t>& pods,
                                const std::vector<std::vector<int32_t>>& accepted) {
  if (accepted.empty()) return;
  // Ruin and recreate rebuilds the same nodes many times (a 4,000-pod zone: 250,000 accepted
  // nodes, 6,000 distinct), so the pool keeps each once.
  std::set<std::vector<size_t>>& pool = own_cover_pool_[{bins_[b].zone, bins_[b].capacity}];
  for (const std::vector<int32_t>& node : accepted) {
    std::vector<size_t> global;
    for (int32_t k : node) global.push_back(pods[k]);
    std::sort(global.begin(), global.end());
    pool.insert(std::move(global));
  }
}

void Packer::RecordPlanColumns() {
  for (const Bin& bin : bins_) {
    if (bin.emptied || bin.pods.empty()) continue;
    std::vector<size_t> pods = bin.pods;
    std::sort(pods.begin(), pods.end());
    PlanColumns()[{bin.zone, bin.capacity}].insert(std::move(pods));
  }
}

bool Packer::ColumnCoverPass() {
  bool improved = false;
  for (const std::vector<size_t>& zone : MovableBinsByZone()) {
    const std::pair<std::string, CapacityType> key = {bins_[zone.front()].zone,
                                                      bins_[zone.front()].capacity};
    std::set<std::vector<size_t>> columns = own_cover_pool_[key];
    if (shared_ != nullptr) {  // the plans' nodes are in the shared pool, not in ours
      const std::set<std::vector<size_t>>& plans = PlanColumns()[key];
      columns.insert(plans.begin(), plans.end());
    }
    if (columns.empty()) continue;
    // The zone's pods, numbered as the cover sees them; pool nodes holding a pod that is no
    // longer among them (moved onto a bin with constrained pods) are left out.
    std::vector<size_t> pods;
    std::unordered_map<size_t, int32_t> local;
    std::vector<std::vector<int32_t>> nodes;
    for (size_t b : zone) {
      nodes.emplace_back();
      for (size_t i : bins_[b].pods) {
        local.emplace(i, static_cast<int32_t>(pods.size()));
        nodes.back().push_back(static_cast<int32_t>(pods.size()));
        pods.push_back(i);
      }
    }
    std::vector<std::vector<int32_t>> pool;
    for (const std::vector<size_t>& column : columns) {
      std::vector<int32_t> mapped;
      for (size_t i : column) {
        auto it = local.find(i);
        if (it == local.end()) break;
        mapped.push_back(it->second);
      }
      if (mapped.size() == column.size()) pool.push_back(std::move(mapped));
    }
    std::vector<Resources> requests;
    for (size_t i : pods) requests.push_back(prepared_[i].requests);
    const RepackTypes& types = TypesFor(zone);
    std::optional<ColumnCoverResult> r = CheaperCover(requests, types.priced, nodes, pool);
    if (!r) continue;
    Money before;
    for (size_t b : zone) before += scores_[b].closing;
    if (r->repacking.hourly >= before) continue;
    improved |= ApplyRepacking(zone, pods, types.types, r->repacking);
  }
  return improved;
}

}  // namespace cloudoptim::packer_internal
