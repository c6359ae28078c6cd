#pragma once
// Counter-based random streams (Random123 Philox4x64-10). A stream is named by
// (seed, replicate, population, purpose) in the key and (agent global id, time) in the counter, so the
// numbers an agent draws never depend on which rank holds it or in what order agents are visited.
// Creating a stream costs nothing; each block of four 64-bit numbers costs one Philox call.
// Random123 is a C-style header with GCC extensions; keep its warnings out of ours.
#pragma GCC system_header
#include <Random123/philox.h>

#include <cmath>
#include <cstdint>
#include <numbers>

namespace megacycle {

struct StreamKey {
  std::uint64_t seed = 0;
  std::uint32_t replicate = 0;
  std::uint16_t population = 0;  // which population (model-defined code)
  std::uint16_t purpose = 0;     // which decision (model-defined code)
};

class Stream {
 public:
  using Philox = r123::Philox4x64;  // 10 rounds

  Stream(const StreamKey& key, std::uint64_t id, std::uint64_t time)
      : key_{{key.seed, (std::uint64_t{key.replicate} << 32) | (std::uint64_t{key.population} << 16) |
                            std::uint64_t{key.purpose}}},
        ctr_{{id, time, 0, 0}} {}

  std::uint64_t next_u64() {
    if (used_ == 4) refill();
    return block_.v[used_++];
  }
  // Uniform on [0, 1) with 53 random bits.
  double uniform() { return static_cast<double>(next_u64() >> 11) * 0x1.0p-53; }
  // Uniform on (0, 1]: safe under log().
  double uniform_pos() { return static_cast<double>((next_u64() >> 11) + 1) * 0x1.0p-53; }
  // Standard normal (Box-Muller; one normal per two uniforms, nothing cached so draws stay countable).
  double normal() {
    const double r = std::sqrt(-2.0 * std::log(uniform_pos()));
    return r * std::cos(2.0 * std::numbers::pi * uniform());
  }
  // Uniform integer in [0, n) (Lemire's multiply-shift; bias below 2^-64 * n, negligible).
  std::uint64_t below(std::uint64_t n) {
    return static_cast<std::uint64_t>((static_cast<unsigned __int128>(next_u64()) * n) >> 64);
  }

 private:
  void refill() {
    block_ = Philox()(ctr_, key_);
    ctr_.v[2] += 1;
    used_ = 0;
  }
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type block_{};
  int used_ = 4;
};

}  // namespace megacycle
