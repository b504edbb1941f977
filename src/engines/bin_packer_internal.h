// The bin packer's internals, shared by bin_packer.cc (placing pods: the portfolio's
// construction heuristics, closing nodes) and bin_packer_search.cc (the improvement search:
// emptying, merges, repacking, node elimination, exact small zones, ruin and recreate). Not
// for use outside those two files; the interface is bin_packer.h.
#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <map>
#include <memory>
#include <numeric>
#include <optional>
#include <set>
#include <tuple>
#include <unordered_map>

#include "engines/bin_index.h"
#include "engines/bin_packer.h"
#include "engines/column_cover.h"
#include "engines/config_lp_guide.h"
#include "engines/exact_partition.h"
#include "engines/lp_type_assignment.h"
#include "engines/node_elimination.h"
#include "engines/repack_search.h"
#include "engines/ruin_recreate.h"
#include "scheduling/node_constraints.h"

namespace cloudoptim::packer_internal {

// Why this heuristic. First-fit-decreasing (FFD), which most autoscalers use, puts each pod
// into the first node with room; in several dimensions (CPU, memory, pod slots) it strands
// capacity: a node full on CPU keeps idle memory that a later memory-heavy pod could have
// used. We instead (1) choose the type of every new node by cost efficiency for the whole
// batch (price times the fractional number of such nodes the batch's CPU, memory and pod
// demand would need), so nodes come from the family whose shape fits the demand best; (2)
// place each pod, largest first (size normalised by the batch's total demand), into the node
// whose normalised free capacity after placement has the smallest Euclidean norm: the
// norm-based greedy of Panigrahy et al. ("Heuristics for Vector Bin Packing", 2011), which
// fills nodes evenly across dimensions; (3) try to empty the least-filled nodes into the
// others; (4) shrink every node to the cheapest type that still holds its pods. A per-pod
// type choice cannot see that CPU-heavy and memory-heavy pods together fill a general-purpose
// type better than each fills its own; the shape LP (Clp) can, so a second, LP-guided packer
// takes each pod's type from the LP's solution and packs type by type (PlaceByLpType). Both
// end with the emptying pass and pairwise merges (MergePairs). As a portfolio we also run FFD
// with the same type choice and keep the cheapest plan, so the result is never worse than the
// baseline. Every placement is checked by the scheduling simulator, so topology spread,
// affinity and volume zones hold in the plan. The passes share one packer's state (bins,
// index, simulator, caches), hence one class whose construction lives in bin_packer.cc and
// whose improvement search lives in bin_packer_search.cc.

constexpr int kMaxRankedTypesTried = 64;
constexpr double kEmptyingUtilization = 0.5;
constexpr int kMaxEmptyingAttempts = 64;
constexpr int kBestFitCandidates = 8;
constexpr int kBestFitVisits = 48;
constexpr double kShapeTolerance = 1.10;
// The LP-guided packer's shape LP groups pods into at most this many shapes: enough to tell
// CPU-heavy from memory-heavy pods apart, few enough that Clp answers in milliseconds.
constexpr size_t kMaxLpShapes = 120;
constexpr double kStrandedPods = 0.5;
constexpr int64_t kRankingCpuCell = 50;
constexpr int64_t kRankingMemoryCell = int64_t{64} << 20;
constexpr size_t kMaxPodsForSecondSizing = 2000;
// The portfolio adds the configuration-LP-guided attempt for batches whose pods repeat their
// requests at least this many times on average (replicas of workloads) and that have at most
// this many pods or at most kMaxLpShapes distinct requests (see ConfigLpMayGuide).
constexpr size_t kMaxPodsForConfigLp = 2000;
constexpr double kMinPodsPerRequestForConfigLp = 2.0;
// ... and whose other plans cost at least this multiple of the shape LP (ConfigLpMayPay).
constexpr double kMinShapeLpRatioForConfigLp = 1.10;
// The configuration LP's work limits in the packer (deterministic, so plans are reproducible).
constexpr int32_t kConfigLpIterations = 30;
constexpr int64_t kConfigLpKnapsackNodes = 2000;
constexpr double kMergeUtilization = 0.75;
constexpr size_t kMaxMergeCandidates = 24;
// The improvement pass (RepackPass): passes over the nodes at most (the search budget,
// PackingOptions::search_steps_per_pod, usually ends it first), pods per neighbourhood,
// partners per node.
constexpr int kMaxRepackPasses = 16;
// From this search effort on, the two most promising attempts are searched, not one.
constexpr int64_t kSearchTwoAttemptsStepsPerPod = 1000;
// Zones of at most this many pods are first solved exactly, within this many DP states.
constexpr size_t kMaxExactPods = 24;
constexpr int64_t kMaxExactStates = int64_t{1} << 16;
// ... and at least this much DP work, whatever the search effort (about a millisecond).
constexpr int64_t kMinExactTransitions = 200000;
// The search budget is at least that of a batch of this many pods. 400 since session 7
// (was 250): it pays for the LP vertices of the greedy start (lp_type_assignment.cc) on
// 50-100-pod batches, for ~3% more CPU there; 150-300-pod batches get 0.2-0.7% cheaper plans
// over 20-40 seeds for 3-6% more CPU.
constexpr int64_t kMinSearchPods = 400;
// At the thorough effort a batch's budget is at least that of this many pods, up to
// kThoroughMaxBudgetMultiple times its own: batches of up to ~16,000 pods are limited by the
// search's budget, not by a local optimum (session 7, h/cover: 5x the budget made 50-500-node
// plans 0.3-1.0% cheaper, more than a set cover over the search's nodes could for the same
// CPU). The floor keeps the extra CPU bounded (~64M steps, a few CPU seconds) whatever the size.
constexpr int64_t kThoroughMinSearchPods = 16000;
constexpr int64_t kThoroughMaxBudgetMultiple = 5;
constexpr size_t kMaxRepackPods = 32;
constexpr size_t kRepackWastePartners = 3;
constexpr size_t kRepackLeanPartners = 3;
constexpr size_t kRepackTriplePartners = 4;
// Node elimination spends at most this share of the budget left when its pass begins.
constexpr double kEliminationShare = 0.4;
// Ruin and recreate spends at most this share of the budget the local moves leave, with a
// fixed seed per zone (plans must not depend on anything but the input).
constexpr double kRuinRecreateShare = 0.8;
constexpr uint64_t kRuinRecreateSeed = 0x5eed;
// At the thorough effort the local moves first get at most the search budget less this share.
constexpr double kRuinRecreateReserve = 0.5;
// At lower efforts, batches of at least kMinPodsForRuinRecreateFirst pods none of which has
// inter-pod terms keep this share for ruin and recreate. Measured at the default effort
// (bench/RESULTS.md, session 11): 1.0-2.8% cheaper plans on every generated batch of 4,000+
// such pods, for about the same CPU; from 500 to 2,000 pods some batches were cheaper and
// some dearer (+0.6% on two of three 600-pod test batches), on 50 pods +0.25% over 40 seeds;
// on batches with spread or affinity 0.7-4.5% dearer (ruin and recreate moves only nodes
// without them, and the local moves that handle them got less). Those keep the local moves
// first.
constexpr double kRuinRecreateFirstReserve = 0.9;
constexpr int64_t kMinPodsForRuinRecreateFirst = 4000;
// The set cover (column_cover.h) runs on batches of at most this many pods: on 4,000 pods its
// LP and rounding take 2-3 CPU s per portfolio attempt (bench/RESULTS.md, session 7).
constexpr size_t kMaxCoverPods = 4000;

struct Ranked {
  const LaunchType* type = nullptr;
  CapacityType capacity = CapacityType::kOnDemand;
  double score = 0;  // estimated cost of the whole batch (or of one pod's shape) on this type
  double nodes = 0;  // fractional number of such nodes the whole batch needs
  Money hourly;      // price of one node
};

struct Bin {
  NodeId id = -1;
  const LaunchType* target = nullptr;
  std::string zone;
  CapacityType capacity = CapacityType::kOnDemand;
  std::vector<size_t> pods;
  bool emptied = false;
  int64_t version = 0;  // changes whenever the improvement pass replaces the node
};

// How the LP-guided packer sizes a group's nodes (see SizeLpGroups): counting whole nodes
// suits small groups, counting fractional nodes with stranded capacity suits large ones; the
// packer tries both.
enum class LpSizing { kWholeNodes, kStrandedCapacity };

// The types a batch ranks and indexes before packing: the same for every portfolio attempt
// (same pods, same catalogue). Ranking 1,235 types and finding the non-dominated ones was a
// tenth of a 100-pod call per attempt, so the first attempt fills it and the others copy it.
struct TypeTables {
  std::map<std::string, int32_t> zone_index;
  std::vector<const LaunchType*> on_demand_order, spot_order;  // cheapest first
  Resources demand;                                            // the batch's total request
  std::vector<Ranked> ranking;
  std::vector<size_t> efficient;  // ranking entries no other entry dominates, in rank order
  std::vector<Resources> efficient_allocatable;  // per efficient entry
  std::vector<double> efficient_usd;             // per efficient entry
};

// What the portfolio's attempts share: the type tables, and the shape LP's answer for the
// LP-guided attempts.
// Per (zone, capacity type), distinct nodes (sorted pods, as indices into the batch): the set
// cover's column pool (column_cover.h).
using CoverPool = std::map<std::pair<std::string, CapacityType>, std::set<std::vector<size_t>>>;

struct SharedPacking {
  std::optional<TypeTables> types;
  std::optional<ShapeLpTypes> lp;  // unset until an LP-guided attempt has asked the shape LP
  // The searched attempts' pools: a later attempt's cover also picks the earlier one's nodes.
  CoverPool cover_pool;
};

// Whether the configuration-LP attempt may still pay, given the shape LP the LP-guided
// attempts solved over the same shapes and the most promising of the plans packed so far
// (Packer::Estimate). Its floored whole-node configurations gain where the shape LP's
// fractional plan rounds badly, i.e. where the plans so far cost well above the shape LP's
// optimum; below kMinShapeLpRatioForConfigLp of it the guide was not measured to gain, and
// its column generation was most of the call. True when nothing is known (no LP solved, or
// a plan leaves pods unscheduled).
bool ConfigLpMayPay(const std::optional<ShapeLpTypes>& lp,
                    const std::tuple<size_t, Money, size_t>& best_so_far);

class Packer {
 public:
  Packer(ClusterState& state, const LaunchCatalog& launch, const std::vector<const Pod*>& pods,
         const PackingOptions& options, PackingStrategy strategy,
         LpSizing sizing = LpSizing::kWholeNodes, SharedPacking* shared = nullptr)
      : state_(state),
        launch_(launch),
        pods_(pods),
        options_(options),
        strategy_(strategy),
        sizing_(sizing),
        shared_(shared) {}

