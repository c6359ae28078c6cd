#include "engine/reduce.hpp"

#include <algorithm>

namespace megacycle {

BlockSums::BlockSums(const Partition& partition, std::size_t width)
    : width_(width), partials_((partition.end_block() - partition.first_block()) * width, 0.0) {}

void BlockSums::clear() { std::fill(partials_.begin(), partials_.end(), 0.0); }

std::vector<double> BlockSums::combine(Comm& comm) const {
  // Rows arrive in rank order, and ranks own ascending runs of blocks: the gathered rows are in block order.
  return sum_rows(allgatherv<double>(comm, partials_), width_);
}

std::vector<double> BlockSums::sum_rows(std::span<const double> rows, std::size_t width) {
  std::vector<double> total(width, 0.0);
  for (std::size_t start = 0; start + width <= rows.size(); start += width)
    for (std::size_t k = 0; k < width; ++k) total[k] += rows[start + k];
  return total;
}

}  // namespace megacycle
