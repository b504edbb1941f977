// Settings of the whole service: the global kill switch, one row (id = 1).
#include "store/sql_store.h"

namespace cloudoptim::store {

Result<GlobalKillSwitch> SqlStore::GetGlobalKillSwitch() {
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query("SELECT engaged, reason, changed_by, changed_ms "
                                               "FROM service_kill_switch WHERE id = 1",
                                               {}));
  GlobalKillSwitch kill_switch;
  if (rows.empty()) return kill_switch;
  kill_switch.engaged = rows[0].Int(0) != 0;
  kill_switch.reason = rows[0].Text(1);
  kill_switch.changed_by = rows[0].Text(2);
  kill_switch.changed = FromMillis(rows[0].Int(3));
  return kill_switch;
}

Result<GlobalKillSwitch> SqlStore::PutGlobalKillSwitch(const GlobalKillSwitch& kill_switch) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("kill switch changed_by", kill_switch.changed_by));
  if (kill_switch.engaged) {
    CO_RETURN_IF_ERROR(RequireNonEmpty("kill switch reason", kill_switch.reason));
  }
  GlobalKillSwitch stored = kill_switch;
  stored.changed = FromMillis(NowMillis());
  CO_RETURN_IF_ERROR(
      db_->Exec("INSERT INTO service_kill_switch (id, engaged, reason, changed_by, changed_ms) "
                "VALUES (1, $1, $2, $3, $4) ON CONFLICT (id) DO UPDATE SET "
                "engaged = excluded.engaged, reason = excluded.reason, "
                "changed_by = excluded.changed_by, changed_ms = excluded.changed_ms",
                {int64_t{stored.engaged ? 1 : 0}, stored.reason, stored.changed_by,
                 ToMillis(stored.changed)}));
  return stored;
}

}  // namespace cloudoptim::store
