#include "agents/hyperscalers.hpp"

#include <algorithm>
#include <cmath>

namespace megacycle {
namespace {

constexpr int kHistoryQuarters = 8;  // pre-start quarters seeded from the scenario's growth figures

double quarterly(double annual_growth) { return std::pow(1.0 + annual_growth, 0.25) - 1.0; }

// Opening chips: initial_capacity_units bought evenly over the last `age` quarters, each tranche at
// the price and power of its time (earlier chips cost more and drew more per H100-equivalent).
double opening_chips(Vintages& chips, const Hyperscaler& spec, const HyperscalerRules& rules, double unit_price,
                     double step) {
  const int age = spec.initial_capacity_age_quarters(), life = rules.chip_life_quarters();
  double book = 0;
  for (int a = 1; a <= age; ++a) {
    if (a >= life) break;  // already retired
    const double units = spec.initial_capacity_units() / age, then = std::pow(step, a);
    const double cost = units * unit_price * then / kBillion;
    chips.add(-a, cost, life, units, units * rules.power_kw_per_unit() * then / 1000.0);
    book += cost * (life - a + 1) / life;
  }
  return book;
}

// Opening shells: the powered MW built evenly over the last 16 quarters, plus the half already spent on
// what is under construction (the other half is paid as it is built).
double opening_shells(Vintages& shells, const Hyperscaler& spec, const HyperscalerRules& rules) {
  const int life = rules.datacentre_life_quarters(), age = 16;
  const double per_mw = rules.datacentre_usd_m_per_mw() / 1000.0;
  double book = 0;
  for (int a = 1; a <= age; ++a) {
    const double cost = spec.initial_powered_mw() / age * per_mw;
    shells.add(-a, cost, life);
    book += cost * std::max(0, life - a + 1) / life;
  }
  const double in_progress = 0.5 * spec.initial_mw_under_construction() * per_mw;
  shells.add(-1, in_progress, life);
  return book + in_progress * life / life;
}

}  // namespace

HyperscalerState::HyperscalerState(Ledger& ledger, const Hyperscaler& s, const Scenario& scenario,
                                   double opening_chip_price, double step)
    : spec(&s),
      books(ledger, s.name(), s.initial_cash_usd_b(),
            opening_chips(chips, s, scenario.hyperscaler_rules(), opening_chip_price, step) +
                opening_shells(shells, s, scenario.hyperscaler_rules()),
            s.initial_debt_usd_b()),
      price(s.initial_price_usd_per_unit_hour()),
      powered_mw(s.initial_powered_mw()),
      own_silicon_capacity(s.own_silicon_capacity_units_per_quarter()),
      history_offset(kHistoryQuarters) {
  const auto& rules = scenario.hyperscaler_rules();
  const int lead = scenario.environment().datacentre_lead_quarters();
  const auto horizon = static_cast<std::size_t>(scenario.quarters() + lead + 1);
  completing_mw.assign(horizon, 0.0);
  construction_spend.assign(horizon, 0.0);
  // What is under construction completes evenly over the lead time; its second half is still to pay.
  const double per_mw = rules.datacentre_usd_m_per_mw() / 1000.0;
  for (int q = 0; q < lead; ++q) {
    completing_mw[static_cast<std::size_t>(q)] += s.initial_mw_under_construction() / lead;
    construction_spend[static_cast<std::size_t>(q)] += 0.5 * s.initial_mw_under_construction() * per_mw / lead;
  }
  // History: demand was at the planned utilisation of the installed base, growing at the stated rate;
  // capex summed to initial_capex over the last year, growing at its stated rate.
  const double g_demand = quarterly(s.initial_demand_growth_per_year());
  const double g_capex = quarterly(s.initial_capex_growth_per_year());
  double capex_weights = 0;
  for (int k = 1; k <= 4; ++k) capex_weights += std::pow(1.0 + g_capex, -(k - 1));
  for (int k = kHistoryQuarters; k >= 1; --k) {
    demand_history.push_back(s.initial_capacity_units() * rules.target_utilisation() *
                             std::pow(1.0 + g_demand, -(k - 1)));
    capex_history.push_back(s.initial_capex_usd_b_per_year() / capex_weights * std::pow(1.0 + g_capex, -(k - 1)));
  }
  predicted_extrapolative = predicted_narrative = g_demand;
  // Orders over the last year (units), from the history's chip share of capex at the opening price.
  for (int k = 4; k >= 1; --k)
    orders_units.push(capex_history[static_cast<std::size_t>(kHistoryQuarters - k)] * 0.6 * kBillion /
                      opening_chip_price);
  // EBITDA over the last year: legacy cash margin plus AI compute sold at the planned utilisation.
  const double ai = s.initial_capacity_units() * rules.target_utilisation() * s.initial_price_usd_per_unit_hour() *
                    kHoursPerQuarter / kBillion;
  for (int k = 0; k < 4; ++k) ebitda.push(s.legacy_revenue_usd_b_per_year() / 4 * s.legacy_cash_margin() + 0.6 * ai);
  cash_costs = s.legacy_revenue_usd_b_per_year() / 4 * (1.0 - s.legacy_cash_margin()) + 0.4 * ai;
}

double HyperscalerState::capex_last_year(int t) const {
  double sum = 0;
  for (int k = 1; k <= 4; ++k) sum += capex_history[static_cast<std::size_t>(history_offset + t - k)];
  return sum;
}

double HyperscalerState::capex_year_before(int t) const {
  double sum = 0;
  for (int k = 5; k <= 8; ++k) sum += capex_history[static_cast<std::size_t>(history_offset + t - k)];
  return sum;
}

Hyperscalers::Hyperscalers(const Scenario& scenario, Ledger& ledger, const ChipVendors& vendors, double step,
                           std::vector<double> growth_multiplier)
    : scenario_(scenario),
      rules_(scenario.hyperscaler_rules()),
      technology_step_(step),
      growth_multiplier_(std::move(growth_multiplier)) {
  // Opening price of a unit of installed compute: merchant vendors' prices by share, plus other IT.
  const double unit_price = vendors.merchant_price() + rules_.other_it_usd_per_unit();
  firms_.reserve(static_cast<std::size_t>(scenario.hyperscaler_size()));
  for (const auto& spec : scenario.hyperscaler()) firms_.emplace_back(ledger, spec, scenario, unit_price, step);
}

double Hyperscalers::internal_demand(std::size_t h, int t) const {
  const auto& s = *firms_[h].spec;
  return s.internal_demand_units() * fading_growth(s.internal_demand_growth_per_year(),
                                                   s.internal_demand_growth_half_life_years(), t, growth_multiplier_);
}

double Hyperscalers::operating_cost_per_mw_hour() const {
  return rules_.operating_cost_usd_per_unit_hour() / rules_.power_kw_per_unit() * 1000.0;
}

double Hyperscalers::kw_per_unit(int t) const { return rules_.power_kw_per_unit() / std::pow(technology_step_, t); }

void Hyperscalers::connect_power(int t, const EnvironmentNow& env) {
  double waiting = 0;
  for (auto& h : firms_) {
    h.books.open_quarter();
    h.awaiting_mw += h.completing_mw[static_cast<std::size_t>(t)];
    waiting += h.awaiting_mw;
  }
  // The grid connects at most grid_connection_mw per quarter, shared pro rata to what waits.
  const double share = waiting > 0 ? std::min(1.0, env.grid_connection_mw / waiting) : 0.0;
  for (auto& h : firms_) {
    h.mw_connected = h.awaiting_mw * share;
    h.awaiting_mw -= h.mw_connected;
    h.powered_mw += h.mw_connected;
  }
}

double HyperscalerState::capex_growth(int t) const {
  // Clamped: after a near-stop in capex the ratio says little and would swamp the rivalry term.
  const double before = capex_year_before(t);
  return before > 0 ? std::clamp(capex_last_year(t) / before - 1.0, -kMaxCapexGrowth, kMaxCapexGrowth) : 0.0;
}

double Hyperscalers::peers_capex_growth(std::size_t self, int t) const {
  double sum = 0;
  int n = 0;
  for (std::size_t p = 0; p < firms_.size(); ++p) {
    if (p == self) continue;
    sum += firms_[p].capex_growth(t);
    ++n;
  }
  return n > 0 ? sum / n : 0.0;
}

// Expected quarterly demand growth: a Brock-Hommes mix of extrapolation (own recent demand growth) and
// narrative (peers' capex growth, lifted by investor sentiment). Each predictor's fitness is minus its
// squared error on last quarter's realised growth, smoothed with forecast_memory.
double Hyperscalers::forecast(HyperscalerState& h, int t, const EnvironmentNow& env) const {
  const auto& d = h.demand_history;
  const std::size_t n = d.size();
  const double realised = d[n - 2] > 0 ? d[n - 1] / d[n - 2] - 1.0 : 0.0;
  const double m = rules_.forecast_memory();
  h.fitness_extrapolative = m * h.fitness_extrapolative - (1 - m) * std::pow(realised - h.predicted_extrapolative, 2);
  h.fitness_narrative = m * h.fitness_narrative - (1 - m) * std::pow(realised - h.predicted_narrative, 2);
  h.weight_extrapolative =
      1.0 / (1.0 + std::exp(-rules_.forecast_switching_intensity() * (h.fitness_extrapolative - h.fitness_narrative)));

  const int window = std::min<int>(rules_.extrapolation_quarters(), static_cast<int>(n) - 1);
  double growth = 0;
  for (int k = 0; k < window; ++k) {
    const double prev = d[n - 2 - static_cast<std::size_t>(k)];
    growth += prev > 0 ? d[n - 1 - static_cast<std::size_t>(k)] / prev - 1.0 : 0.0;
  }
  h.predicted_extrapolative = growth / window;
  const std::size_t self = static_cast<std::size_t>(&h - firms_.data());
  h.predicted_narrative = quarterly(std::max(
      -0.9, peers_capex_growth(self, t) + rules_.narrative_sentiment_weight() * (env.investor_sentiment - 1.0)));
  const double cap = rules_.max_forecast_growth_per_quarter();
  return std::clamp(
      h.weight_extrapolative * h.predicted_extrapolative + (1 - h.weight_extrapolative) * h.predicted_narrative, -cap,
      cap);
}

void Hyperscalers::plan(int t, const EnvironmentNow& env, ChipVendors& vendors) {
  const std::size_t H = firms_.size();
  const std::size_t asic = vendors.asic();
  const double merchant_price = vendors.merchant_price();
  const double other_it = rules_.other_it_usd_per_unit() / env.technology;
  const double kw_new = kw_per_unit(t);
  const double per_mw = rules_.datacentre_usd_m_per_mw() / 1000.0;
  const int lead = scenario_.environment().datacentre_lead_quarters();
  const FinanceRules& finance = scenario_.finance();

  for (std::size_t i = 0; i < H; ++i) {
    auto& h = firms_[i];
    const auto& s = *h.spec;
    h.forecast_growth = forecast(h, t, env);
    // Flexible accelerator with rivalry: target capacity for expected demand L quarters out.
    const double expected = h.last_demand() * std::pow(1.0 + h.forecast_growth, rules_.forecast_horizon_quarters());
    h.target_capacity = expected / rules_.target_utilisation();
    const double installed = h.installed();
    const double pipeline = vendors.backlog_of(i);
    const double own_growth = h.capex_growth(t);
    double desired =
        installed / rules_.chip_life_quarters() +
        rules_.capacity_adjustment_speed() * (h.target_capacity - installed - s.pipeline_awareness() * pipeline) +
        rules_.rivalry() * (peers_capex_growth(i, t) - own_growth) * h.orders_units.mean();
    // Profitability gate: a unit bought now earns (price x u* - marginal cost) per hour over its life.
    const double margin =
        h.price * rules_.target_utilisation() - kw_new / 1000.0 * (env.energy_price + operating_cost_per_mw_hour());
    const double premium = h.equity_risk_premium >= 0 ? h.equity_risk_premium : env.equity_risk_premium;
    const double rate = (env.risk_free_rate + premium) / 4.0;
    const int life = rules_.chip_life_quarters();
    const double annuity = rate > 0 ? (1.0 - std::pow(1.0 + rate, -life)) / rate : life;
    const double all_in = merchant_price + other_it + kw_new / 1000.0 * rules_.datacentre_usd_m_per_mw() * 1e6;
    // A capex subsidy pays back the share capex_subsidy_rate of what the unit costs.
    h.investment_q = margin * kHoursPerQuarter * annuity / (all_in * (1.0 - env.capex_subsidy_rate));
    const double gate = std::clamp((h.investment_q - rules_.investment_q_hurdle()) /
                                       std::max(1e-9, rules_.investment_q_full() - rules_.investment_q_hurdle()),
                                   0.0, 1.0);
    if (desired > 0) desired *= gate;
    h.cancellations = 0;
    if (desired < 0) {
      h.cancellations = rules_.cancellation_share() * std::min(pipeline, -desired);
      desired = 0;
    }
    // Double ordering: a buyer that was rationed last quarter inflates its orders.
    double orders = desired * (1.0 + rules_.double_ordering() * (1.0 - vendors.fill_rate(i)));

    // Data centres for what is installed, ordered and about to be ordered, with headroom.
    const double needed_mw = (h.chips.power_mw() + (pipeline - h.cancellations + orders) * kw_new / 1000.0) *
                             (1.0 + rules_.power_headroom());
    double under_construction = 0;
    for (std::size_t q = static_cast<std::size_t>(t); q < h.completing_mw.size(); ++q)
      under_construction += h.completing_mw[q];
    double mw = std::max(0.0, needed_mw - h.powered_mw - h.awaiting_mw - under_construction);

    // Financing plan: what is committed (backlog, construction under way) and what is new must fit in
    // cash above the buffer, a year of operating cash flow and the debt room under the leverage cap.
    const double unit_cost = (merchant_price + other_it) / kBillion;
    double construction_due = 0;
    for (std::size_t q = static_cast<std::size_t>(t); q < h.construction_spend.size(); ++q)
      construction_due += h.construction_spend[q];
    const double committed = (pipeline - h.cancellations) * unit_cost + construction_due;
    const double fresh = orders * unit_cost + mw * per_mw;
    const double cash_target = finance.cash_buffer_quarters() * h.cash_costs;
    const double operating = std::max(0.0, h.ebitda.sum() * (1.0 - finance.tax_rate()));
    const double funds = std::max(0.0, h.books.cash() - cash_target) + operating +
                         debt_headroom(finance, h.books.debt(), h.ebitda.sum());
    h.constrained = committed + fresh > funds;
    if (h.constrained) {
      const double scale = fresh > 0 ? std::clamp((funds - committed) / fresh, 0.0, 1.0) : 0.0;
      orders *= scale;
      mw *= scale;
      // Committed spending alone is too much: cancel chips on order as well.
      if (funds < committed && unit_cost > 0)
        h.cancellations +=
            rules_.cancellation_share() * std::min(pipeline - h.cancellations, (committed - funds) / unit_cost);
    }

    // Place the orders: own silicon up to the in-house design capacity, the rest to merchant vendors.
    h.own_silicon_orders =
        asic < vendors.size() ? std::min(s.own_silicon_share() * orders, h.own_silicon_capacity) : 0.0;
    h.orders = orders;
    vendors.place_orders(i, h.own_silicon_orders, orders - h.own_silicon_orders);
    // Cancellations fall on each vendor in proportion to this buyer's backlog there.
    if (h.cancellations > 0 && pipeline > 0)
      for (std::size_t v = 0; v < vendors.size(); ++v)
        vendors.cancel(v, i, h.cancellations * vendors[v].backlog[i] / (pipeline + orders));
    h.orders_units.push(orders);

    // Start the data centres: paid evenly over the lead time, then queued for a grid connection.
    h.mw_started = mw;
    for (int q = 0; q < lead; ++q) h.construction_spend[static_cast<std::size_t>(t + q)] += mw * per_mw / lead;
    h.completing_mw[static_cast<std::size_t>(t + lead)] += mw;
    // Own-silicon design capacity grows with design spend (booked as operating expense in account()).
    h.own_silicon_capacity += s.own_silicon_design_usd_b_per_quarter() * rules_.own_silicon_units_per_design_usd_b();
  }
}

void Hyperscalers::install(int t, const std::vector<std::vector<double>>& delivered, ChipVendors& vendors) {
  const double kw_new = kw_per_unit(t);
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    auto& h = firms_[i];
    h.capex_chips = h.capex_own_silicon = h.capex_other_it = 0;
    double units = 0, cost = 0;
    for (std::size_t v = 0; v < vendors.size(); ++v) {
      const double u = delivered[v][i], paid = u * vendors[v].price / kBillion;
      Books::sell_chips(h.books, vendors[v].books, paid);
      (v == vendors.asic() ? h.capex_own_silicon : h.capex_chips) += paid;
      units += u;
      cost += paid;
    }
    h.capex_other_it = units * rules_.other_it_usd_per_unit() / std::pow(technology_step_, t) / kBillion;
    h.books.capex(Ledger::outside(Outside::suppliers), h.capex_other_it);
    h.chips.add(t, cost + h.capex_other_it, rules_.chip_life_quarters(), units, units * kw_new / 1000.0);
  }
}

