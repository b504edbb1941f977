// Replays the AWS endpoint's fuzz seed corpus (testdata/fuzz/aws_request) and a fixed set of
// deterministic mutations of it, so the fuzz target's properties are checked on every build.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "cloudsim/aws_request_invariants.h"

namespace cloudoptim {
namespace {

std::vector<std::string> ReadCorpus() {
  std::vector<std::string> inputs;
  const std::filesystem::path dir =
      std::filesystem::path(CO_SOURCE_DIR) / "testdata/fuzz/aws_request";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    inputs.push_back(content.str());
  }
  return inputs;
}

TEST(AwsRequestCorpusTest, EverySeedIsAnsweredInItsServicesFormat) {
  const std::vector<std::string> corpus = ReadCorpus();
  ASSERT_GE(corpus.size(), 8u);
  for (const std::string& input : corpus) {
    EXPECT_EQ(CheckAwsRequestInvariants(input), "") << input;
  }
}

TEST(AwsRequestCorpusTest, MutatedSeedsAreAnsweredToo) {
  std::mt19937 random(42);
  for (const std::string& seed : ReadCorpus()) {
    for (int round = 0; round < 200; ++round) {
      std::string input = seed;
      const int edits = 1 + static_cast<int>(random() % 4);
      for (int e = 0; e < edits && !input.empty(); ++e) {
        const size_t at = random() % input.size();
        switch (random() % 3) {
          case 0:
            input[at] = static_cast<char>(random() % 256);
            break;
          case 1:
            input.erase(at, 1 + random() % 8);
            break;
          default:
            input.insert(at, input.substr(random() % input.size(), 1 + random() % 16));
        }
      }
      ASSERT_EQ(CheckAwsRequestInvariants(input), "") << input;
    }
  }
}

}  // namespace
}  // namespace cloudoptim
