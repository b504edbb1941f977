#include "store/sqlite_database.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>

#include "store/migrations.h"
#include "store/open_store.h"

namespace cloudoptim::store {
namespace {

using ::testing::HasSubstr;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("co-sqlite-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::string Path(const std::string& name) const { return (dir_ / name).string(); }

  std::filesystem::path dir_;
};

TEST_F(SqliteDatabaseTest, OpensInWalModeWithBoundNumberedParameters) {
  auto db = SqliteDatabase::Open(Path("a.db"), {});
  ASSERT_TRUE(db) << db.error().ToString();
  auto mode = (*db)->Query("PRAGMA journal_mode", {});
  ASSERT_TRUE(mode);
  EXPECT_EQ((*mode)[0].Text(0), "wal");
  ASSERT_TRUE((*db)->ExecScript("CREATE TABLE t (a TEXT, b INTEGER, c BLOB)"));
  // $2 appears before $1: parameters bind by name, not by position.
  ASSERT_TRUE((*db)->Exec(
      "INSERT INTO t (b, a, c) VALUES ($2, $1, $3)",
      {std::string("it's; DROP TABLE t"), int64_t{42}, SqlBlob{std::string("\0\1", 2)}}));
  auto rows = (*db)->Query("SELECT a, b, c FROM t WHERE b = $1", {int64_t{42}});
  ASSERT_TRUE(rows);
  ASSERT_EQ(rows->size(), 1u);
  EXPECT_EQ((*rows)[0].Text(0), "it's; DROP TABLE t");
  EXPECT_EQ((*rows)[0].Int(1), 42);
  EXPECT_EQ((*rows)[0].Blob(2), std::string("\0\1", 2));
}

TEST_F(SqliteDatabaseTest, ParameterCountMismatchIsAnInternalError) {
  auto db = SqliteDatabase::Open(":memory:", {}).value();
  auto rows = db->Query("SELECT $1, $2", {int64_t{1}});
  ASSERT_FALSE(rows);
  EXPECT_EQ(rows.error().code, ErrorCode::kInternal);
}

TEST_F(SqliteDatabaseTest, ConstraintViolationsMapToCanonicalCodes) {
  auto db = SqliteDatabase::Open(":memory:", {}).value();
  ASSERT_TRUE(
      db->ExecScript("CREATE TABLE t (k TEXT PRIMARY KEY, v INTEGER NOT NULL CHECK (v > 0))"));
  ASSERT_TRUE(db->Exec("INSERT INTO t VALUES ($1, $2)", {std::string("a"), int64_t{1}}));
  EXPECT_TRUE(IsAlreadyExists(
      db->Exec("INSERT INTO t VALUES ($1, $2)", {std::string("a"), int64_t{1}}).error()));
  EXPECT_TRUE(IsInvalidArgument(
      db->Exec("INSERT INTO t VALUES ($1, $2)", {std::string("b"), int64_t{0}}).error()));
}

TEST_F(SqliteDatabaseTest, AFailedTransactionBodyRollsEverythingBack) {
  auto db = SqliteDatabase::Open(":memory:", {}).value();
  ASSERT_TRUE(db->ExecScript("CREATE TABLE t (v INTEGER)"));
  Status status = db->InTransaction([&]() -> Status {
    CO_RETURN_IF_ERROR(db->Exec("INSERT INTO t VALUES ($1)", {int64_t{1}}));
    return Aborted("changed my mind");
  });
  ASSERT_FALSE(status);
  EXPECT_TRUE(IsAborted(status.error()));
  EXPECT_EQ(db->Query("SELECT COUNT(*) FROM t", {}).value()[0].Int(0), 0);
  ASSERT_TRUE(db->InTransaction(
      [&]() -> Status { return StatusOf(db->Exec("INSERT INTO t VALUES ($1)", {int64_t{1}})); }));
  EXPECT_EQ(db->Query("SELECT COUNT(*) FROM t", {}).value()[0].Int(0), 1);
}

TEST_F(SqliteDatabaseTest, AWriterBlockedPastTheBusyTimeoutIsUnavailable) {
  auto first = SqliteDatabase::Open(Path("busy.db"), {}).value();
  auto second = SqliteDatabase::Open(Path("busy.db"), {std::chrono::milliseconds(50)}).value();
  ASSERT_TRUE(first->ExecScript("CREATE TABLE t (v INTEGER)"));
  ASSERT_TRUE(first->ExecScript("BEGIN IMMEDIATE"));
  auto blocked = second->Exec("INSERT INTO t VALUES ($1)", {int64_t{1}});
  ASSERT_FALSE(blocked);
  EXPECT_TRUE(IsUnavailable(blocked.error())) << blocked.error().ToString();
  EXPECT_TRUE(IsRetryable(blocked.error()));
  ASSERT_TRUE(first->ExecScript("COMMIT"));
  EXPECT_TRUE(second->Exec("INSERT INTO t VALUES ($1)", {int64_t{1}}));
}

TEST_F(SqliteDatabaseTest, BadPathsAndFilesGiveClearErrors) {
  auto missing_dir = OpenStore("sqlite://" + Path("no/such/dir/x.db"), {});
  ASSERT_FALSE(missing_dir);
  EXPECT_TRUE(IsUnavailable(missing_dir.error())) << missing_dir.error().ToString();
  EXPECT_THAT(missing_dir.error().message, HasSubstr("no/such/dir/x.db"));

  std::ofstream(Path("text.db")) << "this is not a database, just a text file of some length\n";
  auto not_a_database = OpenStore(Path("text.db"), {});
  ASSERT_FALSE(not_a_database);
  EXPECT_TRUE(IsUnavailable(not_a_database.error())) << not_a_database.error().ToString();

  auto scheme = OpenStore("mysql://localhost/db", {});
  ASSERT_FALSE(scheme);
  EXPECT_TRUE(IsInvalidArgument(scheme.error()));
  EXPECT_THAT(scheme.error().message, HasSubstr("mysql"));
  EXPECT_TRUE(IsInvalidArgument(OpenStore("sqlite://", {}).error()));
}

TEST(InMemoryStoreTest, IsPrivateMigratedAndCanSealCredentials) {
  auto first = OpenInMemoryStore();
  auto second = OpenInMemoryStore();
  ASSERT_TRUE(first) << first.error().ToString();
  ASSERT_TRUE(second);
  auto tenant = (*first)->tenants().CreateTenant("acme");
  ASSERT_TRUE(tenant);
  auto cluster =
      (*first)->clusters().RegisterCluster(tenant->id, {"prod", "us-east-1", "", "", "k"});
  ASSERT_TRUE(cluster) << cluster.error().ToString();
  EXPECT_EQ((*first)->clusters().GetClusterCredentials(tenant->id, cluster->id).value(), "k");
  EXPECT_TRUE((*second)->tenants().ListTenants()->empty());  // not shared
}

TEST(MigrationsTest, VersionsAreIncreasingFromOne) {
  int expected = 1;
  for (const Migration& m : Migrations()) {
    EXPECT_EQ(m.version, expected++) << m.name;
    EXPECT_FALSE(m.name.empty());
  }
}

TEST(MigrationsTest, DialectPlaceholdersAreSubstitutedForEachBackend) {
  const std::string sql = "CREATE TABLE x (id {{id}}, b {{blob}}, d {{double}})";
  EXPECT_EQ(DialectSql(sql, SqlDialect::kSqlite),
            "CREATE TABLE x (id INTEGER PRIMARY KEY AUTOINCREMENT, b BLOB, d REAL)");
  EXPECT_EQ(DialectSql(sql, SqlDialect::kPostgres),
            "CREATE TABLE x (id BIGSERIAL PRIMARY KEY, b BYTEA, d DOUBLE PRECISION)");
  for (const Migration& m : Migrations()) {
    for (SqlDialect d : {SqlDialect::kSqlite, SqlDialect::kPostgres}) {
      EXPECT_EQ(DialectSql(m.sql, d).find("{{"), std::string::npos) << m.name;
    }
  }
}

TEST(MigrationsTest, ApplyingTwiceOnOneConnectionChangesNothing) {
  auto db = SqliteDatabase::Open(":memory:", {}).value();
  ASSERT_TRUE(ApplyMigrations(*db));
  ASSERT_TRUE(ApplyMigrations(*db));
  EXPECT_EQ(SchemaVersion(*db).value(), Migrations().back().version);
  EXPECT_EQ(db->Query("SELECT COUNT(*) FROM schema_migrations", {}).value()[0].Int(0),
            static_cast<int64_t>(Migrations().size()));
}

}  // namespace
}  // namespace cloudoptim::store
