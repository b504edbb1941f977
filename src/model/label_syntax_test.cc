#include "model/label_syntax.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace cloudoptim {
namespace {

TEST(ValidateLabelKeyTest, AcceptsQualifiedNames) {
  for (const std::string& key : std::vector<std::string>{
           "app", "1234", "a", "A_b.c-D", "kubernetes.io/hostname", "karpenter.sh/capacity-type",
           "eks.amazonaws.com/capacityType", "0.1.2.domain/99", std::string(63, 'x'),
           std::string(249, 'b') + ".com/" + std::string(63, 'n')}) {
    EXPECT_TRUE(ValidateLabelKey(key).has_value()) << key;
  }
}

TEST(ValidateLabelKeyTest, RejectsBadPrefixesAndNamesNamingTheKey) {
  for (const std::string& key : std::vector<std::string>{
           "", "-app", "app-", "a b", "a$", "/a", "a/", "a/b/c", "Example.com/a", "a..b/c", ".a/b",
           "a-/b", std::string(64, 'x'), std::string(250, 'b') + ".com/n"}) {
    Status s = ValidateLabelKey(key);
    ASSERT_FALSE(s.has_value()) << key;
    EXPECT_TRUE(IsInvalidArgument(s.error()));
    EXPECT_NE(s.error().message.find("\"" + key + "\""), std::string::npos) << s.error().message;
  }
}

TEST(ValidateLabelValueTest, AcceptsEmptyAndShortAlphanumericValues) {
  for (const std::string& value : std::vector<std::string>{
           "", "a", "prod", "v1.2.3", "SPOT", "on_demand", "us-east-1a", std::string(63, 'v')}) {
    EXPECT_TRUE(ValidateLabelValue("k", value).has_value()) << value;
  }
  for (const std::string& value :
       std::vector<std::string>{"-a", "a-", ".a", "a/b", "a b", "-5", std::string(64, 'v')}) {
    Status s = ValidateLabelValue("k", value);
    ASSERT_FALSE(s.has_value()) << value;
    EXPECT_NE(s.error().message.find("\"k\""), std::string::npos) << s.error().message;
  }
}

}  // namespace
}  // namespace cloudoptim
