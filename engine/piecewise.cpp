#include "engine/piecewise.hpp"

#include <algorithm>

namespace megacycle {

PiecewiseLinear::PiecewiseLinear(std::vector<std::pair<double, double>> knots, double fallback)
    : knots_(std::move(knots)), fallback_(fallback) {}

double PiecewiseLinear::at(double t) const {
  if (knots_.empty()) return fallback_;
  if (t <= knots_.front().first) return knots_.front().second;
  if (t >= knots_.back().first) return knots_.back().second;
  const auto hi =
      std::upper_bound(knots_.begin(), knots_.end(), t, [](double x, const auto& knot) { return x < knot.first; });
  const auto lo = hi - 1;
  const double w = (t - lo->first) / (hi->first - lo->first);
  return lo->second + w * (hi->second - lo->second);
}

}  // namespace megacycle