  PackingPlan Run() {
    Pack();
    return Finish();
  }

  // Places every pod (new nodes as needed) and tidies up; Finish() then closes the nodes.
  void Pack();

  // What Finish() would cost, to choose which attempt to improve: unschedulable pods, the
  // price of every node shrunk to its cheapest holder, the number of nodes.
  std::tuple<size_t, Money, size_t> Estimate();

  // The improvement pass (see "Why repack" below).
  void Improve();

 private:
  void IndexTypes();

  static std::optional<Money> SpotPrice(const LaunchType& t);

  void RankTypes();

  // The LP-guided packing: the shape LP says which type each pod should run on (pods of
  // complementary shapes share a type when that is cheaper, which a per-pod choice misses);
  // pods are then packed type by type, largest first, each type's pods only into nodes of
  // that type. A pod its type cannot take (constraints, rounding) opens a node as in the
  // cost-aware packer.
  void PlaceByLpType();

  // The configuration-LP-guided packing: nodes as the LP's floored configurations plan them
  // (each pod still checked by the simulator), then the residue pod by pod as in the
  // cost-aware packer, which may also fill the planned nodes' leftover room.
  void PlaceByConfigs();

  // The LP is indifferent between sizes of one family (m6i.large and m6i.32xlarge cost the
  // same per vCPU and GiB), so it may send ten pods to a fraction of the largest size; opening
  // that node and shrinking it afterwards lands on the next size up from the pods' total. We
  // therefore size each LP group again: the type that costs least for the group's total
  // demand, ties to the larger type (fewer nodes, less fragmentation). kWholeNodes counts
  // ⌈demand / capacity⌉ nodes on the scarcest resource (right for groups of a few nodes);
  // kStrandedCapacity counts demand / (capacity − half an average pod): a packed node strands
  // part of a pod, which matters on small nodes, and the last, partly filled node is not
  // counted whole because closing shrinks it anyway. Every pod must fit on the type.
  void SizeLpGroups();

