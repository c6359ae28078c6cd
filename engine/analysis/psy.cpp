#include "engine/analysis/psy.hpp"

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <type_traits>

#include "engine/error.hpp"
#include "engine/rng.hpp"

namespace megacycle::analysis {
namespace {

// GCC vectorises the tiny fixed-size loops of WindowFit before unrolling them, and its vector loads of
// sums just stored as scalars stall on store forwarding (four times slower); unrolling them first keeps
// the sums in registers. Clang unrolls them on its own and warns where the size is a run-time value.
#if defined(__GNUC__) && !defined(__clang__)
#define MEGACYCLE_UNROLL _Pragma("GCC unroll 16")
#else
#define MEGACYCLE_UNROLL
#endif

constexpr double kNaN = std::numeric_limits<double>::quiet_NaN();
// A regressor whose part left after the constant and the earlier regressors is below this fraction of
// its sum of squares is collinear with them: its coefficient would be rounding noise.
constexpr double kCollinear = 1e-10;
// Residuals below this fraction of the dependent's sum of squares: an exact fit, whose t is 0/0.
constexpr double kExactFit = 1e-12;

void check_lags(int lags) {
  if (lags < 0) throw Error("ADF: lags must be >= 0, got " + std::to_string(lags));
}

// Regression rows of the ADF design, one per t >= lags+1, width lags+2:
// [dy_{t-1} .. dy_{t-lags}, y_{t-1}, dy_t]. Built once per series; every window reads a run of them.
void build_rows(std::span<const double> y, int lags, std::vector<double>& rows) {
  const std::size_t L = static_cast<std::size_t>(lags), w = L + 2, T = y.size();
  rows.assign(T * w, 0.0);
  for (std::size_t t = L + 1; t < T; ++t) {
    double* row = rows.data() + t * w;
    for (std::size_t k = 1; k <= L; ++k) row[k - 1] = y[t - k] - y[t - k - 1];
    row[L] = y[t - 1];
    row[L + 1] = y[t] - y[t - 1];
  }
}

// Cross-product sums of the augmented design [1, dy lags, y_{t-1}, dy_t] over rows added one at a time,
// and the ADF t from them. Columns are shifted by the window's last level and last difference: only the
// intercept changes, but the sums stay of the size of the window's variation, so eliminating the
// constant (sum x^2 - (sum x)^2/n) does not cancel away the digits of a series far from zero.
// Gaussian elimination of the constant and the lags leaves the 2x2 block [e f; f g] of the level and
// dy_t with those partialled out (Frisch-Waugh): rho = f/e, SSR = g - f^2/e, Var(rho) = s^2/e, so
// t = f sqrt(df / (e g - f^2)). score() returns t|t| (same order as t) to keep the square root out of
// the inner loop: one reciprocal per eliminated column and one division per window.
// M is the design's size lags + 3 when known at compile time (unrolled loops), 0 for any other count.
template <std::size_t M>
class WindowFit {
  using Square = std::conditional_t<M == 0, std::vector<double>, std::array<double, M * M>>;
  using Line = std::conditional_t<M == 0, std::vector<double>, std::array<double, M>>;

 public:
  explicit WindowFit(int lags) : m_(static_cast<std::size_t>(lags) + 3) {
    if constexpr (M == 0) {
      sums_.resize(m_ * m_);
      work_.resize(m_ * m_);
      x_.resize(m_);
    }
  }

  void reset(double level_shift, double diff_shift) {
    std::fill(sums_.begin(), sums_.end(), 0.0);
    level_shift_ = level_shift;
    diff_shift_ = diff_shift;
  }

  void add(const double* row) {
    if constexpr (M == 0) {
      add_row(row, x_);
    } else {
      Line x;  // local: stays in registers
      add_row(row, x);
    }
  }

  // t|t| of the level's coefficient, NaN when the window is too short, collinear or fitted exactly.
  double score() {
    if constexpr (M == 0) {
      work_ = sums_;
      return eliminate(work_);
    } else {
      Square work = sums_;  // local: stays in registers
      return eliminate(work);
    }
  }

  static double t_from_score(double score) { return std::copysign(std::sqrt(std::fabs(score)), score); }

