#pragma once
// Progress on stderr for long runs (rank 0 only): quarter, percent, agent-updates per second, time left.
// Throttled to about one line a second so logs of big runs stay short; the first quarter (of a resumed
// run too) and the last always print.
#include <chrono>
#include <cstdint>
#include <cstdio>

namespace megacycle {

class Progress {
 public:
  Progress(bool enabled, int total_quarters, std::uint64_t agents_per_quarter, std::FILE* out = stderr);
  // Call after quarter `q` (0-based) has finished; `label` is its calendar name, e.g. "2026Q3".
  void quarter_done(int q, const char* label);
  // A run resumed from a checkpoint: quarters before `first_quarter` were done by an earlier run, so rates
  // and time left count from there.
  void start_at(int first_quarter) { first_ = first_quarter; }

 private:
  using Clock = std::chrono::steady_clock;
  bool enabled_;
  int total_;
  std::uint64_t agents_;
  int first_ = 0;
  std::FILE* out_;
  Clock::time_point start_;
  Clock::time_point last_print_;
};

}  // namespace megacycle
