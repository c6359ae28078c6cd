#pragma once
// Chip vendors and the chip market (docs/ODD.md, "Chip vendors", "Chip market"). Global agents:
// replicated on every rank and computed identically there. Buyers are the hyperscalers (0..H-1) and
// the non-hyperscaler buyers (index H), whose orders are exogenous.
#include <string>
#include <vector>

#include "agents/accounts.hpp"
#include "agents/environment.hpp"
#include "agents/finance.hpp"
#include "agents/firm.hpp"
#include "scenario.pb.h"

namespace megacycle {

struct VendorState {
  const ChipVendor* spec;
  bool custom_asic = false;
  double merchant_share = 0;
  double capacity = 0;           // units per quarter at the start's technology (physical capacity)
  std::vector<double> pipeline;  // capacity arriving, indexed by quarter
  double price = 0;              // USD per unit, posted for this quarter (set for the next one in account())
  double price_shipped = 0;      // the price this quarter's shipments were paid at
  double unit_cost0 = 0;         // USD per unit at the start
  double other_demand0 = 0, other_growth = 0, opex0 = 0, capacity0 = 0;
  std::vector<double> backlog;  // units per buyer (H hyperscalers + others)
  // This quarter
  double sellable = 0, shipped = 0, revenue = 0, cost_of_goods = 0, expansion_capex = 0, orders = 0, cancellations = 0;
  Vintages equipment;  // before books: the opening fixed assets are its book value
  Books books;
  Trailing4 ebitda;
  MinskyClass minsky = MinskyClass::hedge;

  VendorState(Ledger& ledger, const ChipVendor& spec, const ChipVendorRules& rules, std::size_t buyers, int horizon);
  const std::string& name() const { return spec->name(); }
  double backlog_total() const;
  double gross_margin() const { return revenue > 0 ? 1.0 - cost_of_goods / revenue : 0.0; }

  // Checkpoints: every member but the scenario's spec; its name too, which checks the order of the vendors.
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    std::string saved = name();
    ar(saved);
    if (saved != name())
      throw InputError("checkpoint: chip vendor \"" + saved + "\" where this run has \"" + name() + "\"");
    ar(custom_asic, merchant_share, capacity, pipeline, price, price_shipped, unit_cost0, other_demand0, other_growth,
       opex0, capacity0, backlog);
    ar(sellable, shipped, revenue, cost_of_goods, expansion_capex, orders, cancellations, equipment, books, ebitda,
       minsky);
  }
};

class ChipVendors {
 public:
  // technology_step: price-performance gain per quarter (EnvironmentPaths::technology_step()).
  ChipVendors(const Scenario& scenario, Ledger& ledger, std::size_t hyperscalers, double technology_step);

  // Market step 2: capacity arrives, sellable supply and this quarter's unit cost are set.
  void post(int quarter, const EnvironmentNow& env);
  // Orders (units) of buyer b at vendor v; a cancellation takes units out of the backlog (at most all).
  void order(std::size_t v, std::size_t buyer, double units);
  void cancel(std::size_t v, std::size_t buyer, double units);
  // A hyperscaler's order: own-silicon units to the custom-ASIC vendor (if any), the rest split among
  // merchant vendors by merchant_share.
  void place_orders(std::size_t buyer, double own_silicon_units, double merchant_units);
  // Merchant vendors' posted prices weighted by merchant_share (USD per unit).
  double merchant_price() const;
  // Market step 6: ships min(backlog, sellable) pro rata to the backlogs and returns the units each
  // buyer receives from each vendor ([v][b]). Hyperscalers pay through `pay_hyperscaler`; the others
  // pay from the outside sector here.
  std::vector<std::vector<double>> ship();
  // Market step 7: production costs, operating costs, capacity expansion, financing. Then prices for next
  // quarter from scarcity.
  void account(int quarter, const EnvironmentNow& env, const FinanceRules& finance);

  std::size_t size() const { return vendors_.size(); }
  VendorState& operator[](std::size_t v) { return vendors_[v]; }
  const VendorState& operator[](std::size_t v) const { return vendors_[v]; }
  // The custom-ASIC vendor's index, or size() when there is none.
  std::size_t asic() const { return asic_; }
  double unit_cost(std::size_t v) const { return vendors_[v].unit_cost0 / technology_; }
  // Production capacity this quarter in current H100-equivalent units (physical capacity x technology).
  double capacity_units(std::size_t v) const { return vendors_[v].capacity * technology_; }
  // Fill rate of buyer b last quarter: delivered / backlog before shipping (1 with no backlog).
  double fill_rate(std::size_t buyer) const { return fill_rate_[buyer]; }
  double backlog_of(std::size_t buyer) const;
  // The vendors, as views (agents/firm.hpp): listed, with expansion capex, capacity, price and backlog.
  void add_firms(std::vector<FirmView>& firms) const;

  // Checkpoints: the vendors, fill rates and technology level (the rest is the scenario's).
  template <class Archive>
  void serialize(Archive& ar, std::uint32_t) {
    serialize_in_place(ar, vendors_, "chip vendors");
    ar(fill_rate_, technology_);
  }

 private:
  const ChipVendorRules& rules_;
  std::vector<VendorState> vendors_;
  std::size_t asic_, others_;
  std::vector<double> fill_rate_;
  double technology_ = 1, technology_step_;
};

}  // namespace megacycle

CEREAL_CLASS_VERSION(megacycle::VendorState, 1);
CEREAL_CLASS_VERSION(megacycle::ChipVendors, 1);
