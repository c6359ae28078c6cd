#pragma once
// Numerical guard: finds NaN and infinity in agent state, so a run stops at the quarter a bad value
// appears and names where, instead of writing nonsense for the rest of the horizon.
#include <cmath>
#include <cstddef>
#include <span>

namespace megacycle {

inline constexpr std::size_t kAllFinite = static_cast<std::size_t>(-1);

// Index of the first NaN or infinite value, or kAllFinite.
template <class T>
std::size_t first_non_finite(std::span<const T> values) {
  for (std::size_t i = 0; i < values.size(); ++i)
    if (!std::isfinite(values[i])) return i;
  return kAllFinite;
}

// part / whole, or 0 when whole is not positive: shares of an empty group are written as 0, not NaN.
inline double ratio_or_zero(double part, double whole) { return whole > 0 ? part / whole : 0.0; }

}  // namespace megacycle
