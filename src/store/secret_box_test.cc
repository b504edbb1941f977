#include "store/secret_box.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>

namespace cloudoptim::store {
namespace {

using ::testing::HasSubstr;

const std::string kKeyA(64, 'a');
const std::string kKeyB = "0123456789abcdef0123456789abcdef0123456789ABCDEF0123456789abcdef";

SecretBox Box(const std::string& text) {
  auto box = SecretBox::FromText(text);
  EXPECT_TRUE(box) << box.error().ToString();
  return std::move(box).value();
}

TEST(SecretBoxTest, SealedValuesOpenWithTheSameKeyAndContext) {
  SecretBox box = Box(kKeyA);
  auto sealed = box.Seal("kubeconfig: secret", "cluster:c-1");
  ASSERT_TRUE(sealed);
  EXPECT_EQ(sealed->size(), 1 + 12 + 18 + 16);
  EXPECT_EQ(static_cast<uint8_t>((*sealed)[0]), 1);
  EXPECT_EQ(sealed->find("secret"), std::string::npos);
  auto opened = box.Open(*sealed, "cluster:c-1");
  ASSERT_TRUE(opened) << opened.error().ToString();
  EXPECT_EQ(*opened, "kubeconfig: secret");
  auto empty = box.Seal("", "x");
  ASSERT_TRUE(empty);
  EXPECT_EQ(box.Open(*empty, "x").value(), "");
}

TEST(SecretBoxTest, EverySealUsesAFreshNonce) {
  SecretBox box = Box(kKeyA);
  EXPECT_NE(box.Seal("same", "ctx").value(), box.Seal("same", "ctx").value());
}

TEST(SecretBoxTest, AWrongKeyIsDataLoss) {
  auto sealed = Box(kKeyA).Seal("secret", "ctx").value();
  auto opened = Box(kKeyB).Open(sealed, "ctx");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kDataLoss);
}

TEST(SecretBoxTest, AnyFlippedBitIsDataLoss) {
  SecretBox box = Box(kKeyA);
  const std::string sealed = box.Seal("secret value", "ctx").value();
  for (size_t i = 1; i < sealed.size(); ++i) {  // byte 0 is the key id, tested below
    std::string tampered = sealed;
    tampered[i] ^= 0x40;
    auto opened = box.Open(tampered, "ctx");
    ASSERT_FALSE(opened) << "byte " << i;
    EXPECT_EQ(opened.error().code, ErrorCode::kDataLoss);
  }
  EXPECT_EQ(box.Open(sealed.substr(0, 20), "ctx").error().code, ErrorCode::kDataLoss);
}

TEST(SecretBoxTest, AValueMovedToAnotherRowIsDataLoss) {
  SecretBox box = Box(kKeyA);
  auto opened = box.Open(box.Seal("secret", "cluster:t-1/c-1").value(), "cluster:t-2/c-1");
  ASSERT_FALSE(opened);
  EXPECT_EQ(opened.error().code, ErrorCode::kDataLoss);
}

TEST(SecretBoxTest, RotatedKeysStillOpenOldValuesAndSealWithTheNewest) {
  const std::string old_sealed = Box(kKeyA).Seal("old", "ctx").value();
  SecretBox rotated = Box("# rotated 2026-11\n1:" + kKeyA + "\n2:" + kKeyB + "\n");
  EXPECT_EQ(rotated.current_key_id(), 2);
  EXPECT_EQ(rotated.Open(old_sealed, "ctx").value(), "old");
  const std::string new_sealed = rotated.Seal("new", "ctx").value();
  EXPECT_EQ(static_cast<uint8_t>(new_sealed[0]), 2);
  auto without_new_key = Box(kKeyA).Open(new_sealed, "ctx");
  ASSERT_FALSE(without_new_key);
  EXPECT_EQ(without_new_key.error().code, ErrorCode::kDataLoss);
  EXPECT_THAT(without_new_key.error().message, HasSubstr("key id 2"));
}

TEST(SecretBoxTest, MalformedKeyMaterialIsRejectedWithTheReason) {
  EXPECT_THAT(SecretBox::FromText("abc").error().message, HasSubstr("64 hex digits"));
  EXPECT_THAT(SecretBox::FromText(std::string(63, 'a') + "z").error().message,
              HasSubstr("'z' is not a hex digit"));
  EXPECT_THAT(SecretBox::FromText("").error().message, HasSubstr("no key"));
  EXPECT_THAT(SecretBox::FromText("0:" + kKeyA).error().message, HasSubstr("1..255"));
  EXPECT_THAT(SecretBox::FromText("1:" + kKeyA + "\n1:" + kKeyB).error().message,
              HasSubstr("appears twice"));
  EXPECT_TRUE(IsInvalidArgument(SecretBox::FromKeys({{1, "short"}}, 1).error()));
  EXPECT_TRUE(IsInvalidArgument(SecretBox::FromKeys({{1, std::string(32, 'k')}}, 2).error()));
}

TEST(SecretBoxTest, LoadsKeysFromAFile) {
  const auto path = std::filesystem::temp_directory_path() /
                    ("co-secret-box-" + std::to_string(::getpid()) + ".key");
  {
    std::ofstream out(path);
    out << kKeyB << "\n";
  }
  auto box = SecretBox::FromFile(path.string());
  std::filesystem::remove(path);
  ASSERT_TRUE(box) << box.error().ToString();
  EXPECT_EQ(box->Open(Box(kKeyB).Seal("x", "c").value(), "c").value(), "x");
  EXPECT_TRUE(IsNotFound(SecretBox::FromFile("/nonexistent/master.key").error()));
}

TEST(SecretBoxTest, GeneratedKeysAreValidKeyMaterial) {
  auto hex = SecretBox::GenerateKeyHex();
  ASSERT_TRUE(hex);
  EXPECT_EQ(hex->size(), 64u);
  EXPECT_TRUE(SecretBox::FromText(*hex));
  EXPECT_NE(*hex, SecretBox::GenerateKeyHex().value());
}

}  // namespace
}  // namespace cloudoptim::store
