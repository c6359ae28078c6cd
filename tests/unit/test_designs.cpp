// Sweep designs (engine/analysis/designs) and the ensemble's percentiles (engine/analysis/quantiles).
#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <set>

#include "engine/analysis/designs.hpp"
#include "engine/analysis/quantiles.hpp"

namespace megacycle {
namespace {

TEST(Grid, EnumeratesEveryCombinationFirstFieldSlowest) {
  const auto d = designs::grid({{1, 2}, {10, 20, 30}});
  ASSERT_EQ(d.points.size(), 6u);
  EXPECT_EQ(d.points[0], (std::vector<double>{1, 10}));
  EXPECT_EQ(d.points[2], (std::vector<double>{1, 30}));
  EXPECT_EQ(d.points[3], (std::vector<double>{2, 10}));
  EXPECT_EQ(d.points[5], (std::vector<double>{2, 30}));
}

TEST(LatinHypercube, PutsExactlyOnePointInEveryStratumOfEveryDimension) {
  const int n = 50, k = 4;
  const auto d = designs::latin_hypercube(n, k, 11);
  ASSERT_EQ(d.points.size(), static_cast<std::size_t>(n));
  for (int j = 0; j < k; ++j) {
    std::set<int> strata;
    for (const auto& p : d.points) {
      ASSERT_GE(p[j], 0.0);
      ASSERT_LT(p[j], 1.0);
      strata.insert(static_cast<int>(std::floor(p[j] * n)));
    }
    EXPECT_EQ(strata.size(), static_cast<std::size_t>(n)) << "dimension " << j;
  }
}

TEST(LatinHypercube, DependsOnTheSeedOnly) {
  EXPECT_EQ(designs::latin_hypercube(8, 3, 5).points, designs::latin_hypercube(8, 3, 5).points);
  EXPECT_NE(designs::latin_hypercube(8, 3, 5).points, designs::latin_hypercube(8, 3, 6).points);
}

TEST(Saltelli, CrossMatricesTakeOneColumnFromB) {
  const int n = 16, k = 3;
  const auto d = designs::saltelli(n, k);
  ASSERT_EQ(d.points.size(), static_cast<std::size_t>(n * (k + 2)));
  auto row = [&](const std::string& block, int i) {
    for (std::size_t r = 0; r < d.points.size(); ++r)
      if (d.block[r] == block && d.sample[r] == i) return d.points[r];
    ADD_FAILURE() << "no row " << block << " " << i;
    return std::vector<double>{};
  };
  for (int i = 0; i < n; ++i) {
    const auto a = row("A", i), b = row("B", i);
    for (int j = 0; j < k; ++j) {
      const auto ab = row("AB" + std::to_string(j), i);
      for (int c = 0; c < k; ++c) EXPECT_EQ(ab[c], c == j ? b[c] : a[c]);
    }
  }
  // A low-discrepancy sequence, not random: its first 15 points (the all-zero point is skipped) put
  // A's first coordinate in 15 different sixteenths of [0, 1); 15 random draws would almost surely
  // share one.
  std::set<int> cells;
  for (int i = 0; i < 15; ++i) cells.insert(static_cast<int>(row("A", i)[0] * n));
  EXPECT_EQ(cells.size(), 15u);
}

TEST(Morris, EachStepMovesOneFieldByDelta) {
  const int r = 10, k = 5, levels = 4;
  const double delta = levels / (2.0 * (levels - 1));
  const auto d = designs::morris(r, k, levels, 3);
  ASSERT_EQ(d.points.size(), static_cast<std::size_t>(r * (k + 1)));
  for (int t = 0; t < r; ++t) {
    std::set<int> moved;
    for (int s = 1; s <= k; ++s) {
      const auto& before = d.points[static_cast<std::size_t>(t * (k + 1) + s - 1)];
      const auto& after = d.points[static_cast<std::size_t>(t * (k + 1) + s)];
      int changed = 0;
      for (int j = 0; j < k; ++j) {
        if (before[j] == after[j]) continue;
        ++changed;
        moved.insert(j);
        EXPECT_NEAR(std::abs(after[j] - before[j]), delta, 1e-12);
      }
      EXPECT_EQ(changed, 1) << "trajectory " << t << " step " << s;
      for (double x : after) EXPECT_TRUE(x >= 0.0 && x <= 1.0);
    }
    EXPECT_EQ(moved.size(), static_cast<std::size_t>(k)) << "every field moves once per trajectory";
  }
}

TEST(Percentile, InterpolatesLinearlyBetweenOrderStatistics) {
  const std::vector<double> v = {1, 2, 3, 4};  // index = 3 p / 100
  EXPECT_DOUBLE_EQ(percentile_linear(v, 0), 1);
  EXPECT_DOUBLE_EQ(percentile_linear(v, 50), 2.5);
  EXPECT_DOUBLE_EQ(percentile_linear(v, 100), 4);
  EXPECT_DOUBLE_EQ(percentile_linear(v, 5), 1.15);   // index 0.15
  EXPECT_DOUBLE_EQ(percentile_linear(v, 95), 3.85);  // index 2.85
  EXPECT_DOUBLE_EQ(percentile_linear({7.5}, 25), 7.5);
}

TEST(Percentile, MeanSumsInGivenOrder) { EXPECT_DOUBLE_EQ(mean_in_order({1, 2, 3, 6}), 3); }

}  // namespace
}  // namespace megacycle
