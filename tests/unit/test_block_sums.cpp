#include <gtest/gtest.h>

#include <cmath>

#include "engine/reduce.hpp"

namespace megacycle {
namespace {

// Values whose floating-point sum depends on the order of addition.
double value(GlobalId id) { return std::pow(10.0, static_cast<double>(id % 17) - 8.0) * (id % 3 ? 1.0 : -1.0); }

std::vector<double> total_with_ranks(std::uint64_t n, int ranks) {
  // Each rank's rows, gathered in rank order, as BlockSums::combine does over MPI.
  std::vector<double> gathered;
  for (int r = 0; r < ranks; ++r) {
    Partition p(n, ranks, r);
    BlockSums sums(p, 2);
    for (GlobalId id = p.begin(); id < p.end(); ++id) {
      auto row = sums.row((id - p.begin()) / p.block_size());
      row[0] += value(id);
      row[1] += 1.0;
    }
    gathered.insert(gathered.end(), sums.local_rows().begin(), sums.local_rows().end());
  }
  return BlockSums::sum_rows(gathered, 2);
}

TEST(BlockSums, TotalsAreBitIdenticalForAnyRankCount) {
  const std::uint64_t n = 100'003;
  const auto one = total_with_ranks(n, 1);
  EXPECT_EQ(one[1], static_cast<double>(n));
  for (int ranks : {2, 3, 4, 7, 64}) {
    const auto many = total_with_ranks(n, ranks);
    EXPECT_EQ(std::memcmp(one.data(), many.data(), sizeof(double) * 2), 0) << ranks << " ranks";
  }
}

TEST(BlockSums, SingleRankCombineMatchesSumRows) {
  auto comm = make_local_comm();
  Partition p(1000, 1, 0);
  BlockSums sums(p, 1);
  for (GlobalId id = 0; id < 1000; ++id) sums.row(id / p.block_size())[0] += value(id);
  EXPECT_EQ(sums.combine(*comm)[0], BlockSums::sum_rows(sums.local_rows(), 1)[0]);
  sums.clear();
  EXPECT_EQ(sums.combine(*comm)[0], 0.0);
}

}  // namespace
}  // namespace megacycle
