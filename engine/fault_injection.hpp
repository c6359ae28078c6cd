#pragma once
// Test-only faults, switched on by the environment variable MEGACYCLE_TEST_FAULT, so tests can check
// that failures end an MPI job cleanly. Not for users (docs/failure-modes.md lists it). Forms:
//   error:rank=R:quarter=Q   rank R throws an error at the start of quarter Q
//   nan:id=G:quarter=Q       agent G's state is corrupted with a NaN before quarter Q
//   kill:rank=R:quarter=Q    rank R kills itself with SIGKILL at the start of quarter Q
//   signal:rank=R:quarter=Q  rank R raises SIGTERM at the start of quarter Q (as the batch system would):
//                            the run stops at a checkpoint at the end of that quarter (engine/signals.hpp)
#include <cstdint>
#include <string>

namespace megacycle {

struct TestFault {
  enum class Kind { none, error, nan, kill, signal };
  Kind kind = Kind::none;
  int rank = -1;
  std::uint64_t id = 0;
  int quarter = -1;

  // Parses MEGACYCLE_TEST_FAULT; throws megacycle::InputError on a malformed value.
  static TestFault from_environment();
  static TestFault parse(const std::string& text);
  bool error_at(int my_rank, int q) const { return kind == Kind::error && rank == my_rank && quarter == q; }
  bool nan_at(int q) const { return kind == Kind::nan && quarter == q; }
  bool kill_at(int my_rank, int q) const { return kind == Kind::kill && rank == my_rank && quarter == q; }
  bool signal_at(int my_rank, int q) const { return kind == Kind::signal && rank == my_rank && quarter == q; }
};

}  // namespace megacycle
