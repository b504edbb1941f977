// Scheduling. Each cluster has an Entry with the time its next cycle is due. A pass
// (RunDue) walks the entries in cluster-id order and runs the due ones this replica holds
// the lease of, one after the other: cycles are short next to the 10-minute interval, and a
// slow or unreachable cluster costs one bounded attempt (the Kubernetes client's retries are
// bounded) before it backs off, so it cannot starve the others. The cycle of one cluster is
// serialised by its cycle_mutex, shared with API triggers.
//
// Leases. A replica runs a cluster only while it holds the lease "cluster-loop/<id>"; it
// renews it every ttl/3, so when a replica dies another takes the cluster over within one
// ttl. A replica that loses the lease drops the cluster's runtime (its watches) too.
#include "controlplane/engine_loop.h"

#include <unistd.h>

#include <algorithm>

#include "controlplane/control_plane_log.h"
#include "controlplane/cycle_records.h"
#include "risk/region_scoring.h"

namespace cloudoptim::controlplane {

struct EngineLoop::Entry {
  explicit Entry(store::Cluster c) : cluster(std::move(c)) {}
  const store::Cluster cluster;

  std::mutex cycle_mutex;  // one cycle at a time; guards runtime
  std::unique_ptr<ClusterRuntime> runtime;

  mutable std::mutex status_mutex;  // guards everything below
  TimePoint next_due{};             // the epoch: due at once
  int failures = 0;
  bool lease_held = false;
  std::optional<TimePoint> lease_checked;
  server::LoopStatus status;
};

namespace {

std::string DefaultReplicaId() {
  char host[256] = {};
  if (::gethostname(host, sizeof(host) - 1) != 0) host[0] = '\0';
  return std::string(host[0] ? host : "replica") + "-" + std::to_string(::getpid());
}

std::string LeaseName(const std::string& cluster_id) { return "cluster-loop/" + cluster_id; }

std::vector<store::SpotPricePoint> ToStoredPrices(const std::vector<aws::SpotPricePoint>& points) {
  std::vector<store::SpotPricePoint> stored;
  stored.reserve(points.size());
  for (const aws::SpotPricePoint& p : points) {
    stored.push_back({.instance_type = p.instance_type,
                      .availability_zone = p.availability_zone,
                      .at = p.timestamp,
                      .usd_per_hour = p.usd_per_hour});
  }
  return stored;
}

}  // namespace

EngineLoop::EngineLoop(store::Store& store, const Catalog& catalog, EngineRunner& runner,
                       ClusterConnector connector, Clock& clock, EngineLoopOptions options,
                       EngineLoopObserver* observer)
    : store_(store),
      catalog_(catalog),
      runner_(runner),
      connector_(std::move(connector)),
      clock_(clock),
      options_(std::move(options)),
      observer_(observer) {
  if (options_.replica_id.empty()) options_.replica_id = DefaultReplicaId();
}

EngineLoop::~EngineLoop() { Stop(); }

void EngineLoop::AddCluster(const store::Cluster& cluster) {
  {
    std::lock_guard lock(entries_mutex_);
    if (!entries_.contains(cluster.id)) {
      auto entry = std::make_shared<Entry>(cluster);
      entry->status.running = true;
      entry->status.replica = options_.replica_id;
      entry->status.cycle_interval =
          std::chrono::duration_cast<std::chrono::milliseconds>(options_.interval);
      entries_.emplace(cluster.id, std::move(entry));
    }
  }
  Wake();
}

void EngineLoop::MarkDue(const std::string& cluster_id) {
  if (std::shared_ptr<Entry> entry = Find(cluster_id)) {
    std::lock_guard lock(entry->status_mutex);
    entry->next_due = TimePoint{};
  }
  Wake();
}

std::shared_ptr<EngineLoop::Entry> EngineLoop::Find(const std::string& cluster_id) const {
  std::lock_guard lock(entries_mutex_);
  auto it = entries_.find(cluster_id);
  return it == entries_.end() ? nullptr : it->second;
}

void EngineLoop::Rescan() {
  Result<std::vector<store::Cluster>> clusters = store_.clusters().ListAllClusters();
  if (!clusters) {
    Log(LogLevel::kWarn, "cannot list clusters", {{"error", clusters.error().ToString()}});
    return;
  }
  for (const store::Cluster& cluster : *clusters) AddCluster(cluster);
}

bool EngineLoop::HoldsLease(Entry& entry, TimePoint now, bool fresh) {
  {
    std::lock_guard lock(entry.status_mutex);
    if (!fresh && entry.lease_checked && now - *entry.lease_checked < options_.lease_ttl / 3) {
      return entry.lease_held;
    }
  }
  Result<bool> held = store_.leases().TryAcquireLease(
      LeaseName(entry.cluster.id), options_.replica_id,
      std::chrono::duration_cast<std::chrono::milliseconds>(options_.lease_ttl));
  bool holds = held.has_value() && *held;
  if (!held) {
    Log(LogLevel::kWarn, "lease check failed",
        {{"cluster", entry.cluster.id}, {"error", held.error().ToString()}});
  }
  std::lock_guard lock(entry.status_mutex);
  entry.lease_held = holds;
  entry.lease_checked = now;
  return holds;
}

int EngineLoop::RunDue() {
  TimePoint now = clock_.Now();
  if (!last_rescan_ || now - *last_rescan_ >= options_.rescan_interval) {
    last_rescan_ = now;
    Rescan();
  }
  std::vector<std::shared_ptr<Entry>> entries;
  {
    std::lock_guard lock(entries_mutex_);
    for (const auto& [id, entry] : entries_) entries.push_back(entry);
  }
  int ran = 0;
  for (const std::shared_ptr<Entry>& entry : entries) {
    {
      std::lock_guard lock(thread_mutex_);
      if (stopping_) break;
    }
    if (!HoldsLease(*entry, now)) {
      std::unique_lock cycle(entry->cycle_mutex, std::try_to_lock);
      if (cycle.owns_lock()) entry->runtime.reset();  // another replica watches it
      continue;
    }
    {
      std::lock_guard lock(entry->status_mutex);
      if (now < entry->next_due) continue;
    }
    std::unique_lock cycle(entry->cycle_mutex, std::try_to_lock);
    if (!cycle.owns_lock()) continue;  // an API trigger is running it right now
    (void)RunCycle(*entry);
    ++ran;
  }
  return ran;
}

Result<server::CycleOutcome> EngineLoop::RunNow(const std::string& tenant_id,
                                                const std::string& cluster_id) {
  std::shared_ptr<Entry> entry = Find(cluster_id);
  if (!entry) {
    // Registered by another replica or a moment ago: the store knows it.
    Result<store::Cluster> cluster = store_.clusters().GetCluster(tenant_id, cluster_id);
    if (!cluster) return std::unexpected(cluster.error());
    AddCluster(*cluster);
    entry = Find(cluster_id);
  }
  if (!entry || entry->cluster.tenant_id != tenant_id) {
    return NotFound("cluster " + cluster_id + " not found");
  }
  std::unique_lock cycle(entry->cycle_mutex, std::try_to_lock);
  if (!cycle.owns_lock()) {
    return Aborted("a cycle of cluster " + cluster_id + " is already running");
  }
  return RunCycle(*entry);
}

Result<server::CycleOutcome> EngineLoop::RunCycle(Entry& entry) {
  TimePoint started = clock_.Now();
  Result<server::CycleOutcome> outcome = RunCycleSteps(entry, started);
  TimePoint finished = clock_.Now();
  if (!outcome) {
    RecordFailure(entry, outcome.error(), finished);
    if (observer_) observer_->OnCycleFailed(entry.cluster, outcome.error(), finished - started);
    return outcome;
  }
  outcome->finished = finished;
  RecordSuccess(entry, finished);
  Log(LogLevel::kInfo, "engine cycle",
      {{"cluster", entry.cluster.id},
       {"recommendations", std::to_string(outcome->recommendation_count)},
       {"superseded", std::to_string(outcome->superseded)},
       {"monthly_savings_usd", outcome->monthly_savings.ToDecimalString(2)}});
  return outcome;
}

Status EngineLoop::EnsureRuntime(Entry& entry) {
  if (entry.runtime) return Ok();
  const store::Cluster& cluster = entry.cluster;
  Result<std::string> credentials =
      store_.clusters().GetClusterCredentials(cluster.tenant_id, cluster.id);
  if (!credentials) return std::unexpected(Annotate(credentials.error(), "cluster credentials"));
  Result<ClusterClients> clients = connector_(cluster, *credentials);
  if (!clients) return std::unexpected(Annotate(clients.error(), "connecting to the cluster"));
  entry.runtime = std::make_unique<ClusterRuntime>(
      cluster, std::move(*clients), clock_,
      ClusterRuntimeOptions{.snapshot_resync = options_.snapshot_resync});
  return Ok();
}

Result<EngineCycleResult> EngineLoop::RunEngines(Entry& entry, const Snapshot& snapshot) {
  const store::Cluster& cluster = entry.cluster;
  CO_ASSIGN_OR_RETURN(store::ClusterSettings settings,
                      store_.clusters().GetSettings(cluster.tenant_id, cluster.id));
  Result<Policy> policy = PolicyFromSettings(settings);
  if (!policy) return std::unexpected(Annotate(policy.error(), "cluster settings"));
  // Without prices the engines fall back to the catalogue's estimates: worse, not wrong.
  Result<RegionEvidence> evidence = entry.runtime->SpotEvidence();
  if (!evidence) {
    Log(LogLevel::kWarn, "spot prices unavailable, using catalogue estimates",
        {{"cluster", cluster.id}, {"error", evidence.error().ToString()}});
    evidence = RegionEvidence{};
  } else if (!entry.runtime->last_spot_prices().empty()) {
    (void)store_.time_series().InsertSpotPrices(ToStoredPrices(entry.runtime->last_spot_prices()));
  }
  PoolScoreTable scores = ScoreRegion(catalog_, snapshot.region, *evidence);
  std::map<RegionEvidence::PoolId, Money> prices = LatestSpotPrices(*evidence);
  Result<EngineCycleResult> result = runner_.Run(
      {.snapshot = snapshot, .policy = *policy, .pool_scores = scores, .spot_prices = prices});
  if (!result) return std::unexpected(Annotate(result.error(), "running the engines"));
  return result;
}

Result<server::CycleOutcome> EngineLoop::RunCycleSteps(Entry& entry, TimePoint started) {
  const store::Cluster& cluster = entry.cluster;
  CO_RETURN_IF_ERROR(EnsureRuntime(entry));
  Result<Snapshot> snapshot = entry.runtime->CurrentSnapshot();
  if (!snapshot) {
    entry.runtime.reset();  // reconnect from scratch next time (credentials may have changed)
    return std::unexpected(Annotate(snapshot.error(), "reading the cluster"));
  }
  {
    std::lock_guard lock(entry.status_mutex);
    entry.status.last_snapshot = snapshot->now;
  }
  CO_ASSIGN_OR_RETURN(EngineCycleResult result, RunEngines(entry, *snapshot));
  CO_ASSIGN_OR_RETURN(
      store::UpsertSummary summary,
      store_.recommendations().UpsertRecommendations(cluster.tenant_id, cluster.id,
                                                     ToStoredRecommendations(cluster.id, result)));
  CO_RETURN_IF_ERROR(store_.time_series().AddSavings(
      cluster.tenant_id, {.cluster_id = cluster.id,
                          .at = snapshot->now,
                          .realized = Money(),
                          .projected_monthly = ProjectedMonthlySavings(result)}));
  if (observer_) observer_->OnCycle(cluster, result, clock_.Now() - started);
  return server::CycleOutcome{
      .cluster_id = cluster.id,
      .recommendation_count = static_cast<int>(result.recommendations.items.size()),
      .inserted = summary.inserted,
      .updated = summary.updated,
      .superseded = summary.superseded,
      .monthly_savings = result.recommendations.TotalMonthlySavings(),
      .started = started};
}

void EngineLoop::RecordFailure(Entry& entry, const Error& error, TimePoint at) {
  bool was_healthy = false;
  int failures = 0;
  {
    std::lock_guard lock(entry.status_mutex);
    was_healthy = entry.status.last_error.empty();
    failures = ++entry.failures;
    Duration backoff = options_.min_backoff * (1LL << std::min(failures - 1, 16));
    backoff = std::min(backoff, options_.max_backoff);
    entry.next_due = at + backoff;
    entry.status.next_cycle = entry.next_due;
    entry.status.last_error = error.ToString();
  }
  Log(LogLevel::kWarn, "engine cycle failed",
      {{"cluster", entry.cluster.id},
       {"failures", std::to_string(failures)},
       {"error", error.ToString()}});
  PublishStatus(entry);
  if (was_healthy) {
    // The tenant's audit log says when its cluster stopped being readable, and why.
    (void)store_.audit().AppendAudit(entry.cluster.tenant_id,
                                     {.actor = "engine-loop",
                                      .action = "cluster.unreachable",
                                      .target = "cluster/" + entry.cluster.id,
                                      .reason = error.ToString(),
                                      .at = at});
  }
}

void EngineLoop::RecordSuccess(Entry& entry, TimePoint at) {
  bool recovered = false;
  {
    std::lock_guard lock(entry.status_mutex);
    recovered = !entry.status.last_error.empty();
    entry.failures = 0;
    entry.next_due = at + options_.interval;
    entry.status.last_cycle = at;
    entry.status.next_cycle = entry.next_due;
    entry.status.last_error.clear();
  }
  PublishStatus(entry);
  if (recovered) {
    (void)store_.audit().AppendAudit(entry.cluster.tenant_id,
                                     {.actor = "engine-loop",
                                      .action = "cluster.reachable",
                                      .target = "cluster/" + entry.cluster.id,
                                      .reason = "engine cycle succeeded again",
                                      .at = at});
  }
}

std::vector<store::Cluster> EngineLoop::Clusters(bool held_only) const {
  std::vector<store::Cluster> clusters;
  std::lock_guard lock(entries_mutex_);
  for (const auto& [id, entry] : entries_) {
    std::lock_guard status(entry->status_mutex);
    if (!held_only || entry->lease_held) clusters.push_back(entry->cluster);
  }
  return clusters;
}

namespace {

// The stored row with when it was written. It counts as a running loop only while recent: the
// holder writes after every attempt, so at most the interval (or, after failures, the longest
// backoff) apart; two of those plus a lease ttl (the time another replica needs to take over
// from a holder that died) without a write mean nobody runs the cluster.
server::LoopStatus FromStored(const store::ClusterLoopStatus& s, TimePoint now,
                              const EngineLoopOptions& options) {
  const Duration fresh_for =
      2 * std::max(options.interval, options.max_backoff) + options.lease_ttl;
  return {.running = now - s.updated <= fresh_for,
          .last_snapshot = s.last_snapshot,
          .last_cycle = s.last_cycle,
          .next_cycle = s.next_cycle,
          .cycle_interval = s.cycle_interval,
          .last_error = s.last_error,
          .replica = s.replica,
          .updated = s.updated};
}

}  // namespace

// The replica that holds the cluster's lease answers from memory; any other replica (behind
// the same load balancer) answers from what the holder last wrote to the store, also for a
// cluster it has not picked up yet (registered on another replica since its last rescan).
std::optional<server::LoopStatus> EngineLoop::GetStatus(const std::string& tenant_id,
                                                        const std::string& cluster_id) const {
  std::shared_ptr<Entry> entry = Find(cluster_id);
  if (!entry) {
    Result<std::optional<store::ClusterLoopStatus>> stored =
        store_.loop_status().GetLoopStatus(tenant_id, cluster_id);  // scoped to the tenant
    if (!stored || !stored->has_value()) return std::nullopt;
    return FromStored(**stored, clock_.Now(), options_);
  }
  if (entry->cluster.tenant_id != tenant_id) return std::nullopt;
  {
    std::lock_guard lock(entry->status_mutex);
    if (entry->lease_held) return entry->status;
  }
  Result<std::optional<store::ClusterLoopStatus>> stored =
      store_.loop_status().GetLoopStatus(tenant_id, cluster_id);
  server::LoopStatus status{.running = true};
  if (!stored) {
    status.last_error = "cannot read the loop's status: " + stored.error().ToString();
    return status;
  }
  if (!stored->has_value()) {  // no cycle anywhere yet, and not known who will run it
    std::lock_guard lock(entry->status_mutex);
    server::LoopStatus pending = entry->status;
    pending.replica.clear();
    return pending;
  }
  return FromStored(**stored, clock_.Now(), options_);
}

// Best effort: a store that cannot take the status costs the other replicas' view of it, not
// the cycle (its recommendations are stored already). Only the lease holder writes: a cycle
// an API trigger ran on another replica must not make that replica the loop's in everyone's
// view, nor replace the holder's next cycle with one nobody will run.
void EngineLoop::PublishStatus(Entry& entry) {
  {
    std::lock_guard lock(entry.status_mutex);
    if (!entry.lease_held) return;
  }
  // The lease may have moved while the cycle ran (a cycle longer than the ttl): asked again
  // (and so renewed) right before the write, a replica that lost it does not overwrite the new
  // holder's status with its own.
  if (!HoldsLease(entry, clock_.Now(), /*fresh=*/true)) return;
  store::ClusterLoopStatus stored;
  {
    std::lock_guard lock(entry.status_mutex);
    stored = {.replica = options_.replica_id,
              .last_snapshot = entry.status.last_snapshot,
              .last_cycle = entry.status.last_cycle,
              .next_cycle = entry.status.next_cycle,
              .cycle_interval = entry.status.cycle_interval,
              .last_error = entry.status.last_error};
  }
  Status put =
      store_.loop_status().PutLoopStatus(entry.cluster.tenant_id, entry.cluster.id, stored);
  if (!put) {
    Log(LogLevel::kWarn, "storing the loop status failed",
        {{"cluster", entry.cluster.id}, {"error", put.error().ToString()}});
  }
}

void EngineLoop::Start() {
  std::lock_guard lock(thread_mutex_);
  if (thread_.joinable()) return;
  stopping_ = false;
  thread_ = std::thread([this] { ThreadMain(); });
}

void EngineLoop::ThreadMain() {
  std::unique_lock lock(thread_mutex_);
  while (!stopping_) {
    lock.unlock();
    RunDue();
    lock.lock();
    wake_.wait_for(lock, options_.tick, [this] { return stopping_ || woken_; });
    woken_ = false;
  }
}

void EngineLoop::Wake() {
  {
    std::lock_guard lock(thread_mutex_);
    woken_ = true;
  }
  wake_.notify_all();
}

void EngineLoop::Stop() {
  {
    std::lock_guard lock(thread_mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
  std::lock_guard lock(entries_mutex_);
  for (auto& [id, entry] : entries_) {
    std::lock_guard cycle(entry->cycle_mutex);
    entry->runtime.reset();
    (void)store_.leases().ReleaseLease(LeaseName(id), options_.replica_id);
  }
}

}  // namespace cloudoptim::controlplane
