#include "sandbox/base64.h"

#include <openssl/evp.h>

namespace cloudoptim::sandbox {

std::string Base64Encode(std::string_view data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(written < 0 ? 0 : static_cast<size_t>(written));
  return out;
}

std::string Base64Decode(std::string_view text) {
  if (text.empty() || text.size() % 4 != 0) return "";
  std::string out(3 * (text.size() / 4) + 1, '\0');
  int written = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(text.data()),
                                static_cast<int>(text.size()));
  if (written < 0) return "";
  // EVP_DecodeBlock counts the padding as zero bytes; drop them.
  size_t padding = 0;
  if (text.ends_with("==")) {
    padding = 2;
  } else if (text.ends_with('=')) {
    padding = 1;
  }
  out.resize(static_cast<size_t>(written) - padding);
  return out;
}

}  // namespace cloudoptim::sandbox