  std::vector<size_t> DecreasingOrder() const;

  // Normalised free capacity left after placing `r` on `id`; smaller is a tighter fit.
  double SlackNorm(NodeId id, const Resources& r) const;

  // First fit: the lowest-numbered bin that takes the pod. Best fit: among the bins with the
  // least free CPU that could take it, the one with the smallest normalised slack norm; we
  // stop after kBestFitCandidates feasible bins, which are the tightest on CPU already.
  std::optional<size_t> ChooseBin(const PreparedPod& p, NodeId skip = -1);

  // What one pod of this shape costs on a type filled with such pods.
  double PodCost(const PreparedPod& p, const LaunchType& t, CapacityType capacity) const;

  void Reindex(size_t b);

  std::optional<NodeId> ChooseExisting(const PreparedPod& p) const;

  void Place(size_t i);

  int32_t ZoneIndex(const std::string& zone) const;

  size_t OptionIndex(const LaunchType& t, int32_t zone, CapacityType capacity) const;

  // Whether a new node of this type, zone and capacity passes the pod's node selector,
  // affinity and tolerations (new nodes carry no taints). Cached per placement class.
  bool Compatible(const PreparedPod& p, const LaunchType& t, const std::string& zone,
                  CapacityType capacity);

  std::vector<std::string> ZonesByLoad(const Ranked& r) const;

