// libFuzzer target for Quantity::Parse (not part of co_model: the module excludes *_fuzz.cc).
// Needs a compiler whose libFuzzer can build this C++23 code (clang >= 16 with libstdc++ 12),
// from the source root:
//   clang++ -std=c++2b -fsanitize=fuzzer,address,undefined -Isrc src/model/quantity_fuzz.cc
//           src/model/quantity.cc src/common/error.cc -o quantity_fuzz
//   ./quantity_fuzz testdata/fuzz/quantity
// The seed corpus in testdata/fuzz/quantity also runs as a unit test (quantity_corpus_test.cc).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "model/quantity_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string broken = cloudoptim::CheckQuantityInvariants(input);
  if (!broken.empty()) {
    std::fprintf(stderr, "quantity invariant broken for \"%.*s\": %s\n",
                 static_cast<int>(input.size()), input.data(), broken.c_str());
    std::abort();
  }
  return 0;
}