 private:
  void add_row(const double* row, Line& x) {
    const std::size_t m = size();
    x[0] = 1.0;
    for (std::size_t j = 1; j + 2 < m; ++j) x[j] = row[j - 1] - diff_shift_;
    x[m - 2] = row[m - 3] - level_shift_;
    x[m - 1] = row[m - 2] - diff_shift_;
    MEGACYCLE_UNROLL
    for (std::size_t i = 0; i < m; ++i) MEGACYCLE_UNROLL
    for (std::size_t j = i; j < m; ++j) sums_[i * m + j] += x[i] * x[j];
  }

  // Eliminates the constant and the lags from `work` (upper triangle of the sums) and scores the level.
  double eliminate(Square& work) const {
    const std::size_t m = size(), k = m - 1;  // k regressors incl. the constant; column m-1 is dy_t
    const double n = sums_[0];
    if (n <= static_cast<double>(k + 1)) return kNaN;
    MEGACYCLE_UNROLL
    for (std::size_t j = 0; j + 2 < m; ++j) {
      const double pivot = work[j * m + j];
      if (!(pivot > kCollinear * sums_[j * m + j])) return kNaN;
      const double inv = 1.0 / pivot;
      MEGACYCLE_UNROLL
      for (std::size_t i = j + 1; i < m; ++i) {
        const double factor = work[j * m + i] * inv;
        MEGACYCLE_UNROLL
        for (std::size_t c = i; c < m; ++c) work[i * m + c] -= factor * work[j * m + c];
      }
    }
    const double e = work[(m - 2) * m + (m - 2)], f = work[(m - 2) * m + (m - 1)], g = work[(m - 1) * m + (m - 1)];
    if (!(e > kCollinear * sums_[(m - 2) * m + (m - 2)])) return kNaN;
    const double det = e * g - f * f;  // e * SSR
    if (!(det > kExactFit * sums_[(m - 1) * m + (m - 1)] * e)) return kNaN;
    return f * std::fabs(f) * (n - static_cast<double>(k)) / det;
  }

  std::size_t size() const {
    if constexpr (M == 0)
      return m_;
    else
      return M;
  }
  // Scratch for a run-time size only; fixed sizes use locals, which the compiler keeps in registers.
  using Scratch = std::conditional_t<M == 0, std::vector<double>, std::array<double, 0>>;
  std::size_t m_;
  Square sums_{};
  Scratch work_{}, x_{};
  double level_shift_ = 0, diff_shift_ = 0;
};

struct BsadfWorkspace {
  std::vector<double> rows;
};

// BSADF into `out` (size T), reusing the workspace: the Monte Carlo calls this once per replication.
// For each end r2 the start r1 sweeps down from r2 - min_window + 1, each step adding the one row the
// longer window gains (t = r1 + 1 + lags), so each window costs one update and one small elimination.
// The fit is local so that, for a fixed M, its sums can live in registers through the sweep.
template <std::size_t M>
void bsadf_fixed(std::span<const double> y, std::size_t min_window, int lags, BsadfWorkspace& ws,
                 std::span<double> out) {
  const std::size_t T = y.size(), L = static_cast<std::size_t>(lags), w = L + 2;
  if (min_window == 0) min_window = 1;
  std::fill(out.begin(), out.end(), kNaN);
  build_rows(y, lags, ws.rows);
  WindowFit<M> fit(lags);
  for (std::size_t r2 = std::max<std::size_t>(min_window - 1, L + 1); r2 < T; ++r2) {
    fit.reset(y[r2], y[r2] - y[r2 - 1]);
    double best = kNaN;
    // After adding row t the window is y[t-1-lags .. r2]; it is long enough once t + mw <= r2 + 2 + L.
    for (std::size_t t = r2 + 1; t-- > L + 1;) {
      fit.add(ws.rows.data() + t * w);
      if (t + min_window > r2 + 2 + L) continue;
      const double v = fit.score();
      if (v > best || std::isnan(best)) best = v;  // a NaN v never replaces a number
    }
    out[r2] = WindowFit<M>::t_from_score(best);
  }
}

// Fixed sizes for the lag counts used in practice.
void bsadf_into(std::span<const double> y, std::size_t min_window, int lags, BsadfWorkspace& ws,
                std::span<double> out) {
  switch (lags) {
    case 0:
      return bsadf_fixed<3>(y, min_window, lags, ws, out);
    case 1:
      return bsadf_fixed<4>(y, min_window, lags, ws, out);
    case 2:
      return bsadf_fixed<5>(y, min_window, lags, ws, out);
    case 3:
      return bsadf_fixed<6>(y, min_window, lags, ws, out);
    case 4:
      return bsadf_fixed<7>(y, min_window, lags, ws, out);
    case 5:
      return bsadf_fixed<8>(y, min_window, lags, ws, out);
    case 6:
      return bsadf_fixed<9>(y, min_window, lags, ws, out);
    default:
      return bsadf_fixed<0>(y, min_window, lags, ws, out);
  }
}

// Linear interpolation between order statistics (numpy's default); NaN when nothing is finite.
double quantile(std::vector<double>& values, double level) {
  std::erase_if(values, [](double v) { return std::isnan(v); });
  if (values.empty()) return kNaN;
  std::sort(values.begin(), values.end());
  const double h = level * static_cast<double>(values.size() - 1);
  const std::size_t lo = static_cast<std::size_t>(std::floor(h));
  if (lo + 1 >= values.size()) return values.back();
  return values[lo] + (h - static_cast<double>(lo)) * (values[lo + 1] - values[lo]);
}

}  // namespace

// Reference path: explicit two-pass centring (the constant partialled out, Frisch-Waugh), Cholesky of the
// centred normal equations and explicit residuals. bsadf's incremental sums are tested against it.
double adf_statistic(std::span<const double> y, int lags) {
  check_lags(lags);
  const std::size_t L = static_cast<std::size_t>(lags), p = L + 1, k = L + 2;
  if (y.size() < L + 2) return kNaN;
  const std::size_t n = y.size() - 1 - L;
  if (n <= k + 1) return kNaN;
  std::vector<double> rows;
  build_rows(y, lags, rows);
  const double* first = rows.data() + (L + 1) * (L + 2);
  const std::size_t w = L + 2;

  // Same shifts as WindowFit so the collinearity and exact-fit limits mean the same thing on both paths.
  const std::size_t last = y.size() - 1;
  const double level_shift = y[last], diff_shift = y[last] - y[last - 1];
  auto shifted = [&](std::size_t i, std::size_t c) { return first[i * w + c] - (c == L ? level_shift : diff_shift); };
  std::vector<double> mean(w, 0.0), raw_ss(w, 0.0);
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t c = 0; c < w; ++c) {
      const double v = shifted(i, c);
      mean[c] += v;
      raw_ss[c] += v * v;
    }
  for (double& v : mean) v /= static_cast<double>(n);

