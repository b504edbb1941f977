// The store conformance suite: one set of value-parameterised GoogleTest cases that every
// backend must pass. src/store/sql_store_test.cc instantiates it on SQLite (a unit test, also
// run under the sanitizers); tests/store_suite_test.cc on SQLite and a real PostgreSQL server.
//
//   INSTANTIATE_TEST_SUITE_P(Sqlite, StoreSuite, ::testing::Values(SqliteBackend()),
//                            StoreSuiteName);
// The cases live in store_suite_*_cases.h, included after this header.
#pragma once

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <functional>
#include <memory>
#include <string>

#include "common/clock.h"
#include "store/open_store.h"

namespace cloudoptim::store {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;
using ::testing::Not;
using ::testing::SizeIs;

// How to get a fresh, empty database of one backend.
struct StoreBackend {
  std::string name;
  // Returns the URL of a new empty database, or "" with `error` filled.
  std::function<std::string(std::string* error)> fresh_url;
};

inline std::string StoreSuiteName(const ::testing::TestParamInfo<StoreBackend>& info) {
  return info.param.name;
}

inline constexpr char kSuiteMasterKeyHex[] =
    "000102030405060708090a0b0c0d0e0f101112131415161718191a1b1c1d1e1f";

class StoreSuite : public ::testing::TestWithParam<StoreBackend> {
 protected:
  void SetUp() override {
    std::string error;
    url_ = GetParam().fresh_url(&error);
    ASSERT_FALSE(url_.empty()) << error;
    auto store = OpenStore(url_, Options());
    ASSERT_TRUE(store) << store.error().ToString();
    store_ = std::move(*store);
  }

  StoreOptions Options() {
    StoreOptions options;
    options.secret_box = SecretBox::FromText(kSuiteMasterKeyHex).value();
    options.clock = &clock_;
    return options;
  }

  // A second, independent connection to the same database (another process, in effect).
  std::unique_ptr<Store> OpenAgain() {
    auto store = OpenStore(url_, Options());
    EXPECT_TRUE(store) << store.error().ToString();
    return store ? std::move(*store) : nullptr;
  }

  std::unique_ptr<SqlDatabase> RawDatabase() {
    auto db = OpenDatabase(url_, Options());
    EXPECT_TRUE(db) << db.error().ToString();
    return db ? std::move(*db) : nullptr;
  }

  Tenant MakeTenant(const std::string& name) {
    auto tenant = store_->tenants().CreateTenant(name);
    EXPECT_TRUE(tenant) << tenant.error().ToString();
    return tenant.value_or(Tenant{});
  }

  Cluster MakeCluster(const Tenant& tenant, const std::string& name) {
    ClusterRegistration registration{name, "us-east-1", "", "", "kubeconfig of " + name};
    auto cluster = store_->clusters().RegisterCluster(tenant.id, registration);
    EXPECT_TRUE(cluster) << cluster.error().ToString();
    return cluster.value_or(Cluster{});
  }

  static TimePoint At(const char* rfc3339) {
    TimePoint t;
    EXPECT_TRUE(ParseRfc3339(rfc3339, &t)) << rfc3339;
    return t;
  }

  FakeClock clock_{At("2026-11-26T00:00:00Z")};
  std::string url_;
  std::unique_ptr<Store> store_;
};

}  // namespace cloudoptim::store
