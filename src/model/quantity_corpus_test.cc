// Replays the fuzz seed corpus (testdata/fuzz/quantity) as a regression test, plus a fixed,
// deterministic set of mutations of it, so the fuzz target's properties are checked on every
// build even where libFuzzer is not available.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>
#include <string>
#include <vector>

#include "model/quantity_invariants.h"

namespace cloudoptim {
namespace {

std::vector<std::string> ReadCorpus() {
  std::vector<std::string> inputs;
  const std::filesystem::path dir = std::filesystem::path(CO_SOURCE_DIR) / "testdata/fuzz/quantity";
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    std::ifstream file(entry.path(), std::ios::binary);
    std::stringstream content;
    content << file.rdbuf();
    inputs.push_back(content.str());
  }
  return inputs;
}

TEST(QuantityCorpusTest, SeedCorpusKeepsEveryInvariant) {
  const std::vector<std::string> corpus = ReadCorpus();
  ASSERT_GE(corpus.size(), 30u) << "seed corpus missing from testdata/fuzz/quantity";
  for (const std::string& input : corpus) {
    EXPECT_EQ(CheckQuantityInvariants(input), "") << "input: \"" << input << "\"";
  }
}

// Mutations favour the grammar's own characters, so that most results are near-valid
// quantities that reach the rounding and range checks rather than failing on the first byte.
std::string Mutate(std::string s, std::mt19937& rng) {
  static constexpr std::string_view kAlphabet = "0123456789.+-eEinumkKMGTPi 9999999999";
  std::uniform_int_distribution<int> op(0, 3);
  auto pos = [&](size_t n) { return std::uniform_int_distribution<size_t>(0, n)(rng); };
  const char c = std::uniform_int_distribution<int>(0, 9)(rng) == 0
                     ? static_cast<char>(std::uniform_int_distribution<int>(0, 255)(rng))
                     : kAlphabet[pos(kAlphabet.size() - 1)];
  switch (op(rng)) {
    case 0:
      s.insert(s.begin() + static_cast<std::ptrdiff_t>(pos(s.size())), c);
      break;
    case 1:
      if (!s.empty()) s.erase(pos(s.size() - 1), 1);
      break;
    case 2:
      if (!s.empty()) s[pos(s.size() - 1)] = c;
      break;
    case 3:
      s += s.substr(pos(s.size()));
      break;
  }
  return s;
}

TEST(QuantityCorpusTest, DeterministicMutationsKeepEveryInvariant) {
  std::mt19937 rng(20261126);
  int parsed = 0;
  for (const std::string& seed : ReadCorpus()) {
    std::string input = seed;
    for (int i = 0; i < 300; ++i) {
      input = i % 10 == 0 ? seed : Mutate(input, rng);
      const std::string broken = CheckQuantityInvariants(input);
      ASSERT_EQ(broken, "") << "input: \"" << input << "\"";
      parsed += Quantity::Parse(input).has_value() ? 1 : 0;
    }
  }
  // The mutations must reach the parser's success paths, or this test checks little.
  EXPECT_GT(parsed, 1000);
}

}  // namespace
}  // namespace cloudoptim
