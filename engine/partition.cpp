#include "engine/partition.hpp"

#include <algorithm>
#include <bit>

namespace megacycle {

std::uint64_t Partition::block_size_for(std::uint64_t n) {
  const std::uint64_t target = std::max<std::uint64_t>(n / 1024, 1);
  return std::clamp<std::uint64_t>(std::bit_ceil(target), 64, 65536);
}

Partition::Partition(std::uint64_t population, int ranks, int rank)
    : population_(population),
      ranks_(ranks),
      block_size_(block_size_for(population)),
      block_count_((population + block_size_ - 1) / block_size_) {
  first_block_ = first_block_of(rank);
  end_block_ = first_block_of(rank + 1);
  begin_ = std::min(first_block_ * block_size_, population_);
  end_ = std::min(end_block_ * block_size_, population_);
}

std::uint64_t Partition::first_block_of(int r) const {
  return block_count_ * static_cast<std::uint64_t>(r) / static_cast<std::uint64_t>(ranks_);
}

int Partition::owner(GlobalId id) const {
  const std::uint64_t block = id / block_size_;
  // Invert first_block_of: the largest r with first_block_of(r) <= block.
  auto r = static_cast<int>((block * static_cast<std::uint64_t>(ranks_) + ranks_) / block_count_);
  r = std::min(r, ranks_ - 1);
  while (r > 0 && first_block_of(r) > block) --r;
  while (r + 1 < ranks_ && first_block_of(r + 1) <= block) ++r;
  return r;
}

}  // namespace megacycle
