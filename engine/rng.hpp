#pragma once
// Counter-based random streams (Random123 Philox2x64-10). A stream is named by
// (seed, replicate, population, purpose) in the key and (agent global id, time) in the counter, so the
// numbers an agent draws never depend on which rank holds it or in what order agents are visited.
// Creating a stream costs nothing; each block of two 64-bit numbers costs one Philox call.
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
  std::uint8_t population = 0;  // which population (model-defined code)
  std::uint8_t purpose = 0;     // which decision (model-defined code)
};

class Stream {
 public:
  // Philox2x64-10: half the work of the 4-word variant, and one block usually covers an agent's quarter.
  using Philox = r123::Philox2x64;

  // Bits: counter word 0 = id (32) | time (16) | population (8) | purpose (8); word 1 = replicate (32) |
  // block index (32); key = seed. Populations are limited to 2^32 agents, times to 2^16 steps, and
  // population and purpose codes are 8 bits, so distinct names never share a counter.
  Stream(const StreamKey& key, std::uint64_t id, std::uint64_t time)
      : key_{{key.seed}},
        ctr_{{(id << 32) | ((time & 0xffff) << 16) | std::uint64_t{key.population} << 8 | std::uint64_t{key.purpose},
              std::uint64_t{key.replicate} << 32}} {}

  std::uint64_t next_u64() {
    if (used_ == 2) refill();
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
    ctr_.v[1] += 1;
    used_ = 0;
  }
  Philox::key_type key_;
  Philox::ctr_type ctr_;
  Philox::ctr_type block_{};
  int used_ = 2;
};

}  // namespace megacycle
