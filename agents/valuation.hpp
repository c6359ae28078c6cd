#pragma once
// Fundamental values of listed firms (docs/ODD.md, "Fundamental values"): what a share is worth from the
// firm's simulated earnings, expected growth and the discount rate. Pure functions, one rank's worth.
#include <vector>

#include "engine/serialize.hpp"
#include "equity_market.pb.h"

namespace megacycle {

// Present value of annual earnings E that grow at g0 in the first year, fading linearly to g_long over
// fade_years, then at g_long for ever (Gordon terminal value), discounted at `rate` per year. The rate is
// kept at least 1 point above g_long so the terminal value stays finite. Negative E gives a negative value.
double discounted_earnings(double annual_earnings, double g0, double g_long, double fade_years, double rate);

// A listed firm's last eight quarters of revenue and `window` quarters of net income, oldest first.
// Before the start they are back-cast from quarter 0 at the growth analysts expected, so trailing sums
// exist from the first close.
class EarningsRecord {
 public:
  void start(double revenue, double net_income, double growth_per_year, int window);
  void push(double revenue, double net_income);
  double annual_earnings() const;  // normalised: mean net income over the window, annualised
  // Growth of revenue over the last four quarters against the four before (the smooth signal that
  // expected growth follows: quarter-on-quarter revenue swings with every order cycle).
  double revenue_growth() const;

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(revenue_, earnings_);
  }

 private:
  double revenue_[8] = {};
  std::vector<double> earnings_;
};

// Smoothed expected growth: g <- memory * g + (1 - memory) * latest, clamped to
// [-max_expected_decline, max_expected_growth].
double update_expected_growth(const Valuation& v, double expected, double latest);

// Discounted earnings of the modelled business (Valuation's growth fade and long-run growth).
double modelled_value(const Valuation& v, double annual_earnings, double expected_growth, double discount_rate);

// A listed firm's equity value (USD billion) from its going-concern value (modelled business plus the
// other business): a negative book equity is a deficit of the modelled business that its debt holders
// claim ahead of the shareholders, so it is deducted; the value never falls below what the shareholders
// keep in a restructuring (old_shareholders_share x the going-concern value), book_value_floor x book
// equity, or `minimum` (limited liability).
double equity_value(double going_concern, double book_equity, double book_value_floor, double old_shareholders_share,
                    double minimum);

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::EarningsRecord, 1);
