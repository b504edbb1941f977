#include "store/open_store.h"

#include "store/migrations.h"
#include "store/sql_store.h"

namespace cloudoptim::store {

Result<std::unique_ptr<Store>> OpenStoreOn(std::unique_ptr<SqlDatabase> db, StoreOptions options) {
  CO_RETURN_IF_ERROR(ApplyMigrations(*db));
  return std::make_unique<SqlStore>(std::move(db), std::move(options.secret_box), options.clock);
}

Result<std::unique_ptr<SqlDatabase>> OpenDatabase(std::string_view url,
                                                  const StoreOptions& options) {
  std::string text(url);
  if (text.starts_with("postgres://") || text.starts_with("postgresql://")) {
    CO_ASSIGN_OR_RETURN(std::unique_ptr<PostgresDatabase> db,
                        PostgresDatabase::Open(text, options.postgres));
    return std::unique_ptr<SqlDatabase>(std::move(db));
  }
  std::string path = text;
  if (text.starts_with("sqlite://")) {
    path = text.substr(std::string_view("sqlite://").size());
  } else if (text.find("://") != std::string::npos) {
    return InvalidArgument("store URL: scheme \"" + text.substr(0, text.find("://")) +
                           "\" is not sqlite or postgres");
  }
  CO_ASSIGN_OR_RETURN(std::unique_ptr<SqliteDatabase> db,
                      SqliteDatabase::Open(path, options.sqlite));
  return std::unique_ptr<SqlDatabase>(std::move(db));
}

Result<std::unique_ptr<Store>> OpenStore(std::string_view url, StoreOptions options) {
  CO_ASSIGN_OR_RETURN(std::unique_ptr<SqlDatabase> db, OpenDatabase(url, options));
  return OpenStoreOn(std::move(db), std::move(options));
}

Result<std::unique_ptr<Store>> OpenInMemoryStore(StoreOptions options) {
  if (!options.secret_box) {
    CO_ASSIGN_OR_RETURN(std::string key, SecretBox::GenerateKeyHex());
    CO_ASSIGN_OR_RETURN(SecretBox box, SecretBox::FromText(key));
    options.secret_box = std::move(box);
  }
  return OpenStore("sqlite://:memory:", std::move(options));
}

}  // namespace cloudoptim::store
