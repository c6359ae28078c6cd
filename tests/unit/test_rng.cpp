#include <gtest/gtest.h>

#include <cmath>

#include "engine/rng.hpp"

namespace megacycle {
namespace {

TEST(Stream, SameKeyIdAndTimeGiveSameNumbers) {
  StreamKey key{42, 3, 1, 7};
  Stream a(key, 1000, 5), b(key, 1000, 5);
  for (int i = 0; i < 10; ++i) EXPECT_EQ(a.next_u64(), b.next_u64());
}

TEST(Stream, EveryKeyComponentChangesTheStream) {
  const StreamKey base{42, 3, 1, 7};
  const std::uint64_t reference = Stream(base, 1000, 5).next_u64();
  StreamKey k = base;
  k.seed = 43;
  EXPECT_NE(Stream(k, 1000, 5).next_u64(), reference);
  k = base;
  k.replicate = 4;
  EXPECT_NE(Stream(k, 1000, 5).next_u64(), reference);
  k = base;
  k.population = 2;
  EXPECT_NE(Stream(k, 1000, 5).next_u64(), reference);
  k = base;
  k.purpose = 8;
  EXPECT_NE(Stream(k, 1000, 5).next_u64(), reference);
  EXPECT_NE(Stream(base, 1001, 5).next_u64(), reference);
  EXPECT_NE(Stream(base, 1000, 6).next_u64(), reference);
}

TEST(Stream, LongSequencesDoNotRepeatAcrossBlocks) {
  Stream s({1, 0, 0, 0}, 0, 0);
  std::vector<std::uint64_t> seen;
  for (int i = 0; i < 64; ++i) seen.push_back(s.next_u64());
  std::sort(seen.begin(), seen.end());
  EXPECT_EQ(std::unique(seen.begin(), seen.end()), seen.end());
}

TEST(Stream, UniformAndNormalHaveTheirMoments) {
  const int n = 200000;
  double su = 0, su2 = 0, sn = 0, sn2 = 0;
  for (int i = 0; i < n; ++i) {
    Stream s({9, 0, 0, 0}, static_cast<std::uint64_t>(i), 0);
    const double u = s.uniform(), z = s.normal();
    ASSERT_GE(u, 0.0);
    ASSERT_LT(u, 1.0);
    su += u, su2 += u * u, sn += z, sn2 += z * z;
  }
  EXPECT_NEAR(su / n, 0.5, 4 * std::sqrt(1.0 / 12 / n));
  EXPECT_NEAR(su2 / n - std::pow(su / n, 2), 1.0 / 12, 0.002);
  EXPECT_NEAR(sn / n, 0.0, 4 / std::sqrt(n));
  EXPECT_NEAR(sn2 / n, 1.0, 0.02);
}

TEST(Stream, BelowStaysInRange) {
  Stream s({5, 0, 0, 0}, 0, 0);
  std::vector<int> counts(7, 0);
  for (int i = 0; i < 70000; ++i) {
    const auto v = s.below(7);
    ASSERT_LT(v, 7u);
    ++counts[v];
  }
  for (int c : counts) EXPECT_NEAR(c, 10000, 500);
}

}  // namespace
}  // namespace megacycle
