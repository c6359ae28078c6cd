#pragma once
// Enterprises' choice of compute provider (docs/ODD.md, section 7.7): a multinomial logit over the H
// hyperscalers with a switching cost. Pure functions; the quarter's table is built once, identically on
// every rank, and each agent picks from one row of it with a uniform from its own stream.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

#include "scenario.pb.h"

namespace megacycle {

// Served shares below this count as this (keeps ln(served) finite).
inline constexpr double kMinServedShare = 1e-6;

// The logit choice table: H + 1 rows of H cumulative probabilities, row-major. Row c < H is for a
// customer of provider c, row H for a new adopter (no provider, no switching cost). Utility of provider h:
//   u_h = ln a_h - price_sensitivity * ln(P_h / P_ref) + rationing_sensitivity * ln(max(s_h, 1e-6)),
// minus switching_cost when h is not the current provider. a_h = 0 means never chosen; if every a_h is
// 0 the attractiveness term is dropped (all providers equal in it) so that a row still sums to one.
// Prices must be > 0. Each row is non-decreasing and ends at exactly 1; from a row's last provider with
// positive probability on, every entry is exactly 1, so pick_provider() never returns a provider
// whose probability is 0. Throws Error if the spans differ in size, are empty or a price is not > 0.
std::vector<double> provider_choice_table(const ProviderChoice& params, std::span<const double> attractiveness,
                                          std::span<const double> prices, double reference_price,
                                          std::span<const double> served);

// The index k of the first entry of a cumulative row with u < row[k], for u uniform on [0, 1): provider
// k with probability row[k] - row[k-1]. Never a provider with probability 0 (even for u >= 1).
inline std::size_t pick_provider(const double* row, std::size_t providers, double u) {
  for (std::size_t k = 0; k < providers; ++k)
    if (u < row[k]) return k;
  // Only for u >= 1 (u = v / r can round up to 1): the last provider with positive probability.
  for (std::size_t k = providers; k-- > 1;)
    if (row[k] > row[k - 1]) return k;
  return 0;
}

// pick_provider() that also hands back u's place within the picked provider's interval,
// rest = (u - row[k-1]) / (row[k] - row[k-1]) (row[-1] = 0), clamped to [0, 1). Given the pick, rest is
// uniform on [0, 1) and independent of which provider was picked, so one uniform yields the pick and a
// second draw (it keeps about 53 + log2 p_k bits: plenty unless p_k is tiny).
struct ProviderPick {
  std::size_t provider;
  double rest;
};
inline ProviderPick pick_provider_and_rest(const double* row, std::size_t providers, double u) {
  const std::size_t k = pick_provider(row, providers, u);
  const double low = k > 0 ? row[k - 1] : 0.0;
  const double rest = (u - low) / (row[k] - low);  // row[k] > low: pick_provider never picks probability 0
  constexpr double kBelowOne = 1.0 - 0x1.0p-53;
  return {k, rest >= 0.0 ? (rest < 1.0 ? rest : kBelowOne) : 0.0};
}

// Quarters until a firm's next provider re-evaluation, when it re-evaluates each quarter with
// probability r: geometric on {1, 2, ...}, P(K > k) = (1 - r)^k, by inversion of w uniform on [0, 1),
// saturated at 255. r >= 1 gives 1 (every quarter). For r <= 0 (never) there is nothing to count down;
// callers skip re-evaluation altogether and this returns 255. `inverse_log_keep` = 1 / log1p(-r) (see
// reevaluation_inverse_log_keep()), computed once per quarter rather than per firm.
inline double reevaluation_inverse_log_keep(double r) { return r > 0 && r < 1 ? 1.0 / std::log1p(-r) : 0.0; }
inline std::uint8_t reevaluation_countdown(double r, double inverse_log_keep, double w) {
  if (r >= 1) return 1;
  if (!(r > 0)) return 255;
  const double x = std::log1p(-w) * inverse_log_keep;  // >= 0; +inf or NaN only for w >= 1
  return x < 254.0 ? static_cast<std::uint8_t>(1 + static_cast<int>(x)) : std::uint8_t{255};
}

}  // namespace megacycle