void Hyperscalers::account(int t, const EnvironmentNow& env, const FinanceRules& finance) {
  const int suppliers = Ledger::outside(Outside::suppliers), customers = Ledger::outside(Outside::customers);
  for (auto& h : firms_) {
    const auto& s = *h.spec;
    const auto tq = static_cast<std::size_t>(t);
    const double legacy = s.legacy_revenue_usd_b_per_year() / 4.0 * std::pow(1.0 + s.legacy_growth_per_year(), t / 4.0);
    h.books.other_sale(customers, legacy);
    h.books.operating_expense(suppliers, legacy * (1.0 - s.legacy_cash_margin()));
    // Energy for the compute served, at the average power draw of the installed chips.
    const double kw = h.installed() > 0 ? h.chips.power_mw() * 1000.0 / h.installed() : 0.0;
    h.books.cost_of_sales(suppliers, h.served * kw / 1000.0 * kHoursPerQuarter * env.energy_price / kBillion);
    h.books.operating_expense(suppliers,
                              h.chips.power_mw() * operating_cost_per_mw_hour() * kHoursPerQuarter / kBillion);
    h.books.operating_expense(suppliers, s.own_silicon_design_usd_b_per_quarter());
    h.capex_datacentre = h.construction_spend[tq];
    h.books.capex(suppliers, h.capex_datacentre);
    h.shells.add(t, h.capex_datacentre, rules_.datacentre_life_quarters());
    h.books.subsidy(env.capex_subsidy_rate * h.capex());
    h.books.depreciate(h.chips.charge(t).depreciation + h.shells.charge(t).depreciation);
    h.ebitda.push(h.books.statements().ebitda());
    h.cash_costs = h.books.statements().cost_of_sales + h.books.statements().operating_expense;
    h.minsky = settle_quarter(h.books, finance, env, finance.cash_buffer_quarters() * h.cash_costs, h.ebitda.sum());
    h.capex_history.push_back(h.capex());
    h.demand_history.push_back(h.demand());

    // Next quarter's price: utilisation against the plan, the technology trend passed through. Scarcity
    // and overcapacity move it within a band around the trend price (the firm's opening price falling at
    // the pass-through rate), so a lasting glut compresses margins instead of compounding the price
    // towards zero; never below the marginal cost of a unit-hour (energy and operating cost).
    const double decline = 1.0 - rules_.price_technology_pass_through() * (1.0 - 1.0 / technology_step_);
    const double trend = s.initial_price_usd_per_unit_hour() * std::pow(decline, t + 1);
    const double marginal = kw / 1000.0 * (env.energy_price + operating_cost_per_mw_hour());
    const double adjusted =
        h.price * (1.0 + rules_.price_adjustment() * (h.utilisation - rules_.target_utilisation())) * decline;
    h.price =
        std::max(marginal, std::clamp(adjusted, rules_.price_band_low() * trend, rules_.price_band_high() * trend));
  }
}

void Hyperscalers::add_firms(std::vector<FirmView>& firms, const ChipVendors& vendors) const {
  for (std::size_t i = 0; i < firms_.size(); ++i) {
    const auto& h = firms_[i];
    firms.push_back({"hyperscaler", h.name(), &h.books, &h.minsky,
                     Listing{h.spec->shares_b(), h.spec->initial_share_price_usd(), h.spec->expected_growth_per_year()},
                     [this, i, &vendors](NamedRow& row) {
                       const auto& x = firms_[i];
                       row.set("capex_usd_b", x.capex());
                       row.set("capex_chips_usd_b", x.capex_chips);
                       row.set("capex_own_silicon_usd_b", x.capex_own_silicon);
                       row.set("capex_other_it_usd_b", x.capex_other_it);
                       row.set("capex_datacentre_usd_b", x.capex_datacentre);
                       row.set("capacity_units", x.usable_capacity);
                       row.set("utilisation", x.utilisation);
                       row.set("price_usd", x.price_charged);
                       row.set("backlog_units", vendors.backlog_of(i));
                       row.set("orders_units", x.orders);
                     }});
  }
}

}  // namespace megacycle
