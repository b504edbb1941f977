// The local move of the bin packer's improvement pass: the cheapest way to run a handful of
// pods (the pods of one to three planned nodes) on at most a few new nodes, if it is cheaper
// than what they cost now. Pure: resources and prices in, an assignment out.
//
//   std::vector<RepackType> types = ...;  // candidate types, cheapest first
//   int64_t budget = 20000;               // search steps; shared by many calls
//   std::optional<Repacking> better =
//       CheaperRepacking(requests, types, /*current=*/Money::FromUsd(0.10), 3, budget);
//   if (better) for (const RepackedNode& n : better->nodes) { types[n.type], n.pods ... }
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <vector>

#include "common/money.h"
#include "model/resources.h"

namespace cloudoptim {

struct RepackType {
  Resources allocatable;
  Money hourly;
};

// A type's price per unit of each resource it offers: per millicore, per byte, per pod slot
// (0 for a resource it has none of). The cheapest rates bound what pods must cost.
std::array<double, 3> UnitPrices(const Resources& allocatable, Money hourly);

struct RepackedNode {
  int32_t type = 0;           // index into the types given
  std::vector<int32_t> pods;  // indices into the requests given
};

struct Repacking {
  std::vector<RepackedNode> nodes;
  Money hourly;  // the nodes' total price
};

// The cheapest multiset of at most `max_nodes` (at most 4) types (of `types`, sorted by price,
// cheapest first) that costs less than `current` and holds all `requests`, with an assignment of
// every request to a node; nullopt when none is found. Multisets are tried cheapest first, each by
// a depth-first search; every multiset considered and every search step spends one unit of
// `budget`, and the search gives up (nullopt) when it runs out, so a caller bounds the work
// of many calls together and the outcome does not depend on the machine's speed.
std::optional<Repacking> CheaperRepacking(const std::vector<Resources>& requests,
                                          const std::vector<RepackType>& types, Money current,
                                          int32_t max_nodes, int64_t& budget);

}  // namespace cloudoptim