  NodeId Probe(const Ranked& r, const std::string& zone);

  // The cost-aware strategy ranks types for the pod that opens a node by how cheaply they
  // hold pods of its shape (price × the largest share of the type one such pod takes: the
  // type's cost per pod when filled with them), so CPU-heavy pods open compute types and
  // memory-heavy pods open memory types, as the LP bound's optimum does. Among near-equal
  // scores the larger type wins, since bigger nodes strand less capacity. The baseline uses
  // one ranking for the whole batch.
  //
  // Most pods only need the first type of their ranking (its cost per pod is what a node must
  // come near to take the pod, and a new node of it nearly always takes the pod), so that
  // type is found on its own, in one scan: the type with the most CPU among those within 2%
  // of the least cost per pod (then the cheaper, then the first in rank order). The whole
  // ranking (RankingFor, a sort of up to 128 types) is built only for a pod that this type
  // could not take. Pods within 50m CPU and 64 MiB of each other share both (the first
  // one's): ranking every distinct request anew is what made random-sized batches slow, and
  // the order of types barely moves within such a cell.
  static std::pair<int64_t, int64_t> RankingCell(const Resources& d);

  // Nullptr when no type holds the pod.
  const Ranked* BestTypeFor(const PreparedPod& p);

  // The efficient types that hold a pod of `d`, with their cost per pod (in scored_).
  std::vector<std::pair<double, size_t>>& ScoreTypes(const Resources& d);

