#include "agents/compute_and_chip_markets.hpp"

#include <algorithm>

namespace megacycle {

void clear_compute_market(int t, Hyperscalers& hyperscalers, AiLabs& labs,
                          const std::vector<double>& enterprise_demand) {
  for (std::size_t i = 0; i < hyperscalers.size(); ++i) {
    auto& h = hyperscalers[i];
    h.demand_enterprises = i < enterprise_demand.size() ? enterprise_demand[i] : 0.0;
    h.demand_internal = hyperscalers.internal_demand(i, t);
    h.demand_labs = 0;
    for (std::size_t l = 0; l < labs.size(); ++l)
      if (labs[l].provider == i) h.demand_labs += labs[l].contract_units;
    const double required = h.chips.power_mw();
    h.usable_capacity = h.installed() * (required > 0 ? std::min(1.0, h.powered_mw / required) : 1.0);
    const double demand = h.demand();
    h.served = std::min(demand, h.usable_capacity);
    h.served_share = demand > 0 ? h.served / demand : 1.0;
    h.utilisation = h.usable_capacity > 0 ? h.served / h.usable_capacity : 0.0;

    h.price_charged = h.price;
    const double per_unit = h.served_share * h.price * kHoursPerQuarter / kBillion;  // USD billion per unit demanded
    h.revenue_enterprises = h.demand_enterprises * per_unit;
    h.revenue_internal = h.demand_internal * per_unit;
    h.revenue_labs = 0;
    h.books.ai_sale(Ledger::outside(Outside::enterprises), h.revenue_enterprises);
    // Own products (search, ads, assistants) are valued at the firm's own compute price.
    h.books.ai_sale(Ledger::outside(Outside::customers), h.revenue_internal);
    for (std::size_t l = 0; l < labs.size(); ++l) {
      auto& lab = labs[l];
      if (lab.provider != i) continue;
      lab.contract_this_quarter = lab.contract_units;
      lab.served = lab.contract_units * h.served_share;
      lab.compute_cost = lab.contract_units * per_unit;
      Books::sell_compute(lab.books, h.books, lab.compute_cost);
      h.revenue_labs += lab.compute_cost;
    }
  }
}

void clear_chip_market(int t, ChipVendors& vendors, Hyperscalers& hyperscalers) {
  const auto delivered = vendors.ship();
  hyperscalers.install(t, delivered, vendors);
}

}  // namespace megacycle
