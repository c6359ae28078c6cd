#include "engine/ghosts.hpp"

#include <algorithm>
#include <numeric>

namespace megacycle {

GhostExchange::GhostExchange(Comm& comm, const Partition& partition, std::span<const GlobalId> ids,
                             std::span<const std::uint32_t> slots) {
  const auto ranks = static_cast<std::size_t>(comm.size());
  // Group requests by owner; values come back in the same grouped order.
  std::vector<std::size_t> order(ids.size());
  std::iota(order.begin(), order.end(), 0);
  std::vector<int> owner(ids.size());
  for (std::size_t i = 0; i < ids.size(); ++i) owner[i] = partition.owner(ids[i]);
  std::stable_sort(order.begin(), order.end(), [&](auto a, auto b) { return owner[a] < owner[b]; });

  std::vector<GlobalId> request(ids.size());
  std::vector<int> request_counts(ranks, 0);
  recv_slots_.resize(ids.size());
  for (std::size_t k = 0; k < order.size(); ++k) {
    request[k] = ids[order[k]];
    recv_slots_[k] = slots[order[k]];
    ++request_counts[static_cast<std::size_t>(owner[order[k]])];
    if (owner[order[k]] != comm.rank()) ++remote_count_;
  }

  std::vector<GlobalId> asked;
  alltoallv<GlobalId>(comm, request, request_counts, asked, send_counts_);
  send_local_.resize(asked.size());
  for (std::size_t i = 0; i < asked.size(); ++i)
    send_local_[i] = static_cast<std::uint32_t>(asked[i] - partition.begin());
}

}  // namespace megacycle
