#include "agents/valuation.hpp"

#include <algorithm>
#include <cmath>

namespace megacycle {

double discounted_earnings(double e, double g0, double g_long, double fade_years, double rate) {
  rate = std::max(rate, g_long + 0.01);
  const int years = static_cast<int>(std::ceil(fade_years));
  double value = 0, earnings = e, discount = 1;
  for (int y = 1; y <= years; ++y) {
    // Growth in year y moves linearly from g0 (y = 1) to g_long (y = years + 1).
    const double g = g0 + (g_long - g0) * (y - 1) / std::max(1.0, fade_years);
    earnings *= 1.0 + g;
    discount *= 1.0 + rate;
    value += earnings / discount;
  }
  return value + earnings * (1.0 + g_long) / (rate - g_long) / discount;
}

void EarningsRecord::start(double revenue, double net_income, double growth, int window) {
  for (int k = 0; k < 8; ++k) revenue_[k] = revenue / std::pow(1.0 + growth, (7 - k) / 4.0);
  earnings_.resize(static_cast<std::size_t>(window));
  for (int k = 0; k < window; ++k)
    earnings_[static_cast<std::size_t>(k)] = net_income / std::pow(1.0 + growth, (window - 1 - k) / 4.0);
}

void EarningsRecord::push(double revenue, double net_income) {
  std::rotate(revenue_, revenue_ + 1, revenue_ + 8);
  revenue_[7] = revenue;
  std::rotate(earnings_.begin(), earnings_.begin() + 1, earnings_.end());
  earnings_.back() = net_income;
}

double EarningsRecord::annual_earnings() const {
  double sum = 0;
  for (double e : earnings_) sum += e;
  return earnings_.empty() ? 0.0 : 4.0 * sum / static_cast<double>(earnings_.size());
}

double EarningsRecord::revenue_growth() const {
  const double before = revenue_[0] + revenue_[1] + revenue_[2] + revenue_[3];
  const double now = revenue_[4] + revenue_[5] + revenue_[6] + revenue_[7];
  return before > 0 && now > 0 ? now / before - 1.0 : -1.0;
}

double update_expected_growth(const Valuation& v, double expected, double latest) {
  const double m = v.growth_memory();
  const double hi = v.max_expected_growth_per_year(), lo = -v.max_expected_decline_per_year();
  return std::clamp(m * expected + (1.0 - m) * std::clamp(latest, lo, hi), lo, hi);
}

double modelled_value(const Valuation& v, double earnings, double growth, double rate) {
  return discounted_earnings(earnings, growth, v.long_run_growth_per_year(), v.growth_fade_years(), rate);
}

double equity_value(double going_concern, double book_equity, double book_value_floor, double old_shareholders_share,
                    double minimum) {
  return std::max({going_concern - std::max(0.0, -book_equity), old_shareholders_share * going_concern,
                   book_value_floor * book_equity, minimum});
}

}  // namespace megacycle
