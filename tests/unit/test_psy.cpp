#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include "engine/analysis/psy.hpp"
#include "engine/rng.hpp"

namespace megacycle::analysis {
namespace {

// An AR(0.9) series from a 31-bit LCG, written so Python reproduces it bit for bit (see AdfStatistic).
std::vector<double> lcg_series() {
  std::uint64_t s = 12345;
  double prev = 1.0;
  std::vector<double> y;
  for (int t = 0; t < 80; ++t) {
    s = (1103515245 * s + 12345) % (std::uint64_t{1} << 31);
    prev = 0.9 * prev + (static_cast<double>(s) / 2147483648.0 - 0.5);
    y.push_back(prev);
  }
  return y;
}

std::vector<double> random_walk(std::uint64_t seed, std::uint64_t id, std::size_t T, double start = 0) {
  Stream s(StreamKey{seed, 0, 1, 2}, id, 0);
  std::vector<double> y(T);
  y[0] = start;
  for (std::size_t t = 1; t < T; ++t) y[t] = y[t - 1] + s.normal();
  return y;
}

// T = 400: random walk from 100, explosive y_t = 1.04 y_{t-1} + e_t over t = 200..240 (about 100 -> 480),
// a linear collapse to the pre-bubble level over 241..250, then a random walk again.
std::vector<double> bubble_series(std::uint64_t seed) {
  Stream s(StreamKey{seed, 0, 1, 3}, 0, 0);
  std::vector<double> y(400);
  y[0] = 100;
  for (std::size_t t = 1; t < 400; ++t) {
    const double e = s.normal();
    if (t >= 200 && t <= 240)
      y[t] = 1.04 * y[t - 1] + e;
    else if (t > 240 && t <= 250)
      y[t] = y[240] + (y[199] - y[240]) * static_cast<double>(t - 240) / 10.0 + e;
    else
      y[t] = y[t - 1] + e;
  }
  return y;
}

bool same_or_both_nan(double a, double b) { return a == b || (std::isnan(a) && std::isnan(b)); }

TEST(AdfStatistic, MatchesStatsmodelsAdfullerOnFixedData) {
  // Reference values from statsmodels 0.13.5:
  // /usr/bin/python3 -c "
  // from statsmodels.tsa.stattools import adfuller
  // s = 12345; y = []; prev = 1.0
  // for t in range(80):
  //     s = (1103515245 * s + 12345) % 2**31; prev = 0.9 * prev + (s / 2**31 - 0.5); y.append(prev)
  // for L in (0, 1, 2): print(L, repr(adfuller(y, maxlag=L, regression='c', autolag=None)[0]))"
  const std::vector<double> y = lcg_series();
  const double expected[] = {-2.374153164660103, -2.0311806311992893, -2.1472891748841665};
  for (int lags = 0; lags <= 2; ++lags) {
    const double got = adf_statistic(y, lags);
    EXPECT_NEAR(got, expected[lags], 1e-8 * std::fabs(expected[lags])) << "lags " << lags;
  }
}

TEST(AdfStatistic, IsNanWithTooFewObservationsOrConstantSeries) {
  // lags = 1: n_obs = n - 2 must exceed 2 + 1 + 1, so n = 6 is too short and n = 7 is enough.
  const std::vector<double> y = lcg_series();
  EXPECT_TRUE(std::isnan(adf_statistic(std::span(y).first(6), 1)));
  EXPECT_FALSE(std::isnan(adf_statistic(std::span(y).first(7), 1)));
  const std::vector<double> flat(50, 3.0);
  EXPECT_TRUE(std::isnan(adf_statistic(flat, 0)));
  EXPECT_TRUE(std::isnan(adf_statistic({}, 0)));
}

TEST(AdfStatistic, DoesNotDependOnLevelOrScale) {
  const std::vector<double> y = lcg_series();
  std::vector<double> moved(y);
  for (double& v : moved) v = 1e4 + 250.0 * v;
  for (int lags = 0; lags <= 2; ++lags)
    EXPECT_NEAR(adf_statistic(moved, lags), adf_statistic(y, lags), 1e-9 * std::fabs(adf_statistic(y, lags)));
}

// bsadf's incremental sums against adf_statistic's two-pass refits, on every window: bsadf[r2] is the
// sup over r1, so it bounds each window and equals the best one (1e-9 relative).
void expect_bsadf_is_sup_of_adf(const std::vector<double>& y, std::size_t min_window, int lags) {
  const std::vector<double> seq = bsadf(y, min_window, lags);
  ASSERT_EQ(seq.size(), y.size());
  for (std::size_t r2 = 0; r2 < y.size(); ++r2) {
    if (r2 + 1 < min_window) {
      EXPECT_TRUE(std::isnan(seq[r2])) << "r2 " << r2;
      continue;
    }
    double best = std::numeric_limits<double>::quiet_NaN();
    for (std::size_t r1 = 0; r1 + min_window <= r2 + 1; ++r1) {
      const double adf = adf_statistic(std::span(y).subspan(r1, r2 - r1 + 1), lags);
      if (std::isnan(adf)) continue;
      EXPECT_GE(seq[r2], adf - 1e-9 * std::fabs(adf)) << "r1 " << r1 << " r2 " << r2;
      if (std::isnan(best) || adf > best) best = adf;
    }
    ASSERT_FALSE(std::isnan(best));
    EXPECT_NEAR(seq[r2], best, 1e-9 * std::fabs(best)) << "r2 " << r2 << " lags " << lags;
  }
}

TEST(Bsadf, IsTheSupOfAdfStatisticsOverBackwardExpandingWindows) {
  const std::vector<double> walk = random_walk(11, 0, 120);
  for (int lags = 0; lags <= 2; ++lags) expect_bsadf_is_sup_of_adf(walk, psy_min_window(120, lags), lags);
}

TEST(Bsadf, AgreesWithAdfStatisticOnAnExplosiveSeriesFarFromZero) {
  // Level ~100..500 with unit noise: the case where raw cross-product sums would lose digits.
  const std::vector<double> y = bubble_series(5);
  const std::vector<double> part(y.begin() + 150, y.begin() + 280);
  expect_bsadf_is_sup_of_adf(part, 20, 1);
}

TEST(Bsadf, FullWindowEqualsAdfStatistic) {
  const std::vector<double> y = lcg_series();
  for (int lags = 0; lags <= 2; ++lags) {
    const std::vector<double> seq = bsadf(y, y.size(), lags);
    for (std::size_t r2 = 0; r2 + 1 < y.size(); ++r2) EXPECT_TRUE(std::isnan(seq[r2]));
    const double full = adf_statistic(y, lags);
    EXPECT_NEAR(seq.back(), full, 1e-9 * std::fabs(full));
    EXPECT_EQ(gsadf(seq), seq.back());
  }
}

TEST(Gsadf, IsTheMaximumIgnoringNan) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  EXPECT_EQ(gsadf(std::vector<double>{nan, 1.5, -2.0, nan, 3.25, 0.0}), 3.25);
  EXPECT_TRUE(std::isnan(gsadf(std::vector<double>{nan, nan})));
  EXPECT_TRUE(std::isnan(gsadf({})));
}

TEST(PsyMinWindow, FollowsTheFormulaWithItsBounds) {
  EXPECT_EQ(psy_min_window(100, 1), 19u);    // 100 * 0.19
  EXPECT_EQ(psy_min_window(520, 1), 46u);    // 520 * (0.01 + 1.8 / sqrt(520)) = 46.25
  EXPECT_EQ(psy_min_window(2520, 1), 115u);  // 2520 * (0.01 + 1.8 / sqrt(2520)) = 115.56
  EXPECT_EQ(psy_min_window(20, 6), 11u);     // formula gives 8 < lags + 5
  EXPECT_EQ(psy_min_window(8, 6), 8u);       // never more than T
}

TEST(PsyCriticalValues, AreDeterministicAndDependOnTheSeed) {
  const PsyCriticalValues a = psy_critical_values(100, 19, 1, 40, 7);
  const PsyCriticalValues b = psy_critical_values(100, 19, 1, 40, 7);
  const PsyCriticalValues c = psy_critical_values(100, 19, 1, 40, 8);
  EXPECT_EQ(a.replications, 40);
  EXPECT_EQ(a.level, 0.95);
  EXPECT_EQ(a.gsadf, b.gsadf);
  ASSERT_EQ(a.bsadf.size(), 100u);
  ASSERT_EQ(b.bsadf.size(), 100u);
  for (std::size_t i = 0; i < 100; ++i) EXPECT_TRUE(same_or_both_nan(a.bsadf[i], b.bsadf[i])) << i;
  for (std::size_t i = 0; i < 18; ++i) EXPECT_TRUE(std::isnan(a.bsadf[i]));
  for (std::size_t i = 18; i < 100; ++i) EXPECT_FALSE(std::isnan(a.bsadf[i]));
  EXPECT_NE(a.gsadf, c.gsadf);
}

TEST(PsyCriticalValues, GsadfExceedsItsCriticalValueInAboutFivePercentOfRandomWalks) {
  // Size check: critical values from one set of draws, fresh random walks (no drift) from another.
  // With p = 0.05 and 200 series the count is Binomial(200, ~0.05): [2, 25] fails only if the
  // critical values are wrong (too low or too high), not by chance.
  const std::size_t T = 100, mw = psy_min_window(T, 0);
  const PsyCriticalValues cv = psy_critical_values(T, mw, 0, 500, 2024);
  EXPECT_GT(cv.gsadf, 1.0);  // right tail of a unit-root null: well above zero, PSY tabulate ~2
  EXPECT_LT(cv.gsadf, 3.0);
  int rejections = 0;
  for (std::uint64_t i = 0; i < 200; ++i)
    if (gsadf(bsadf(random_walk(99, i, T), mw, 0)) > cv.gsadf) ++rejections;
  EXPECT_GE(rejections, 2);
  EXPECT_LE(rejections, 25);
}

// The bubble itself is dated inside these bounds for 197 of 200 seeds of bubble_series. Seed 1 also has
// no false alarm in the random walk, which about a third of seeds do have: a run of 6 pointwise 95%
// exceedances somewhere in 150 dates of a random walk is common (PSY's dating has no multiplicity
// control), so the "exactly one episode" part holds for this seed, not for every seed.
TEST(PsyDetector, DatesASimulatedExplosiveEpisode) {
  const std::size_t T = 400;
  const int lags = 1;
  const std::size_t mw = psy_min_window(T, lags);
  const PsyCriticalValues cv = psy_critical_values(T, mw, lags, 200, 31);
  const std::vector<double> y = bubble_series(1);
  const std::vector<double> seq = bsadf(y, mw, lags);
  EXPECT_GT(gsadf(seq), cv.gsadf);

  const auto min_duration = static_cast<std::size_t>(std::lround(std::log(static_cast<double>(T))));  // 6
  const std::vector<BubbleEpisode> episodes = date_episodes(y, seq, cv.bsadf, min_duration);
  ASSERT_EQ(episodes.size(), 1u);
  const BubbleEpisode& e = episodes[0];
  EXPECT_GE(e.start, 195u);  // no false alarm in the random walk before the bubble
  EXPECT_LE(e.start, 225u);
  EXPECT_GE(e.end, 238u);
  EXPECT_LE(e.end, 260u);
  EXPECT_EQ(e.duration, e.end - e.start);
  EXPECT_GE(e.peak, 235u);
  EXPECT_LE(e.peak, 245u);
  EXPECT_EQ(e.peak_value, y[e.peak]);
  EXPECT_GT(e.crash, 0.5 * (y[e.peak] - y[199]));  // most of the run-up is given back
  EXPECT_FALSE(e.ongoing);
}

TEST(DateEpisodes, KeepsRunsOfAtLeastMinDurationAndFindsPeakAndTrough) {
  const double nan = std::numeric_limits<double>::quiet_NaN();
  //                             0    1    2    3    4    5    6    7    8    9   10   11
  const std::vector<double> y = {1.0, 2.0, 5.0, 4.0, 0.5, 3.0, 1.0, 2.0, 6.0, 7.0, 9.0, 8.0};
  const std::vector<double> s = {nan, 2.0, 2.0, 2.0, 0.0, 2.0, 0.0, 2.0, 2.0, 2.0, 2.0, 2.0};
  const std::vector<double> cv(12, 1.0);
  const std::vector<BubbleEpisode> e = date_episodes(y, s, cv, 3);
  ASSERT_EQ(e.size(), 2u);  // the one-point run at 5 is noise
  EXPECT_EQ(e[0].start, 1u);
  EXPECT_EQ(e[0].end, 4u);
  EXPECT_EQ(e[0].duration, 3u);
  EXPECT_EQ(e[0].peak, 2u);
  EXPECT_EQ(e[0].trough, 4u);  // lowest between the peak and the next episode's start (7)
  EXPECT_EQ(e[0].peak_value, 5.0);
  EXPECT_EQ(e[0].crash, 4.5);
  EXPECT_FALSE(e[0].ongoing);
  EXPECT_EQ(e[1].start, 7u);
  EXPECT_EQ(e[1].end, 11u);  // never falls back
  EXPECT_EQ(e[1].duration, 4u);
  EXPECT_TRUE(e[1].ongoing);
  EXPECT_EQ(e[1].peak, 10u);
  EXPECT_EQ(e[1].trough, 11u);
  EXPECT_EQ(e[1].crash, 1.0);
  EXPECT_TRUE(date_episodes(y, s, cv, 6).empty());
}

}  // namespace
}  // namespace megacycle::analysis
