#pragma once
// The only view the rest of the code has of other ranks. Two implementations: LocalComm (one process,
// for unit tests and single-rank runs without mpiexec) and the Boost.MPI one in comm_mpi.cpp, the only
// file that includes <boost/mpi.hpp>. Collectives move raw bytes; typed helpers below wrap them.
#include <cstddef>
#include <cstring>
#include <memory>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

namespace megacycle {

// A counter on rank 0 of a communicator that any rank can fetch-and-add alone (MPI one-sided
// atomics): how groups of ranks take the next piece of work as they finish.
class SharedCounter {
 public:
  virtual ~SharedCounter() = default;
  // Adds `n` and returns the value before. Not collective.
  virtual long long fetch_add(long long n) = 0;
};

class Comm {
 public:
  virtual ~Comm() = default;
  virtual int rank() const = 0;
  virtual int size() const = 0;

  // Every rank sends send_counts[r] bytes of `send` (packed by destination, in rank order) to rank r and
  // receives into `recv`, packed by source rank; recv_counts gets the byte count from each source.
  virtual void alltoallv_bytes(std::span<const std::byte> send, std::span<const int> send_counts,
                               std::vector<std::byte>& recv, std::vector<int>& recv_counts) = 0;
  // Concatenates every rank's bytes in rank order on every rank.
  virtual void allgatherv_bytes(std::span<const std::byte> send, std::vector<std::byte>& recv) = 0;
  // Largest value over ranks.
  virtual double max(double value) = 0;
  virtual void barrier() = 0;
  // Ranks of this job that share this rank's node (its memory).
  virtual int ranks_on_node() = 0;
  // Splits this communicator: ranks with the same `colour` form one new communicator, ranked in this
  // one's order. Collective.
  virtual std::unique_ptr<Comm> split(int colour) = 0;
  // A counter starting at 0, held on rank 0. Collective to create and to destroy.
  virtual std::unique_ptr<SharedCounter> make_counter() = 0;
  // Ends every rank of the job with `exit_code`; used when one rank fails alone.
  [[noreturn]] virtual void abort(int exit_code) = 0;
};

// A single-process communicator: rank 0 of 1.
std::unique_ptr<Comm> make_local_comm();

// Typed wrappers. T must be trivially copyable (plain numbers and PODs).
template <class T>
std::vector<T> allgatherv(Comm& comm, std::span<const T> send) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<std::byte> bytes;
  comm.allgatherv_bytes(std::as_bytes(send), bytes);
  std::vector<T> out(bytes.size() / sizeof(T));
  if (!bytes.empty()) std::memcpy(out.data(), bytes.data(), bytes.size());
  return out;
}

template <class T>
void alltoallv(Comm& comm, std::span<const T> send, std::span<const int> send_counts, std::vector<T>& recv,
               std::vector<int>& recv_counts) {
  static_assert(std::is_trivially_copyable_v<T>);
  std::vector<int> send_bytes(send_counts.begin(), send_counts.end());
  for (int& c : send_bytes) c *= static_cast<int>(sizeof(T));
  std::vector<std::byte> bytes;
  comm.alltoallv_bytes(std::as_bytes(send), send_bytes, bytes, recv_counts);
  for (int& c : recv_counts) c /= static_cast<int>(sizeof(T));
  recv.resize(bytes.size() / sizeof(T));
  if (!bytes.empty()) std::memcpy(recv.data(), bytes.data(), bytes.size());
}

}  // namespace megacycle
