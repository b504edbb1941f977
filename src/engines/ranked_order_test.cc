#include "engines/ranked_order.h"

#include <gtest/gtest.h>

#include <cmath>
#include <random>

namespace cloudoptim {
namespace {

// The packer's original order, which OrderByScoreThenSize must reproduce exactly.
std::vector<std::pair<double, size_t>> Reference(std::vector<std::pair<double, size_t>> scored,
                                                 size_t keep, const std::vector<int64_t>& size) {
  keep = std::min(keep, scored.size());
  std::partial_sort(scored.begin(), scored.begin() + keep, scored.end(),
                    [](const auto& a, const auto& b) { return a.first < b.first; });
  scored.resize(keep);
  std::stable_sort(scored.begin(), scored.end(), [&](const auto& a, const auto& b) {
    if (std::abs(a.first - b.first) > 0.02 * std::min(a.first, b.first)) return a.first < b.first;
    return size[a.second] > size[b.second];
  });
  return scored;
}

// Scores drawn so that near-ties, loose near-tie chains and exact ties all occur.
std::vector<std::pair<double, size_t>> Draw(std::mt19937& rng, size_t n, int flavour) {
  std::uniform_real_distribution<double> spread(0.5, 5.0);
  std::vector<std::pair<double, size_t>> scored;
  for (size_t i = 0; i < n; ++i) {
    double score = spread(rng);
    if (flavour == 1) score = 1.0 + 0.011 * static_cast<double>(rng() % 40);  // chains
    if (flavour == 2) score = 0.25 * static_cast<double>(1 + rng() % 12);     // exact ties
    scored.push_back({score, i});
  }
  return scored;
}

TEST(RankedOrderTest, MatchesThePackersOriginalOrder) {
  std::mt19937 rng(7);
  int fast_cases = 0;
  for (int round = 0; round < 3000; ++round) {
    size_t n = 1 + rng() % 200;
    int flavour = round % 3;
    std::vector<std::pair<double, size_t>> scored = Draw(rng, n, flavour);
    std::vector<int64_t> size(n);
    for (int64_t& s : size) s = 1000 * static_cast<int64_t>(1 + rng() % 8);
    size_t keep = 1 + rng() % 160;
    std::vector<std::pair<double, size_t>> expected = Reference(scored, keep, size);
    std::vector<std::pair<double, size_t>> lowest = scored, work;
    if (ranked_order_internal::LowestScores(lowest, std::min(keep, n), work)) ++fast_cases;
    OrderByScoreThenSize(scored, keep, 0.02, [&](size_t id) { return size[id]; });
    ASSERT_EQ(scored, expected) << "round " << round << " n " << n << " keep " << keep;
  }
  EXPECT_GT(fast_cases, 500);  // the cheaper selection is taken, not only the fallback
}

TEST(RankedOrderTest, NearTiesPreferTheLargerType) {
  std::vector<std::pair<double, size_t>> scored = {{1.00, 0}, {1.01, 1}, {2.0, 2}, {1.5, 3}};
  std::vector<int64_t> size = {2000, 8000, 16000, 4000};
  OrderByScoreThenSize(scored, 3, 0.02, [&](size_t id) { return size[id]; });
  ASSERT_EQ(scored.size(), 3u);
  EXPECT_EQ(scored[0].second, 1u);  // within 2% of the cheapest, and larger
  EXPECT_EQ(scored[1].second, 0u);
  EXPECT_EQ(scored[2].second, 3u);  // 2.0 is cut by keep
}

}  // namespace
}  // namespace cloudoptim
