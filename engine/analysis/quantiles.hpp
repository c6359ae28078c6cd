#pragma once
// Percentiles of a small sample, computed exactly as numpy.percentile(values, p) with its default
// "linear" method (Hyndman & Fan type 7), so that a Python check can recompute them bit for bit.
#include <algorithm>
#include <cmath>
#include <vector>

namespace megacycle {

// `sorted` ascending and non-empty; p in [0, 100].
inline double percentile_linear(const std::vector<double>& sorted, double p) {
  const double q = p / 100.0;
  const double index = static_cast<double>(sorted.size() - 1) * q;
  const double below = std::floor(index);
  const auto lo = static_cast<std::size_t>(below);
  const std::size_t hi = std::min(lo + 1, sorted.size() - 1);
  const double t = index - below;
  const double a = sorted[lo], b = sorted[hi];
  const double diff = b - a;
  // numpy's _lerp: from the lower neighbour below t = 0.5, from the upper one above (more accurate).
  return t >= 0.5 ? b - diff * (1.0 - t) : a + diff * t;
}

// Sum in the given order, divided by the count: the mean a plain loop in any language reproduces.
inline double mean_in_order(const std::vector<double>& values) {
  double sum = 0;
  for (double v : values) sum += v;
  return sum / static_cast<double>(values.size());
}

}  // namespace megacycle
