#include "store/sql_store.h"

namespace cloudoptim::store {

int64_t ToMillis(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::milliseconds>(t.time_since_epoch()).count();
}

TimePoint FromMillis(int64_t millis) {
  return TimePoint(std::chrono::duration_cast<Duration>(std::chrono::milliseconds(millis)));
}

Status RequireNonEmpty(std::string_view field, std::string_view value) {
  if (value.empty()) return InvalidArgument(std::string(field) + " must not be empty");
  return Ok();
}

SqlStore::SqlStore(std::unique_ptr<SqlDatabase> db, std::optional<SecretBox> secret_box,
                   Clock* clock)
    : db_(std::move(db)),
      secret_box_(std::move(secret_box)),
      clock_(clock != nullptr ? clock : &system_clock_) {}

Status SqlStore::RequireTenant(const std::string& tenant_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT 1 FROM tenants WHERE id = $1", {tenant_id}));
  if (rows.empty()) return NotFound("tenant \"" + tenant_id + "\" not found");
  return Ok();
}

Status SqlStore::RequireCluster(const std::string& tenant_id, const std::string& cluster_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_RETURN_IF_ERROR(RequireNonEmpty("cluster id", cluster_id));
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT 1 FROM clusters WHERE tenant_id = $1 AND id = $2",
                                 {tenant_id, cluster_id}));
  if (rows.empty()) return NotFound("cluster \"" + cluster_id + "\" not found");
  return Ok();
}

}  // namespace cloudoptim::store