  // The whole ranking, BestTypeFor's type first. Types too small for a pod are skipped on use.
  const std::vector<Ranked>& RankingFor(const PreparedPod& p);

  bool TryOpen(size_t i, const std::vector<Ranked>& ranking, FitFailure* first_failure);

  void OpenBin(size_t i);

  double Utilization(const Bin& bin) const;

  // Tries to move every pod of a little-used node onto the other new nodes.
  void EmptyLeastFilledBins();

  void TryEmpty(size_t b);

  // Why merge pairs. Packing type by type leaves the last node of each type, and the nodes of
  // rarely used types, partly empty; emptying moves whole nodes' pods only into room that
  // already exists. Two partly-empty nodes often fit together on one node of a type that
  // costs less than the two cheapest types that hold them separately (the small instances
  // against CBC's optimum show that this is where a greedy packing loses most). We try the
  // least-utilised nodes pairwise, cheapest merge first by construction of the scan, and
  // re-simulate every pod on the merged node, so constraints still hold.
  void MergePairs();

  // The cheapest type that holds `need` with every pod of `bins` compatible, in `zone`.
  const LaunchType* CheapestHolder(const Resources& need, const std::vector<const Bin*>& bins,
                                   const std::string& zone, CapacityType capacity);

  Money ClosingPrice(const Bin& bin);

  // Replaces bins a and b by one node of the cheapest type that holds both, when that is
  // cheaper and every pod passes the simulator there; otherwise leaves both as they were.
  bool TryMerge(size_t a, size_t b);

  // Why repack. The packing above decides each pod once, and emptying and pairwise merging
  // only take nodes away; the cheapest plans (the configuration LP's, and CBC's optima on small
  // instances) differ from ours in the mix of types, a few nodes at a time. So this pass takes
  // the nodes that cost most over what their pods are worth (price against the pods' cost at
  // the cheapest rate for their shape) and solves a small neighbourhood of each exactly
  // (CheaperRepacking): the node alone on up to three nodes, with one partner on up to two, with
  // two partners on up to three (a zone of one or two nodes as a whole). Partners are the other
  // most wasteful nodes and the nodes whose pods lean the other way (CPU against memory), since
  // those pair up on a general-purpose type. A move replaces nodes only when every pod passes the
  // simulator on the new ones (and spot nodes keep enough flexible types), so constraints still
  // hold. The work is bounded per pod, so the plan does not depend on the machine's speed. The live
  // bins per (zone, capacity type): the search only moves pods within one.
  std::map<std::pair<std::string, CapacityType>, std::vector<size_t>> BinsByZone() const;

  // Each pass: node elimination (a share of the budget: it finds few moves, cheaply), then
  // pairs (they find most moves for little work), triples with what is left.
  void LocalMoves();

  // Each zone's bins whose pods have no inter-pod constraints (one such pod failing on a
  // recreated node would void the whole move), for zones with at least two.
  std::vector<std::vector<size_t>> MovableBinsByZone() const;

  // Ruin and recreate (ruin_recreate.h) over each zone's movable bins, with the zone's share
  // (by pods) of kRuinRecreateShare of the budget left. Its nodes are applied as a repacking,
  // every pod checked by the simulator, and only when cheaper at closing prices.
  bool RuinRecreatePass();

