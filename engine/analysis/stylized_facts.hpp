#pragma once
// Stylized facts of returns that a market model is judged on: no linear autocorrelation, fat tails
// (excess kurtosis, Hill tail index near 3) and volatility clustering (slowly decaying ACF of |r|).
// Plain sample statistics over any series; NaN where a statistic is undefined, never a made-up number.
#include <cstddef>
#include <span>
#include <vector>

namespace megacycle::analysis {

// Arithmetic mean; NaN if empty.
double mean(std::span<const double> x);
// Sample autocorrelation at lag k: sum_{t<n-k} (x_t - m)(x_{t+k} - m) / sum (x_t - m)^2 (the biased,
// positive-definite estimator); NaN if n <= k or zero variance.
double autocorrelation(std::span<const double> x, std::size_t lag);
// Excess kurtosis m4/m2^2 - 3 with population moments; NaN if empty or zero variance.
double excess_kurtosis(std::span<const double> x);
// Hill estimator of the tail index of |x| from the k = max(2, floor(tail_fraction * n)) largest |x|:
// alpha = 1 / ( (1/k) sum_{i=1..k} ln |x|_(i) - ln |x|_(k+1) ); NaN if fewer than k+1 nonzero values or
// the k+1 largest are all equal. tail_fraction must be in (0, 1].
double hill_tail_index(std::span<const double> x, double tail_fraction = 0.05);

struct StylizedFacts {
  std::size_t observations = 0;
  double mean = 0, sd = 0, acf_r1 = 0, excess_kurtosis = 0, hill_tail_index = 0;  // sd: n-1 divisor
  double hill_tail_fraction = 0.05;
  std::vector<double> acf_abs;  // ACF of |r| at lags 1..max_lag (index 0 = lag 1); NaN where lag >= n
};
StylizedFacts stylized_facts(std::span<const double> returns, std::size_t max_lag = 100, double tail_fraction = 0.05);

}  // namespace megacycle::analysis
