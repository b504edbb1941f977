// libFuzzer target for the sandbox's AWS endpoint (not part of co_cloudsim: the module
// excludes *_fuzz.cc). Needs a compiler whose libFuzzer builds this C++23 code (clang >= 16
// with libstdc++ 12); link it against co_cloudsim and its dependencies, then:
//   ./aws_request_fuzz testdata/fuzz/aws_request
// The seed corpus also runs as a unit test (aws_request_corpus_test.cc).
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "cloudsim/aws_request_invariants.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  const std::string_view input(reinterpret_cast<const char*>(data), size);
  const std::string broken = cloudoptim::CheckAwsRequestInvariants(input);
  if (!broken.empty()) {
    std::fprintf(stderr, "AWS endpoint invariant broken: %s\n", broken.c_str());
    std::abort();
  }
  return 0;
}