  // The set cover over a column pool (column_cover.h) for each zone's movable bins: the
  // plan's nodes and those ruin and recreate accepted there (cover_pool_). Applied as a
  // repacking, every pod checked by the simulator, only when cheaper at closing prices.
  bool ColumnCoverPass();
  // The set cover runs at the thorough effort only (the default effort's plans stay as fast).
  bool CoverEnabled() const {
    return options_.column_cover && options_.ruin_and_recreate &&
           options_.search_steps_per_pod >= kSearchTwoAttemptsStepsPerPod &&
           prepared_.size() <= kMaxCoverPods;
  }
  // Keeps ruin and recreate's accepted nodes (pods indexing `pods`) in the pool of the zone
  // of bin `b`.
  void RecordCoverColumns(size_t b, const std::vector<size_t>& pods,
                          const std::vector<std::vector<int32_t>>& accepted);
  // Keeps the plan's live nodes in the pool.
  void RecordPlanColumns();

  bool RepackPass(size_t group_size);

  // Node elimination (node_elimination.h): each zone's nodes in order of waste, each emptied
  // into the room the others have left. The repacking moves see at most three nodes; this one
  // sees the whole zone's scattered room. A node only partly emptied keeps the pods that found
  // no place, and may then fit a cheaper type (downsizing by shifting pods off it). Kept only
  // when the nodes involved, each shrunk to its cheapest holder, cost less than before. Most
  // nodes cannot be emptied (planned nodes are 90%+ full), so a pass spends at most
  // kEliminationShare of the budget left and leaves the rest to the repacking moves.
  bool EliminationPass();

  // Replaces a bin's node by one of the cheapest type that holds its pods, so that its free
  // room is what the plan will have (a greedy packer's node is often larger than its pods
  // need, and room that makes the node dearer when used is not free).
  void ShrinkToClosingType(size_t b);

  // Mirrors the eliminator's moves into the bins when they save money (and spot nodes keep
  // enough flexible types); otherwise restores the bins' pod lists and returns false (the
  // caller then undoes the moves in the state).
  bool KeepMoves(const std::vector<size_t>& group, const NodeEliminator& eliminator,
                 const std::vector<PodMove>& moves, std::optional<size_t> victim);

  // A node's price shrunk to its cheapest holder, the share of that price its pods are not
  // worth at the cheapest rate for their shape, and which way its pods lean (CPU > 0 > memory).
  void Rescore(size_t b);

  // A zone holding few pods is solved exactly (ExactPartitionOptimum: the proven cheapest
  // packing onto its types), which local moves over at most three nodes cannot always reach:
  // the cheapest plan for eight trace pods is five nodes, ours two. The dynamic program gets
  // half the search budget (at least kMinExactTransitions) and is charged at most half, so a
  // zone too large for it leaves the rest to the moves.
  void SolveSmallZonesExactly();

  // The group's pods (appended to `pods`) and what its nodes cost now.
  Money GroupPods(const std::vector<size_t>& group, std::vector<size_t>& pods) const;

  bool SolveExactly(const std::vector<size_t>& group);

  bool RepackAround(size_t seed, const std::vector<size_t>& partners, size_t group_size);

  // The most wasteful other nodes, then those leaning most the other way.
  std::vector<size_t> Partners(size_t seed, double seed_lean, const std::vector<size_t>& by_waste,
                               const std::vector<size_t>& by_lean) const;

  // What `used` costs at the cheapest rate any type offers for its shape (a fraction of a
  // node): the part of a node's price its pods are worth.
  double FractionalCost(const Resources& used, CapacityType capacity) const;

  struct RepackTypes {
    std::vector<const LaunchType*> types;
    std::vector<RepackType> priced;  // the same types with their price in the zone
  };

  // The non-dominated types that every pod of the bins may run on, in their zone, cheapest
  // first; cached by zone, capacity type and the pods' placement classes.
  const RepackTypes& TypesFor(const std::vector<size_t>& group);

  bool TryRepack(const std::vector<size_t>& group, int32_t max_nodes);

  // Replaces the group's nodes by the repacking's, when every pod passes the simulator there;
  // otherwise leaves everything as it was.
  bool ApplyRepacking(const std::vector<size_t>& group, const std::vector<size_t>& pods,
                      const std::vector<const LaunchType*>& types, const Repacking& repacking);