  // G = Xc'Xc and g = Xc'dyc over the p centred regressors (column L, the level, is last).
  std::vector<double> g(p * p, 0.0), xy(p, 0.0);
  for (std::size_t i = 0; i < n; ++i) {
    const double dy = shifted(i, p) - mean[p];
    for (std::size_t a = 0; a < p; ++a) {
      const double xa = shifted(i, a) - mean[a];
      xy[a] += xa * dy;
      for (std::size_t b = 0; b <= a; ++b) g[a * p + b] += xa * (shifted(i, b) - mean[b]);
    }
  }
  // Cholesky G = CC' (lower), with the same collinearity limit as bsadf.
  std::vector<double> c(p * p, 0.0);
  for (std::size_t j = 0; j < p; ++j) {
    double d = g[j * p + j];
    for (std::size_t q = 0; q < j; ++q) d -= c[j * p + q] * c[j * p + q];
    if (!(d > kCollinear * raw_ss[j])) return kNaN;
    c[j * p + j] = std::sqrt(d);
    for (std::size_t i = j + 1; i < p; ++i) {
      double a = g[i * p + j];
      for (std::size_t q = 0; q < j; ++q) a -= c[i * p + q] * c[j * p + q];
      c[i * p + j] = a / c[j * p + j];
    }
  }
  std::vector<double> beta(xy);  // forward then backward substitution
  for (std::size_t i = 0; i < p; ++i) {
    for (std::size_t q = 0; q < i; ++q) beta[i] -= c[i * p + q] * beta[q];
    beta[i] /= c[i * p + i];
  }
  for (std::size_t i = p; i-- > 0;) {
    for (std::size_t q = i + 1; q < p; ++q) beta[i] -= c[q * p + i] * beta[q];
    beta[i] /= c[i * p + i];
  }
  double ssr = 0;
  for (std::size_t i = 0; i < n; ++i) {
    double e = shifted(i, p) - mean[p];
    for (std::size_t a = 0; a < p; ++a) e -= beta[a] * (shifted(i, a) - mean[a]);
    ssr += e * e;
  }
  if (!(ssr > kExactFit * raw_ss[p])) return kNaN;
  // Var(rho) = s^2 (G^-1)_{last,last} = s^2 / C_{last,last}^2 because the level is the last column.
  const double s = std::sqrt(ssr / static_cast<double>(n - k));
  return beta[p - 1] * c[(p - 1) * p + (p - 1)] / s;
}

