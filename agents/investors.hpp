#pragma once
// Investors trading on the equity market (docs/ODD.md, "Investors"). Structure-of-arrays over the agents
// this rank owns; each agent's money and shares are the totals of the real investors it stands for.
// An investor's orders are its trade scale times its strategy group's per-unit order of the day (the
// group noise is common, see agents/equity_market.hpp), so the daily pass only draws strategies and
// sums trade scales; the quarter's trades are settled in one pass from the 63 strategy bits. The result
// is what settling every day would give, and the daily pass touches 16 bytes per investor.
#include <cstdint>
#include <span>
#include <vector>

#include "engine/comm.hpp"
#include "engine/io/checkpoint_format.hpp"
#include "engine/partition.hpp"
#include "engine/reduce.hpp"
#include "engine/rng.hpp"
#include "engine/serialize.hpp"
#include "equity_market.pb.h"

namespace megacycle {

struct InvestorState {
  // Fixed
  std::vector<float> weight;             // real investors this agent stands for
  std::vector<float> reaction_strength;  // s_i, mean one
  // Changing
  std::vector<double> cash;      // USD billion, earns the risk-free rate
  std::vector<double> holdings;  // billion shares, [i * stocks + j]
  std::vector<double>
      trade_scale;  // theta * s_i * max(wealth, 0) at the quarter's start: USD billion per unit of demand
  // Bit d: fundamentalist on trading day d of this quarter; bit `days` holds the next quarter's day 0.
  std::vector<std::uint64_t> strategy;

  void resize(std::size_t n, std::size_t stocks);
  std::size_t size() const { return weight.size(); }
  double bytes_per_agent() const;
};

// What the market tells investors at the close of a quarter (all per stock j unless said).
struct QuarterSettlement {
  int days = 0;
  std::span<const double> dividend_per_share;  // USD per share (= USD billion per billion shares)
  std::span<const double> close_price;         // USD per share, for next quarter's wealth
  // Shares bought per unit of trade scale: chartists' total over the quarter (per stock), and the
  // difference fundamentalist - chartist of each day ([d * stocks + j]).
  std::span<const double> chartist_shares, fundamentalist_extra_shares;
  // The same in money (USD billion per unit of trade scale, summed over stocks): chartists' total and
  // each day's fundamentalist - chartist difference.
  double chartist_value = 0;
  std::span<const double> fundamentalist_extra_value;
  double interest_per_quarter = 0;  // on cash held at the quarter's start
};

// Sums over all investors after set-up or a settlement (identical on every rank).
struct InvestorTotals {
  std::vector<double> holdings;  // per stock
  double cash = 0;
  double trade_scale = 0;           // all investors, for the quarter ahead
  double fundamentalist_scale = 0;  // investors who are fundamentalists on the next trading day
  double wealth = 0;                // cash + holdings at the closing prices

  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(holdings, cash, trade_scale, fundamentalist_scale, wealth);
  }
};

class InvestorPopulation {
 public:
  // Collective. The investors hold shares_held[j] of each stock and `cash` in total: each gets a
  // lognormal share of wealth and holds the market portfolio with it (cash_share in cash).
  // Memory an investor needs with `stocks` stocks, before it exists: for the pre-run memory check.
  static double estimated_bytes_per_agent(std::size_t stocks);
  InvestorPopulation(Comm& comm, const Investors& spec, std::uint64_t seed, std::uint32_t replicate,
                     std::span<const double> shares_held, std::span<const double> price);

  const Partition& partition() const { return partition_; }
  const InvestorState& state() const { return state_; }
  std::size_t stocks() const { return stocks_; }
  const InvestorTotals& totals() const { return totals_; }

  // Every investor re-chooses its strategy for the trading day with global index `time` (its bit
  // `bit` in this quarter's word): fundamentalist with probability p. Collective: returns the total
  // trade scale of the fundamentalists, identical on every rank.
  double choose_strategies(Comm& comm, std::uint64_t time, int bit, double p_fundamentalist);
  // Pays dividends and interest, settles the quarter's trades, sets next quarter's trade scale and
  // carries the strategy of the next day into bit 0. Collective: totals() is updated.
  void settle(Comm& comm, const QuarterSettlement& q);
  // A reverse split of stock j: every investor's holding (and the total) is divided by `factor`.
  void consolidate(std::size_t stock, double factor);

  // A restructuring of stock j (docs/ODD.md 7.13.1): every holder keeps the share `keep` of its shares
  // (the rest goes to the firm's lenders). Local; totals() is updated alike on every rank.
  void dilute(std::size_t stock, double keep);

  // Checkpoints: the totals (replicated) here; the per-agent state that changes in checkpoint_slice(),
  // stored by global id. The traits (weight, reaction strength) are drawn again from the seed.
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(totals_);
  }
  io::AgentSlice checkpoint_slice() {
    return {"investors",
            partition_.population(),
            partition_.begin(),
            partition_.end(),
            {io::agent_column("cash", state_.cash), io::agent_column("holdings", state_.holdings, stocks_),
             io::agent_column("trade_scale", state_.trade_scale), io::agent_column("strategy", state_.strategy)}};
  }

 private:
  void sum_totals(Comm& comm, std::span<const double> price, int next_day_bit);

  Partition partition_;
  std::size_t stocks_;
  double theta_;
  StreamKey strategy_key_;
  InvestorState state_;
  BlockSums strategy_sums_, totals_sums_;
  InvestorTotals totals_;
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::InvestorTotals, 1);
CEREAL_CLASS_VERSION(megacycle::InvestorPopulation, 1);
