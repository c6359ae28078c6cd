#pragma once
// Which rank owns which agents. Global ids 0..N-1 are cut into fixed blocks whose size depends on N
// only, never on the rank count; each rank owns a contiguous run of whole blocks. Sums over agents are
// taken per block in id order and then over blocks in block order (engine/reduce.hpp), so a sum has the
// same bits whatever the number of ranks. Pure functions of (N, ranks, rank): testable without MPI.
#include <cstdint>

namespace megacycle {

using GlobalId = std::uint64_t;

class Partition {
 public:
  Partition(std::uint64_t population, int ranks, int rank);

  // Block size for a population of n: a power of two aiming at about 1024 blocks, within [64, 65536].
  static std::uint64_t block_size_for(std::uint64_t n);

  std::uint64_t population() const { return population_; }
  std::uint64_t block_size() const { return block_size_; }
  std::uint64_t block_count() const { return block_count_; }
  // Blocks [first_block, end_block) and ids [begin, end) owned by this rank.
  std::uint64_t first_block() const { return first_block_; }
  std::uint64_t end_block() const { return end_block_; }
  GlobalId begin() const { return begin_; }
  GlobalId end() const { return end_; }
  std::uint64_t local_count() const { return end_ - begin_; }
  bool owns(GlobalId id) const { return id >= begin_ && id < end_; }
  // The rank that owns global id `id`.
  int owner(GlobalId id) const;
  // First block owned by rank r (block_count for r == ranks).
  std::uint64_t first_block_of(int r) const;

 private:
  std::uint64_t population_;
  int ranks_;
  std::uint64_t block_size_;
  std::uint64_t block_count_;
  std::uint64_t first_block_, end_block_;
  GlobalId begin_, end_;
};

}  // namespace megacycle
