#include "store/api_key.h"

#include <openssl/crypto.h>
#include <openssl/rand.h>
#include <openssl/sha.h>

#include <vector>

namespace cloudoptim::store {
namespace {

constexpr std::string_view kPrefix = "co_";
constexpr size_t kKeyIdHexDigits = 16;
constexpr size_t kSecretHexDigits = 64;

std::string ToHex(const unsigned char* data, size_t size) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out;
  out.reserve(2 * size);
  for (size_t i = 0; i < size; ++i) {
    out.push_back(kHex[data[i] >> 4]);
    out.push_back(kHex[data[i] & 0xf]);
  }
  return out;
}

bool IsLowerHex(std::string_view s) {
  return s.find_first_not_of("0123456789abcdef") == std::string_view::npos;
}

}  // namespace

Result<std::string> RandomHex(size_t bytes) {
  std::vector<unsigned char> buffer(bytes);
  if (RAND_bytes(buffer.data(), static_cast<int>(bytes)) != 1) {
    return Internal("random: RAND_bytes failed");
  }
  return ToHex(buffer.data(), bytes);
}

Result<std::string> NewId(std::string_view prefix) {
  CO_ASSIGN_OR_RETURN(std::string hex, RandomHex(8));
  return std::string(prefix) + "-" + hex;
}

Result<GeneratedApiKey> GenerateApiKey() {
  CO_ASSIGN_OR_RETURN(std::string key_id, RandomHex(kKeyIdHexDigits / 2));
  CO_ASSIGN_OR_RETURN(std::string secret, RandomHex(kSecretHexDigits / 2));
  return GeneratedApiKey{key_id, std::string(kPrefix) + key_id + "_" + secret};
}

std::string HashApiKey(std::string_view plaintext) {
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(plaintext.data()), plaintext.size(), digest);
  return ToHex(digest, sizeof digest);
}

Result<std::string> ApiKeyIdOf(std::string_view plaintext) {
  const size_t expected = kPrefix.size() + kKeyIdHexDigits + 1 + kSecretHexDigits;
  if (!plaintext.starts_with(kPrefix)) return InvalidArgument("api key: must start with \"co_\"");
  if (plaintext.size() != expected) {
    return InvalidArgument("api key: expected " + std::to_string(expected) + " characters, got " +
                           std::to_string(plaintext.size()));
  }
  std::string_view key_id = plaintext.substr(kPrefix.size(), kKeyIdHexDigits);
  std::string_view secret = plaintext.substr(kPrefix.size() + kKeyIdHexDigits + 1);
  if (plaintext[kPrefix.size() + kKeyIdHexDigits] != '_' || !IsLowerHex(key_id) ||
      !IsLowerHex(secret)) {
    return InvalidArgument("api key: expected co_<16 hex>_<64 hex>");
  }
  return std::string(key_id);
}

bool ConstantTimeEquals(std::string_view a, std::string_view b) {
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

}  // namespace cloudoptim::store
