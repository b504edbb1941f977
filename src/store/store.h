// Persistence for the control plane behind one interface made of small ones, one per
// concern. Every method that touches tenant data takes the tenant id first and never reads
// or changes another tenant's rows: a row of another tenant is reported as NotFound.
//
//   CO_ASSIGN_OR_RETURN(std::unique_ptr<Store> store, OpenStore("sqlite:///var/lib/co.db", opts));
//   CO_ASSIGN_OR_RETURN(Tenant t, store->tenants().CreateTenant("acme"));
//   CO_ASSIGN_OR_RETURN(Cluster c, store->clusters().RegisterCluster(t.id, registration));
//
// Common failure contract (every method): Unavailable when the database cannot be reached or
// stays locked past the busy timeout (retry later); Aborted on a serialization conflict
// (retry the call); InvalidArgument when an argument is empty or malformed, naming it.
#pragma once

#include <chrono>
#include <string>
#include <vector>

#include "store/store_types.h"

namespace cloudoptim::store {

class TenantStore {
 public:
  virtual ~TenantStore() = default;
  // AlreadyExists when a tenant of that name exists.
  virtual Result<Tenant> CreateTenant(const std::string& name) = 0;
  virtual Result<Tenant> GetTenant(const std::string& tenant_id) = 0;
  virtual Result<std::vector<Tenant>> ListTenants() = 0;  // service operators only

  // Creates a random key; only its SHA-256 is stored. An empty tenant id makes a service-wide
  // key, allowed only for Role::kOperator. NotFound for an unknown tenant.
  virtual Result<NewApiKey> CreateApiKey(const std::string& tenant_id, Role role,
                                         const std::string& description) = 0;
  // The key whose hash is `key_hash` (hex SHA-256 of the plaintext). NotFound when no key has
  // it; PermissionDenied when it was revoked.
  virtual Result<ApiKeyRecord> FindApiKeyByHash(const std::string& key_hash) = 0;
  // Hashes and looks up a presented plaintext key: Unauthenticated when it is malformed,
  // unknown or revoked (the caller cannot tell which, on purpose).
  virtual Result<ApiKeyRecord> AuthenticateApiKey(const std::string& plaintext) = 0;
  virtual Result<std::vector<ApiKeyRecord>> ListApiKeys(const std::string& tenant_id) = 0;
  // NotFound when the key is not this tenant's. Revoking twice is Ok.
  virtual Status RevokeApiKey(const std::string& tenant_id, const std::string& key_id) = 0;
};

class ClusterStore {
 public:
  virtual ~ClusterStore() = default;
  // Encrypts the credentials under the master key. AlreadyExists when the tenant already has a
  // cluster of that name; NotFound for an unknown tenant.
  virtual Result<Cluster> RegisterCluster(const std::string& tenant_id,
                                          const ClusterRegistration& registration) = 0;
  virtual Result<std::vector<Cluster>> ListClusters(const std::string& tenant_id) = 0;
  virtual Result<Cluster> GetCluster(const std::string& tenant_id,
                                     const std::string& cluster_id) = 0;
  // Decrypts the stored credentials: DataLoss when the ciphertext was altered or the master
  // key that sealed it is not loaded.
  virtual Result<std::string> GetClusterCredentials(const std::string& tenant_id,
                                                    const std::string& cluster_id) = 0;
  // Every cluster of every tenant, for the service's own loops (never for API handlers).
  virtual Result<std::vector<Cluster>> ListAllClusters() = 0;

