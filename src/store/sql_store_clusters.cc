// Clusters (credentials sealed with the SecretBox) and their per-cluster settings.
#include <nlohmann/json.hpp>

#include "store/api_key.h"
#include "store/comma_list.h"
#include "store/sql_store.h"

namespace cloudoptim::store {
namespace {

constexpr char kClusterColumns[] =
    "id, tenant_id, name, region, aws_endpoint, queue_url, created_ms, launch_template, "
    "subnet_ids";

Cluster ClusterFromRow(const SqlRow& row) {
  return Cluster{row.Text(0),
                 row.Text(1),
                 row.Text(2),
                 row.Text(3),
                 row.Text(4),
                 row.Text(5),
                 FromMillis(row.Int(6)),
                 row.Text(7),
                 SplitCommaList(row.Text(8))};
}

// Binds a sealed value to its row, so it cannot be copied into another tenant's cluster.
std::string CredentialsContext(const std::string& tenant_id, const std::string& cluster_id) {
  return "cluster-credentials:" + tenant_id + "/" + cluster_id;
}

}  // namespace

Result<Cluster> SqlStore::RegisterCluster(const std::string& tenant_id,
                                          const ClusterRegistration& registration) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("cluster name", registration.name));
  CO_RETURN_IF_ERROR(RequireNonEmpty("cluster region", registration.region));
  if (!secret_box_) {
    return FailedPrecondition("no master key configured: cluster credentials cannot be sealed");
  }
  CO_RETURN_IF_ERROR(RequireTenant(tenant_id));
  CO_ASSIGN_OR_RETURN(std::string id, NewId("c"));
  CO_ASSIGN_OR_RETURN(std::string sealed, secret_box_->Seal(registration.credentials,
                                                            CredentialsContext(tenant_id, id)));
  Cluster cluster{id,
                  tenant_id,
                  registration.name,
                  registration.region,
                  registration.aws_endpoint,
                  registration.queue_url,
                  FromMillis(NowMillis()),
                  registration.launch_template,
                  registration.subnet_ids};
  auto inserted = db_->Exec(
      "INSERT INTO clusters (id, tenant_id, name, region, aws_endpoint, queue_url, credentials, "
      "created_ms, launch_template, subnet_ids) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
      {cluster.id, tenant_id, cluster.name, cluster.region, cluster.aws_endpoint, cluster.queue_url,
       SqlBlob{sealed}, ToMillis(cluster.created), cluster.launch_template,
       JoinCommaList(cluster.subnet_ids)});
  if (!inserted && IsAlreadyExists(inserted.error())) {
    return AlreadyExists("cluster \"" + registration.name + "\" already exists");
  }
  CO_RETURN_IF_ERROR(inserted);
  return cluster;
}

Result<std::vector<Cluster>> SqlStore::ListClusters(const std::string& tenant_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kClusterColumns +
                                                   " FROM clusters WHERE tenant_id = $1 "
                                                   "ORDER BY name",
                                               {tenant_id}));
  std::vector<Cluster> clusters;
  for (const SqlRow& row : rows) clusters.push_back(ClusterFromRow(row));
  return clusters;
}

Result<Cluster> SqlStore::GetCluster(const std::string& tenant_id, const std::string& cluster_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kClusterColumns +
                                                   " FROM clusters WHERE tenant_id = $1 "
                                                   "AND id = $2",
                                               {tenant_id, cluster_id}));
  if (rows.empty()) return NotFound("cluster \"" + cluster_id + "\" not found");
  return ClusterFromRow(rows[0]);
}

Result<std::string> SqlStore::GetClusterCredentials(const std::string& tenant_id,
                                                    const std::string& cluster_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  if (!secret_box_) {
    return FailedPrecondition("no master key configured: cluster credentials cannot be opened");
  }
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT credentials FROM clusters "
                                               "WHERE tenant_id = $1 AND id = $2",
                                               {tenant_id, cluster_id}));
  if (rows.empty()) return NotFound("cluster \"" + cluster_id + "\" not found");
  return secret_box_->Open(rows[0].Blob(0), CredentialsContext(tenant_id, cluster_id));
}

Result<std::vector<Cluster>> SqlStore::ListAllClusters() {
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kClusterColumns +
                                                   " FROM clusters ORDER BY tenant_id, name",
                                               {}));
  std::vector<Cluster> clusters;
  for (const SqlRow& row : rows) clusters.push_back(ClusterFromRow(row));
  return clusters;
}

Result<ClusterSettings> SqlStore::GetSettings(const std::string& tenant_id,
                                              const std::string& cluster_id) {
  CO_RETURN_IF_ERROR(RequireCluster(tenant_id, cluster_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT mode, thresholds_json, kill_switch, "
                                               "updated_ms FROM cluster_settings "
                                               "WHERE tenant_id = $1 AND cluster_id = $2",
                                               {tenant_id, cluster_id}));
  ClusterSettings settings;
  if (rows.empty()) return settings;
  CO_ASSIGN_OR_RETURN(settings.mode, ParseClusterMode(rows[0].Text(0)));
  settings.thresholds_json = rows[0].Text(1);
  settings.kill_switch = rows[0].Int(2) != 0;
  settings.updated = FromMillis(rows[0].Int(3));
  return settings;
}

Status SqlStore::PutSettings(const std::string& tenant_id, const std::string& cluster_id,
                             const ClusterSettings& settings) {
  nlohmann::json thresholds = nlohmann::json::parse(settings.thresholds_json, nullptr, false);
  if (!thresholds.is_object()) {
    return InvalidArgument("settings.thresholds_json must be a JSON object, got \"" +
                           settings.thresholds_json.substr(0, 40) + "\"");
  }
  CO_RETURN_IF_ERROR(RequireCluster(tenant_id, cluster_id));
  return StatusOf(
      db_->Exec("INSERT INTO cluster_settings (cluster_id, tenant_id, mode, thresholds_json, "
                "kill_switch, updated_ms) VALUES ($1, $2, $3, $4, $5, $6) "
                "ON CONFLICT (cluster_id) DO UPDATE SET mode = excluded.mode, "
                "thresholds_json = excluded.thresholds_json, kill_switch = excluded.kill_switch, "
                "updated_ms = excluded.updated_ms",
                {cluster_id, tenant_id, std::string(ClusterModeName(settings.mode)),
                 thresholds.dump(), int64_t{settings.kill_switch ? 1 : 0}, NowMillis()}));
}

}  // namespace cloudoptim::store
