// The store conformance suite on both backends: SQLite in a temporary file and a real
// PostgreSQL server that this binary starts itself (initdb in a temporary directory, a free
// loopback port, SCRAM passwords). If the server cannot start, every PostgreSQL case fails
// with the server's log; none is skipped. Plus the PostgreSQL-only connection errors.

#include <atomic>
#include <filesystem>
#include <mutex>

#include "store/store_suite.h"
#include "store/store_suite_execution_cases.h"
#include "store/store_suite_feedback_cases.h"
#include "store/store_suite_tenancy_cases.h"
#include "support/postgres_server.h"
#include "support/process.h"

namespace cloudoptim::store {
namespace {

using testing::PostgresServer;

// One server per test process, started on first use (ctest runs each case in its own
// process, so SQLite cases never pay for it) and stopped at exit by the environment below.
struct SharedServer {
  std::mutex mutex;
  bool attempted = false;
  std::unique_ptr<PostgresServer> server;
  std::string error;
};
SharedServer& Shared() {
  static SharedServer* shared = new SharedServer();
  return *shared;
}

PostgresServer* Server(std::string* error) {
  SharedServer& shared = Shared();
  std::lock_guard lock(shared.mutex);
  if (!shared.attempted) {
    shared.attempted = true;
    shared.server = PostgresServer::Start(&shared.error);
  }
  if (!shared.server) *error = "PostgreSQL test server did not start:\n" + shared.error;
  return shared.server.get();
}

const std::string& SqliteDirectory() {
  static const std::string* dir = new std::string(testing::MakeTempDirectory("co-store-suite"));
  return *dir;
}

class StopServer : public ::testing::Environment {
 public:
  void TearDown() override {
    Shared().server.reset();
    std::error_code ec;
    std::filesystem::remove_all(SqliteDirectory(), ec);
  }
};
const auto* const kStopServer = ::testing::AddGlobalTestEnvironment(new StopServer);

std::string FreshPostgresUrl(std::string* error) {
  static std::atomic<int> counter{0};
  PostgresServer* server = Server(error);
  if (server == nullptr) return "";
  const std::string name = "suite_" + std::to_string(++counter);
  if (!server->CreateDatabase(name, error)) return "";
  return server->Url(name);
}

std::string FreshSqliteUrl(std::string* error) {
  static std::atomic<int> counter{0};
  if (SqliteDirectory().empty()) {
    *error = "no temporary directory";
    return "";
  }
  return "sqlite://" + SqliteDirectory() + "/store-" + std::to_string(++counter) + ".db";
}

INSTANTIATE_TEST_SUITE_P(Backends, StoreSuite,
                         ::testing::Values(StoreBackend{"Sqlite", FreshSqliteUrl},
                                           StoreBackend{"Postgres", FreshPostgresUrl}),
                         StoreSuiteName);

class PostgresConnectionTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string error;
    server_ = Server(&error);
    ASSERT_NE(server_, nullptr) << error;
  }
  PostgresServer* server_ = nullptr;
};

TEST_F(PostgresConnectionTest, AWrongPasswordIsUnauthenticatedAndNotEchoed) {
  auto store = OpenStore(server_->UrlWithPassword("postgres", "hunter2-wrong"), {});
  ASSERT_FALSE(store);
  EXPECT_TRUE(IsUnauthenticated(store.error())) << store.error().ToString();
  EXPECT_THAT(store.error().message, HasSubstr("password authentication failed"));
  EXPECT_THAT(store.error().message, Not(HasSubstr("hunter2-wrong")));
}

TEST_F(PostgresConnectionTest, AMalformedUrlIsInvalidArgument) {
  auto store = OpenStore("postgres://user@127.0.0.1:notaport/db?sslmode=bogus_mode", {});
  ASSERT_FALSE(store);
  EXPECT_TRUE(IsInvalidArgument(store.error()) || IsUnavailable(store.error()))
      << store.error().ToString();
  auto garbage = OpenStore("postgres://%zz", {});
  ASSERT_FALSE(garbage);
  EXPECT_TRUE(IsInvalidArgument(garbage.error())) << garbage.error().ToString();
}

TEST_F(PostgresConnectionTest, AnUnknownDatabaseIsNotFound) {
  auto store = OpenStore(server_->Url("no_such_database"), {});
  ASSERT_FALSE(store);
  EXPECT_TRUE(IsNotFound(store.error())) << store.error().ToString();
  EXPECT_THAT(store.error().message, HasSubstr("no_such_database"));
}

TEST_F(PostgresConnectionTest, ANobodyListeningPortIsUnavailable) {
  const int port = testing::FreeLoopbackPort();
  StoreOptions options;
  options.postgres.connect_timeout = std::chrono::seconds(2);
  auto store =
      OpenStore("postgres://cloudoptim:x@127.0.0.1:" + std::to_string(port) + "/db", options);
  ASSERT_FALSE(store);
  EXPECT_TRUE(IsUnavailable(store.error())) << store.error().ToString();
  EXPECT_TRUE(IsRetryable(store.error()));
}

TEST_F(PostgresConnectionTest, ValuesTravelAsParametersNeverAsSqlText) {
  std::string error;
  const std::string url = FreshPostgresUrl(&error);
  ASSERT_FALSE(url.empty()) << error;
  StoreOptions options;
  auto store = OpenStore(url, options);
  ASSERT_TRUE(store) << store.error().ToString();
  const std::string hostile = "x'); DROP TABLE tenants; --";
  auto tenant = (*store)->tenants().CreateTenant(hostile);
  ASSERT_TRUE(tenant) << tenant.error().ToString();
  auto fetched = (*store)->tenants().GetTenant(tenant->id);
  ASSERT_TRUE(fetched);
  EXPECT_EQ(fetched->name, hostile);
  EXPECT_THAT((*store)->tenants().ListTenants().value(), SizeIs(1));
}

}  // namespace
}  // namespace cloudoptim::store
