#include "agents/provider_choice.hpp"

#include <algorithm>
#include <cmath>
#include <limits>

#include <fmt/core.h>

#include "engine/error.hpp"

namespace megacycle {

std::vector<double> provider_choice_table(const ProviderChoice& params, std::span<const double> attractiveness,
                                          std::span<const double> prices, double reference_price,
                                          std::span<const double> served) {
  const std::size_t n = prices.size();
  if (n == 0 || attractiveness.size() != n || served.size() != n)
    throw Error(
        fmt::format("provider choice: {} prices, {} attractiveness values and {} served shares; need the "
                    "same number, at least one",
                    n, attractiveness.size(), served.size()));
  constexpr double kNever = -std::numeric_limits<double>::infinity();
  const bool any_attractive = std::any_of(attractiveness.begin(), attractiveness.end(), [](double a) { return a > 0; });
  std::vector<double> utility(n);
  for (std::size_t h = 0; h < n; ++h) {
    if (!(prices[h] > 0) || !std::isfinite(prices[h]))
      throw Error(fmt::format("provider choice: price of provider {} is {}; it must be positive", h, prices[h]));
    double u = 0;
    if (any_attractive) {
      if (!(attractiveness[h] > 0)) {
        utility[h] = kNever;
        continue;
      }
      u = std::log(attractiveness[h]);
    }
    if (params.price_sensitivity() != 0) u -= params.price_sensitivity() * std::log(prices[h] / reference_price);
    if (params.rationing_sensitivity() != 0)
      u += params.rationing_sensitivity() * std::log(std::max(served[h], kMinServedShare));
    utility[h] = u;
  }

  std::vector<double> table((n + 1) * n);
  std::vector<double> row_utility(n);
  for (std::size_t c = 0; c <= n; ++c) {
    // Row c: the current provider c pays no switching cost; row n (new adopter) pays none anywhere.
    for (std::size_t h = 0; h < n; ++h) row_utility[h] = utility[h] - (c < n && h != c ? params.switching_cost() : 0.0);
    const double top = *std::max_element(row_utility.begin(), row_utility.end());  // finite: some a_h > 0
    double* row = table.data() + c * n;
    double total = 0;
    std::size_t last_positive = 0;
    for (std::size_t h = 0; h < n; ++h) {
      const double weight = row_utility[h] == kNever ? 0.0 : std::exp(row_utility[h] - top);
      if (weight > 0) last_positive = h;
      row[h] = total += weight;
    }
    // total >= 1: the provider at the top utility has weight exp(0) = 1.
    for (std::size_t h = 0; h < n; ++h) row[h] = h >= last_positive ? 1.0 : row[h] / total;
  }
  return table;
}

}  // namespace megacycle