  // Takes a bin's node (and its pods) out of the simulation, or puts them back.
  void SetBinRemoved(const Bin& bin, bool removed);

  // A new node of type `t` holding `pods` (taken off their old nodes by the caller), each
  // checked by the simulator as it lands; when one does not pass, the node goes again with
  // nothing bound, and nullopt.
  std::optional<NodeId> NodeHolding(const LaunchType& t, const std::string& zone,
                                    CapacityType capacity, const std::vector<size_t>& pods);

  bool AllCompatible(const Bin& bin, const LaunchType& t, CapacityType capacity);

  // Up to `limit` types that hold the bin's pods in its zone, cheapest first; for spot only
  // types of the first one's architecture (a launch template has one AMI).
  std::vector<const LaunchType*> Holders(const Bin& bin, CapacityType capacity, size_t limit);

  NewNode Close(Bin& bin, PackingPlan& plan);

 public:
  PackingPlan Finish();

 private:
  ClusterState& state_;
  const LaunchCatalog& launch_;
  const std::vector<const Pod*>& pods_;
  const PackingOptions& options_;
  PackingStrategy strategy_;
  LpSizing sizing_;
  SharedPacking* shared_;
  NodeId existing_count_ = 0;
  std::vector<PreparedPod> prepared_;
  TypeTables types_;              // IndexTypes, RankTypes (or a shared copy)
  std::vector<int32_t> lp_type_;  // per pod, its type in types_.ranking by the shape LP; -1 none
  std::vector<std::pair<double, size_t>> scored_;  // RankingFor's scratch
  std::map<std::pair<int64_t, int64_t>, std::vector<Ranked>> shape_rankings_;
  std::map<std::pair<int64_t, int64_t>, std::optional<Ranked>> best_types_;
  std::vector<Bin> bins_;
  BinIndex index_;
  std::map<std::string, int> bins_per_zone_;
  std::map<std::tuple<const LaunchType*, std::string, CapacityType>, NodeId> spares_;
  std::vector<std::vector<int8_t>> compatible_;  // [placement class][option], -1 unknown
  std::vector<std::pair<size_t, NodeId>> on_existing_;
  std::vector<std::pair<size_t, FitFailure>> unschedulable_;
  int64_t next_name_ = 0;
  int64_t budget_ = 0;  // the improvement pass's search steps left
  struct BinScore {
    Money closing;
    double waste = 0, lean = 0;
  };
  std::vector<BinScore> scores_;  // per bin (Rescore)
  // The nodes ruin and recreate accepted and the improved plans' nodes, when the set cover
  // runs: the shared pool of the portfolio's attempts, or this packer's own.
  CoverPool own_cover_pool_;
  CoverPool& PlanColumns() { return shared_ != nullptr ? shared_->cover_pool : own_cover_pool_; }
  // Per capacity type (on-demand, spot), every non-dominated type's price per millicore, byte
  // and slot.
  std::array<std::vector<std::array<double, 3>>, 2> unit_prices_;
  int64_t last_version_ = 0;
  // Neighbourhoods (bin + 1, version), sorted, unused entries zero, that found nothing cheaper.
  using NeighbourhoodKey = std::array<std::pair<size_t, int64_t>, 4>;
  std::set<NeighbourhoodKey> failed_;
  std::vector<size_t> scratch_pods_;
  std::vector<Resources> scratch_requests_;
  const RepackTypes* last_types_ = nullptr;  // TypesFor's last answer and its key
  std::vector<int32_t> last_types_key_;
  CapacityType last_types_capacity_ = CapacityType::kOnDemand;
  std::string last_types_zone_;
  std::map<std::tuple<int32_t, CapacityType, std::vector<int32_t>>, RepackTypes> repack_types_;
};

}  // namespace cloudoptim::packer_internal
