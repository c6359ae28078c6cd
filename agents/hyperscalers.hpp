#pragma once
// Hyperscalers (docs/ODD.md, "Hyperscalers"): forecasts with Brock-Hommes switching between
// extrapolation and narrative, a flexible-accelerator capex rule with rivalry and pipeline awareness,
// chip orders split between merchant vendors and own silicon, data-centre builds behind a grid
// connection queue, financing under a leverage cap, price setting and accounts by vintage. Global
// agents: replicated on every rank and computed identically there.
#include <string>
#include <vector>

#include "agents/accounts.hpp"
#include "agents/chip_vendors.hpp"
#include "agents/environment.hpp"
#include "agents/finance.hpp"
#include "agents/firm.hpp"
#include "scenario.pb.h"

namespace megacycle {

struct HyperscalerState {
  const Hyperscaler* spec;
  Vintages chips, shells;  // before books: the opening fixed assets are their book values
  Books books;
  double price;              // USD per unit-hour, posted for the coming quarter
  double price_charged = 0;  // the price this quarter's compute was sold at
  double powered_mw, awaiting_mw = 0;
  std::vector<double> completing_mw, construction_spend;  // by quarter
  double own_silicon_capacity;                            // units per quarter
  std::vector<double> demand_history, capex_history;      // per quarter, pre-start quarters first
  int history_offset;                                     // index of quarter 0 in the histories
  Trailing4 orders_units, ebitda;
  double fitness_extrapolative = 0, fitness_narrative = 0, weight_extrapolative = 0.5;
  double predicted_extrapolative = 0, predicted_narrative = 0;  // last quarter's growth forecasts
  // This quarter
  double investment_q = 0;  // Tobin's q of a new unit (the profitability gate)
  // Equity risk premium in the firm's cost of capital, per year, set by its stock's valuation (the
  // equity market); negative: the environment's premium.
  double equity_risk_premium = -1;
  double forecast_growth = 0, target_capacity = 0, orders = 0, own_silicon_orders = 0, cancellations = 0;
  double mw_started = 0, mw_connected = 0;
  double demand_enterprises = 0, demand_internal = 0, demand_labs = 0;
  double usable_capacity = 0, served = 0, served_share = 1, utilisation = 0;
  double revenue_enterprises = 0, revenue_internal = 0, revenue_labs = 0;  // AI revenue by customer
  double capex_chips = 0, capex_own_silicon = 0, capex_other_it = 0, capex_datacentre = 0;
  double cash_costs = 0;  // last quarter's cost of sales + operating expense (sets the cash buffer)
  bool constrained = false;
  MinskyClass minsky = MinskyClass::hedge;

  HyperscalerState(Ledger& ledger, const Hyperscaler& spec, const Scenario& scenario, double opening_chip_price,
                   double technology_step);
  const std::string& name() const { return spec->name(); }
  double demand() const { return demand_enterprises + demand_internal + demand_labs; }
  double installed() const { return chips.units(); }
  double capex() const { return capex_chips + capex_own_silicon + capex_other_it + capex_datacentre; }
  double last_demand() const { return demand_history.back(); }
  // Capex paid over the last four quarters, and the four before.
  double capex_last_year(int quarter) const;
  double capex_year_before(int quarter) const;
  // Year-on-year growth of capex paid, clamped to +-kMaxCapexGrowth.
  double capex_growth(int quarter) const;
  static constexpr double kMaxCapexGrowth = 1.0;

  // Checkpoints: every member but the scenario's spec. Add a new member here too (tests/mpi's restart
  // tests compare every output after a resume with an uninterrupted run).
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    ar(chips, shells, books, price, price_charged, powered_mw, awaiting_mw, completing_mw, construction_spend,
       own_silicon_capacity, demand_history, capex_history, history_offset, orders_units, ebitda, fitness_extrapolative,
       fitness_narrative, weight_extrapolative, predicted_extrapolative, predicted_narrative);
    ar(investment_q, equity_risk_premium, forecast_growth, target_capacity, orders, own_silicon_orders, cancellations,
       mw_started, mw_connected, demand_enterprises, demand_internal, demand_labs, usable_capacity, served,
       served_share, utilisation, revenue_enterprises, revenue_internal, revenue_labs, capex_chips, capex_own_silicon,
       capex_other_it, capex_datacentre, cash_costs, constrained, minsky);
  }
};

class Hyperscalers {
 public:
  Hyperscalers(const Scenario& scenario, Ledger& ledger, const ChipVendors& vendors, double technology_step,
               std::vector<double> growth_multiplier = {});

  // Start of the quarter: completed data centres join the grid queue and are connected under the cap.
  void connect_power(int quarter, const EnvironmentNow& env);
  // Market step 3: forecasts, capex and financing plans, chip orders and data-centre starts.
  void plan(int quarter, const EnvironmentNow& env, ChipVendors& vendors);
  // Market step 6 (buyer side): pays for the chips delivered and installs them.
  void install(int quarter, const std::vector<std::vector<double>>& delivered, ChipVendors& vendors);
  // Market step 7: legacy business, operating costs, construction, depreciation, financing; then next
  // quarter's price.
  void account(int quarter, const EnvironmentNow& env, const FinanceRules& finance);

  std::size_t size() const { return firms_.size(); }
  HyperscalerState& operator[](std::size_t h) { return firms_[h]; }
  const HyperscalerState& operator[](std::size_t h) const { return firms_[h]; }
  // The firms, as views (agents/firm.hpp): listed, with capex, capacity, price and chip backlog at `vendors`.
  void add_firms(std::vector<FirmView>& firms, const ChipVendors& vendors) const;
  // Internal demand of firm h in quarter t (units).
  double internal_demand(std::size_t h, int quarter) const;
  // Power per unit (kW) of chips bought in quarter t.
  double kw_per_unit(int quarter) const;
  // Operating cost besides energy per MW of installed chips per hour (USD): opex scales with power.
  double operating_cost_per_mw_hour() const;

  // Checkpoints: the firms (the rules, technology step and growth path are the scenario's).
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    serialize_in_place(ar, firms_, "hyperscalers");
  }

 private:
  double forecast(HyperscalerState& h, int quarter, const EnvironmentNow& env) const;
  double peers_capex_growth(std::size_t self, int quarter) const;

  const Scenario& scenario_;
  const HyperscalerRules& rules_;
  std::vector<HyperscalerState> firms_;
  double technology_step_;
  std::vector<double> growth_multiplier_;  // environment.ai_demand_growth_multiplier by quarter
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::HyperscalerState, 1);
CEREAL_CLASS_VERSION(megacycle::Hyperscalers, 1);
