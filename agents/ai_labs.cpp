#include "agents/ai_labs.hpp"

#include <algorithm>
#include <cmath>

#include "agents/hyperscalers.hpp"
#include "engine/finite.hpp"

namespace megacycle {
namespace {

// A compute contract can shrink by at most this share per quarter (contracts run for years).
constexpr double kMaxContractCut = 0.2;

std::size_t provider_index(const Scenario& scenario, const std::string& name) {
  for (int h = 0; h < scenario.hyperscaler_size(); ++h)
    if (scenario.hyperscaler(h).name() == name) return static_cast<std::size_t>(h);
  return 0;  // unreachable: the scenario check requires a known provider
}

}  // namespace

LabState::LabState(Ledger& ledger, const AiLab& s, std::size_t p)
    : spec(&s),
      provider(p),
      books(ledger, s.name(), s.initial_cash_usd_b(), 0.0, 0.0),
      contract_units(s.initial_compute_units()) {}

AiLabs::AiLabs(const Scenario& scenario, Ledger& ledger, std::vector<double> growth_multiplier)
    : growth_multiplier_(std::move(growth_multiplier)) {
  labs_.reserve(static_cast<std::size_t>(scenario.ai_lab_size()));
  for (const auto& spec : scenario.ai_lab())
    labs_.emplace_back(ledger, spec, provider_index(scenario, spec.provider()));
}

void AiLabs::open_quarter() {
  for (auto& l : labs_) {
    l.books.open_quarter();
    l.served = l.compute_cost = l.revenue = l.funding = 0;
  }
}

void AiLabs::earn(double adopters, double adopters_at_start) {
  for (auto& l : labs_) {
    const double growth =
        adopters_at_start > 0 ? std::pow(adopters / adopters_at_start, l.spec->revenue_adoption_elasticity()) : 1.0;
    l.revenue = l.spec->initial_revenue_usd_b_per_year() / 4.0 * growth;
    l.books.ai_sale(Ledger::outside(Outside::customers), l.revenue);
  }
}

void AiLabs::account(int t, const EnvironmentNow& env, const FinanceRules& finance, const std::vector<double>& prices) {
  for (auto& l : labs_) {
    const auto& s = *l.spec;
    l.books.operating_expense(Ledger::outside(Outside::suppliers), s.staff_cost_usd_b_per_quarter());
    // Funding round when the runway is short, sized by sentiment (the AI index's price / fundamental).
    const double burn = std::max(0.0, s.staff_cost_usd_b_per_quarter() + l.compute_cost - l.revenue);
    if (burn > 0 && l.books.cash() < s.runway_min_quarters() * burn) {
      // environment.ai_lab_funding_multiplier scales the round (0: a funding freeze, no round at all).
      l.funding = env.ai_lab_funding_multiplier * s.runway_target_quarters() * burn *
                  std::pow(env.investor_sentiment, s.sentiment_elasticity());
      if (l.funding > 0) l.books.issue_equity(l.funding);
    }
    // Bridge loans cover a negative cash balance; the leverage cap keeps them out of plans. In a funding
    // freeze (multiplier 0) the settlement's equity route is closed as well: the shortfall is borrowed.
    EnvironmentNow settle_env = env;
    if (!(env.ai_lab_funding_multiplier > 0)) settle_env.investor_sentiment = 0;
    l.minsky = settle_quarter(l.books, finance, settle_env, 0.0, 0.0);

    // Next quarter's contract: planned growth, cut to what cash and revenue can pay for over the
    // minimum runway when funding falls short.
    const double unit_quarter = prices[l.provider] * kHoursPerQuarter / kBillion;
    const double planned =
        l.contract_units *
        fading_growth(s.compute_growth_per_year(), s.compute_growth_half_life_years(), t + 1, growth_multiplier_) /
        fading_growth(s.compute_growth_per_year(), s.compute_growth_half_life_years(), t, growth_multiplier_);
    const double runway = std::max(1.0, s.runway_min_quarters());
    const double affordable =
        (std::max(0.0, l.books.cash()) / runway + l.revenue - s.staff_cost_usd_b_per_quarter()) / unit_quarter;
    const double floor = std::min(planned, (1.0 - kMaxContractCut) * l.contract_units);
    l.contract_units = std::clamp(std::min(planned, affordable), floor, planned);
  }
}

void AiLabs::add_firms(std::vector<FirmView>& firms, const Hyperscalers& hyperscalers) const {
  for (std::size_t l = 0; l < labs_.size(); ++l) {
    const auto& lab = labs_[l];
    // Not listed; no capex, backlog or orders of its own (those columns stay 0).
    firms.push_back(
        {"ai_lab", lab.name(), &lab.books, &lab.minsky, std::nullopt, [this, l, &hyperscalers](NamedRow& row) {
           const auto& x = labs_[l];
           row.set("capacity_units", x.contract_this_quarter);
           row.set("utilisation", ratio_or_zero(x.served, x.contract_this_quarter));
           row.set("price_usd", hyperscalers[x.provider].price_charged);
         }});
  }
}

}  // namespace megacycle
