#include "agents/chip_vendors.hpp"

#include <algorithm>
#include <cmath>

#include "engine/finite.hpp"

namespace megacycle {
namespace {

// Equipment bought before the start: capacity x expansion cost, bought evenly over the half-life
// before the start (so half of its life is left on average), depreciated straight-line.
double opening_equipment(Vintages& equipment, double capacity, const ChipVendorRules& rules) {
  const int life = rules.equipment_life_quarters(), age = std::max(1, life / 2);
  const double cost = capacity * rules.expansion_usd_per_unit_per_quarter() / kBillion;
  double book = 0;
  for (int a = 1; a <= age; ++a) {
    equipment.add(-a, cost / age, life);
    book += cost / age * (life - a + 1) / life;
  }
  return book;
}

}  // namespace

VendorState::VendorState(Ledger& ledger, const ChipVendor& s, const ChipVendorRules& rules, std::size_t buyers,
                         int horizon)
    : spec(&s),
      custom_asic(s.custom_asic()),
      merchant_share(s.custom_asic() ? 0.0 : s.merchant_share()),
      capacity(s.initial_capacity_units_per_quarter()),
      pipeline(static_cast<std::size_t>(horizon) + 1, 0.0),
      price(s.initial_price_usd_per_unit()),
      unit_cost0(s.unit_cost_usd()),
      other_demand0(s.other_demand_units_per_quarter()),
      other_growth(s.other_demand_growth_per_year()),
      opex0(s.operating_expense_usd_b_per_quarter()),
      capacity0(s.initial_capacity_units_per_quarter()),
      backlog(buyers, 0.0),
      books(ledger, s.name(), s.initial_cash_usd_b(), opening_equipment(equipment, capacity, rules),
            s.initial_debt_usd_b()),
      ebitda(s.initial_capacity_units_per_quarter() * (s.initial_price_usd_per_unit() - s.unit_cost_usd()) / kBillion -
             s.operating_expense_usd_b_per_quarter()) {
  // The trailing EBITDA starts at a year of selling the opening capacity at the opening price.
  backlog.back() = s.initial_other_backlog_units();
}

double VendorState::backlog_total() const {
  double total = 0;
  for (double b : backlog) total += b;
  return total;
}

ChipVendors::ChipVendors(const Scenario& scenario, Ledger& ledger, std::size_t hyperscalers, double technology_step)
    : rules_(scenario.chip_vendor_rules()),
      others_(hyperscalers),
      fill_rate_(hyperscalers + 1, 1.0),
      technology_step_(technology_step) {
  const int lead = rules_.capacity_lead_quarters();
  vendors_.reserve(static_cast<std::size_t>(scenario.chip_vendor_size()));
  for (const auto& spec : scenario.chip_vendor()) {
    auto& v = vendors_.emplace_back(ledger, spec, rules_, hyperscalers + 1, scenario.quarters() + lead);
    // Expansions already under way at the start: lead/4 years of growth arriving evenly over the lead time.
    const double growth =
        spec.initial_capacity_units_per_quarter() * (std::pow(1.0 + spec.pipeline_growth_per_year(), lead / 4.0) - 1.0);
    for (int q = 0; q < lead; ++q) v.pipeline[static_cast<std::size_t>(q)] = growth / lead;
  }
  asic_ = vendors_.size();
  for (std::size_t v = 0; v < vendors_.size(); ++v)
    if (vendors_[v].custom_asic) asic_ = v;
}

void ChipVendors::post(int t, const EnvironmentNow& env) {
  technology_ = env.technology;
  for (auto& v : vendors_) {
    v.books.open_quarter();
    v.capacity += v.pipeline[static_cast<std::size_t>(t)];
    v.sellable = v.capacity * env.technology * (1.0 - env.export_control_share);
    v.orders = v.cancellations = 0;
    // Non-hyperscaler buyers order their exogenous demand; they neither double-order nor cancel.
    const double other = v.other_demand0 * std::pow(1.0 + v.other_growth, t / 4.0);
    v.backlog[others_] += other;
    v.orders += other;
  }
}

void ChipVendors::order(std::size_t v, std::size_t buyer, double units) {
  vendors_[v].backlog[buyer] += units;
  vendors_[v].orders += units;
}

void ChipVendors::cancel(std::size_t v, std::size_t buyer, double units) {
  const double cancelled = std::min(units, vendors_[v].backlog[buyer]);
  vendors_[v].backlog[buyer] -= cancelled;
  vendors_[v].cancellations += cancelled;
}

void ChipVendors::place_orders(std::size_t buyer, double own_silicon_units, double merchant_units) {
  if (asic_ < vendors_.size()) order(asic_, buyer, own_silicon_units);
  double share = 0;
  for (const auto& v : vendors_) share += v.merchant_share;  // 0 for the custom-ASIC vendor
  if (share <= 0) return;
  for (std::size_t v = 0; v < vendors_.size(); ++v)
    if (v != asic_) order(v, buyer, merchant_units * (vendors_[v].merchant_share / share));
}

double ChipVendors::merchant_price() const {
  double share = 0, price = 0;
  for (const auto& v : vendors_) share += v.merchant_share, price += v.merchant_share * v.price;
  return share > 0 ? price / share : 0.0;
}

double ChipVendors::backlog_of(std::size_t buyer) const {
  double total = 0;
  for (const auto& v : vendors_) total += v.backlog[buyer];
  return total;
}

std::vector<std::vector<double>> ChipVendors::ship() {
  std::vector<std::vector<double>> delivered(vendors_.size(), std::vector<double>(others_ + 1, 0.0));
  std::vector<double> wanted(others_ + 1, 0.0), got(others_ + 1, 0.0);
  for (std::size_t vi = 0; vi < vendors_.size(); ++vi) {
    auto& v = vendors_[vi];
    const double backlog = v.backlog_total();
    // Pro-rata allocation when short: every buyer receives the same share of its backlog.
    const double fill = backlog > 0 ? std::min(1.0, v.sellable / backlog) : 1.0;
    v.shipped = 0;
    v.price_shipped = v.price;
    for (std::size_t b = 0; b <= others_; ++b) {
      const double units = v.backlog[b] * fill;
      wanted[b] += v.backlog[b];
      got[b] += units;
      v.backlog[b] -= units;
      delivered[vi][b] = units;
      v.shipped += units;
    }
    v.books.ai_sale(Ledger::outside(Outside::customers), delivered[vi][others_] * v.price / kBillion);
  }
  for (std::size_t b = 0; b <= others_; ++b) fill_rate_[b] = wanted[b] > 0 ? got[b] / wanted[b] : 1.0;
  return delivered;
}

void ChipVendors::account(int t, const EnvironmentNow& env, const FinanceRules& finance) {
  const int suppliers = Ledger::outside(Outside::suppliers);
  for (std::size_t vi = 0; vi < vendors_.size(); ++vi) {
    auto& v = vendors_[vi];
    v.cost_of_goods = v.shipped * unit_cost(vi) / kBillion;
    v.books.cost_of_sales(suppliers, v.cost_of_goods);
    // Operating expenses (R&D, sales) scale with production capacity.
    v.books.operating_expense(suppliers, v.opex0 * v.capacity / std::max(v.capacity0, 1.0));
    // Capacity expansion when the backlog stays long: ordered now, producing after the lead time.
    const double backlog = v.backlog_total();
    v.expansion_capex = 0;
    if (v.capacity > 0 && backlog > rules_.expansion_backlog_quarters() * v.capacity * technology_) {
      const double added = v.capacity * rules_.expansion_share();
      const auto arrival = static_cast<std::size_t>(t + rules_.capacity_lead_quarters());
      if (arrival < v.pipeline.size()) v.pipeline[arrival] += added;
      v.expansion_capex = added * rules_.expansion_usd_per_unit_per_quarter() / kBillion;
      v.books.capex(suppliers, v.expansion_capex);
      v.equipment.add(t, v.expansion_capex, rules_.equipment_life_quarters());
    }
    v.books.depreciate(v.equipment.charge(t).depreciation);
    v.revenue = v.books.statements().ai_revenue;
    v.ebitda.push(v.books.statements().ebitda());
    const double cash_target =
        finance.cash_buffer_quarters() * (v.books.statements().cost_of_sales + v.books.statements().operating_expense);
    v.minsky = settle_quarter(v.books, finance, env, cash_target, v.ebitda.sum());

    // Next quarter's price. Merchant vendors price on scarcity (backlog in quarters of capacity), with
    // the price-performance trend taken out; the custom-ASIC partner builds to its customers' designs at
    // cost plus its floor margin.
    const double next_cost = v.unit_cost0 / (technology_ * technology_step_);
    const double cap = next_cost * (1.0 + rules_.max_markup());
    const double scarcity = v.capacity > 0 ? backlog / (v.capacity * technology_) : rules_.target_backlog_quarters();
    // A merchant vendor in a glut ships less rather than price below its lowest gross margin.
    const double floor = next_cost / (1.0 - rules_.min_gross_margin());
    v.price =
        v.custom_asic
            ? next_cost * (1.0 + rules_.floor_margin())
            : std::clamp(v.price * (1.0 + rules_.price_adjustment() * (scarcity - rules_.target_backlog_quarters())) /
                             technology_step_,
                         std::min(floor, cap), cap);
  }
}

void ChipVendors::add_firms(std::vector<FirmView>& firms) const {
  for (std::size_t v = 0; v < vendors_.size(); ++v) {
    const auto& x = vendors_[v];
    firms.push_back({"chip_vendor", x.name(), &x.books, &x.minsky,
                     Listing{x.spec->shares_b(), x.spec->initial_share_price_usd(), x.spec->expected_growth_per_year()},
                     [this, v](NamedRow& row) {
                       const auto& y = vendors_[v];
                       row.set("capex_usd_b", y.expansion_capex);
                       row.set("capacity_units", capacity_units(v));
                       row.set("utilisation", ratio_or_zero(y.shipped, y.sellable));
                       row.set("price_usd", y.price_shipped);
                       row.set("backlog_units", y.backlog_total());
                       row.set("orders_units", y.orders);
                     }});
  }
}

}  // namespace megacycle
