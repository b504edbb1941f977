// Authenticated encryption of secrets at rest (cluster kubeconfigs, role settings):
// AES-256-GCM under a master key, a random 96-bit nonce per value, and a leading key-id byte
// so keys can be rotated while old values stay readable.
//
//   CO_ASSIGN_OR_RETURN(SecretBox box,
//   SecretBox::FromText(ReadFile("/etc/cloudoptim/master.key"))); CO_ASSIGN_OR_RETURN(std::string
//   sealed, box.Seal(kubeconfig, "cluster:" + id)); CO_ASSIGN_OR_RETURN(std::string plain,
//   box.Open(sealed, "cluster:" + id));
#pragma once

#include <cstdint>
#include <map>
#include <string>
#include <string_view>

#include "common/error.h"

namespace cloudoptim::store {

class SecretBox {
 public:
  static constexpr size_t kKeyBytes = 32;
  static constexpr size_t kNonceBytes = 12;
  static constexpr size_t kTagBytes = 16;
  static constexpr const char* kEnvironmentVariable = "CLOUDOPTIM_MASTER_KEY";

  // `keys` maps key id (1..255) to 32 raw bytes; new values are sealed with `current_key_id`.
  // InvalidArgument when a key is not 32 bytes, an id is 0, or the current id is missing.
  static Result<SecretBox> FromKeys(std::map<uint8_t, std::string> keys, uint8_t current_key_id);
  // Key material as text, as kept in a key file or the environment variable: either one line
  // of 64 hex digits (key id 1) or lines "<id>:<64 hex digits>"; the highest id seals.
  // Blank lines and lines starting with '#' are ignored.
  static Result<SecretBox> FromText(std::string_view text);
  // Reads FromText() material from a file; NotFound when it does not exist.
  static Result<SecretBox> FromFile(const std::string& path);
  // 64 hex digits of fresh random key material, for `cloudoptim` to print at setup.
  static Result<std::string> GenerateKeyHex();

  // key id (1 byte) | nonce (12) | ciphertext | tag (16). `associated_data` is authenticated
  // but not stored: sealing with the row's identity stops a value from being moved to another
  // row. Internal only if OpenSSL fails.
  Result<std::string> Seal(std::string_view plaintext, std::string_view associated_data) const;
  // DataLoss when the value is truncated, was altered, was sealed for other associated data,
  // or names a key id that is not loaded.
  Result<std::string> Open(std::string_view sealed, std::string_view associated_data) const;

  uint8_t current_key_id() const { return current_key_id_; }

 private:
  SecretBox(std::map<uint8_t, std::string> keys, uint8_t current)
      : keys_(std::move(keys)), current_key_id_(current) {}
  std::map<uint8_t, std::string> keys_;
  uint8_t current_key_id_ = 0;
};

}  // namespace cloudoptim::store
