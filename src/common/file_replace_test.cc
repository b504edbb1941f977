#include "common/file_replace.h"

#include <sys/stat.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <sstream>

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim {
namespace {

std::string Read(const std::filesystem::path& path) {
  std::ifstream in(path);
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

class FileReplaceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("co-file-replace-" + std::to_string(::getpid()) + "-" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::create_directories(dir_);
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }
  std::filesystem::path dir_;
};

TEST_F(FileReplaceTest, ReplacesTheWholeFileAndLeavesNoPartialBehind) {
  const std::string path = (dir_ / "sandbox.env").string();
  ASSERT_TRUE(ReplaceFileContents(path, "A=1\nB=2\n"));
  ASSERT_TRUE(ReplaceFileContents(path, "A=3\n"));
  EXPECT_EQ(Read(path), "A=3\n");
  EXPECT_FALSE(std::filesystem::exists(path + ".partial"));
}

TEST_F(FileReplaceTest, PermissionsAreThoseAsked) {
  const std::string path = (dir_ / "kubeconfig").string();
  ASSERT_TRUE(ReplaceFileContents(path, "secret", 0600));
  struct stat info {};
  ASSERT_EQ(::stat(path.c_str(), &info), 0);
  EXPECT_EQ(info.st_mode & 0777, 0600u);
}

TEST_F(FileReplaceTest, AnUnwritablePlaceIsUnavailableNamingTheFile) {
  const std::string path = (dir_ / "missing-dir" / "file").string();
  Status written = ReplaceFileContents(path, "x");
  ASSERT_FALSE(written);
  EXPECT_EQ(written.error().code, ErrorCode::kUnavailable);
  EXPECT_THAT(written.error().message, ::testing::HasSubstr(path + ".partial"));
}

}  // namespace
}  // namespace cloudoptim
