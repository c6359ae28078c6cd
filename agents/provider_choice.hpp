#pragma once
// Enterprises' choice of compute provider (docs/ODD.md, section 7.7): a multinomial logit over the H
// hyperscalers with a switching cost. Pure functions; the quarter's table is built once, identically on
// every rank, and each agent picks from one row of it with a uniform from its own stream.
#include <cstddef>
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

}  // namespace megacycle
