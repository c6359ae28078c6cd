#pragma once
// A piecewise-linear path over time: linear between knots, flat before the first and after the last.
// Scenario schedules (prices, technology) become one of these once, at set-up.
#include <utility>
#include <vector>

namespace megacycle {

class PiecewiseLinear {
 public:
  // Knots (time, value) in strictly increasing time; empty means the constant `fallback`.
  PiecewiseLinear(std::vector<std::pair<double, double>> knots, double fallback);
  double at(double t) const;

 private:
  std::vector<std::pair<double, double>> knots_;
  double fallback_;
};

}  // namespace megacycle
