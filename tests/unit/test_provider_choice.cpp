// The logit choice table of agents/provider_choice.hpp against its closed form, and the per-provider
// conditions built from it.
#include <gtest/gtest.h>

#include <cmath>
#include <vector>

#include "agents/enterprise.hpp"
#include "agents/provider_choice.hpp"
#include "engine/error.hpp"

namespace megacycle {
namespace {

ProviderChoice params(double price_sensitivity, double rationing_sensitivity, double switching_cost) {
  ProviderChoice p;
  p.set_price_sensitivity(price_sensitivity);
  p.set_rationing_sensitivity(rationing_sensitivity);
  p.set_switching_cost(switching_cost);
  return p;
}

// Probability of provider h in a cumulative row.
double probability(const std::vector<double>& table, std::size_t row, std::size_t h, std::size_t n) {
  const double* r = table.data() + row * n;
  return r[h] - (h > 0 ? r[h - 1] : 0.0);
}

TEST(ProviderChoice, ProbabilitiesAreTheClosedFormLogit) {
  const std::vector<double> a = {1.0, 2.0, 0.5}, price = {2.0, 3.0, 1.5}, served = {1.0, 0.8, 0.5};
  const double p_ref = 2.0, beta_p = 3.0, beta_r = 2.0, switching = 1.0;
  const auto table = provider_choice_table(params(beta_p, beta_r, switching), a, price, p_ref, served);
  const std::size_t n = 3;
  ASSERT_EQ(table.size(), (n + 1) * n);
  // Weights a_h (P_h / P_ref)^(-beta_p) s_h^beta_r, times e^(-switching cost) away from the current provider.
  std::vector<double> w(n);
  for (std::size_t h = 0; h < n; ++h) w[h] = a[h] * std::pow(price[h] / p_ref, -beta_p) * std::pow(served[h], beta_r);
  for (std::size_t row = 0; row <= n; ++row) {
    double total = 0;
    std::vector<double> v(n);
    for (std::size_t h = 0; h < n; ++h) total += v[h] = w[h] * (row < n && h != row ? std::exp(-switching) : 1.0);
    for (std::size_t h = 0; h < n; ++h)
      EXPECT_NEAR(probability(table, row, h, n), v[h] / total, 1e-14) << "row " << row << ", provider " << h;
    EXPECT_EQ(table[row * n + n - 1], 1.0);
  }
}

TEST(ProviderChoice, PickingFollowsTheRow) {
  const std::vector<double> row = {0.25, 0.25, 0.75, 1.0};  // provider 1 has probability 0
  EXPECT_EQ(pick_provider(row.data(), 4, 0.0), 0u);
  EXPECT_EQ(pick_provider(row.data(), 4, 0.2499), 0u);
  EXPECT_EQ(pick_provider(row.data(), 4, 0.25), 2u);
  EXPECT_EQ(pick_provider(row.data(), 4, 0.75), 3u);
  EXPECT_EQ(pick_provider(row.data(), 4, std::nextafter(1.0, 0.0)), 3u);
  EXPECT_EQ(pick_provider(row.data(), 4, 1.0), 3u);  // out of range: the last provider that can be chosen
  const std::vector<double> tail_zero = {0.5, 1.0, 1.0};
  EXPECT_EQ(pick_provider(tail_zero.data(), 3, 1.0), 1u);
  const double single = 1.0;
  EXPECT_EQ(pick_provider(&single, 1, 0.999), 0u);
}

TEST(ProviderChoice, TheRestOfThePickIsUniformWithinEachProvider) {
  const std::vector<double> row = {0.25, 0.25, 0.75, 1.0};  // provider 1 has probability 0
  // On a fine grid of u, each provider's rests cover [0, 1) evenly: mean 1/2, variance 1/12.
  constexpr int kGrid = 1 << 20;
  std::vector<double> sum(4), sum_sq(4), count(4);
  for (int k = 0; k < kGrid; ++k) {
    const auto [h, rest] = pick_provider_and_rest(row.data(), 4, (k + 0.5) / kGrid);
    ASSERT_EQ(h, pick_provider(row.data(), 4, (k + 0.5) / kGrid));
    ASSERT_GE(rest, 0.0);
    ASSERT_LT(rest, 1.0);
    sum[h] += rest, sum_sq[h] += rest * rest, count[h] += 1;
  }
  EXPECT_EQ(count[1], 0.0);
  for (std::size_t h : {0u, 2u, 3u}) {
    EXPECT_NEAR(sum[h] / count[h], 0.5, 1e-5) << "provider " << h;
    EXPECT_NEAR(sum_sq[h] / count[h] - 0.25, 1.0 / 12.0, 1e-5) << "provider " << h;
  }
  // The edges: u at a provider's lower end gives 0, u just below its upper end almost 1.
  EXPECT_EQ(pick_provider_and_rest(row.data(), 4, 0.25).rest, 0.0);
  EXPECT_NEAR(pick_provider_and_rest(row.data(), 4, std::nextafter(0.75, 0.0)).rest, 1.0, 1e-14);
  // u = 1 (out of range) still gives a rest below 1, from the last provider that can be chosen.
  const auto top = pick_provider_and_rest(row.data(), 4, 1.0);
  EXPECT_EQ(top.provider, 3u);
  EXPECT_LT(top.rest, 1.0);
}

TEST(ProviderChoice, CountdownsAreGeometricWithTheReevaluationProbability) {
  // K = countdown: P(K > k) = (1 - r)^k, so K > k exactly when w >= 1 - (1 - r)^k.
  for (double r : {0.05, 0.3, 0.9}) {
    const double inv = reevaluation_inverse_log_keep(r);
    for (int k = 1; k < 40; ++k) {
      const double boundary = 1.0 - std::pow(1.0 - r, k);
      if (1.0 - boundary < 1e-9) break;  // w has too few bits left near 1
      const double step = 1e-6 * std::min(boundary, 1.0 - boundary);
      EXPECT_EQ(reevaluation_countdown(r, inv, boundary - step), k) << "r " << r << ", k " << k;
      EXPECT_EQ(reevaluation_countdown(r, inv, boundary + step), k + 1) << "r " << r << ", k " << k;
    }
    EXPECT_EQ(reevaluation_countdown(r, inv, 0.0), 1);
  }
  // The mean over a fine grid of w is 1 / r (r = 0.2: the tail beyond 255 is 0.8^255, negligible).
  const double r = 0.2, inv = reevaluation_inverse_log_keep(r);
  constexpr int kGrid = 1 << 20;
  double total = 0;
  for (int k = 0; k < kGrid; ++k) total += reevaluation_countdown(r, inv, (k + 0.5) / kGrid);
  EXPECT_NEAR(total / kGrid, 1.0 / r, 1e-4);
  // Saturation at 255; r = 1 every quarter; r = 0 never (255, and callers do not count down).
  const double tiny = 1e-4;
  EXPECT_EQ(reevaluation_countdown(tiny, reevaluation_inverse_log_keep(tiny), 0.5), 255);
  EXPECT_EQ(reevaluation_countdown(tiny, reevaluation_inverse_log_keep(tiny), 0.02), 203);  // -ln(0.98)/1e-4 = 202.03
  EXPECT_EQ(reevaluation_countdown(0.05, reevaluation_inverse_log_keep(0.05), std::nextafter(1.0, 0.0)), 255);
  EXPECT_EQ(reevaluation_countdown(0.05, reevaluation_inverse_log_keep(0.05), 1.0), 255);  // out of range
  for (double w : {0.0, 0.5, 0.999999}) {
    EXPECT_EQ(reevaluation_countdown(1.0, reevaluation_inverse_log_keep(1.0), w), 1);
    EXPECT_EQ(reevaluation_countdown(0.0, reevaluation_inverse_log_keep(0.0), w), 255);
  }
}

TEST(ProviderChoice, AProviderWithoutAttractivenessIsNeverChosen) {
  const std::vector<double> a = {1.0, 0.0, 3.0, 0.0}, price(4, 2.0), served(4, 1.0);
  const auto table = provider_choice_table(params(3, 2, 1), a, price, 2.0, served);
  for (std::size_t row = 0; row <= 4; ++row) {
    EXPECT_EQ(probability(table, row, 1, 4), 0.0);
    EXPECT_EQ(probability(table, row, 3, 4), 0.0);
    const double* r = table.data() + row * 4;
    for (int k = 0; k <= 100000; ++k) {
      const std::size_t h = pick_provider(r, 4, k / 100000.0);  // includes u = 1
      ASSERT_TRUE(h == 0 || h == 2) << "row " << row << ", u " << k / 100000.0;
    }
  }
}

TEST(ProviderChoice, AProviderThatServedAlmostNothingIsAlmostNeverChosen) {
  const std::vector<double> a(3, 1.0), price(3, 2.0), served = {1.0, 1e-9, 0.0};
  const auto table = provider_choice_table(params(3, 2, 1), a, price, 2.0, served);
  for (std::size_t row = 0; row <= 3; ++row) {
    // Served shares below 1e-6 count as 1e-6: weight (1e-6)^2 against about 1 (times e^1 for the current one).
    EXPECT_LT(probability(table, row, 1, 3), 3e-12);
    EXPECT_LT(probability(table, row, 2, 3), 3e-12);
    EXPECT_GT(probability(table, row, 1, 3), 0.0);
  }
  const double* new_adopter = table.data() + 3 * 3;
  int others = 0;
  for (int k = 0; k < 1000000; ++k) others += pick_provider(new_adopter, 3, (k + 0.5) / 1e6) != 0;
  EXPECT_EQ(others, 0);
}

TEST(ProviderChoice, SwitchingCostMakesStayingMoreLikely) {
  const std::vector<double> a = {1.0, 1.5, 0.7}, price = {2.0, 2.2, 1.8}, served(3, 1.0);
  const auto with_cost = provider_choice_table(params(3, 2, 1.0), a, price, 2.0, served);
  const auto free = provider_choice_table(params(3, 2, 0.0), a, price, 2.0, served);
  for (std::size_t c = 0; c < 3; ++c) {
    EXPECT_GT(probability(with_cost, c, c, 3), probability(with_cost, 3, c, 3) + 0.1) << "provider " << c;
    for (std::size_t h = 0; h < 3; ++h)
      EXPECT_NEAR(probability(free, c, h, 3), probability(free, 3, h, 3), 1e-15);  // no cost: rows alike
  }
  // The new-adopter row pays no switching cost.
  for (std::size_t h = 0; h < 3; ++h) EXPECT_NEAR(probability(with_cost, 3, h, 3), probability(free, 3, h, 3), 1e-15);
}

TEST(ProviderChoice, ExtremeUtilitiesStayFinite) {
  // Price sensitivity 100 and prices 1000x apart: e^(+-690) would overflow without the max subtracted.
  const std::vector<double> a = {1e6, 1e-6, 1.0}, price = {0.01, 10.0, 1000.0}, served = {1.0, 1.0, 1e-300};
  const auto table = provider_choice_table(params(100, 100, 100), a, price, 2.0, served);
  for (double x : table) EXPECT_TRUE(std::isfinite(x));
  for (std::size_t row = 0; row <= 3; ++row) {
    EXPECT_EQ(table[row * 3 + 2], 1.0);
    EXPECT_NEAR(probability(table, row, 0, 3), 1.0, 1e-12);
  }
  // A row whose every provider is far below the top still sums to one.
  const auto far = provider_choice_table(params(100, 0, 0), std::vector<double>{1, 1}, std::vector<double>{1e3, 1e3},
                                         0.01, std::vector<double>{1, 1});
  EXPECT_NEAR(probability(far, 2, 0, 2), 0.5, 1e-15);
  EXPECT_EQ(far[3], 1.0);
}

TEST(ProviderChoice, WithNoAttractiveProviderAttractivenessIsIgnored) {
  const std::vector<double> a(2, 0.0), price = {2.0, 2.0}, served(2, 1.0);
  const auto table = provider_choice_table(params(3, 2, 0), a, price, 2.0, served);
  EXPECT_NEAR(probability(table, 2, 0, 2), 0.5, 1e-15);
}

TEST(ProviderChoice, BadInputIsRefused) {
  const std::vector<double> one = {1.0}, two = {1.0, 1.0};
  EXPECT_THROW(provider_choice_table(params(3, 2, 1), two, one, 2.0, two), Error);
  EXPECT_THROW(provider_choice_table(params(3, 2, 1), {}, {}, 2.0, {}), Error);
  EXPECT_THROW(provider_choice_table(params(3, 2, 1), two, std::vector<double>{1.0, 0.0}, 2.0, two), Error);
  EXPECT_THROW(provider_choice_table(params(3, 2, 1), two, std::vector<double>{1.0, NAN}, 2.0, two), Error);
}

TEST(ProviderConditions, OneFullyServedProviderGivesTheUnrationedFactors) {
  Scenario s;
  const auto& e = s.enterprises();
  const double capability = 1.7, efficiency = 1.3, p_ref = 2.0, price = 1.6;
  EnterpriseConditions c;
  set_provider_conditions(c, s, capability, efficiency, p_ref, std::vector<double>{price}, std::vector<double>{1.0},
                          std::vector<double>{1.0});
  const double epsilon = e.usage().price_elasticity();
  const double kappa_rel = std::pow(capability, e.usage().capability_elasticity()) / efficiency;
  ASSERT_EQ(c.provider_usage_per_usd_m.size(), 1u);
  ASSERT_EQ(c.provider_roi_factor.size(), 1u);
  EXPECT_EQ(c.provider_usage_per_usd_m[0],
            e.usage().intensity_units_per_usd_m() * kappa_rel * std::pow(price / p_ref, -epsilon));
  EXPECT_EQ(c.provider_roi_factor[0], capability / (kappa_rel * std::pow(price / p_ref, 1.0 - epsilon)));
  EXPECT_EQ(c.choice_cdf, (std::vector<double>{1.0, 1.0}));
  EXPECT_EQ(c.reevaluation_probability, e.providers().reevaluation_probability());
}

TEST(ProviderConditions, RationingScalesTheRoiByTheServedShareToTheElasticity) {
  Scenario s;
  s.mutable_enterprises()->mutable_providers()->set_rationing_roi_elasticity(0.5);
  EnterpriseConditions c;
  set_provider_conditions(c, s, 1.0, 1.0, 2.0, std::vector<double>{2.0, 2.0, 3.0}, std::vector<double>{1.0, 0.25, 1.0},
                          std::vector<double>{1.0, 1.0, 1.0});
  EXPECT_NEAR(c.provider_roi_factor[1], 0.5 * c.provider_roi_factor[0], 1e-15);
  EXPECT_EQ(c.provider_usage_per_usd_m[1], c.provider_usage_per_usd_m[0]);  // rationing does not change demand
  EXPECT_LT(c.provider_usage_per_usd_m[2], c.provider_usage_per_usd_m[0]);  // a dearer provider: less usage
  EXPECT_EQ(c.choice_cdf.size(), 12u);
}

}  // namespace
}  // namespace megacycle
