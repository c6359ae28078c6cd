#pragma once
// Ghost exchange: copies of values owned by other ranks (or by this rank, under another slot) that local
// agents read. Built once from the list of (view slot, global id) pairs a rank needs; afterwards each
// exchange() is one all-to-all of the values, written straight into the caller's view array.
#include <cstdint>
#include <span>
#include <vector>

#include "engine/comm.hpp"
#include "engine/partition.hpp"

namespace megacycle {

class GhostExchange {
 public:
  // `slots[i]` is where the value of agent `ids[i]` goes in the view.
  GhostExchange(Comm& comm, const Partition& partition, std::span<const GlobalId> ids,
                std::span<const std::uint32_t> slots);

  // Fills view[slot] for every requested slot with the owner's `owned[id - owner.begin]`.
  template <class T>
  void exchange(Comm& comm, std::span<const T> owned, std::span<T> view) {
    send_values_.clear();
    for (std::uint32_t local : send_local_) {
      T v = owned[local];
      const auto* p = reinterpret_cast<const std::byte*>(&v);
      send_values_.insert(send_values_.end(), p, p + sizeof(T));
    }
    std::vector<int> counts(send_counts_);
    for (int& c : counts) c *= static_cast<int>(sizeof(T));
    comm.alltoallv_bytes(send_values_, counts, recv_bytes_, recv_counts_);
    const T* in = reinterpret_cast<const T*>(recv_bytes_.data());
    for (std::size_t i = 0; i < recv_slots_.size(); ++i) view[recv_slots_[i]] = in[i];
  }

  std::size_t ghost_count() const { return recv_slots_.size(); }
  // Ghost values this rank receives from other ranks per exchange (excludes copies from itself).
  std::size_t remote_count() const { return remote_count_; }

 private:
  std::vector<std::uint32_t> send_local_;  // local indices to send, grouped by destination rank
  std::vector<int> send_counts_;           // values per destination rank
  std::vector<std::uint32_t> recv_slots_;  // view slots in the order values arrive
  std::size_t remote_count_ = 0;
  std::vector<std::byte> send_values_, recv_bytes_;
  std::vector<int> recv_counts_;
};

}  // namespace megacycle
