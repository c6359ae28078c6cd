#include "engine/ring_network.hpp"

#include <algorithm>

#include "engine/error.hpp"

namespace megacycle {

RingNetwork::RingNetwork(Comm& comm, const Partition& partition, int degree, double rewiring, const StreamKey& key)
    : degree_(degree), half_(degree / 2) {
  const std::uint64_t n_total = partition.population();
  if (degree < 0 || degree % 2 != 0 || degree > kMaxDegree || (degree > 0 && std::uint64_t(degree) >= n_total))
    throw Error("network degree must be even, at most 16 and below the population");
  const std::uint64_t n = partition.local_count();
  const GlobalId begin = partition.begin();
  const auto h = static_cast<std::uint64_t>(half_);
  mask_.assign(n, 0);

  // Draw every link of every local agent; remember targets as global ids first.
  std::vector<GlobalId> target_ids;
  for (std::uint64_t i = 0; i < n && degree_ > 0; ++i) {
    Stream rng(key, begin + i, 0);
    for (int s = 0; s < degree_; ++s) {
      if (rng.uniform() < rewiring) {
        mask_[i] = static_cast<std::uint16_t>(mask_[i] | (1u << s));
        target_ids.push_back((begin + i + 1 + rng.below(n_total - 1)) % n_total);  // never itself
      }
    }
  }

  // View slots: the window [begin - h, end + h) on the ring maps to slots 0..n+2h-1; any other target gets
  // a remote slot after the window, one per distinct id.
  const std::uint64_t window = n == 0 ? 0 : n + 2 * h;
  auto window_slot = [&](GlobalId id) { return (id + n_total - begin + h) % n_total; };
  std::vector<GlobalId> remote;
  for (GlobalId id : target_ids)
    if (window_slot(id) >= window) remote.push_back(id);
  std::sort(remote.begin(), remote.end());
  remote.erase(std::unique(remote.begin(), remote.end()), remote.end());
  view_size_ = window + remote.size();
  if (view_size_ > UINT32_MAX) throw Error("a rank's network view exceeds 2^32 slots: use more ranks");

  targets_.reserve(target_ids.size());
  for (GlobalId id : target_ids) {
    const std::uint64_t w = window_slot(id);
    const std::uint64_t slot =
        w < window
            ? w
            : window + static_cast<std::uint64_t>(std::lower_bound(remote.begin(), remote.end(), id) - remote.begin());
    targets_.push_back(static_cast<std::uint32_t>(slot));
  }

  // Every slot outside our own agents is a ghost: the two halos, then the remote targets.
  std::vector<GlobalId> ghost_ids;
  std::vector<std::uint32_t> ghost_slots;
  if (n > 0) {
    for (std::uint64_t s = 0; s < h; ++s) {
      ghost_ids.push_back((begin + n_total - h + s) % n_total);
      ghost_slots.push_back(static_cast<std::uint32_t>(s));
      ghost_ids.push_back((begin + n + s) % n_total);
      ghost_slots.push_back(static_cast<std::uint32_t>(h + n + s));
    }
    for (std::size_t r = 0; r < remote.size(); ++r) {
      ghost_ids.push_back(remote[r]);
      ghost_slots.push_back(static_cast<std::uint32_t>(window + r));
    }
  }
  ghosts_.emplace(comm, partition, ghost_ids, ghost_slots);
}

double RingNetwork::bytes_per_agent() const {
  if (mask_.empty()) return 0.0;
  const double bytes =
      static_cast<double>(mask_.capacity() * sizeof(std::uint16_t) + targets_.capacity() * sizeof(std::uint32_t));
  return bytes / static_cast<double>(mask_.size());
}

}  // namespace megacycle
