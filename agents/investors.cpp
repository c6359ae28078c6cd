#include "agents/investors.hpp"

#include <bit>
#include <cmath>

#include "agents/streams.hpp"

namespace megacycle {

void InvestorState::resize(std::size_t n, std::size_t stocks) {
  weight.resize(n);
  reaction_strength.resize(n);
  cash.resize(n);
  holdings.resize(n * stocks);
  trade_scale.resize(n);
  strategy.resize(n);
}

double InvestorState::bytes_per_agent() const {
  const double n = static_cast<double>(std::max<std::size_t>(1, size()));
  const double bytes =
      static_cast<double>(weight.capacity() * sizeof(float) + reaction_strength.capacity() * sizeof(float) +
                          (cash.capacity() + holdings.capacity() + trade_scale.capacity()) * sizeof(double) +
                          strategy.capacity() * sizeof(std::uint64_t));
  return bytes / n;
}

double InvestorPopulation::estimated_bytes_per_agent(std::size_t stocks) {
  // weight and reaction strength (4 + 4), cash, trade scale and strategy (8 each), 8 per holding; a
  // quarter more for vector growth and rounding, as for enterprises.
  return 1.25 * (32.0 + 8.0 * static_cast<double>(stocks));
}

InvestorPopulation::InvestorPopulation(Comm& comm, const Investors& spec, std::uint64_t seed, std::uint32_t replicate,
                                       std::span<const double> shares_held, std::span<const double> price)
    : partition_(static_cast<std::uint64_t>(spec.population()), comm.size(), comm.rank()),
      stocks_(shares_held.size()),
      theta_(spec.trade_share_per_unit_demand()),
      strategy_key_{seed, replicate, kPopulationInvestors, kPurposeStrategy},
      strategy_sums_(partition_, 1),
      totals_sums_(partition_, stocks_ + 4) {
  const std::size_t n = partition_.local_count();
  const std::size_t S = stocks_;
  state_.resize(n, S);
  const double weight = spec.represented_investors() / static_cast<double>(spec.population());
  const double sw = spec.wealth_log_sd(), ss = spec.reaction_strength_log_sd();
  const StreamKey traits{seed, replicate, kPopulationInvestors, kPurposeInvestorTraits};
  const double p0 = spec.initial_fundamentalist_share();
  // Wealth shares first: they are normalised by their sum over all investors (block sums, rank-free).
  std::vector<double> share(n);
  BlockSums share_sums(partition_, 1);
  const std::uint64_t bs = partition_.block_size();
  for (std::size_t i = 0; i < n; ++i) {
    const GlobalId id = partition_.begin() + i;
    Stream rng(traits, id, 0);
    share[i] = std::exp(sw * rng.normal() - 0.5 * sw * sw);
    state_.reaction_strength[i] = static_cast<float>(std::exp(ss * rng.normal() - 0.5 * ss * ss));
    state_.strategy[i] = rng.uniform() < p0 ? 1u : 0u;
    state_.weight[i] = static_cast<float>(weight);
    share_sums.row((id / bs) - partition_.first_block())[0] += share[i];
  }
  const double share_total = share_sums.combine(comm)[0];
  // Total wealth: the market value of the shares held, grossed up by the cash share.
  double equity = 0;
  for (std::size_t j = 0; j < S; ++j) equity += shares_held[j] * price[j];
  const double c = spec.cash_share();
  const double wealth_total = equity / (1.0 - c);
  for (std::size_t i = 0; i < n; ++i) {
    const double w = share_total > 0 ? wealth_total * share[i] / share_total : 0.0;
    state_.cash[i] = c * w;
    // Market portfolio: the same fraction of every stock's shares.
    const double fraction = equity > 0 ? (1.0 - c) * w / equity : 0.0;
    for (std::size_t j = 0; j < S; ++j) state_.holdings[i * S + j] = fraction * shares_held[j];
    state_.trade_scale[i] = theta_ * state_.reaction_strength[i] * w;
  }
  sum_totals(comm, price, 0);
}

double InvestorPopulation::choose_strategies(Comm& comm, std::uint64_t time, int bit, double p) {
  // Fundamentalist iff a 64-bit uniform integer falls below p * 2^64: one Philox block per investor-day.
  const std::uint64_t threshold =
      p >= 1.0 ? ~std::uint64_t{0} : static_cast<std::uint64_t>(std::ldexp(std::max(0.0, p), 64));
  const std::uint64_t mask = std::uint64_t{1} << bit;
  const std::uint64_t bs = partition_.block_size();
  const std::size_t n = partition_.local_count();
  auto* strategy = state_.strategy.data();
  const double* scale = state_.trade_scale.data();
  for (std::size_t b = 0, first = 0; first < n; ++b, first += bs) {
    const std::size_t last = std::min<std::size_t>(n, first + bs);
    double sum = 0;
    for (std::size_t i = first; i < last; ++i) {
      const bool f = Stream(strategy_key_, partition_.begin() + i, time).next_u64() < threshold;
      strategy[i] = f ? (strategy[i] | mask) : (strategy[i] & ~mask);
      sum += f ? scale[i] : 0.0;
    }
    strategy_sums_.row(b)[0] = sum;
  }
  return strategy_sums_.combine(comm)[0];
}

void InvestorPopulation::settle(Comm& comm, const QuarterSettlement& q) {
  const std::size_t S = stocks_;
  const std::size_t n = partition_.local_count();
  const std::uint64_t day_bits = (std::uint64_t{1} << q.days) - 1;
  std::vector<double> shares(S);
  for (std::size_t i = 0; i < n; ++i) {
    double* h = &state_.holdings[i * S];
    double cash = state_.cash[i];
    // Dividends on the shares held at the start of the quarter, interest on the cash held then.
    cash += cash * q.interest_per_quarter;
    for (std::size_t j = 0; j < S; ++j) cash += h[j] * q.dividend_per_share[j];
    // Trades: chartist orders every day, plus the fundamentalist difference on its fundamentalist days.
    std::copy(q.chartist_shares.begin(), q.chartist_shares.end(), shares.begin());
    double value = q.chartist_value;
    for (std::uint64_t bits = state_.strategy[i] & day_bits; bits; bits &= bits - 1) {
      const auto d = static_cast<std::size_t>(std::countr_zero(bits));
      const double* extra = &q.fundamentalist_extra_shares[d * S];
      for (std::size_t j = 0; j < S; ++j) shares[j] += extra[j];
      value += q.fundamentalist_extra_value[d];
    }
    const double scale = state_.trade_scale[i];
    cash -= scale * value;
    state_.cash[i] = cash;
    double wealth = cash;
    for (std::size_t j = 0; j < S; ++j) {
      h[j] += scale * shares[j];
      wealth += h[j] * q.close_price[j];
    }
    state_.trade_scale[i] = theta_ * state_.reaction_strength[i] * std::max(0.0, wealth);
    state_.strategy[i] = (state_.strategy[i] >> q.days) & 1u;
  }
  sum_totals(comm, q.close_price, 0);
}

void InvestorPopulation::dilute(std::size_t j, double keep) {
  for (std::size_t i = 0; i < partition_.local_count(); ++i) state_.holdings[i * stocks_ + j] *= keep;
  totals_.holdings[j] *= keep;
}

void InvestorPopulation::consolidate(std::size_t stock, double factor) {
  const std::size_t n = partition_.local_count();
  for (std::size_t i = 0; i < n; ++i) state_.holdings[i * stocks_ + stock] /= factor;
  totals_.holdings[stock] /= factor;
}

void InvestorPopulation::sum_totals(Comm& comm, std::span<const double> price, int bit) {
  const std::size_t S = stocks_;
  const std::uint64_t bs = partition_.block_size();
  const std::size_t n = partition_.local_count();
  totals_sums_.clear();
  for (std::size_t b = 0, first = 0; first < n; ++b, first += bs) {
    auto row = totals_sums_.row(b);
    for (std::size_t i = first; i < std::min<std::size_t>(n, first + bs); ++i) {
      double wealth = state_.cash[i];
      for (std::size_t j = 0; j < S; ++j) {
        row[j] += state_.holdings[i * S + j];
        wealth += state_.holdings[i * S + j] * price[j];
      }
      row[S] += state_.cash[i];
      row[S + 1] += state_.trade_scale[i];
      row[S + 2] += (state_.strategy[i] >> bit) & 1u ? state_.trade_scale[i] : 0.0;
      row[S + 3] += wealth;
    }
  }
  const auto t = totals_sums_.combine(comm);
  totals_.holdings.assign(t.begin(), t.begin() + static_cast<std::ptrdiff_t>(S));
  totals_.cash = t[S];
  totals_.trade_scale = t[S + 1];
  totals_.fundamentalist_scale = t[S + 2];
  totals_.wealth = t[S + 3];
}

}  // namespace megacycle
