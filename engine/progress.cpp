#include "engine/progress.hpp"

#include <fmt/core.h>

namespace megacycle {

Progress::Progress(bool enabled, int total_quarters, std::uint64_t agents_per_quarter, std::FILE* out)
    : enabled_(enabled),
      total_(total_quarters),
      agents_(agents_per_quarter),
      out_(out),
      start_(Clock::now()),
      last_print_(start_) {}

void Progress::quarter_done(int q, const char* label) {
  if (!enabled_) return;
  const auto now = Clock::now();
  // The first quarter always prints (the run is under way), then about once a second, and the last.
  const bool first = q == first_, last = q + 1 == total_;
  if (!first && !last && now - last_print_ < std::chrono::seconds(1)) return;
  last_print_ = now;
  const double elapsed = std::chrono::duration<double>(now - start_).count();
  const double done = q + 1, done_here = q + 1 - first_;
  const double rate = elapsed > 0 ? static_cast<double>(agents_) * done_here / elapsed : 0.0;
  const double left = done_here > 0 ? elapsed / done_here * (total_ - done) : 0.0;
  fmt::print(out_, "[megacycle] quarter {:>3}/{} {}  {:5.1f}%  {:8.2f}M agent-updates/s  {:6.1f}s left\n", q + 1,
             total_, label, 100.0 * done / total_, rate / 1e6, left);
  std::fflush(out_);
}

}  // namespace megacycle
