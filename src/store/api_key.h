// API keys: "co_<key id>_<secret>", where the key id (8 random bytes, hex) is public and
// used for lookup and the secret is 32 random bytes (hex). Only SHA-256 of the whole key is
// stored, so a database dump does not reveal usable keys. Also the random ids of rows.
//
//   CO_ASSIGN_OR_RETURN(GeneratedApiKey key, GenerateApiKey());
//   std::string stored = HashApiKey(key.plaintext);        // 64 hex digits
//   CO_ASSIGN_OR_RETURN(std::string id, ApiKeyIdOf(presented));
#pragma once

#include <string>
#include <string_view>

#include "common/error.h"

namespace cloudoptim::store {

struct GeneratedApiKey {
  std::string key_id;
  std::string plaintext;
};

Result<GeneratedApiKey> GenerateApiKey();
// Hex SHA-256 of the plaintext.
std::string HashApiKey(std::string_view plaintext);
// The key id of a well-formed key; InvalidArgument naming what is wrong otherwise.
Result<std::string> ApiKeyIdOf(std::string_view plaintext);
// Constant-time comparison of two equal-length strings (hashes), false if lengths differ.
bool ConstantTimeEquals(std::string_view a, std::string_view b);

// `bytes` random bytes as lower-case hex, from OpenSSL's CSPRNG.
Result<std::string> RandomHex(size_t bytes);
// A new row id: prefix + "-" + 16 hex digits ("t-3fa1...", "c-9b2e...").
Result<std::string> NewId(std::string_view prefix);

}  // namespace cloudoptim::store
