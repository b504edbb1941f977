#include "store/api_key.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace cloudoptim::store {
namespace {

using ::testing::HasSubstr;
using ::testing::StartsWith;

TEST(ApiKeyTest, GeneratedKeysCarryTheirIdAndAreUnique) {
  auto key = GenerateApiKey();
  ASSERT_TRUE(key);
  EXPECT_THAT(key->plaintext, StartsWith("co_" + key->key_id + "_"));
  EXPECT_EQ(key->plaintext.size(), 3u + 16 + 1 + 64);
  EXPECT_EQ(ApiKeyIdOf(key->plaintext).value(), key->key_id);
  EXPECT_NE(GenerateApiKey()->plaintext, key->plaintext);
}

TEST(ApiKeyTest, HashIsHexSha256) {
  // SHA-256("abc") from FIPS 180-2, appendix B.1.
  EXPECT_EQ(HashApiKey("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
}

TEST(ApiKeyTest, MalformedKeysNameWhatIsWrong) {
  EXPECT_THAT(ApiKeyIdOf("xx_0123").error().message, HasSubstr("co_"));
  EXPECT_THAT(ApiKeyIdOf("co_short").error().message, HasSubstr("84 characters"));
  std::string upper = GenerateApiKey()->plaintext;
  upper.back() = 'F';
  EXPECT_TRUE(IsInvalidArgument(ApiKeyIdOf(upper).error()));
}

TEST(ApiKeyTest, ConstantTimeEqualsComparesWholeStrings) {
  EXPECT_TRUE(ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abd"));
  EXPECT_FALSE(ConstantTimeEquals("abc", "abcd"));
}

TEST(ApiKeyTest, NewIdsHaveTheirPrefix) {
  auto id = NewId("t");
  ASSERT_TRUE(id);
  EXPECT_THAT(*id, StartsWith("t-"));
  EXPECT_EQ(id->size(), 2u + 16);
}

}  // namespace
}  // namespace cloudoptim::store
