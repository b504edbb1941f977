// Opens the Store named by a URL and brings its schema up to date.
//
//   StoreOptions options;
//   options.secret_box = SecretBox::FromFile("/etc/cloudoptim/master.key").value();
//   auto store = OpenStore("sqlite:///var/lib/cloudoptim/store.db", options);   // embedded
//   auto store = OpenStore("postgres://co:secret@db:5432/cloudoptim", options);  // scale-out
#pragma once

#include <memory>
#include <optional>
#include <string_view>

#include "common/clock.h"
#include "store/postgres_database.h"
#include "store/secret_box.h"
#include "store/sqlite_database.h"
#include "store/store.h"

namespace cloudoptim::store {

struct StoreOptions {
  // Seals cluster credentials. Without it the store opens, but RegisterCluster and
  // GetClusterCredentials return FailedPrecondition.
  std::optional<SecretBox> secret_box;
  // Source of every stored timestamp and of lease expiry; SystemClock when null. Not owned.
  Clock* clock = nullptr;
  SqliteOptions sqlite;
  PostgresOptions postgres;
};

// `url` is "sqlite://<path>" ("sqlite:///abs/path.db", "sqlite://:memory:"), a plain file path
// (SQLite), or "postgres://user:password@host:port/database" ("postgresql://" too).
// InvalidArgument for another scheme or a malformed URL; the backends' Open() errors
// otherwise (Unauthenticated for rejected credentials, Unavailable for an unreachable server);
// FailedPrecondition when the database schema is newer than this binary.
Result<std::unique_ptr<Store>> OpenStore(std::string_view url, StoreOptions options);

// Opens the database named by `url` without migrating it or wrapping it in a Store: for
// tools and tests that inspect the raw tables.
Result<std::unique_ptr<SqlDatabase>> OpenDatabase(std::string_view url,
                                                  const StoreOptions& options);

// A private in-memory SQLite store, migrated and empty: the store other modules' unit tests
// use instead of a hand-written fake (it is the real SQL, and it opens in about a millisecond).
// A master key is generated when `options` has none.
Result<std::unique_ptr<Store>> OpenInMemoryStore(StoreOptions options = {});

// The same over an already open database (tests, benchmarks). Applies migrations.
Result<std::unique_ptr<Store>> OpenStoreOn(std::unique_ptr<SqlDatabase> db, StoreOptions options);

}  // namespace cloudoptim::store
