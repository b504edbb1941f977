// Tenants and their API keys.
#include "store/api_key.h"
#include "store/sql_store.h"

namespace cloudoptim::store {
namespace {

constexpr char kApiKeyColumns[] =
    "key_id, tenant_id, role, description, created_ms, revoked_ms, key_hash";

ApiKeyRecord ApiKeyFromRow(const SqlRow& row) {
  ApiKeyRecord key;
  key.key_id = row.Text(0);
  key.tenant_id = row.Text(1);
  key.role = ParseRole(row.Text(2)).value_or(Role::kViewer);
  key.description = row.Text(3);
  key.created = FromMillis(row.Int(4));
  if (!row.IsNull(5)) key.revoked = FromMillis(row.Int(5));
  return key;
}

Tenant TenantFromRow(const SqlRow& row) {
  return Tenant{row.Text(0), row.Text(1), FromMillis(row.Int(2))};
}

}  // namespace

Result<Tenant> SqlStore::CreateTenant(const std::string& name) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant name", name));
  CO_ASSIGN_OR_RETURN(std::string id, NewId("t"));
  Tenant tenant{id, name, FromMillis(NowMillis())};
  auto inserted = db_->Exec("INSERT INTO tenants (id, name, created_ms) VALUES ($1, $2, $3)",
                            {tenant.id, tenant.name, ToMillis(tenant.created)});
  if (!inserted && IsAlreadyExists(inserted.error())) {
    return AlreadyExists("tenant \"" + name + "\" already exists");
  }
  CO_RETURN_IF_ERROR(inserted);
  return tenant;
}

Result<Tenant> SqlStore::GetTenant(const std::string& tenant_id) {
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query("SELECT id, name, created_ms FROM tenants WHERE id = $1", {tenant_id}));
  if (rows.empty()) return NotFound("tenant \"" + tenant_id + "\" not found");
  return TenantFromRow(rows[0]);
}

Result<std::vector<Tenant>> SqlStore::ListTenants() {
  CO_ASSIGN_OR_RETURN(SqlRows rows,
                      db_->Query("SELECT id, name, created_ms FROM tenants ORDER BY name", {}));
  std::vector<Tenant> tenants;
  for (const SqlRow& row : rows) tenants.push_back(TenantFromRow(row));
  return tenants;
}

Result<NewApiKey> SqlStore::CreateApiKey(const std::string& tenant_id, Role role,
                                         const std::string& description) {
  if (tenant_id.empty() && role != Role::kOperator) {
    return InvalidArgument("api key: only an operator key may be service-wide (tenant id empty)");
  }
  if (!tenant_id.empty()) CO_RETURN_IF_ERROR(RequireTenant(tenant_id));
  CO_ASSIGN_OR_RETURN(GeneratedApiKey generated, GenerateApiKey());
  NewApiKey key;
  key.plaintext = generated.plaintext;
  key.record = ApiKeyRecord{generated.key_id,        tenant_id,   role, description,
                            FromMillis(NowMillis()), std::nullopt};
  SqlValue tenant = tenant_id.empty() ? SqlValue(SqlNull{}) : SqlValue(tenant_id);
  CO_RETURN_IF_ERROR(
      db_->Exec("INSERT INTO api_keys (key_id, tenant_id, key_hash, role, description, created_ms) "
                "VALUES ($1, $2, $3, $4, $5, $6)",
                {key.record.key_id, tenant, HashApiKey(key.plaintext), std::string(RoleName(role)),
                 description, ToMillis(key.record.created)}));
  return key;
}

Result<ApiKeyRecord> SqlStore::FindApiKeyByHash(const std::string& key_hash) {
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kApiKeyColumns +
                                                   " FROM api_keys WHERE key_hash = $1",
                                               {key_hash}));
  if (rows.empty()) return NotFound("api key with that hash not found");
  ApiKeyRecord key = ApiKeyFromRow(rows[0]);
  if (key.revoked) return PermissionDenied("api key " + key.key_id + " was revoked");
  return key;
}

// Looks up by the public key id, then compares hashes in constant time, so neither the
// lookup nor the comparison leaks how much of a guessed secret was right.
Result<ApiKeyRecord> SqlStore::AuthenticateApiKey(const std::string& plaintext) {
  auto key_id = ApiKeyIdOf(plaintext);
  if (!key_id) return Unauthenticated("invalid API key");
  CO_ASSIGN_OR_RETURN(SqlRows rows, db_->Query(std::string("SELECT ") + kApiKeyColumns +
                                                   " FROM api_keys WHERE key_id = $1",
                                               {*key_id}));
  if (rows.empty() || !ConstantTimeEquals(rows[0].Text(6), HashApiKey(plaintext))) {
    return Unauthenticated("invalid API key");
  }
  ApiKeyRecord key = ApiKeyFromRow(rows[0]);
  if (key.revoked) return Unauthenticated("invalid API key");
  return key;
}

Result<std::vector<ApiKeyRecord>> SqlStore::ListApiKeys(const std::string& tenant_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(
      SqlRows rows,
      db_->Query(std::string("SELECT ") + kApiKeyColumns +
                     " FROM api_keys WHERE tenant_id = $1 ORDER BY created_ms, key_id",
                 {tenant_id}));
  std::vector<ApiKeyRecord> keys;
  for (const SqlRow& row : rows) keys.push_back(ApiKeyFromRow(row));
  return keys;
}

Status SqlStore::RevokeApiKey(const std::string& tenant_id, const std::string& key_id) {
  CO_RETURN_IF_ERROR(RequireNonEmpty("tenant id", tenant_id));
  CO_ASSIGN_OR_RETURN(int64_t changed,
                      db_->Exec("UPDATE api_keys SET revoked_ms = COALESCE(revoked_ms, $1) "
                                "WHERE tenant_id = $2 AND key_id = $3",
                                {NowMillis(), tenant_id, key_id}));
  if (changed == 0) return NotFound("api key \"" + key_id + "\" not found");
  return Ok();
}

}  // namespace cloudoptim::store
