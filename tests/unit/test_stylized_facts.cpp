#include <gtest/gtest.h>

#include <cmath>
#include <limits>
#include <vector>

#include "engine/analysis/stylized_facts.hpp"
#include "engine/rng.hpp"

namespace megacycle::analysis {
namespace {

constexpr std::size_t kN = 100000;

std::vector<double> gaussian_noise(std::uint64_t seed, std::size_t n = kN) {
  Stream s(StreamKey{seed, 0, 2, 1}, 0, 0);
  std::vector<double> x(n);
  for (double& v : x) v = s.normal();
  return x;
}

TEST(Autocorrelation, OfAnAr1IsItsCoefficient) {
  // AR(1) with phi = 0.5: the lag-1 sample ACF has standard error sqrt((1 - phi^2) / n) = 0.0027.
  const std::vector<double> e = gaussian_noise(1);
  std::vector<double> x(kN);
  x[0] = e[0];
  for (std::size_t t = 1; t < kN; ++t) x[t] = 0.5 * x[t - 1] + e[t];
  EXPECT_NEAR(autocorrelation(x, 1), 0.5, 4 * std::sqrt(0.75 / kN));
  EXPECT_NEAR(autocorrelation(x, 2), 0.25, 0.02);
  EXPECT_DOUBLE_EQ(autocorrelation(x, 0), 1.0);
}

TEST(Autocorrelation, MatchesTheStandardEstimatorOnASmallVector) {
  // m = 2.5, deviations -1.5 -0.5 0.5 1.5: lag 1 sum = 0.75 - 0.25 + 0.75 = 1.25 over 5.
  const std::vector<double> x = {1, 2, 3, 4};
  EXPECT_DOUBLE_EQ(autocorrelation(x, 1), 1.25 / 5.0);
  EXPECT_DOUBLE_EQ(autocorrelation(x, 3), -2.25 / 5.0);
}

TEST(Autocorrelation, IsNanForShortOrConstantSeries) {
  const std::vector<double> x = {1, 2, 3};
  EXPECT_TRUE(std::isnan(autocorrelation(x, 3)));
  EXPECT_TRUE(std::isnan(autocorrelation(std::vector<double>(10, 2.0), 1)));
  EXPECT_TRUE(std::isnan(autocorrelation({}, 0)));
}

TEST(ExcessKurtosis, OfGaussianNoiseIsZero) {
  EXPECT_NEAR(excess_kurtosis(gaussian_noise(2)), 0.0, 4 * std::sqrt(24.0 / kN));
}

TEST(ExcessKurtosis, MatchesTheHandFormulaOnASmallVector) {
  // m = 4; deviations -3 -2 -1 0 6; m2 = 50/5 = 10; m4 = (81 + 16 + 1 + 0 + 1296)/5 = 278.8.
  const std::vector<double> x = {1, 2, 3, 4, 10};
  EXPECT_DOUBLE_EQ(excess_kurtosis(x), 278.8 / 100.0 - 3.0);
}

TEST(ExcessKurtosis, IsNanWithoutVariance) {
  EXPECT_TRUE(std::isnan(excess_kurtosis(std::vector<double>(5, 1.0))));
  EXPECT_TRUE(std::isnan(excess_kurtosis({})));
  EXPECT_TRUE(std::isnan(mean({})));
}

TEST(HillTailIndex, OfSymmetricParetoThreeIsThree) {
  // |x| Pareto with alpha = 3 (x = u^(-1/3)), random sign. Hill on k = 5000 exact-Pareto order
  // statistics: 1/alpha-hat is a mean of k exponentials, so alpha-hat has standard error ~ 3/sqrt(k) = 0.042.
  Stream s(StreamKey{3, 0, 2, 2}, 0, 0);
  std::vector<double> x(kN);
  for (double& v : x) {
    const double magnitude = std::pow(s.uniform_pos(), -1.0 / 3.0);
    v = s.uniform() < 0.5 ? -magnitude : magnitude;
  }
  EXPECT_NEAR(hill_tail_index(x, 0.05), 3.0, 4 * 3.0 / std::sqrt(5000.0));
}

TEST(HillTailIndex, OfGaussianNoiseIsLarge) {
  // Thin tails: far above the ~3 of returns, which is what the statistic is for telling apart.
  EXPECT_GT(hill_tail_index(gaussian_noise(4), 0.05), 4.0);
}

TEST(HillTailIndex, MatchesTheFormulaOnASmallVector) {
  // n = 10, fraction 0.2: k = 2; the largest |x| are 8, 4, then 2: alpha = 1 / ((ln 8 + ln 4)/2 - ln 2) = 1 / (1.5 ln
  // 2).
  const std::vector<double> x = {1, -8, 2, 0.5, 4, -1, 0.25, 1, 1.5, 0};
  EXPECT_DOUBLE_EQ(hill_tail_index(x, 0.2), 1.0 / ((std::log(8.0) + std::log(4.0)) / 2.0 - std::log(2.0)));
}

TEST(HillTailIndex, IsNanWithTooFewNonzeroValues) {
  EXPECT_TRUE(std::isnan(hill_tail_index(std::vector<double>{0, 0, 0, 0, 0})));
  EXPECT_TRUE(std::isnan(hill_tail_index(std::vector<double>{5, 0, 0, 0, 0, 0})));  // k = 2 needs 3 nonzero
  EXPECT_TRUE(std::isnan(hill_tail_index(std::vector<double>{1, 2})));
  EXPECT_TRUE(std::isnan(hill_tail_index(std::vector<double>(40, 2.0))));  // no spread in the tail
}

TEST(StylizedFacts, OfIidNoiseShowNoClusteringAndThinTails) {
  const std::vector<double> r = gaussian_noise(5);
  const StylizedFacts f = stylized_facts(r, 100, 0.05);
  EXPECT_EQ(f.observations, kN);
  EXPECT_NEAR(f.mean, 0.0, 4 / std::sqrt(double(kN)));
  EXPECT_NEAR(f.sd, 1.0, 0.01);
  EXPECT_NEAR(f.acf_r1, 0.0, 4 / std::sqrt(double(kN)));
  EXPECT_NEAR(f.excess_kurtosis, 0.0, 4 * std::sqrt(24.0 / kN));
  EXPECT_EQ(f.hill_tail_fraction, 0.05);
  EXPECT_EQ(f.hill_tail_index, hill_tail_index(r, 0.05));
  ASSERT_EQ(f.acf_abs.size(), 100u);
  // Each lag ~ N(0, 1/n) under independence; 5 sd leaves 100 lags a negligible chance of a false failure.
  for (std::size_t lag = 1; lag <= 100; ++lag)
    EXPECT_NEAR(f.acf_abs[lag - 1], 0.0, 5 / std::sqrt(double(kN))) << "lag " << lag;
}

TEST(StylizedFacts, OfVolatilityClustersShowAPositiveAbsAcf) {
  // Two volatility regimes in long blocks: |r| is autocorrelated even though r is not.
  const std::vector<double> e = gaussian_noise(6);
  std::vector<double> r(kN);
  for (std::size_t t = 0; t < kN; ++t) r[t] = e[t] * ((t / 500) % 2 == 0 ? 1.0 : 3.0);
  const StylizedFacts f = stylized_facts(r, 10);
  EXPECT_NEAR(f.acf_r1, 0.0, 0.02);
  for (double a : f.acf_abs) EXPECT_GT(a, 0.2);
  EXPECT_GT(f.excess_kurtosis, 1.0);
}

TEST(StylizedFacts, LagsBeyondTheSeriesAreNan) {
  const std::vector<double> r = {0.1, -0.2, 0.3, -0.1};
  const StylizedFacts f = stylized_facts(r, 6);
  ASSERT_EQ(f.acf_abs.size(), 6u);
  EXPECT_FALSE(std::isnan(f.acf_abs[2]));  // lag 3 of 4 points
  EXPECT_TRUE(std::isnan(f.acf_abs[3]));
  const StylizedFacts empty = stylized_facts({}, 3);
  EXPECT_EQ(empty.observations, 0u);
  EXPECT_TRUE(std::isnan(empty.mean));
  EXPECT_TRUE(std::isnan(empty.sd));
}

}  // namespace
}  // namespace megacycle::analysis
