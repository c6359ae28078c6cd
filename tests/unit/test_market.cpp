// The equity market's pieces (agents/valuation.hpp, agents/investors.hpp): discounted earnings against
// Gordon's closed form, the back-cast earnings record, the clamp on expected growth, and the investors'
// quarter-end settlement from strategy bits against a day-by-day settlement of the same orders.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "agents/investors.hpp"
#include "agents/valuation.hpp"
#include "engine/comm.hpp"

namespace megacycle {
namespace {

TEST(Valuation, DiscountedEarningsWithConstantGrowthIsGordonsFormula) {
  // With g0 = g_long every year grows alike: value = E (1 + g) / (r - g).
  for (double fade : {0.0, 3.0, 7.5}) {
    const double v = discounted_earnings(10.0, 0.03, 0.03, fade, 0.09);
    EXPECT_NEAR(v, 10.0 * 1.03 / 0.06, 1e-9 * v) << "fade years " << fade;
  }
}

TEST(Valuation, EquityValueDeductsABookDeficitAndIsFloored) {
  EXPECT_EQ(equity_value(100.0, 30.0, 0.5, 0.05, 1e-6), 100.0);   // solvent: the going-concern value
  EXPECT_EQ(equity_value(100.0, 300.0, 0.5, 0.05, 1e-6), 150.0);  // floored at half the book equity
  EXPECT_EQ(equity_value(100.0, -40.0, 0.5, 0.05, 1e-6), 60.0);   // the lenders' deficit comes first
  EXPECT_EQ(equity_value(1000.0, -640.0, 0.5, 0.05, 1e-6), 360.0);
  // Deficit beyond the going concern: what shareholders keep in a restructuring, 5% of it.
  EXPECT_DOUBLE_EQ(equity_value(100.0, -640.0, 0.5, 0.05, 1e-6), 5.0);
  EXPECT_EQ(equity_value(-50.0, -640.0, 0.5, 0.05, 1e-6), 1e-6);  // limited liability: never below the minimum
  EXPECT_EQ(equity_value(-50.0, 10.0, 0.5, 0.05, 1e-6), 5.0);     // losses: the liquidation floor
}

TEST(Valuation, HigherExpectedGrowthRaisesValueAndNegativeEarningsGiveNegativeValue) {
  EXPECT_GT(discounted_earnings(10.0, 0.5, 0.03, 3, 0.09), discounted_earnings(10.0, 0.1, 0.03, 3, 0.09));
  EXPECT_LT(discounted_earnings(-1.0, 0.1, 0.03, 3, 0.09), 0.0);
  // A discount rate at or below long-run growth is kept 1 point above it: finite value.
  EXPECT_NEAR(discounted_earnings(1.0, 0.03, 0.03, 0, 0.01), 1.03 / 0.01, 1e-6);
}

TEST(Valuation, EarningsRecordBackCastRecoversTheExpectedGrowth) {
  EarningsRecord r;
  r.start(25.0, 5.0, 0.2, 8);
  EXPECT_NEAR(r.revenue_growth(), 0.2, 1e-12);
  // Normalised earnings: the mean of the back-cast quarters, annualised, below 4 x the latest quarter.
  EXPECT_LT(r.annual_earnings(), 20.0);
  EXPECT_GT(r.annual_earnings(), 20.0 / std::pow(1.2, 7.0 / 4.0));
  r.push(0.0, 0.0);  // revenue collapses to nothing: the trailing year still has three quarters
  EXPECT_LT(r.revenue_growth(), 0.0);
}

TEST(Valuation, ExpectedGrowthIsSmoothedAndClamped) {
  Valuation v;
  v.set_growth_memory(0.5);
  v.set_max_expected_growth_per_year(0.6);
  v.set_max_expected_decline_per_year(0.2);
  EXPECT_NEAR(update_expected_growth(v, 0.1, 0.3), 0.2, 1e-12);
  EXPECT_NEAR(update_expected_growth(v, 0.0, -0.9), -0.1, 1e-12);  // latest clamped to -0.2 first
  EXPECT_NEAR(update_expected_growth(v, 0.6, 5.0), 0.6, 1e-12);
}

// Settling a quarter from the strategy bits must give what settling every day would: each investor's
// order on day d is its trade scale times its group's demand, at that day's new price.
TEST(Investors, SettlementFromStrategyBitsEqualsDailySettlement) {
  auto comm = make_local_comm();
  Investors spec;
  spec.set_population(257);
  spec.set_represented_investors(1e4);
  spec.set_wealth_log_sd(1.0);
  spec.set_reaction_strength_log_sd(0.5);
  spec.set_trade_share_per_unit_demand(0.01);
  const std::vector<double> shares = {2.0, 5.0, 1.0};
  const std::vector<double> price = {100.0, 40.0, 250.0};
  InvestorPopulation pop(*comm, spec, 42, 0, shares, price);
  const std::size_t S = shares.size(), n = pop.state().size();
  const int D = 7;
  // Each day's group demands and new prices (arbitrary but fixed).
  std::vector<double> df(D * S), dc(D * S), p(D * S);
  for (int d = 0; d < D; ++d)
    for (std::size_t j = 0; j < S; ++j) {
      const std::size_t k = static_cast<std::size_t>(d) * S + j;
      const double x = static_cast<double>(j);
      df[k] = 0.3 * std::sin(1.0 + d + 2.0 * x), dc[k] = 1.1 * std::cos(0.5 * d - x), p[k] = price[j] * (1 + 0.01 * d);
    }
  const auto before = pop.state();
  double fundamentalist_scale = pop.totals().fundamentalist_scale;
  double expected_sum = 0;
  for (std::size_t i = 0; i < n; ++i) expected_sum += (before.strategy[i] & 1u) ? before.trade_scale[i] : 0.0;
  EXPECT_NEAR(fundamentalist_scale, expected_sum, 1e-12 * std::max(1.0, expected_sum));
  for (int d = 0; d < D; ++d) pop.choose_strategies(*comm, 1000 + d, d + 1, 0.3 + 0.05 * d);
  const auto bits = pop.state().strategy;  // bit d: the strategy on day d; bit D: the next quarter's day 0

  // Day by day, per investor.
  const std::vector<double> dividend = {0.5, 0.0, 2.0};
  const double interest = 0.01;
  std::vector<double> cash(n), holdings(n * S);
  for (std::size_t i = 0; i < n; ++i) {
    double c = before.cash[i] * (1 + interest);
    for (std::size_t j = 0; j < S; ++j) c += before.holdings[i * S + j] * dividend[j];
    for (std::size_t j = 0; j < S; ++j) holdings[i * S + j] = before.holdings[i * S + j];
    for (int d = 0; d < D; ++d) {
      const bool f = (bits[i] >> d) & 1u;
      for (std::size_t j = 0; j < S; ++j) {
        const std::size_t k = static_cast<std::size_t>(d) * S + j;
        const double order = before.trade_scale[i] * (f ? df[k] : dc[k]);  // USD billion
        holdings[i * S + j] += order / p[k];
        c -= order;
      }
    }
    cash[i] = c;
  }
  // The same through settle().
  std::vector<double> chartist(S, 0.0), extra(D * S), extra_value(D, 0.0);
  double chartist_value = 0;
  for (int d = 0; d < D; ++d)
    for (std::size_t j = 0; j < S; ++j) {
      const std::size_t k = static_cast<std::size_t>(d) * S + j;
      chartist[j] += dc[k] / p[k], extra[k] = (df[k] - dc[k]) / p[k];
      chartist_value += dc[k], extra_value[static_cast<std::size_t>(d)] += df[k] - dc[k];
    }
  const std::vector<double> close = {p[(D - 1) * S], p[(D - 1) * S + 1], p[(D - 1) * S + 2]};
  QuarterSettlement q;
  q.days = D, q.dividend_per_share = dividend, q.close_price = close, q.chartist_shares = chartist;
  q.fundamentalist_extra_shares = extra, q.chartist_value = chartist_value, q.fundamentalist_extra_value = extra_value;
  q.interest_per_quarter = interest;
  pop.settle(*comm, q);
  for (std::size_t i = 0; i < n; ++i) {
    EXPECT_NEAR(pop.state().cash[i], cash[i], 1e-12 * std::max(1.0, std::abs(cash[i]))) << "investor " << i;
    for (std::size_t j = 0; j < S; ++j)
      EXPECT_NEAR(pop.state().holdings[i * S + j], holdings[i * S + j],
                  1e-12 * std::max(1.0, std::abs(holdings[i * S + j])));
    // The next quarter's first day keeps the strategy drawn on the last day.
    EXPECT_EQ(pop.state().strategy[i], (bits[i] >> D) & 1u);
  }
}

TEST(Investors, InitialPortfolioHoldsEverySharePutOnTheMarket) {
  auto comm = make_local_comm();
  Investors spec;
  spec.set_population(1000);
  spec.set_cash_share(0.2);
  const std::vector<double> shares = {3.0, 7.0};
  const std::vector<double> price = {10.0, 20.0};
  InvestorPopulation pop(*comm, spec, 7, 0, shares, price);
  EXPECT_NEAR(pop.totals().holdings[0], 3.0, 1e-12);
  EXPECT_NEAR(pop.totals().holdings[1], 7.0, 1e-12);
  EXPECT_NEAR(pop.totals().cash, 0.2 * pop.totals().wealth, 1e-9);
  EXPECT_NEAR(pop.totals().wealth, (30.0 + 140.0) / 0.8, 1e-9);
}

}  // namespace
}  // namespace megacycle
