#include <cstdlib>
#include <utility>

#include "engine/comm.hpp"

namespace megacycle {
namespace {

class LocalCounter final : public SharedCounter {
 public:
  long long fetch_add(long long n) override { return std::exchange(value_, value_ + n); }

 private:
  long long value_ = 0;
};

class LocalComm final : public Comm {
 public:
  int rank() const override { return 0; }
  int size() const override { return 1; }
  void alltoallv_bytes(std::span<const std::byte> send, std::span<const int>, std::vector<std::byte>& recv,
                       std::vector<int>& recv_counts) override {
    recv.assign(send.begin(), send.end());
    recv_counts.assign(1, static_cast<int>(send.size()));
  }
  void allgatherv_bytes(std::span<const std::byte> send, std::vector<std::byte>& recv) override {
    recv.assign(send.begin(), send.end());
  }
  double max(double value) override { return value; }
  void barrier() override {}
  int ranks_on_node() override { return 1; }
  std::unique_ptr<Comm> split(int) override { return std::make_unique<LocalComm>(); }
  std::unique_ptr<SharedCounter> make_counter() override { return std::make_unique<LocalCounter>(); }
  [[noreturn]] void abort(int exit_code) override { std::_Exit(exit_code); }
};

}  // namespace

std::unique_ptr<Comm> make_local_comm() { return std::make_unique<LocalComm>(); }

}  // namespace megacycle
