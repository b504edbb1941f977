// The store conformance suite on SQLite, as a fast unit test (the same cases run on
// PostgreSQL in tests/store_suite_test.cc).
#include <filesystem>

#include "store/store_suite.h"
#include "store/store_suite_execution_cases.h"
#include "store/store_suite_feedback_cases.h"
#include "store/store_suite_tenancy_cases.h"

namespace cloudoptim::store {
namespace {

// Every database of this binary lives in one temporary directory, removed at exit.
const std::string& TempDirectory() {
  static const std::string* dir = [] {
    std::string pattern = (std::filesystem::temp_directory_path() / "co-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return new std::string();
    return new std::string(pattern);
  }();
  return *dir;
}

class RemoveTempDirectory : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ec;
    if (!TempDirectory().empty()) std::filesystem::remove_all(TempDirectory(), ec);
  }
};
const auto* const kCleanup = ::testing::AddGlobalTestEnvironment(new RemoveTempDirectory);

StoreBackend SqliteBackend() {
  return StoreBackend{"Sqlite", [](std::string* error) -> std::string {
                        static int counter = 0;
                        if (TempDirectory().empty()) {
                          *error = "cannot create a temporary directory";
                          return "";
                        }
                        return "sqlite://" + TempDirectory() + "/store-" +
                               std::to_string(++counter) + ".db";
                      }};
}

INSTANTIATE_TEST_SUITE_P(Sqlite, StoreSuite, ::testing::Values(SqliteBackend()), StoreSuiteName);

}  // namespace
}  // namespace cloudoptim::store
