#pragma once
// Bubble diagnostics of Phillips, Shi and Yu (2015): right-tailed ADF tests on backward-expanding windows.
// BSADF at r2 is the largest ADF statistic over all windows ending at r2; a run of BSADF above its
// Monte Carlo critical value dates an explosive episode. Works on any series (log prices, capex, ...).
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace megacycle::analysis {

// ADF t-statistic of rho in  dy_t = a + rho*y_{t-1} + sum_{k=1..lags} b_k dy_{t-k} + e_t  (constant, no
// trend), by OLS on the rows t = lags+1 .. n-1 (the sample of statsmodels' adfuller with autolag=None),
// standard errors from the residual variance with n_obs - (2+lags) degrees of freedom.
// NaN when n_obs = n-1-lags <= 2+lags+1, the regressors are (numerically) collinear or the fit is exact.
double adf_statistic(std::span<const double> y, int lags);

// PSY (2015) minimum window: floor(T * (0.01 + 1.8 / sqrt(T))), at least lags + 5, at most T.
std::size_t psy_min_window(std::size_t T, int lags);

// BSADF sequence (size T): element r2 = sup over r1 in [0, r2 - min_window + 1] of adf_statistic of
// y[r1..r2] (NaN windows ignored); NaN for r2 < min_window - 1. Equal to adf_statistic on each window
// to ~1e-10 relative, but each of the O(T^2) windows costs one row update and one (lags+3)-size
// elimination: about 1.3 ms for T = 520, lags = 1 (Release build).
std::vector<double> bsadf(std::span<const double> y, std::size_t min_window, int lags);
// GSADF = max of the BSADF sequence ignoring NaN; NaN if all NaN.
double gsadf(std::span<const double> bsadf_sequence);

struct PsyCriticalValues {
  double gsadf = 0;           // `level` quantile of GSADF under the null
  std::vector<double> bsadf;  // per r2, the `level` quantile of BSADF_r2 under the null (NaN before min_window-1)
  int replications = 0;
  double level = 0.95;
};
// Monte Carlo under PSY's null (2015, eq. 6): a random walk with asymptotically negligible drift,
// y_0 = 0, y_t = y_{t-1} + 1/T + e_t (d = 1, eta = 1), e_t ~ N(0,1), t = 1..T-1 (T observations; the
// statistics do not depend on y_0 or on the scale of e). Replication r draws from
// Stream(StreamKey{seed, 0, 0xA5, 1}, r, 0), so results depend on the arguments only. Quantiles are
// the linear interpolation between order statistics (numpy's default), NaN replications left out.
PsyCriticalValues psy_critical_values(std::size_t T, std::size_t min_window, int lags, int replications,
                                      std::uint64_t seed, double level = 0.95);

struct BubbleEpisode {
  std::size_t start = 0, end = 0;  // first index with BSADF > cv; first index after it with BSADF <= cv
                                   // (T-1 if it never falls back: then `ongoing` = true)
  std::size_t duration = 0;        // end - start
  std::size_t peak = 0;            // argmax of y over [start, end]
  std::size_t trough = 0;          // argmin of y over [peak, next episode's start or T-1]
  double peak_value = 0;           // y[peak]
  double crash = 0;                // y[peak] - y[trough] (for log prices: the log crash size, >= 0)
  bool ongoing = false;
};
// Episodes are runs of at least min_duration consecutive observations with BSADF above its critical
// value (NaN on either side counts as not above); shorter runs are noise. PSY's rule of thumb for
// min_duration is log(T) rounded; callers pass it (0 is treated as 1). Ties pick the first index.
std::vector<BubbleEpisode> date_episodes(std::span<const double> y, std::span<const double> bsadf_sequence,
                                         std::span<const double> critical_sequence, std::size_t min_duration);

}  // namespace megacycle::analysis
