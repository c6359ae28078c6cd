#include "agents/industry.hpp"

#include <fmt/core.h>

#include <algorithm>
#include <cmath>

#include "agents/compute_and_chip_markets.hpp"
#include "engine/error.hpp"
#include "engine/finite.hpp"

namespace megacycle {
namespace {

// Relative tolerance of the stock-flow checks (the 1e-9).
constexpr double kAccountingTolerance = 1e-9;

}  // namespace

Industry::Industry(const Scenario& scenario, const EnvironmentPaths& paths)
    : scenario_(scenario),
      vendors_(scenario, ledger_, static_cast<std::size_t>(scenario.hyperscaler_size()), paths.technology_step()),
      hyperscalers_(scenario, ledger_, vendors_, paths.technology_step(),
                    paths.demand_growth_multipliers(scenario.quarters() + 1)),
      labs_(scenario, ledger_, paths.demand_growth_multipliers(scenario.quarters() + 1)) {
  // Backlog at the start, split across vendors like new orders would be.
  for (std::size_t i = 0; i < hyperscalers_.size(); ++i) {
    const auto& s = *hyperscalers_[i].spec;
    const double own = vendors_.asic() < vendors_.size() ? s.own_silicon_share() * s.initial_backlog_units() : 0.0;
    vendors_.place_orders(i, own, s.initial_backlog_units() - own);
  }
  // The firms, in the order every output lists them. A new firm type registers here.
  hyperscalers_.add_firms(firms_, vendors_);
  vendors_.add_firms(firms_);
  labs_.add_firms(firms_, hyperscalers_);
  std::size_t listed = 0;
  for (auto& f : firms_)
    if (f.listing) f.stock = listed++;
  for (const auto& f : firms_) claims_ += f.books->debt();
}

void Industry::open_quarter(int t, const EnvironmentNow& env) {
  env_ = env;
  labs_.open_quarter();
  hyperscalers_.connect_power(t, env);
  vendors_.post(t, env);
  hyperscalers_.plan(t, env, vendors_);
}

void Industry::clear_compute(int t, const std::vector<double>& demand, double adopters) {
  if (adopters_at_start_ < 0) adopters_at_start_ = adopters;
  labs_.earn(adopters, adopters_at_start_);
  clear_compute_market(t, hyperscalers_, labs_, demand);
}

void Industry::close_quarter(int t) {
  clear_chip_market(t, vendors_, hyperscalers_);
  const std::vector<double> next_prices = prices();  // labs plan next quarter at this quarter's prices
  hyperscalers_.account(t, env_, scenario_.finance());
  vendors_.account(t, env_, scenario_.finance());
  labs_.account(t, env_, scenario_.finance(), next_prices);
  for (const auto& f : firms_) {
    const auto& s = f.books->statements();
    claims_ += s.debt_issued - s.debt_repaid - s.debt_written_off - s.debt_to_equity;
  }
  // Stock-flow consistency, every quarter: a gap here is a bug in the model's bookkeeping.
  if (money_gap() > kAccountingTolerance || books_gap() > kAccountingTolerance || claims_gap() > kAccountingTolerance)
    throw Error(
        fmt::format("accounts: stock-flow check failed in quarter {}: money gap {:.3g}, largest books gap {:.3g}, "
                    "lenders' claims gap {:.3g} (relative; tolerance {:g})",
                    t, money_gap(), books_gap(), claims_gap(), kAccountingTolerance));
}

void Industry::set_equity_risk_premia(const std::vector<double>& premium) {
  for (std::size_t i = 0; i < hyperscalers_.size(); ++i) hyperscalers_[i].equity_risk_premium = premium[i];
}

double Industry::money_gap() const {
  double scale = 1.0;
  for (int a = 0; a < ledger_.accounts(); ++a) scale = std::max(scale, std::abs(ledger_.balance(a)));
  return std::abs(ledger_.total() - ledger_.opening_total()) / scale;
}

double Industry::claims_gap() const {
  double debt = 0, scale = 1.0;
  for (const auto& f : firms_) debt += f.books->debt(), scale = std::max(scale, std::abs(f.books->debt()));
  return std::abs(debt - claims_) / std::max(scale, std::abs(claims_));
}

double Industry::books_gap() const {
  double gap = 0;
  for (const auto& f : firms_) gap = std::max(gap, f.books->consistency_gap());
  return gap;
}

std::vector<double> Industry::prices() const {
  std::vector<double> p;
  for (std::size_t i = 0; i < hyperscalers_.size(); ++i) p.push_back(hyperscalers_[i].price);
  return p;
}

std::vector<double> Industry::served_shares() const {
  std::vector<double> s;
  for (std::size_t i = 0; i < hyperscalers_.size(); ++i) s.push_back(hyperscalers_[i].served_share);
  return s;
}

std::vector<double> Industry::attractiveness() const {
  std::vector<double> a;
  for (std::size_t i = 0; i < hyperscalers_.size(); ++i) a.push_back(hyperscalers_[i].spec->customer_attractiveness());
  return a;
}

double Industry::price_index() const {
  double demand = 0, paid = 0, weights = 0, listed = 0;
  for (std::size_t i = 0; i < hyperscalers_.size(); ++i) {
    const auto& h = hyperscalers_[i];
    demand += h.demand_enterprises, paid += h.demand_enterprises * h.price;
    weights += h.spec->customer_attractiveness(), listed += h.spec->customer_attractiveness() * h.price;
  }
  return demand > 0 ? paid / demand : ratio_or_zero(listed, weights);
}

}  // namespace megacycle
