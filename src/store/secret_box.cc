#include "store/secret_box.h"

#include <openssl/evp.h>
#include <openssl/rand.h>

#include <fstream>
#include <memory>
#include <sstream>

namespace cloudoptim::store {
namespace {

using CipherContext = std::unique_ptr<EVP_CIPHER_CTX, decltype(&EVP_CIPHER_CTX_free)>;

Result<std::string> DecodeHexKey(std::string_view hex) {
  if (hex.size() != 2 * SecretBox::kKeyBytes) {
    return InvalidArgument("master key: expected 64 hex digits, got " + std::to_string(hex.size()) +
                           " characters");
  }
  std::string out;
  for (size_t i = 0; i < hex.size(); i += 2) {
    unsigned value = 0;
    for (char c : hex.substr(i, 2)) {
      value <<= 4;
      if (c >= '0' && c <= '9')
        value |= static_cast<unsigned>(c - '0');
      else if (c >= 'a' && c <= 'f')
        value |= static_cast<unsigned>(c - 'a' + 10);
      else if (c >= 'A' && c <= 'F')
        value |= static_cast<unsigned>(c - 'A' + 10);
      else
        return InvalidArgument("master key: '" + std::string(1, c) + "' is not a hex digit");
    }
    out.push_back(static_cast<char>(value));
  }
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.front()))) s.remove_prefix(1);
  while (!s.empty() && std::isspace(static_cast<unsigned char>(s.back()))) s.remove_suffix(1);
  return s;
}

const unsigned char* Bytes(std::string_view s) {
  return reinterpret_cast<const unsigned char*>(s.data());
}

}  // namespace

Result<SecretBox> SecretBox::FromKeys(std::map<uint8_t, std::string> keys, uint8_t current_key_id) {
  for (const auto& [id, key] : keys) {
    if (id == 0) return InvalidArgument("master key: key id 0 is reserved");
    if (key.size() != kKeyBytes) {
      return InvalidArgument("master key " + std::to_string(id) + ": expected 32 bytes, got " +
                             std::to_string(key.size()));
    }
  }
  if (!keys.contains(current_key_id)) {
    return InvalidArgument("master key: current key id " + std::to_string(current_key_id) +
                           " is not among the loaded keys");
  }
  return SecretBox(std::move(keys), current_key_id);
}

Result<SecretBox> SecretBox::FromText(std::string_view text) {
  std::map<uint8_t, std::string> keys;
  std::istringstream lines{std::string(text)};
  for (std::string raw; std::getline(lines, raw);) {
    std::string_view line = Trim(raw);
    if (line.empty() || line.front() == '#') continue;
    int id = 1;
    if (size_t colon = line.find(':'); colon != std::string_view::npos) {
      std::string id_text(Trim(line.substr(0, colon)));
      id = std::atoi(id_text.c_str());
      if (id < 1 || id > 255 || id_text.find_first_not_of("0123456789") != std::string::npos) {
        return InvalidArgument("master key: key id \"" + id_text + "\" is not in 1..255");
      }
      line = Trim(line.substr(colon + 1));
    }
    CO_ASSIGN_OR_RETURN(std::string key, DecodeHexKey(line));
    if (!keys.emplace(static_cast<uint8_t>(id), std::move(key)).second) {
      return InvalidArgument("master key: key id " + std::to_string(id) + " appears twice");
    }
  }
  if (keys.empty()) return InvalidArgument("master key: no key in the key material");
  uint8_t current = keys.rbegin()->first;
  return FromKeys(std::move(keys), current);
}

Result<SecretBox> SecretBox::FromFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("master key file \"" + path + "\" cannot be read");
  std::stringstream content;
  content << in.rdbuf();
  Result<SecretBox> box = FromText(content.str());
  if (!box) return std::unexpected(Annotate(box.error(), "reading \"" + path + "\""));
  return box;
}

Result<std::string> SecretBox::GenerateKeyHex() {
  unsigned char key[kKeyBytes];
  if (RAND_bytes(key, sizeof key) != 1) return Internal("master key: RAND_bytes failed");
  static constexpr char kHex[] = "0123456789abcdef";
  std::string hex;
  for (unsigned char b : key) {
    hex.push_back(kHex[b >> 4]);
    hex.push_back(kHex[b & 0xf]);
  }
  return hex;
}

Result<std::string> SecretBox::Seal(std::string_view plaintext,
                                    std::string_view associated_data) const {
  const std::string& key = keys_.at(current_key_id_);
  std::string out(1 + kNonceBytes + plaintext.size() + kTagBytes, '\0');
  out[0] = static_cast<char>(current_key_id_);
  auto* nonce = reinterpret_cast<unsigned char*>(out.data() + 1);
  auto* cipher = nonce + kNonceBytes;
  if (RAND_bytes(nonce, kNonceBytes) != 1) return Internal("secret box: RAND_bytes failed");
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int length = 0;
  if (!ctx || EVP_EncryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key), nonce) != 1 ||
      EVP_EncryptUpdate(ctx.get(), nullptr, &length, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_EncryptUpdate(ctx.get(), cipher, &length, Bytes(plaintext),
                        static_cast<int>(plaintext.size())) != 1 ||
      EVP_EncryptFinal_ex(ctx.get(), cipher + length, &length) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_GET_TAG, kTagBytes, cipher + plaintext.size()) !=
          1) {
    return Internal("secret box: AES-256-GCM encryption failed");
  }
  return out;
}

Result<std::string> SecretBox::Open(std::string_view sealed,
                                    std::string_view associated_data) const {
  if (sealed.size() < 1 + kNonceBytes + kTagBytes) {
    return DataLoss("secret box: sealed value is " + std::to_string(sealed.size()) +
                    " bytes, shorter than nonce and tag");
  }
  const uint8_t key_id = static_cast<uint8_t>(sealed[0]);
  auto key = keys_.find(key_id);
  if (key == keys_.end()) {
    return DataLoss("secret box: value was sealed with master key id " + std::to_string(key_id) +
                    ", which is not loaded");
  }
  std::string_view nonce = sealed.substr(1, kNonceBytes);
  std::string_view cipher =
      sealed.substr(1 + kNonceBytes, sealed.size() - 1 - kNonceBytes - kTagBytes);
  std::string tag(sealed.substr(sealed.size() - kTagBytes));
  std::string plain(cipher.size(), '\0');
  CipherContext ctx(EVP_CIPHER_CTX_new(), &EVP_CIPHER_CTX_free);
  int length = 0;
  if (!ctx ||
      EVP_DecryptInit_ex(ctx.get(), EVP_aes_256_gcm(), nullptr, Bytes(key->second), Bytes(nonce)) !=
          1 ||
      EVP_DecryptUpdate(ctx.get(), nullptr, &length, Bytes(associated_data),
                        static_cast<int>(associated_data.size())) != 1 ||
      EVP_DecryptUpdate(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()), &length,
                        Bytes(cipher), static_cast<int>(cipher.size())) != 1 ||
      EVP_CIPHER_CTX_ctrl(ctx.get(), EVP_CTRL_GCM_SET_TAG, kTagBytes, tag.data()) != 1 ||
      EVP_DecryptFinal_ex(ctx.get(), reinterpret_cast<unsigned char*>(plain.data()) + length,
                          &length) != 1) {
    return DataLoss("secret box: authentication failed (value altered, wrong key or wrong row)");
  }
  return plain;
}

}  // namespace cloudoptim::store