  // Settings default to recommend-only when never put. NotFound for another tenant's cluster.
  virtual Result<ClusterSettings> GetSettings(const std::string& tenant_id,
                                              const std::string& cluster_id) = 0;
  // InvalidArgument when thresholds_json is not a JSON object.
  virtual Status PutSettings(const std::string& tenant_id, const std::string& cluster_id,
                             const ClusterSettings& settings) = 0;
};

class RecommendationStore {
 public:
  virtual ~RecommendationStore() = default;
  // Stores one engine cycle's recommendations for a cluster. Ids already stored are updated
  // in place (their status kept, except superseded ones which become pending again); pending
  // recommendations the cycle did not produce become superseded. NotFound for another
  // tenant's cluster; InvalidArgument for an empty id or actions that are not a JSON array.
  virtual Result<UpsertSummary> UpsertRecommendations(
      const std::string& tenant_id, const std::string& cluster_id,
      const std::vector<StoredRecommendation>& recommendations) = 0;
  // Highest monthly savings first.
  virtual Result<std::vector<StoredRecommendation>> ListRecommendations(
      const std::string& tenant_id, const RecommendationFilter& filter) = 0;
  virtual Result<StoredRecommendation> GetRecommendation(const std::string& tenant_id,
                                                         const std::string& cluster_id,
                                                         const std::string& id) = 0;
  // Allowed: pending -> approved | rejected, approved -> applied | rejected. FailedPrecondition
  // for any other transition (setting the current status again is Ok).
  virtual Status SetRecommendationStatus(const std::string& tenant_id,
                                         const std::string& cluster_id, const std::string& id,
                                         RecommendationStatus status) = 0;
};

// The executor's write-ahead journal: each step is recorded as an intent before it runs, so
// that after a crash every unfinished step is found and no step runs twice.
class JournalStore {
 public:
  virtual ~JournalStore() = default;
  // AlreadyExists when the plan id is taken; NotFound for another tenant's cluster.
  virtual Result<Plan> CreatePlan(const std::string& tenant_id, const Plan& plan) = 0;
  virtual Result<Plan> GetPlan(const std::string& tenant_id, const std::string& plan_id) = 0;
  virtual Status SetPlanState(const std::string& tenant_id, const std::string& plan_id,
                              PlanState state) = 0;
  // Newest first; cluster_id empty = every cluster of the tenant.
  virtual Result<std::vector<Plan>> ListPlans(const std::string& tenant_id,
                                              const std::string& cluster_id, int limit) = 0;
  // Every plan that is not finished (pending, running or failed), oldest first, however many
  // newer plans there are: no limit, so a plan that still holds a disruption slot or waits to
  // be resumed is never missed. cluster_id empty = every cluster of the tenant.
  virtual Result<std::vector<Plan>> ListOpenPlans(const std::string& tenant_id,
                                                  const std::string& cluster_id) = 0;

  // Idempotent on the key: a second intent with a key already journaled for this tenant
  // returns the existing row with created=false (whatever its state). FailedPrecondition when
  // that row belongs to another plan or step (a key reused by mistake); AlreadyExists when the
  // key is another tenant's; NotFound for another tenant's plan.
  virtual Result<IntentOutcome> RecordIntent(const std::string& tenant_id,
                                             const IntentRequest& request) = 0;
  // intent | started -> started, counting an attempt (a resumed step is started again).
  virtual Result<JournalEntry> MarkStarted(const std::string& tenant_id, int64_t entry_id) = 0;
  // started -> done.
  virtual Result<JournalEntry> MarkDone(const std::string& tenant_id, int64_t entry_id,
                                        const std::string& result) = 0;
  // intent | started -> failed.
  virtual Result<JournalEntry> MarkFailed(const std::string& tenant_id, int64_t entry_id,
                                          const std::string& reason) = 0;
  // any state but rolled_back -> rolled_back.
  virtual Result<JournalEntry> MarkRolledBack(const std::string& tenant_id, int64_t entry_id,
                                              const std::string& reason) = 0;
  // All of the above: NotFound for an id that is not this tenant's; FailedPrecondition for a
  // transition not listed. Marking an entry with the state it already has is Ok and changes
  // nothing (except MarkStarted, which counts another attempt), so a retried call is harmless.

