// Standard base64 (RFC 4648, with padding) for kubeconfig certificate data and continue
// tokens.
//
//   std::string text = Base64Encode("hello");   // "aGVsbG8="
//   std::string back = Base64Decode(text);      // "hello"; "" for malformed input
#pragma once

#include <string>
#include <string_view>

namespace cloudoptim::sandbox {

std::string Base64Encode(std::string_view data);
// Empty on malformed input (callers treat an empty result as invalid).
std::string Base64Decode(std::string_view text);

}  // namespace cloudoptim::sandbox