std::size_t psy_min_window(std::size_t T, int lags) {
  check_lags(lags);
  const double t = static_cast<double>(T);
  // The nudge keeps T whose product is an exact integer (T = 100: 19) from flooring one below on rounding.
  const auto formula = static_cast<std::size_t>(std::floor(t * (0.01 + 1.8 / std::sqrt(t)) + 1e-9));
  return std::min(T, std::max(formula, static_cast<std::size_t>(lags) + 5));
}

std::vector<double> bsadf(std::span<const double> y, std::size_t min_window, int lags) {
  check_lags(lags);
  std::vector<double> out(y.size());
  BsadfWorkspace ws;
  bsadf_into(y, min_window, lags, ws, out);
  return out;
}

double gsadf(std::span<const double> bsadf_sequence) {
  double best = kNaN;
  for (double v : bsadf_sequence)
    if (v > best || std::isnan(best)) best = v;
  return best;
}

PsyCriticalValues psy_critical_values(std::size_t T, std::size_t min_window, int lags, int replications,
                                      std::uint64_t seed, double level) {
  check_lags(lags);
  if (replications < 1) throw Error("PSY critical values: replications must be >= 1");
  if (!(level > 0 && level < 1)) throw Error("PSY critical values: level must be in (0, 1)");
  const std::size_t R = static_cast<std::size_t>(replications);
  const double drift = T > 0 ? 1.0 / static_cast<double>(T) : 0.0;  // d T^-eta with d = 1, eta = 1

  std::vector<double> y(T), all(R * T), sup(R);
  BsadfWorkspace ws;
  for (std::size_t r = 0; r < R; ++r) {
    Stream stream(StreamKey{seed, 0, 0xA5, 1}, r, 0);
    if (T > 0) y[0] = 0;
    for (std::size_t t = 1; t < T; ++t) y[t] = y[t - 1] + drift + stream.normal();
    const std::span<double> seq(all.data() + r * T, T);
    bsadf_into(y, min_window, lags, ws, seq);
    sup[r] = gsadf(seq);
  }

  PsyCriticalValues cv;
  cv.replications = replications;
  cv.level = level;
  cv.gsadf = quantile(sup, level);
  cv.bsadf.resize(T);
  std::vector<double> column(R);
  for (std::size_t r2 = 0; r2 < T; ++r2) {
    column.resize(R);
    for (std::size_t r = 0; r < R; ++r) column[r] = all[r * T + r2];
    cv.bsadf[r2] = quantile(column, level);
  }
  return cv;
}

std::vector<BubbleEpisode> date_episodes(std::span<const double> y, std::span<const double> bsadf_sequence,
                                         std::span<const double> critical_sequence, std::size_t min_duration) {
  const std::size_t T = y.size();
  if (bsadf_sequence.size() != T || critical_sequence.size() != T)
    throw Error("date_episodes: y, BSADF and critical values must have the same length");
  const std::size_t need = std::max<std::size_t>(min_duration, 1);
  auto above = [&](std::size_t i) { return bsadf_sequence[i] > critical_sequence[i]; };  // false on NaN

  std::vector<BubbleEpisode> episodes;
  for (std::size_t i = 0; i < T;) {
    if (!above(i)) {
      ++i;
      continue;
    }
    std::size_t j = i;
    while (j < T && above(j)) ++j;  // run [i, j)
    if (j - i >= need) {
      BubbleEpisode e;
      e.start = i;
      e.ongoing = j == T;
      e.end = e.ongoing ? T - 1 : j;
      e.duration = e.end - e.start;
      episodes.push_back(e);
    }
    i = j;
  }
  for (std::size_t k = 0; k < episodes.size(); ++k) {
    BubbleEpisode& e = episodes[k];
    e.peak = e.start;
    for (std::size_t t = e.start; t <= e.end; ++t)
      if (y[t] > y[e.peak]) e.peak = t;
    const std::size_t until = k + 1 < episodes.size() ? episodes[k + 1].start : T - 1;
    e.trough = e.peak;
    for (std::size_t t = e.peak; t <= until; ++t)
      if (y[t] < y[e.trough]) e.trough = t;
    e.peak_value = y[e.peak];
    e.crash = y[e.peak] - y[e.trough];
  }
  return episodes;
}

}  // namespace megacycle::analysis
