#include <gtest/gtest.h>

#include "engine/partition.hpp"

namespace megacycle {
namespace {

TEST(Partition, BlockSizeDependsOnPopulationOnly) {
  EXPECT_EQ(Partition::block_size_for(10), 64u);
  EXPECT_EQ(Partition::block_size_for(1'000'000), 1024u);
  EXPECT_EQ(Partition::block_size_for(10'000'000), 16384u);
  EXPECT_EQ(Partition::block_size_for(4'000'000'000ULL), 65536u);
  for (int ranks : {1, 2, 3, 7}) EXPECT_EQ(Partition(123457, ranks, 0).block_size(), Partition::block_size_for(123457));
}

TEST(Partition, RanksCoverEveryIdExactlyOnceInOrder) {
  for (std::uint64_t n : {1ULL, 63ULL, 64ULL, 100ULL, 123457ULL}) {
    for (int ranks : {1, 2, 3, 4, 5, 16}) {
      GlobalId next = 0;
      for (int r = 0; r < ranks; ++r) {
        Partition p(n, ranks, r);
        EXPECT_EQ(p.begin(), next) << "n=" << n << " ranks=" << ranks << " r=" << r;
        EXPECT_EQ(p.begin() % p.block_size(), 0u);  // ranks own whole blocks
        next = p.end();
      }
      EXPECT_EQ(next, n);
    }
  }
}

TEST(Partition, OwnerAgreesWithRanges) {
  const std::uint64_t n = 100'000;
  for (int ranks : {1, 3, 4, 7}) {
    std::vector<Partition> parts;
    for (int r = 0; r < ranks; ++r) parts.emplace_back(n, ranks, r);
    for (GlobalId id = 0; id < n; id += 97) {
      const int owner = parts[0].owner(id);
      EXPECT_TRUE(parts[static_cast<std::size_t>(owner)].owns(id)) << "id " << id << " ranks " << ranks;
    }
    EXPECT_TRUE(parts[static_cast<std::size_t>(parts[0].owner(n - 1))].owns(n - 1));
  }
}

TEST(Partition, MoreRanksThanBlocksLeavesSomeRanksEmpty) {
  int empty = 0;
  for (int r = 0; r < 4; ++r) empty += Partition(100, 4, r).local_count() == 0;
  EXPECT_EQ(empty, 2);  // 100 agents = 2 blocks of 64
}

}  // namespace
}  // namespace megacycle