  // Entries in intent or started state, by plan and step, of one plan (plan_id set) or of one
  // cluster (plan_id empty).
  virtual Result<std::vector<JournalEntry>> ListUnfinished(const std::string& tenant_id,
                                                           const std::string& cluster_id,
                                                           const std::string& plan_id) = 0;
  virtual Result<std::vector<JournalEntry>> ListPlanEntries(const std::string& tenant_id,
                                                            const std::string& plan_id) = 0;
  // The most recently changed entries first (the API's actions view); cluster_id empty = every
  // cluster of the tenant.
  virtual Result<std::vector<JournalEntry>> ListRecentActions(const std::string& tenant_id,
                                                              const std::string& cluster_id,
                                                              int limit) = 0;
};

class AuditStore {
 public:
  virtual ~AuditStore() = default;
  virtual Result<AuditEntry> AppendAudit(const std::string& tenant_id, const AuditEntry& entry) = 0;
  // Newest first, at most `limit`, optionally only entries at or after `since`.
  virtual Result<std::vector<AuditEntry>> ListAudit(const std::string& tenant_id,
                                                    std::optional<TimePoint> since, int limit) = 0;
  // NotFound for another tenant's cluster.
  virtual Result<SafetyViolation> RecordSafetyViolation(const std::string& tenant_id,
                                                        const SafetyViolation& violation) = 0;
  // Newest first; cluster_id empty = every cluster of the tenant.
  virtual Result<std::vector<SafetyViolation>> ListSafetyViolations(const std::string& tenant_id,
                                                                    const std::string& cluster_id,
                                                                    int limit) = 0;
};

class FeedbackStore {
 public:
  virtual ~FeedbackStore() = default;
  // kDuplicate (and nothing written) when the event id was already recorded, by any tenant.
  virtual Result<RecordOutcome> RecordInterruption(const std::string& tenant_id,
                                                   const InterruptionRecord& record) = 0;
  virtual Result<std::vector<InterruptionRecord>> ListInterruptions(const std::string& tenant_id,
                                                                    TimePoint since) = 0;
  // How many distinct tenants saw an interruption in the pool since `since`: the cross-customer
  // signal (2 = uncertain, 3+ = risky). Returns a count only, never another tenant's rows.
  virtual Result<int> CountTenantsInterruptedInPool(const std::string& instance_type,
                                                    const std::string& availability_zone,
                                                    TimePoint since) = 0;
  // Pool adjustments are global (they describe AWS pools, not a tenant).
  virtual Status PutRiskAdjustment(const RiskScoreAdjustment& adjustment) = 0;
  virtual Result<std::vector<RiskScoreAdjustment>> ListRiskAdjustments() = 0;
  // Adds to the tenant's running totals (creating them at zero).
  virtual Result<LearningStats> AddLearningStats(const std::string& tenant_id,
                                                 int64_t instance_hours, int64_t interruptions) = 0;
  virtual Result<LearningStats> GetLearningStats(const std::string& tenant_id) = 0;
  virtual Result<RebalanceJob> CreateRebalanceJob(const std::string& tenant_id,
                                                  const RebalanceJob& job) = 0;
  virtual Result<std::vector<RebalanceJob>> ListRebalanceJobs(const std::string& tenant_id,
                                                              const std::string& state) = 0;
};

class TimeSeriesStore {
 public:
  virtual ~TimeSeriesStore() = default;
  // A point at an existing (cluster, time) replaces it. NotFound for another tenant's cluster.
  virtual Status AddSavings(const std::string& tenant_id, const SavingsPoint& point) = 0;
  // Points in [from, to), oldest first; cluster_id empty = every cluster of the tenant.
  virtual Result<std::vector<SavingsPoint>> QuerySavings(const std::string& tenant_id,
                                                         const std::string& cluster_id,
                                                         TimePoint from, TimePoint to) = 0;
  // Inserts in one transaction; a point at an existing (type, zone, time) replaces it.
  virtual Status InsertSpotPrices(const std::vector<SpotPricePoint>& points) = 0;
  // Points in [from, to), oldest first.
  virtual Result<std::vector<SpotPricePoint>> QuerySpotPrices(const std::string& instance_type,
                                                              const std::string& availability_zone,
                                                              TimePoint from, TimePoint to) = 0;
  // Hosted models (XGBoost files). AlreadyExists when that name and version exist.
  virtual Status PutModel(const ModelBlob& model) = 0;
  virtual Result<ModelBlob> GetModel(const std::string& name, const std::string& version) = 0;
};

// Per-cluster leases for scale-out: one replica works on a cluster at a time. Compare-and-set
// on (holder, expiry), so a lease changes hands only when it is free or expired.
class LeaseStore {
 public:
  virtual ~LeaseStore() = default;
  // true when `holder` now holds the lease until now + ttl (acquired, or re-acquired by the
  // same holder); false when another holder's lease has not expired.
  virtual Result<bool> TryAcquireLease(const std::string& name, const std::string& holder,
                                       std::chrono::milliseconds ttl) = 0;
  // Aborted when `holder` no longer holds the lease (expired and taken, or released).
  virtual Status RenewLease(const std::string& name, const std::string& holder,
                            std::chrono::milliseconds ttl) = 0;
  // Ok when not held by `holder` any more (releasing twice is harmless).
  virtual Status ReleaseLease(const std::string& name, const std::string& holder) = 0;
};

// Settings of the whole service, set by the service operator (never by a tenant).
class ServiceSettingsStore {
 public:
  virtual ~ServiceSettingsStore() = default;
  // Released (engaged=false, changed at epoch) when never put.
  virtual Result<GlobalKillSwitch> GetGlobalKillSwitch() = 0;
  // Stamps `changed` with the store's clock and returns what was stored. InvalidArgument when
  // changed_by is empty, or when engaging without a reason (whoever reads it later must be
  // able to tell why nothing acts).
  virtual Result<GlobalKillSwitch> PutGlobalKillSwitch(const GlobalKillSwitch& kill_switch) = 0;
};

// Pools recently interrupted, per tenant, so that every replica's interruption handler avoids
// them and a restart does not forget them.
class PoolMarkStore {
 public:
  virtual ~PoolMarkStore() = default;
  // Marks the pool until `mark.until`; a pool already marked keeps the later expiry. Drops the
  // tenant's expired marks on the way. InvalidArgument when a field is empty.
  virtual Status MarkPoolUnavailable(const std::string& tenant_id, const PoolMark& mark) = 0;
  // The tenant's marks still active at `now` (until > now), by instance type, zone, capacity.
  virtual Result<std::vector<PoolMark>> ListUnavailablePools(const std::string& tenant_id,
                                                             TimePoint now) = 0;
};

// The engine loop's status per cluster, written by the replica that holds the cluster's
// lease after every cycle and read by any replica that serves the cluster's detail view.
class LoopStatusStore {
 public:
  virtual ~LoopStatusStore() = default;
  // Replaces the cluster's status; stamps `updated` with the store's clock.
  virtual Status PutLoopStatus(const std::string& tenant_id, const std::string& cluster_id,
                               const ClusterLoopStatus& status) = 0;
  // nullopt when no replica has written one yet (or the cluster is another tenant's).
  virtual Result<std::optional<ClusterLoopStatus>> GetLoopStatus(const std::string& tenant_id,
                                                                 const std::string& cluster_id) = 0;
};

class Store {
 public:
  virtual ~Store() = default;
  virtual TenantStore& tenants() = 0;
  virtual ClusterStore& clusters() = 0;
  virtual RecommendationStore& recommendations() = 0;
  virtual JournalStore& journal() = 0;
  virtual AuditStore& audit() = 0;
  virtual FeedbackStore& feedback() = 0;
  virtual TimeSeriesStore& time_series() = 0;
  virtual LeaseStore& leases() = 0;
  virtual ServiceSettingsStore& service_settings() = 0;
  virtual PoolMarkStore& pool_marks() = 0;
  virtual LoopStatusStore& loop_status() = 0;
};

}  // namespace cloudoptim::store
