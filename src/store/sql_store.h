// The one implementation of Store: SQL written once over SqlDatabase, so it runs unchanged on
// SQLite and PostgreSQL. Internal to src/store; callers use OpenStore() and the Store interface.
// Each concern's methods are in their own file (sql_store_<concern>.cc).
#pragma once

#include <memory>
#include <optional>

#include "common/clock.h"
#include "store/secret_box.h"
#include "store/sql_database.h"
#include "store/store.h"

namespace cloudoptim::store {

int64_t ToMillis(TimePoint t);
TimePoint FromMillis(int64_t millis);
// InvalidArgument("<field> must not be empty") when `value` is empty.
Status RequireNonEmpty(std::string_view field, std::string_view value);

class SqlStore final : public Store,
                       public TenantStore,
                       public ClusterStore,
                       public RecommendationStore,
                       public JournalStore,
                       public AuditStore,
                       public FeedbackStore,
                       public TimeSeriesStore,
                       public LeaseStore,
                       public ServiceSettingsStore,
                       public PoolMarkStore,
                       public LoopStatusStore {
 public:
  SqlStore(std::unique_ptr<SqlDatabase> db, std::optional<SecretBox> secret_box, Clock* clock);

  TenantStore& tenants() override { return *this; }
  ClusterStore& clusters() override { return *this; }
  RecommendationStore& recommendations() override { return *this; }
  JournalStore& journal() override { return *this; }
  AuditStore& audit() override { return *this; }
  FeedbackStore& feedback() override { return *this; }
  TimeSeriesStore& time_series() override { return *this; }
  LeaseStore& leases() override { return *this; }
  ServiceSettingsStore& service_settings() override { return *this; }
  PoolMarkStore& pool_marks() override { return *this; }
  LoopStatusStore& loop_status() override { return *this; }

  // TenantStore (sql_store_tenants.cc)
  Result<Tenant> CreateTenant(const std::string& name) override;
  Result<Tenant> GetTenant(const std::string& tenant_id) override;
  Result<std::vector<Tenant>> ListTenants() override;
  Result<NewApiKey> CreateApiKey(const std::string& tenant_id, Role role,
                                 const std::string& description) override;
  Result<ApiKeyRecord> FindApiKeyByHash(const std::string& key_hash) override;
  Result<ApiKeyRecord> AuthenticateApiKey(const std::string& plaintext) override;
  Result<std::vector<ApiKeyRecord>> ListApiKeys(const std::string& tenant_id) override;
  Status RevokeApiKey(const std::string& tenant_id, const std::string& key_id) override;

  // ClusterStore (sql_store_clusters.cc)
  Result<Cluster> RegisterCluster(const std::string& tenant_id,
                                  const ClusterRegistration& registration) override;
  Result<std::vector<Cluster>> ListClusters(const std::string& tenant_id) override;
  Result<Cluster> GetCluster(const std::string& tenant_id, const std::string& cluster_id) override;
  Result<std::string> GetClusterCredentials(const std::string& tenant_id,
                                            const std::string& cluster_id) override;
  Result<std::vector<Cluster>> ListAllClusters() override;
  Result<ClusterSettings> GetSettings(const std::string& tenant_id,
                                      const std::string& cluster_id) override;
  Status PutSettings(const std::string& tenant_id, const std::string& cluster_id,
                     const ClusterSettings& settings) override;

  // RecommendationStore (sql_store_recommendations.cc)
  Result<UpsertSummary> UpsertRecommendations(
      const std::string& tenant_id, const std::string& cluster_id,
      const std::vector<StoredRecommendation>& recommendations) override;
  Result<std::vector<StoredRecommendation>> ListRecommendations(
      const std::string& tenant_id, const RecommendationFilter& filter) override;
  Result<StoredRecommendation> GetRecommendation(const std::string& tenant_id,
                                                 const std::string& cluster_id,
                                                 const std::string& id) override;
  Status SetRecommendationStatus(const std::string& tenant_id, const std::string& cluster_id,
                                 const std::string& id, RecommendationStatus status) override;

  // JournalStore (sql_store_journal.cc)
  Result<Plan> CreatePlan(const std::string& tenant_id, const Plan& plan) override;
  Result<Plan> GetPlan(const std::string& tenant_id, const std::string& plan_id) override;
  Status SetPlanState(const std::string& tenant_id, const std::string& plan_id,
                      PlanState state) override;
  Result<std::vector<Plan>> ListPlans(const std::string& tenant_id, const std::string& cluster_id,
                                      int limit) override;
  Result<std::vector<Plan>> ListOpenPlans(const std::string& tenant_id,
                                          const std::string& cluster_id) override;
  Result<IntentOutcome> RecordIntent(const std::string& tenant_id,
                                     const IntentRequest& request) override;
  Result<JournalEntry> MarkStarted(const std::string& tenant_id, int64_t entry_id) override;
  Result<JournalEntry> MarkDone(const std::string& tenant_id, int64_t entry_id,
                                const std::string& result) override;
  Result<JournalEntry> MarkFailed(const std::string& tenant_id, int64_t entry_id,
                                  const std::string& reason) override;
  Result<JournalEntry> MarkRolledBack(const std::string& tenant_id, int64_t entry_id,
                                      const std::string& reason) override;
  Result<std::vector<JournalEntry>> ListUnfinished(const std::string& tenant_id,
                                                   const std::string& cluster_id,
                                                   const std::string& plan_id) override;
  Result<std::vector<JournalEntry>> ListPlanEntries(const std::string& tenant_id,
                                                    const std::string& plan_id) override;
  Result<std::vector<JournalEntry>> ListRecentActions(const std::string& tenant_id,
                                                      const std::string& cluster_id,
                                                      int limit) override;

  // AuditStore (sql_store_audit.cc)
  Result<AuditEntry> AppendAudit(const std::string& tenant_id, const AuditEntry& entry) override;
  Result<std::vector<AuditEntry>> ListAudit(const std::string& tenant_id,
                                            std::optional<TimePoint> since, int limit) override;
  Result<SafetyViolation> RecordSafetyViolation(const std::string& tenant_id,
                                                const SafetyViolation& violation) override;
  Result<std::vector<SafetyViolation>> ListSafetyViolations(const std::string& tenant_id,
                                                            const std::string& cluster_id,
                                                            int limit) override;

  // FeedbackStore (sql_store_feedback.cc)
  Result<RecordOutcome> RecordInterruption(const std::string& tenant_id,
                                           const InterruptionRecord& record) override;
  Result<std::vector<InterruptionRecord>> ListInterruptions(const std::string& tenant_id,
                                                            TimePoint since) override;
  Result<int> CountTenantsInterruptedInPool(const std::string& instance_type,
                                            const std::string& availability_zone,
                                            TimePoint since) override;
  Status PutRiskAdjustment(const RiskScoreAdjustment& adjustment) override;
  Result<std::vector<RiskScoreAdjustment>> ListRiskAdjustments() override;
  Result<LearningStats> AddLearningStats(const std::string& tenant_id, int64_t instance_hours,
                                         int64_t interruptions) override;
  Result<LearningStats> GetLearningStats(const std::string& tenant_id) override;
  Result<RebalanceJob> CreateRebalanceJob(const std::string& tenant_id,
                                          const RebalanceJob& job) override;
  Result<std::vector<RebalanceJob>> ListRebalanceJobs(const std::string& tenant_id,
                                                      const std::string& state) override;

  // TimeSeriesStore (sql_store_time_series.cc)
  Status AddSavings(const std::string& tenant_id, const SavingsPoint& point) override;
  Result<std::vector<SavingsPoint>> QuerySavings(const std::string& tenant_id,
                                                 const std::string& cluster_id, TimePoint from,
                                                 TimePoint to) override;
  Status InsertSpotPrices(const std::vector<SpotPricePoint>& points) override;
  Result<std::vector<SpotPricePoint>> QuerySpotPrices(const std::string& instance_type,
                                                      const std::string& availability_zone,
                                                      TimePoint from, TimePoint to) override;
  Status PutModel(const ModelBlob& model) override;
  Result<ModelBlob> GetModel(const std::string& name, const std::string& version) override;

  // LeaseStore (sql_store_leases.cc)
  Result<bool> TryAcquireLease(const std::string& name, const std::string& holder,
                               std::chrono::milliseconds ttl) override;
  Status RenewLease(const std::string& name, const std::string& holder,
                    std::chrono::milliseconds ttl) override;
  Status ReleaseLease(const std::string& name, const std::string& holder) override;

  // ServiceSettingsStore (sql_store_service_settings.cc)
  Result<GlobalKillSwitch> GetGlobalKillSwitch() override;
  Result<GlobalKillSwitch> PutGlobalKillSwitch(const GlobalKillSwitch& kill_switch) override;

  // PoolMarkStore (sql_store_pool_marks.cc)
  Status MarkPoolUnavailable(const std::string& tenant_id, const PoolMark& mark) override;
  Result<std::vector<PoolMark>> ListUnavailablePools(const std::string& tenant_id,
                                                     TimePoint now) override;

  // LoopStatusStore (sql_store_loop_status.cc)
  Status PutLoopStatus(const std::string& tenant_id, const std::string& cluster_id,
                       const ClusterLoopStatus& status) override;
  Result<std::optional<ClusterLoopStatus>> GetLoopStatus(const std::string& tenant_id,
                                                         const std::string& cluster_id) override;

 private:
  int64_t NowMillis() const { return ToMillis(clock_->Now()); }
  // NotFound unless the tenant exists / the cluster exists and belongs to the tenant. The
  // message is the same whether the cluster is another tenant's or does not exist at all.
  Status RequireTenant(const std::string& tenant_id);
  Status RequireCluster(const std::string& tenant_id, const std::string& cluster_id);
  Result<JournalEntry> Transition(const std::string& tenant_id, int64_t entry_id, ActionState to,
                                  std::initializer_list<ActionState> from, int attempts_added,
                                  const std::string& result);
  Result<JournalEntry> GetEntry(const std::string& tenant_id, int64_t entry_id);

  std::unique_ptr<SqlDatabase> db_;
  std::optional<SecretBox> secret_box_;
  SystemClock system_clock_;
  Clock* clock_;
};

}  // namespace cloudoptim::store
