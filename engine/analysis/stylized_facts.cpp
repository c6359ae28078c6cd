#include "engine/analysis/stylized_facts.hpp"

#include <algorithm>
#include <cmath>
#include <functional>
#include <limits>

#include "engine/error.hpp"

namespace megacycle::analysis {
namespace {

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();

// Sum of squared deviations from m; the denominator every lag of one ACF shares.
double sum_sq_dev(std::span<const double> x, double m) {
  double s = 0;
  for (double v : x) s += (v - m) * (v - m);
  return s;
}

double autocorrelation(std::span<const double> x, std::size_t lag, double m, double denominator) {
  if (x.size() <= lag || !(denominator > 0)) return kNaN;
  double s = 0;
  for (std::size_t t = 0; t + lag < x.size(); ++t) s += (x[t] - m) * (x[t + lag] - m);
  return s / denominator;
}

}  // namespace

double mean(std::span<const double> x) {
  if (x.empty()) return kNaN;
  double s = 0;
  for (double v : x) s += v;
  return s / static_cast<double>(x.size());
}

double autocorrelation(std::span<const double> x, std::size_t lag) {
  if (x.size() <= lag) return kNaN;
  const double m = mean(x);
  return autocorrelation(x, lag, m, sum_sq_dev(x, m));
}

double excess_kurtosis(std::span<const double> x) {
  if (x.empty()) return kNaN;
  const double m = mean(x);
  double m2 = 0, m4 = 0;
  for (double v : x) {
    const double d2 = (v - m) * (v - m);
    m2 += d2;
    m4 += d2 * d2;
  }
  if (!(m2 > 0)) return kNaN;
  const double n = static_cast<double>(x.size());
  m2 /= n;
  m4 /= n;
  return m4 / (m2 * m2) - 3.0;
}

double hill_tail_index(std::span<const double> x, double tail_fraction) {
  if (!(tail_fraction > 0 && tail_fraction <= 1)) throw Error("Hill estimator: tail_fraction must be in (0, 1]");
  const std::size_t k =
      std::max<std::size_t>(2, static_cast<std::size_t>(std::floor(tail_fraction * static_cast<double>(x.size()))));
  if (x.size() < k + 1) return kNaN;
  std::vector<double> a(x.size());
  std::transform(x.begin(), x.end(), a.begin(), [](double v) { return std::fabs(v); });
  // Only the k+1 largest matter: partial sort, descending.
  std::partial_sort(a.begin(), a.begin() + static_cast<std::ptrdiff_t>(k + 1), a.end(), std::greater<>());
  const double threshold = a[k];
  if (!(threshold > 0)) return kNaN;  // fewer than k+1 nonzero values (or a NaN among them)
  double s = 0;
  for (std::size_t i = 0; i < k; ++i) s += std::log(a[i]);
  const double gamma = s / static_cast<double>(k) - std::log(threshold);
  return gamma > 0 ? 1.0 / gamma : kNaN;
}

StylizedFacts stylized_facts(std::span<const double> returns, std::size_t max_lag, double tail_fraction) {
  StylizedFacts f;
  const std::size_t n = returns.size();
  f.observations = n;
  f.hill_tail_fraction = tail_fraction;
  f.mean = mean(returns);
  const double ss = n > 0 ? sum_sq_dev(returns, f.mean) : kNaN;
  f.sd = n > 1 ? std::sqrt(ss / static_cast<double>(n - 1)) : kNaN;
  f.acf_r1 = n > 0 ? autocorrelation(returns, 1, f.mean, ss) : kNaN;
  f.excess_kurtosis = excess_kurtosis(returns);
  f.hill_tail_index = hill_tail_index(returns, tail_fraction);

  std::vector<double> abs_r(n);
  std::transform(returns.begin(), returns.end(), abs_r.begin(), [](double v) { return std::fabs(v); });
  const double abs_mean = mean(abs_r);
  const double abs_ss = n > 0 ? sum_sq_dev(abs_r, abs_mean) : kNaN;
  f.acf_abs.resize(max_lag);
  for (std::size_t lag = 1; lag <= max_lag; ++lag) f.acf_abs[lag - 1] = autocorrelation(abs_r, lag, abs_mean, abs_ss);
  return f;
}

}  // namespace megacycle::analysis
