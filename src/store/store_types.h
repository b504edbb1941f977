// The records the Store reads and writes. Plain data: times are TimePoint (stored as epoch
// milliseconds UTC), money is Money (stored as integer micro-USD).
//
//   StoredRecommendation r{.id = "binpack-node/ip-10-0-1-2-3fa1", .engine = "bin-pack", ...};
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "common/clock.h"
#include "common/error.h"
#include "common/money.h"

namespace cloudoptim::store {

// ---- tenancy ----
enum class Role { kAdmin, kOperator, kViewer };
std::string_view RoleName(Role role);  // "admin", "operator", "viewer"
Result<Role> ParseRole(std::string_view text);

struct Tenant {
  std::string id;
  std::string name;
  TimePoint created;
};

struct ApiKeyRecord {
  std::string key_id;     // the public prefix of the key, used for lookup
  std::string tenant_id;  // empty for a service-wide operator key
  Role role = Role::kViewer;
  std::string description;
  TimePoint created;
  std::optional<TimePoint> revoked;
};

// A freshly created key: the plaintext exists only here, the store keeps its SHA-256.
struct NewApiKey {
  ApiKeyRecord record;
  std::string plaintext;  // "co_<key_id>_<64 hex>"
};

// ---- clusters ----
struct ClusterRegistration {
  std::string name;
  std::string region;
  std::string aws_endpoint;  // empty = the AWS default for the region
  std::string queue_url;     // SQS queue with the cluster's EventBridge events
  std::string credentials;   // kubeconfig / role settings; encrypted before it is stored
  // Optional: what replacement nodes launch from. Empty = discovered from the node being
  // replaced (its aws:ec2launchtemplate:id tag, the subnets its node group runs in).
  std::string launch_template;          // "lt-..." id or a launch template name
  std::vector<std::string> subnet_ids;  // "subnet-..."
};

struct Cluster {
  std::string id;
  std::string tenant_id;
  std::string name;
  std::string region;
  std::string aws_endpoint;
  std::string queue_url;
  TimePoint created;
  std::string launch_template;  // see ClusterRegistration
  std::vector<std::string> subnet_ids;
};

enum class ClusterMode { kRecommendOnly, kApprove, kAutopilot };
std::string_view ClusterModeName(ClusterMode mode);  // "recommend-only", "approve", "autopilot"
Result<ClusterMode> ParseClusterMode(std::string_view text);

struct ClusterSettings {
  ClusterMode mode = ClusterMode::kRecommendOnly;  // dry-run unless a person opts in
  std::string thresholds_json = "{}";              // per-cluster safety thresholds
  bool kill_switch = false;
  TimePoint updated;
};

// The service-wide kill switch: while engaged nothing acts in any cluster of any tenant. One
// row for the whole service; never put reads as released.
struct GlobalKillSwitch {
  bool engaged = false;
  std::string reason;      // "incident 4711"
  std::string changed_by;  // the audit actor who last set it, "api-key:operator"
  TimePoint changed;       // when it was last set; epoch when never put
};

// A spot pool (instance type × zone × capacity) that was just interrupted in a tenant's
// account: replacements avoid it until `until`. Zone names are per AWS account (one account's
// us-east-1a is not another's), so marks are per tenant.
struct PoolMark {
  std::string instance_type;      // "m5.large"
  std::string availability_zone;  // "us-east-1a"
  std::string capacity;           // "spot" | "on-demand"
  TimePoint until;
};

// The last state of a cluster's engine loop as the replica running it saw it, so that every
// replica (and a restarted one) can show it. Optional times are absent until they happened.
struct ClusterLoopStatus {
  std::string replica;  // the replica that wrote it ("host-1234")
  std::optional<TimePoint> last_snapshot;
  std::optional<TimePoint> last_cycle;
  std::optional<TimePoint> next_cycle;
  std::chrono::milliseconds cycle_interval{0};
  std::string last_error;  // empty when the last attempt succeeded
  TimePoint updated;       // stamped by the store
};

// ---- recommendations ----
enum class RecommendationStatus { kPending, kApproved, kRejected, kApplied, kSuperseded };
std::string_view RecommendationStatusName(RecommendationStatus status);
Result<RecommendationStatus> ParseRecommendationStatus(std::string_view text);

struct StoredRecommendation {
  std::string id;  // the engine's deterministic id; unique per cluster
  std::string cluster_id;
  std::string engine;        // "bin-pack"
  std::string target;        // "node/ip-10-0-1-2"
  std::string actions_json;  // the engine's typed actions as a JSON array
  Money monthly_savings;
  double confidence = 0;
  std::string explanation;
  RecommendationStatus status = RecommendationStatus::kPending;
  TimePoint created;
  TimePoint updated;
};

struct RecommendationFilter {
  std::string cluster_id;  // empty = every cluster of the tenant
  std::optional<RecommendationStatus> status;
  std::string engine;  // empty = every engine
  int limit = 1000;
};

struct UpsertSummary {
  int inserted = 0;
  int updated = 0;
  int superseded = 0;  // pending ones the cycle no longer proposed
};

// ---- plans and the action journal ----
enum class PlanState { kPending, kRunning, kDone, kFailed, kRolledBack };
std::string_view PlanStateName(PlanState state);

struct Plan {
  std::string id;
  std::string cluster_id;
  std::string recommendation_id;
  std::string description;
  PlanState state = PlanState::kPending;
  TimePoint created;
  TimePoint updated;
};

enum class ActionState { kIntent, kStarted, kDone, kFailed, kRolledBack };
std::string_view ActionStateName(ActionState state);  // "intent", "started", ...
Result<ActionState> ParseActionState(std::string_view text);

struct IntentRequest {
  std::string plan_id;
  std::string cluster_id;
  int step_index = 0;
  std::string idempotency_key;  // e.g. "<plan>/<step>/<kind>/<target>"
  std::string kind;             // "launch", "cordon", "evict", "terminate", ...
  std::string target;
};

struct JournalEntry {
  int64_t id = 0;
  std::string plan_id;
  std::string cluster_id;
  int step_index = 0;
  std::string idempotency_key;
  std::string kind;
  std::string target;
  ActionState state = ActionState::kIntent;
  int attempts = 0;
  std::string result;  // what the step produced (instance id) or why it failed
  TimePoint created;
  TimePoint updated;
};

struct IntentOutcome {
  JournalEntry entry;
  bool created = false;  // false: the key was already journaled and `entry` is that row
};

// ---- audit and safety ----
struct AuditEntry {
  int64_t id = 0;
  std::string actor;   // "api-key:k1a2b3", "engine-cycle", "interruption-handler"
  std::string action;  // "recommendation.approve", "node.cordon"
  std::string target;
  std::string reason;
  TimePoint at;
};

struct SafetyViolation {
  int64_t id = 0;
  std::string cluster_id;
  std::string plan_id;
  int layer = 0;  // 1..5 as in DESIGN.md
  double measured = 0;
  double threshold = 0;
  std::string detail;
  TimePoint at;
};

// ---- feedback and learning ----
struct InterruptionRecord {
  std::string event_id;  // the EventBridge event id; SQS may deliver it twice
  std::string cluster_id;
  std::string instance_id;
  std::string instance_type;
  std::string availability_zone;
  std::string kind;  // "spot-interruption", "rebalance", "state-change", "health"
  std::vector<std::string> workload_types;
  TimePoint at;
};
enum class RecordOutcome { kRecorded, kDuplicate };

struct RiskScoreAdjustment {
  std::string instance_type;
  std::string availability_zone;
  double adjustment = 0;  // added to the pool's risk (+0.10 uncertain, +0.20 risky)
  std::string reason;
  int tenants_affected = 0;
  TimePoint updated;
};

struct LearningStats {
  int64_t observed_instance_hours = 0;
  int64_t interruptions = 0;
  TimePoint updated;
};

struct RebalanceJob {
  int64_t id = 0;
  std::string cluster_id;
  std::string instance_type;
  std::string availability_zone;
  std::string reason;
  std::string state = "pending";  // pending | running | done | cancelled
  TimePoint created;
  TimePoint updated;
};

// ---- time series ----
struct SavingsPoint {
  std::string cluster_id;
  TimePoint at;
  Money realized;           // saved during the period ending at `at`
  Money projected_monthly;  // run-rate of the applied recommendations
};

struct SpotPricePoint {
  std::string instance_type;
  std::string availability_zone;
  TimePoint at;
  Money usd_per_hour;
  bool interpolated = false;  // filled by the gap filler rather than observed
  double confidence = 1.0;
};

struct ModelBlob {
  std::string name;
  std::string version;
  std::string bytes;
  std::string metadata_json;
  TimePoint created;
};

}  // namespace cloudoptim::store
