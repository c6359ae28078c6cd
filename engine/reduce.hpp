#pragma once
// Sums over agents that give the same bits at any rank count. Each rank fills one row of K partial sums
// per block it owns (agents added in global-id order within the block); combine() gathers every block's
// row on every rank and adds the rows in block order. Because block boundaries depend on the population
// only (engine/partition.hpp), the order of every floating-point addition is fixed.
#include <cstddef>
#include <span>
#include <vector>

#include "engine/comm.hpp"
#include "engine/partition.hpp"

namespace megacycle {

class BlockSums {
 public:
  BlockSums(const Partition& partition, std::size_t width);

  std::size_t width() const { return width_; }
  // Zeroes every local row before a new accumulation.
  void clear();
  // The row of local block b (0-based among this rank's blocks).
  std::span<double> row(std::size_t local_block) { return {partials_.data() + local_block * width_, width_}; }
  // Totals over all agents on all ranks, identical everywhere.
  std::vector<double> combine(Comm& comm) const;
  // Adds rows of `width` partial sums in the order given (block order): the one place the order is fixed.
  static std::vector<double> sum_rows(std::span<const double> rows, std::size_t width);
  std::span<const double> local_rows() const { return partials_; }

 private:
  std::size_t width_;
  std::vector<double> partials_;
};

}  // namespace megacycle
